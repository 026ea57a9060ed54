/**
 * Where bench keeps its state: `BENCH_HOME` (default `.bench` in the working directory) holds
 * `bench.db`, `cache/`, `artifacts/`, `reports/` and `exports/`; `--db` moves only the database,
 * `--store URL` (or `BENCH_STORE`) puts the results in a PostgreSQL database instead.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { usageError } from '../errors/index.ts';
import { isPostgresUrl, urlWithoutPassword } from '../urls/index.ts';

export function benchHome(): string {
  return resolve(process.env.BENCH_HOME ?? '.bench');
}

export const dbPath = (flag?: string): string => (flag === undefined ? join(benchHome(), 'bench.db') : resolve(flag));
export const cacheDir = (): string => join(benchHome(), 'cache');
/**
 * Where the trials of the database at `db` keep their files: `artifacts/<trial id>/` for the default
 * database, `artifacts/db-<hash of its path>/<trial id>/` for any other (trial ids are per database,
 * so two databases sharing one BENCH_HOME must not share folders).
 */
export function artifactsDir(db: string = dbPath()): string {
  const root = join(benchHome(), 'artifacts');
  if (resolve(db) === dbPath()) return root;
  return join(root, `db-${createHash('sha256').update(resolve(db)).digest('hex').slice(0, 12)}`);
}
export const reportsDir = (): string => join(benchHome(), 'reports');
export const exportsDir = (): string => join(benchHome(), 'exports');

/** The store flags every command that reads or writes results takes (`STORE_FLAGS` in flags.ts). */
export interface StoreFlags {
  db?: string | undefined;
  store?: string | undefined;
  artifacts?: string | undefined;
}

/**
 * Where a command's results are: `--store URL` (a PostgreSQL database), `--db FILE` (a SQLite file),
 * else `BENCH_STORE` (a URL), else BENCH_HOME's `bench.db`. `--db` and `--store` together are a
 * usage error; `--db` wins over `BENCH_STORE` (a flag over the environment).
 */
export function storeTarget(flags: StoreFlags): string {
  if (flags.db !== undefined && flags.store !== undefined) {
    throw usageError('--db and --store both name where the results are: give one', {
      field: 'store',
      hint: '--db FILE for a SQLite file, --store postgres://… for a PostgreSQL database',
    });
  }
  if (flags.store !== undefined) return postgresUrl(flags.store, '--store');
  if (flags.db !== undefined) return dbPath(flags.db);
  const env = process.env.BENCH_STORE;
  if (env !== undefined && env !== '') return postgresUrl(env, 'BENCH_STORE');
  return dbPath();
}

function postgresUrl(value: string, where: string): string {
  if (isPostgresUrl(value)) return value;
  throw usageError(`${where} takes a postgres:// or postgresql:// URL`, {
    field: where === '--store' ? 'store' : 'BENCH_STORE',
    hint: 'e.g. postgres://user@host:5432/bench; a SQLite file goes in --db FILE',
  });
}

/**
 * Where the trials of a command's store keep their files: `--artifacts DIR` when given; for a
 * PostgreSQL store `artifacts/pg-<hash of its URL without the password>/`; for a SQLite file its
 * folder of `artifactsDir`.
 */
export function storeArtifactsDir(flags: StoreFlags): string {
  if (flags.artifacts !== undefined) return resolve(flags.artifacts);
  const target = storeTarget(flags);
  if (!isPostgresUrl(target)) return artifactsDir(target);
  const id = createHash('sha256').update(urlWithoutPassword(target)).digest('hex').slice(0, 12);
  return join(benchHome(), 'artifacts', `pg-${id}`);
}

/** How to open a command's store: the target, and the artifacts folder a PostgreSQL store stores paths under. */
export function storeOpening(flags: StoreFlags): { target: string; artifactsRoot: string } {
  return { target: storeTarget(flags), artifactsRoot: storeArtifactsDir(flags) };
}
