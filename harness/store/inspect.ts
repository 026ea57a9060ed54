/**
 * What lies at a database path, told without changing it: nothing, an empty file, a bench database
 * (with its schema version), or something else (a folder, a text file, a corrupt or truncated SQLite
 * file, another program's SQLite database). It runs before anything switches a file to WAL or
 * migrates it, so a mistyped `--db` never turns someone's file into a bench database.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BenchError } from '../errors/index.ts';

export type DbFile =
  | { kind: 'missing' }
  /** Zero bytes, or an SQLite database with no table and user_version 0: nothing to lose, nothing to read. */
  | { kind: 'empty' }
  | { kind: 'bench'; version: number }
  /** Not a bench database; `reason` says what it is instead. */
  | { kind: 'foreign'; reason: string };

/** The tables every version of the bench schema has. */
const BENCH_TABLES = ['experiments', 'sweeps', 'trials'];

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Tells what the file at `path` is. Reads only; leaves nothing beside a file that is not a database of ours. */
export function inspectDbFile(path: string): DbFile {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { kind: 'foreign', reason: 'it is a folder' };
    if (st.size === 0) return { kind: 'empty' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw cannotOpen(path, err);
  }
  const problem = headerProblem(readHeader(path).head);
  if (problem !== null) return { kind: 'foreign', reason: problem };
  return inspectSchema(path);
}

/** The file's first 100 bytes (zeros past its end) and its size, read from one descriptor in that order. */
function readHeader(path: string): { head: Buffer; size: number } {
  const head = Buffer.alloc(100);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, head, 0, 100, 0);
    return { head, size: fstatSync(fd).size };
  } catch (err) {
    throw cannotOpen(path, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What is wrong with an SQLite header's fixed fields, or null: they never change in a sound file. */
function headerProblem(head: Buffer): string | null {
  if (!head.subarray(0, 16).equals(MAGIC)) return 'not an SQLite file';
  const pageSize = pageSizeOf(head);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return `a corrupt SQLite file (page size ${head.readUInt16BE(16)})`;
  }
  if (![1, 2].includes(head[18]!) || ![1, 2].includes(head[19]!) || head[21] !== 64 || head[22] !== 32) {
    return 'a corrupt SQLite file (its header is damaged)';
  }
  return null;
}

const pageSizeOf = (head: Buffer) => (head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16));

/**
 * Whether the file holds fewer bytes than its header counts pages. SQLite opens a truncated file
 * and fails only on the first query that reaches a missing page, so this is checked here. Called
 * inside a read transaction begun while the write-ahead log was empty: no checkpoint can then write
 * to the file, so header and size agree unless the file itself is short.
 */
function truncation(path: string): string | null {
  const { head, size } = readHeader(path);
  if (size < 100) return `a truncated SQLite file (${size} bytes, shorter than its header)`;
  const pageSize = pageSizeOf(head);
  const pages = head.readUInt32BE(28);
  const pageCountValid = head.readUInt32BE(24) === head.readUInt32BE(92);
  if (pageCountValid && pages > 0 && size < pages * pageSize) {
    return `a truncated SQLite file (its header counts ${pages} pages of ${pageSize} bytes, the file holds ${size} bytes)`;
  }
  if (size % pageSize !== 0) {
    return `a truncated SQLite file (${size} bytes is not a whole number of ${pageSize}-byte pages)`;
  }
  return null;
}

/** A write-ahead log holding more than its 32-byte header: pages newer than the file's. */
function walHasFrames(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 32;
  } catch {
    return false;
  }
}

/** Reads the schema through a read-only connection: the tables, the user_version, the file's size. */
function inspectSchema(path: string): DbFile {
  // A read-only connection to a file whose header says WAL still creates `-wal` and `-shm` beside
  // it: those it created are removed again when the file is someone else's. Never for an empty or
  // a bench database: another bench process creating it may be using them by now.
  const companions = [`${path}-wal`, `${path}-shm`].filter((f) => !existsSync(f));
  let result: DbFile | undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
    db.exec('BEGIN');
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const version = db.pragma('user_version', { simple: true }) as number;
    // With pages in the log, the file's size says nothing yet (they are not all in it).
    const truncated = walHasFrames(path) ? null : truncation(path);
    db.exec('COMMIT');
    result = truncated === null ? classify(tables, version) : { kind: 'foreign', reason: truncated };
    return result;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') return (result = { kind: 'foreign', reason: 'not an SQLite database' });
    if (code === 'SQLITE_CORRUPT') {
      // Already unreadable: whether it is also short only names the damage better.
      const truncated = walHasFrames(path) ? null : truncation(path);
      return (result = { kind: 'foreign', reason: truncated ?? `a corrupt SQLite file (${(err as Error).message})` });
    }
    throw cannotOpen(path, err);
  } finally {
    db?.close();
    if (result?.kind === 'foreign') for (const f of companions) rmSync(f, { force: true });
  }
}

function classify(tables: readonly string[], version: number): DbFile {
  if (tables.length === 0 && version === 0) return { kind: 'empty' };
  if (version > 0 && BENCH_TABLES.every((t) => tables.includes(t))) return { kind: 'bench', version };
  if (tables.length === 0) {
    return { kind: 'foreign', reason: `an SQLite database with user_version ${version} and no tables` };
  }
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  return {
    kind: 'foreign',
    reason: `an SQLite database of something else (user_version ${version}, tables ${shown})`,
  };
}

export function cannotOpen(path: string, err: unknown): BenchError {
  return new BenchError('io', `cannot open database ${path}: ${(err as Error).message}`, {
    file: path,
    hint: 'check the path and its permissions, or pass another one with --db / BENCH_HOME',
  });
}
