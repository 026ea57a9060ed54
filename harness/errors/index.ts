/**
 * The one error module: every user-facing failure is a BenchError whose message names the file
 * or field at fault and carries a hint. The CLI prints `error: <message>` (+ `hint: ...`) and exits
 * with `exitCode`.
 */

export { type DiskFullContext, diskFullCode, diskFullError } from './disk.ts';
export {
  assertUnreachable,
  BenchError,
  type BenchErrorDetails,
  configError,
  dataError,
  type ErrorKind,
  usageError,
} from './error.ts';
export { ensureDir } from './fs.ts';
export { closest } from './suggest.ts';
