/**
 * Opening the bench database: WAL, foreign keys, a busy timeout, schema migrations. The main
 * thread is the only writer; every write goes through `immediate` transactions.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BenchError } from '../errors/index.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

export type Db = Database.Database;

/** Opens (creating if needed) and migrates the database at `path` (`:memory:` for tests). */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new BenchError('io', `cannot open database ${path}: ${(err as Error).message}`, {
      file: path,
      hint: 'check the path and its permissions, or pass another one with --db / BENCH_HOME',
    });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new BenchError(
      'config',
      `database ${path} has schema version ${version}, newer than this bench (${SCHEMA_VERSION})`,
      {
        file: path,
        hint: 'update lo2-bench, or use another database with --db',
      },
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      // Another process opening the same new database may have migrated it meanwhile: re-read
      // the version under the write lock this immediate transaction holds.
      if ((db.pragma('user_version', { simple: true }) as number) > v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return db;
}
