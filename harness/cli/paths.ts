/**
 * Where bench keeps its state: `BENCH_HOME` (default `.bench` in the working directory) holds
 * `bench.db`, `cache/`, `artifacts/`, `reports/` and `exports/`; `--db` moves only the database.
 */
import { join, resolve } from 'node:path';

export function benchHome(): string {
  return resolve(process.env.BENCH_HOME ?? '.bench');
}

export const dbPath = (flag?: string): string => (flag === undefined ? join(benchHome(), 'bench.db') : resolve(flag));
export const cacheDir = (): string => join(benchHome(), 'cache');
export const artifactsDir = (): string => join(benchHome(), 'artifacts');
export const reportsDir = (): string => join(benchHome(), 'reports');
export const exportsDir = (): string => join(benchHome(), 'exports');
