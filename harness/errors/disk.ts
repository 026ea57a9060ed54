/**
 * A write that found no room: the disk is full (ENOSPC), the user's quota is used up (EDQUOT), the
 * file outgrew the size limit (EFBIG), or SQLite says the same of its database (SQLITE_FULL). The
 * one place these become a user-facing error, wherever the write was: the synthetic generator, the
 * ingest cache, a trial's artifacts, the store.
 */
import { BenchError } from './error.ts';

/** The codes that mean "no room for this write", with what each says to a person. */
const NO_ROOM: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  SQLITE_FULL: 'database or disk is full',
};

/**
 * The no-room code of `err` (ENOSPC, EDQUOT, EFBIG, SQLITE_FULL), or null. Read from its `code`, or
 * from a message that starts with one: an error that crossed a worker thread keeps only its text.
 */
export function diskFullCode(err: unknown): string | null {
  if (err instanceof BenchError) return null;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in NO_ROOM) return code;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const m = /^(ENOSPC|EDQUOT|EFBIG):/.exec(message);
  if (m) return m[1] as string;
  return /\bdatabase or disk is full\b/.test(message) ? 'SQLITE_FULL' : null;
}

export interface DiskFullContext {
  /** What was being written, e.g. "synthetic tree", "artifacts of trial 12". */
  what?: string;
  /** The file or folder written to (the error's own path when it has one wins). */
  path?: string;
  /** What to do; the default says to free space or write elsewhere. */
  hint?: string;
}

/**
 * `err` as an `io` BenchError naming what was written and where, when it says there was no room;
 * null for any other error (the caller rethrows it as it is).
 */
export function diskFullError(err: unknown, context: DiskFullContext = {}): BenchError | null {
  const code = diskFullCode(err);
  if (code === null) return null;
  const own = (err as { path?: unknown } | null)?.path;
  const path = typeof own === 'string' ? own : context.path;
  const target = [context.what, path].filter((x) => x !== undefined).join(' ');
  const head = target === '' ? 'disk full' : `disk full: cannot write ${target}`;
  return new BenchError('io', `${head} (${code}: ${NO_ROOM[code]})`, {
    ...(path !== undefined && { file: path }),
    hint:
      context.hint ??
      'free space on that file system, or point BENCH_HOME (or --out / --db) at one with room, then run the command again',
  });
}
