/**
 * `bench store pull`: a PostgreSQL store's sweeps copied into a new local SQLite file, ids and all,
 * so `bench report --db FILE`, `show` and `board` work offline on exactly what the server holds.
 * Read in one snapshot of the server, written in one SQLite transaction to a temporary file that
 * is renamed into place when complete: a pull that fails leaves no half-filled file.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BenchError, ensureDir } from '../errors/index.ts';
import { openDb } from './db.ts';
import type { PostgresStore } from './postgres.ts';
import { all, type Conn, maskUrl } from './postgres-db.ts';
import { TABLES_IN_ORDER } from './postgres-schema.ts';

export interface PullOptions {
  /** Only these sweeps (with what their views need, see `pullToSqlite`); none: the whole store. */
  sweeps: readonly number[];
  /** Replace a file already at the destination. @default false */
  force: boolean;
}

export interface PullResult {
  file: string;
  /** The sweeps copied (those asked for and those that computed trials of their plans), ascending. */
  sweeps: number[];
  /** Rows copied, by table. */
  rows: Record<(typeof TABLES_IN_ORDER)[number], number>;
}

type Row = Record<string, unknown>;

/** Which rows of each table a pull copies: null for every row. */
interface Selection {
  experiments: number[];
  sweeps: number[];
  datasets: number[];
  splits: number[];
  trials: number[];
}

/**
 * Copies the store into a new SQLite file at `file`. With `sweeps`, those sweeps and what their
 * views need: their experiments' plans (trials another sweep computed included, with that sweep
 * and its experiment row), the trials' results, splits with their members and audits, datasets.
 * Trial files are not copied: their rows name them by absolute path under the store's artifacts
 * folder, which the pulled file reads them from.
 */
