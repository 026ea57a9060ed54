/**
 * PostgresStore's writes: experiments, sweeps and their notes and tags, datasets, splits, audits,
 * trial claims and results. Each is one transaction. Where SQLite serialises writers with its one
 * write lock, PostgreSQL lets them run side by side, so each write says what it must not race
 * with: a unique key and `ON CONFLICT`, a row lock (`FOR UPDATE`) on the trial it changes, or an
 * advisory lock where there is no row to lock yet (a new experiment row).
 */
import type { SplitManifest } from '../../splits/index.ts';
import { BenchError } from '../errors/index.ts';
import { type Conn, one, type PgDb, run } from './postgres-db.ts';
import { MIGRATION_LOCK } from './postgres-schema.ts';
import {
  artifactValues,
  datasetValues,
  keptClaim,
  metricValues,
  now,
  splitValues,
  sweepValues,
  throughputValues,
  timingValues,
  trialValues,
} from './rows.ts';
import { manifestMembers } from './split-check.ts';
import type {
  ClaimedTrial,
  ClaimRetry,
  DatasetRecord,
  ExperimentRecord,
  SweepAnnotation,
  SweepEnv,
  SweepStatus,
  TrialClaim,
  TrialRecord,
} from './types.ts';

/**
 * Rows' values (rows.ts tuples) as the column arrays an `INSERT … SELECT … FROM unnest(…)` binds:
 * one statement whatever the number of rows, `width` columns even when there are none.
 */
function columns(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));
}

/** Each row's position, for the `pos` column that keeps a trial's rows in the order they were given. */
const positions = (rows: readonly unknown[]) => rows.map((_, i) => i);

/** The second key of the advisory lock new experiment rows are made under (the first is the migration lock's). */
const EXPERIMENTS_LOCK = 1;

export async function upsertExperiment(db: PgDb, e: ExperimentRecord): Promise<number> {
  const config = JSON.stringify(e.config);
  return db.tx(async (c) => {
    // No unique key over (name, file, config): two processes starting the same experiment would
    // both insert a row without this lock.
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK, EXPERIMENTS_LOCK]);
    const row = await one<{ id: number }>(
      c,
      'SELECT id FROM experiments WHERE name = $1 AND file = $2 AND config_json = $3 ORDER BY id LIMIT 1',
      [e.name, e.file, config],
    );
    if (row) return row.id;
    const inserted = await one<{ id: number }>(
      c,
      'INSERT INTO experiments (name, file, created_at, config_json) VALUES ($1, $2, $3, $4) RETURNING id',
      [e.name, e.file, now(), config],
    );
    return inserted!.id;
  });
}

export async function startSweep(db: PgDb, experimentId: number, env: SweepEnv, owner: string): Promise<number> {
  return insertSweep(db.pool, experimentId, env, owner);
}

/** Inserts a `running` sweep; returns its id. */
export async function insertSweep(c: Conn, experimentId: number, env: SweepEnv, owner: string): Promise<number> {
  const row = await one<{ id: number }>(
    c,
    `INSERT INTO sweeps (experiment_id, started_at, status, git_sha, env_json, owner)
     VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id`,
    sweepValues(experimentId, env, owner),
  );
  return row!.id;
}

export async function finishSweep(
  db: PgDb,
  sweepId: number,
  status: Exclude<SweepStatus, 'running'>,
  error?: string,
): Promise<void> {
  await run(db.pool, 'UPDATE sweeps SET finished_at = $1, status = $2, error = $3 WHERE id = $4', [
    now(),
    status,
    error ?? null,
    sweepId,
  ]);
}

export async function annotateSweep(db: PgDb, sweepId: number, a: SweepAnnotation): Promise<void> {
  await db.tx(async (c) => {
    if (!(await one(c, 'SELECT 1 FROM sweeps WHERE id = $1 FOR UPDATE', [sweepId]))) {
      throw new BenchError('usage', `sweep ${sweepId} is not in the database`, { hint: 'list sweeps with `bench ls`' });
    }
    if (a.note !== undefined) await run(c, 'UPDATE sweeps SET note = $1 WHERE id = $2', [a.note, sweepId]);
    for (const [key, value] of Object.entries(a.tags ?? {})) {
      await run(
        c,
        `INSERT INTO sweep_tags (sweep_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (sweep_id, key) DO UPDATE SET value = EXCLUDED.value`,
        [sweepId, key, value],
      );
    }
  });
}

export async function upsertDataset(db: PgDb, d: DatasetRecord): Promise<number> {
  return db.tx(async (c) => {
    const inserted = await one<{ id: number }>(
      c,
      `INSERT INTO datasets (hash, source, n_runs, n_sequences, n_events, options_json) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (hash) DO NOTHING RETURNING id`,
      datasetValues(d),
    );
    if (inserted) return inserted.id;
    return (await one<{ id: number }>(c, 'SELECT id FROM datasets WHERE hash = $1', [d.hash]))!.id;
  });
}

export async function saveSplit(db: PgDb, datasetId: number, m: SplitManifest): Promise<number> {
  const members = await manifestMembers(m);
  return db.tx(async (c) => {
    const inserted = await one<{ id: number }>(
      c,
      `INSERT INTO splits (dataset_id, seed, strategy, manifest_hash, manifest_json) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (dataset_id, manifest_hash) DO NOTHING RETURNING id`,
      splitValues(datasetId, m),
    );
    if (!inserted) {
      return (await one<{ id: number }>(c, 'SELECT id FROM splits WHERE dataset_id = $1 AND manifest_hash = $2', [
        datasetId,
        m.hash,
      ]))!.id;
    }
    const runs = members.map((r) => r.run);
    const parts = members.map((r) => r.part);
    await run(c, 'INSERT INTO split_members (split_id, run, part) SELECT $1, * FROM unnest($2::text[], $3::text[])', [
      inserted.id,
      runs,
      parts,
    ]);
    return inserted.id;
  });
}

