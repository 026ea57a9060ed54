/**
 * Opening the bench database: what lies at the path is inspected first (inspect.ts), then WAL,
 * foreign keys, a busy timeout, schema migrations. The main thread is the only writer; every write
 * goes through `immediate` transactions.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BenchError } from '../errors/index.ts';
import { cannotOpen, inspectDbFile } from './inspect.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** Create (and migrate) a database where there is none. Off: a missing or empty file is an error. @default true */
  create: boolean;
  /**
   * Open read-only: no WAL switch, no migration (an older schema is an error), every write fails.
   * Implies `create: false`. @default false
   */
  readonly: boolean;
}

const NO_DATABASE_HINT =
  'run `bench run <experiment.ts>` first (it creates the database), or check the path (--db, BENCH_HOME)';

/**
 * Opens the database at `path` (`:memory:` for tests), creating it if allowed and migrating it
 * unless read-only. Anything at `path` that is not a bench database is refused before it is
 * touched: no WAL file appears beside it and its bytes stay as they were.
 */
export function openDb(path: string, options: Partial<OpenDbOptions> = {}): Db {
  const readonly = options.readonly ?? false;
  const create = !readonly && (options.create ?? true);
  if (path === ':memory:') return prepare(new Database(path), path, false);
  const file = inspectDbFile(path);
  switch (file.kind) {
    case 'missing':
      if (!create) throw new BenchError('io', `no bench database at ${path}`, { file: path, hint: NO_DATABASE_HINT });
      mkdirSync(dirname(path), { recursive: true });
      break;
    case 'empty':
      if (!create) throw notBench(path, 'the file is empty');
      break;
    case 'foreign':
      throw notBench(path, file.reason);
    case 'bench':
      if (file.version > SCHEMA_VERSION) throw newerSchema(path, file.version);
      if (readonly && file.version < SCHEMA_VERSION) {
        throw new BenchError(
          'config',
          `database ${path} has schema version ${file.version}, older than this bench (${SCHEMA_VERSION}): read-only, it cannot be migrated`,
          {
            file: path,
            hint: 'open it once without readonly to migrate it (any bench command does, e.g. `bench ls --db PATH`)',
          },
        );
      }
      break;
  }
  let db: Db;
  try {
    db = new Database(path, { readonly, fileMustExist: !create });
  } catch (err) {
    throw cannotOpen(path, err);
  }
  return prepare(db, path, readonly);
}

function notBench(path: string, reason: string): BenchError {
  return new BenchError('io', `${path} is not a bench database: ${reason}`, {
    file: path,
    hint: 'the file was left untouched; point --db (or BENCH_HOME) at a bench database',
  });
}

function newerSchema(path: string, version: number): BenchError {
  return new BenchError(
    'config',
    `database ${path} has schema version ${version}, newer than this bench (${SCHEMA_VERSION})`,
    {
      file: path,
      hint: 'update lo2-bench, or use another database with --db',
    },
  );
}

/** The connection's settings, and the migrations a writable one still lacks. */
function prepare(db: Db, path: string, readonly: boolean): Db {
  db.pragma('busy_timeout = 10000');
  if (readonly) return db;
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    // Migrated by a newer bench between the inspection and this open.
    db.close();
    throw newerSchema(path, version);
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
