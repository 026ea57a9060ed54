/** Option parsing shared by the commands: usage errors that name the flag and point at --help. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from '../errors/index.ts';

/** parseArgs with our usage errors instead of Node's. */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T, command: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`${command}: ${(err as Error).message.split('\n')[0]}`, {
      hint: `run \`bench ${command} --help\` for the options`,
    });
  }
}

export function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${flag} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

/** A positive integer id given as a positional argument (trial ids). */
export function idArg(value: string | undefined, what: string, command: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) {
    throw usageError(`${command}: expected a ${what} id (a positive integer), got '${value ?? ''}'`, {
      hint: 'list them with `bench ls`',
    });
  }
  return n;
}
