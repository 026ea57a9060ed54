/**
 * Where bench keeps its state: `BENCH_HOME` (default `.bench` in the working directory) holds
 * `bench.db`, `cache/`, `artifacts/`, `reports/` and `exports/`; `--db` moves only the database.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

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