export async function saveAudit(db: PgDb, splitId: number, featureSet: string, audit: unknown): Promise<void> {
  await run(
    db.pool,
    `INSERT INTO leakage_audits (split_id, feature_set, audit_json) VALUES ($1, $2, $3)
     ON CONFLICT (split_id, feature_set) DO UPDATE SET audit_json = EXCLUDED.audit_json`,
    [splitId, featureSet, JSON.stringify(audit)],
  );
}

type TrialRow = { id: number; status: ClaimedTrial['status']; owner: string | null };

/**
 * Claims the trial of `t.key` for `owner` (see Store.claimTrial). The trial's row is locked for the
 * transaction (`FOR UPDATE`): a second claimer of the same key, on any machine, waits until the
 * first commits and then sees its claim, so it reports the trial busy instead of running it too. A
 * key nobody has stored yet is inserted with `ON CONFLICT DO NOTHING`: of two inserting at once,
 * the later one waits, inserts nothing, and reads the winner's row.
 */
export async function claimTrial(db: PgDb, t: TrialClaim, retry: ClaimRetry, owner: string): Promise<ClaimedTrial> {
  return db.tx(async (c) => {
    const claimed = await claim(c);
    await run(
      c,
      `INSERT INTO experiment_trials (experiment_id, trial_id) SELECT experiment_id, $1 FROM sweeps WHERE id = $2
       ON CONFLICT DO NOTHING`,
      [claimed.id, t.sweepId],
    );
    return claimed;
  });

  async function claim(c: Conn): Promise<ClaimedTrial> {
    const locked = () => one<TrialRow>(c, 'SELECT id, status, owner FROM trials WHERE key = $1 FOR UPDATE', [t.key]);
    let row = await locked();
    if (!row) {
      const inserted = await one<{ id: number }>(
        c,
        `INSERT INTO trials (sweep_id, split_id, variant, feature_set, seed, params_json, key, status, started_at, owner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9) ON CONFLICT (key) DO NOTHING RETURNING id`,
        trialValues(t, owner),
      );
      if (inserted) return { id: inserted.id, status: 'running', resumed: false };
      row = await locked();
      if (!row) throw new Error(`trial ${t.key}: inserted by another process and gone again`);
    }
    const kept = keptClaim(row, retry, owner);
    if (kept) return kept;
    await run(
      c,
      "UPDATE trials SET status = 'running', error = NULL, started_at = $1, sweep_id = $2, owner = $3 WHERE id = $4",
      [now(), t.sweepId, owner, row.id],
    );
    return { id: row.id, status: 'running', resumed: false };
  }
}

/**
 * Records a finished trial's rows run by `worker` and marks it done, all or nothing (see
 * Store.completeTrial); `also` runs in the same transaction (a queue job's completion). A trial done
 * already (a late duplicate) or unknown gets nothing but `also`, and false is returned.
 */
export async function completeTrial(
  db: PgDb,
  trialId: number,
  r: TrialRecord,
  worker: string,
  also?: (c: Conn) => Promise<void>,
): Promise<boolean> {
  return db.tx(async (c) => {
    // Two completions of one trial (a retried job racing a late result) take turns on its row; the
    // second sees it done and writes nothing.
    const row = await one<{ status: string }>(c, 'SELECT status FROM trials WHERE id = $1 FOR UPDATE', [trialId]);
    if (row === undefined || row.status === 'done') {
      await also?.(c);
      return false;
    }
    for (const table of ['metrics', 'timings', 'artifacts', 'throughput']) {
      await c.query(`DELETE FROM ${table} WHERE trial_id = $1`, [trialId]);
    }
    await c.query(
      `INSERT INTO metrics (trial_id, part, name, value, slice, pos)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::int[])`,
      [trialId, ...columns(r.metrics.map(metricValues), 4), positions(r.metrics)],
    );
    await c.query(
      `INSERT INTO timings (trial_id, stage, wall_ms, cpu_ms, peak_rss_mb, pos)
       SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::int[])`,
      [trialId, ...columns(r.timings.map(timingValues), 4), positions(r.timings)],
    );
    await c.query(
      'INSERT INTO artifacts (trial_id, kind, path, sha256) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])',
      [trialId, ...columns(r.artifacts.map(artifactValues), 3)],
    );
    if (r.throughput) {
      await c.query(
        `INSERT INTO throughput (trial_id, rows, mean_ms, p99_ms, rme, samples, sequences_per_s)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [trialId, ...throughputValues(r.throughput)],
      );
    }
    await c.query("UPDATE trials SET status = 'done', finished_at = $1, owner = NULL, worker = $2 WHERE id = $3", [
      now(),
      worker,
      trialId,
    ]);
    await also?.(c);
    return true;
  });
}

/** Marks a trial failed by `worker`, unless it is done already (a late failure of a duplicate attempt). */
export async function failTrial(db: PgDb, trialId: number, error: string, worker: string): Promise<void> {
  await run(
    db.pool,
    `UPDATE trials SET status = 'failed', error = $1, finished_at = $2, owner = NULL, worker = $3
     WHERE id = $4 AND status <> 'done'`,
    [error, now(), worker, trialId],
  );
}

/** Gives back the trials `owner` was running in a sweep (see Store.releaseTrials). */
export async function releaseTrials(db: PgDb, sweepId: number, owner: string): Promise<number> {
  return run(
    db.pool,
    "UPDATE trials SET status = 'pending', owner = NULL WHERE sweep_id = $1 AND status = 'running' AND owner = $2",
    [sweepId, owner],
  );
}