export async function pullToSqlite(
  store: PostgresStore,
  file: string,
  options: Partial<PullOptions> = {},
): Promise<PullResult> {
  const target = resolve(file);
  if (existsSync(target) && !options.force) {
    throw new BenchError('usage', `${target} already exists: not overwritten`, {
      file: target,
      hint: 'pull into a new file, or add --force to replace it',
    });
  }
  const asked = [...new Set(options.sweeps ?? [])].sort((a, b) => a - b);
  const tables = await store.db.read(async (c) => {
    const selection = asked.length === 0 ? null : await select(c, asked, maskUrl(store.db.url));
    const out = new Map<string, Row[]>();
    for (const table of TABLES_IN_ORDER) out.set(table, await rowsOf(c, table, selection));
    return out;
  });
  for (const a of tables.get('artifacts')!) a.path = store.resolvedPath(String(a.path));

  ensureDir(dirname(target), 'folder of the pulled database', 'pass a writable path with --to');
  const temp = `${target}.pull-${process.pid}.tmp`;
  for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
  const rows = {} as PullResult['rows'];
  try {
    const db = openDb(temp);
    try {
      db.transaction(() => {
        for (const table of TABLES_IN_ORDER) {
          const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
          const insert = db.prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          );
          const list = tables.get(table)!;
          for (const r of list) insert.run(...columns.map((c) => r[c] ?? null));
          rows[table] = list.length;
        }
      }).immediate();
    } finally {
      db.close();
    }
    if (options.force) for (const f of [`${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
    renameSync(temp, target);
  } catch (err) {
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
    throw err;
  }
  const sweeps = tables.get('sweeps')!.map((s) => Number(s.id));
  return { file: target, sweeps, rows };
}

/** The rows of the asked sweeps' closure (see `pullToSqlite`); an unknown sweep id is a usage error. */
async function select(c: Conn, asked: readonly number[], where: string): Promise<Selection> {
  const ids = async (sql: string, params: unknown[]) =>
    (await all<{ id: number }>(c, sql, params)).map((r) => r.id).sort((a, b) => a - b);
  const known = await ids('SELECT id FROM sweeps WHERE id = ANY($1::int[])', [asked]);
  const unknown = asked.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new BenchError('usage', `sweep ${unknown.join(', ')} is not in ${where}`, {
      field: 'sweep',
      hint: 'the sweep ids are in `bench ls --store URL` (column sweep)',
    });
  }
  const planners = await ids('SELECT DISTINCT experiment_id AS id FROM sweeps WHERE id = ANY($1::int[])', [asked]);
  const trials = await ids(
    `SELECT id FROM trials WHERE sweep_id = ANY($1::int[])
     UNION SELECT trial_id AS id FROM experiment_trials WHERE experiment_id = ANY($2::int[])`,
    [asked, planners],
  );
  const sweeps = await ids(
    'SELECT id FROM sweeps WHERE id = ANY($1::int[]) UNION SELECT sweep_id AS id FROM trials WHERE id = ANY($2::int[])',
    [asked, trials],
  );
  const experiments = await ids('SELECT DISTINCT experiment_id AS id FROM sweeps WHERE id = ANY($1::int[])', [sweeps]);
  const splits = await ids('SELECT DISTINCT split_id AS id FROM trials WHERE id = ANY($1::int[])', [trials]);
  // The datasets the sweeps name (an experiment's views are on its newest sweep's) and the trials' splits are on.
  const datasets = await ids(
    `SELECT dataset_id AS id FROM splits WHERE id = ANY($1::int[])
     UNION SELECT d.id FROM datasets d JOIN sweeps w ON d.hash = (w.env_json::jsonb ->> 'datasetHash')
     WHERE w.id = ANY($2::int[])`,
    [splits, sweeps],
  );
  return { experiments, sweeps, datasets, splits, trials };
}

/** The condition and parameter that pick a table's rows of a selection. */
function filterOf(table: (typeof TABLES_IN_ORDER)[number], s: Selection): [string, unknown[]] {
  switch (table) {
    case 'experiments':
      return ['id = ANY($1::int[])', [s.experiments]];
    case 'sweeps':
      return ['id = ANY($1::int[])', [s.sweeps]];
    case 'sweep_tags':
      return ['sweep_id = ANY($1::int[])', [s.sweeps]];
    case 'datasets':
      return ['id = ANY($1::int[])', [s.datasets]];
    case 'splits':
      return ['id = ANY($1::int[])', [s.splits]];
    case 'split_members':
    case 'leakage_audits':
      return ['split_id = ANY($1::int[])', [s.splits]];
    case 'trials':
      return ['id = ANY($1::int[])', [s.trials]];
    case 'experiment_trials':
      return ['experiment_id = ANY($1::int[]) AND trial_id = ANY($2::int[])', [s.experiments, s.trials]];
    case 'metrics':
    case 'timings':
    case 'artifacts':
    case 'throughput':
      return ['trial_id = ANY($1::int[])', [s.trials]];
  }
}

/** A fixed order per table: the rows land in SQLite in it, so `rowid` order is the record's order. */
const ORDER: Record<(typeof TABLES_IN_ORDER)[number], string> = {
  experiments: 'id',
  sweeps: 'id',
  sweep_tags: 'sweep_id, key',
  datasets: 'id',
  splits: 'id',
  split_members: 'split_id, run',
  leakage_audits: 'split_id, feature_set',
  trials: 'id',
  experiment_trials: 'experiment_id, trial_id',
  metrics: 'trial_id, pos',
  timings: 'trial_id, pos',
  artifacts: 'trial_id, kind, path',
  throughput: 'trial_id',
};

async function rowsOf(c: Conn, table: (typeof TABLES_IN_ORDER)[number], s: Selection | null): Promise<Row[]> {
  const [where, params] = s === null ? ['TRUE', []] : filterOf(table, s);
  return all<Row>(c, `SELECT * FROM ${table} WHERE ${where} ORDER BY ${ORDER[table]}`, params);
}
