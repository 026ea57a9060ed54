/** Experiments, sweeps, trials, metrics and timings in SQLite (the main thread is the only writer). */
import { hostname } from 'node:os';
import type { Db } from './db.ts';
import { IN_PLAN_SQL, inPlanParams } from './queries.ts';

const now = () => new Date().toISOString();

/** The experiment's id, reusing the row of an identical (name, file, config). */
export function upsertExperiment(db: Db, e: { name: string; file: string; config: unknown }): number {
  const config = JSON.stringify(e.config);
  return db
    .transaction(() => {
      const row = db
        .prepare('SELECT id FROM experiments WHERE name = ? AND file = ? AND config_json = ?')
        .get(e.name, e.file, config) as { id: number } | undefined;
      if (row) return row.id;
      return Number(
        db
          .prepare('INSERT INTO experiments (name, file, created_at, config_json) VALUES (?, ?, ?, ?)')
          .run(e.name, e.file, now(), config).lastInsertRowid,
      );
    })
    .immediate();
}

export function startSweep(db: Db, experimentId: number, env: { gitSha: string | null; env: unknown }): number {
  return Number(
    db
      .prepare('INSERT INTO sweeps (experiment_id, started_at, status, git_sha, env_json) VALUES (?, ?, ?, ?, ?)')
      .run(experimentId, now(), 'running', env.gitSha, JSON.stringify(env.env)).lastInsertRowid,
  );
}

export function finishSweep(db: Db, sweepId: number, status: 'done' | 'failed' | 'interrupted'): void {
  db.prepare('UPDATE sweeps SET finished_at = ?, status = ? WHERE id = ?').run(now(), status, sweepId);
}

export interface TrialRow {
  id: number;
  status: 'pending' | 'running' | 'done' | 'failed';
}

/** This process as a trial owner: `host:pid`. */
export const THIS_OWNER = `${hostname()}:${process.pid}`;

/**
 * Whether the process that claimed a trial still lives. Only decidable on this host: a trial owned
 * by another machine counts as live (its process may be running there). A recycled pid counts as
 * live too, so at worst a dead process's trial waits for a later rerun, it is never run twice.
 */
export function ownerAlive(owner: string | null): boolean {
  if (!owner || owner === THIS_OWNER) return false;
  const at = owner.lastIndexOf(':');
  if (owner.slice(0, at) !== hostname()) return true;
  try {
    process.kill(Number(owner.slice(at + 1)), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The trial for `key`: a done trial is returned as is (resume; `retry.done` reruns it), and so is
 * one running in another live process (`busy`); a failed (with `retry.failed`), pending, or running
 * one left by a dead process is claimed by this process; otherwise a new row is inserted. Either
 * way the trial joins the plan of the sweep's experiment (`experiment_trials`): an experiment shows
 * every trial it planned, also those another experiment computed.
 */
export function claimTrial(
  db: Db,
  t: {
    sweepId: number;
    splitId: number;
    variant: string;
    featureSet: string;
    seed: number;
    params: unknown;
    key: string;
  },
  retry: { failed: boolean; done?: boolean },
): TrialRow & { resumed: boolean; busy?: string } {
  const plan = db.prepare(
    'INSERT OR IGNORE INTO experiment_trials (experiment_id, trial_id) SELECT experiment_id, ? FROM sweeps WHERE id = ?',
  );
  return db
    .transaction(() => {
      const claimed = claim();
      plan.run(claimed.id, t.sweepId);
      return claimed;
    })
    .immediate();

  function claim(): TrialRow & { resumed: boolean; busy?: string } {
    const row = db.prepare('SELECT id, status, owner FROM trials WHERE key = ?').get(t.key) as
      | (TrialRow & { owner: string | null })
      | undefined;
    if (row?.status === 'done' && !retry.done) return { id: row.id, status: row.status, resumed: true };
    if (row?.status === 'failed' && !retry.failed) return { id: row.id, status: row.status, resumed: true };
    if (row?.status === 'running' && ownerAlive(row.owner)) {
      return { id: row.id, status: row.status, resumed: true, busy: row.owner! };
    }
    if (row) {
      db.prepare(
        "UPDATE trials SET status = 'running', error = NULL, started_at = ?, sweep_id = ?, owner = ? WHERE id = ?",
      ).run(now(), t.sweepId, THIS_OWNER, row.id);
      return { id: row.id, status: 'running' as const, resumed: false };
    }
    const id = Number(
      db
        .prepare(
          `INSERT INTO trials (sweep_id, split_id, variant, feature_set, seed, params_json, key, status, started_at, owner)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run(t.sweepId, t.splitId, t.variant, t.featureSet, t.seed, JSON.stringify(t.params), t.key, now(), THIS_OWNER)
        .lastInsertRowid,
    );
    return { id, status: 'running' as const, resumed: false };
  }
}

export interface MetricRow {
  part: 'train' | 'val' | 'test';
  name: string;
  value: number;
  slice?: string;
}

export interface TimingRow {
  stage: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

export interface ThroughputRow {
  /** Sequences scored per call. */
  rows: number;
  meanMs: number;
  p99Ms: number;
  /** Relative margin of error of the mean, in %. */
  rme: number;
  samples: number;
  sequencesPerS: number;
}

export interface ArtifactRecord {
  kind: string;
  path: string;
  sha256: string;
}

/** What a finished trial leaves in the store. */
export interface TrialRecord {
  metrics: readonly MetricRow[];
  timings: readonly TimingRow[];
  artifacts: readonly ArtifactRecord[];
  throughput: ThroughputRow | null;
}

/** Records a finished trial's metrics, timings, artifacts and throughput and marks it done, all or nothing. */
export function completeTrial(db: Db, trialId: number, r: TrialRecord): void {
  const { metrics, timings } = r;
  db.transaction(() => {
    for (const table of ['metrics', 'timings', 'artifacts', 'throughput']) {
      db.prepare(`DELETE FROM ${table} WHERE trial_id = ?`).run(trialId);
    }
    const m = db.prepare('INSERT INTO metrics (trial_id, part, name, value, slice) VALUES (?, ?, ?, ?, ?)');
    // NaN (undefined metric) and ±Infinity (a "predict nothing" threshold) are stored as NULL.
    for (const r of metrics) m.run(trialId, r.part, r.name, Number.isFinite(r.value) ? r.value : null, r.slice ?? '');
    const t = db.prepare('INSERT INTO timings (trial_id, stage, wall_ms, cpu_ms, peak_rss_mb) VALUES (?, ?, ?, ?, ?)');
    for (const r of timings) t.run(trialId, r.stage, r.wallMs, r.cpuMs, r.peakRssMb);
    const a = db.prepare('INSERT INTO artifacts (trial_id, kind, path, sha256) VALUES (?, ?, ?, ?)');
    for (const x of r.artifacts) a.run(trialId, x.kind, x.path, x.sha256);
    const q = r.throughput;
    if (q) {
      db.prepare(
        'INSERT INTO throughput (trial_id, rows, mean_ms, p99_ms, rme, samples, sequences_per_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        trialId,
        q.rows,
        q.meanMs,
        q.p99Ms,
        q.rme,
        q.samples,
        Number.isFinite(q.sequencesPerS) ? q.sequencesPerS : null,
      );
    }
    db.prepare("UPDATE trials SET status = 'done', finished_at = ?, owner = NULL WHERE id = ?").run(now(), trialId);
  }).immediate();
}

export function failTrial(db: Db, trialId: number, error: string): void {
  db.prepare("UPDATE trials SET status = 'failed', error = ?, finished_at = ?, owner = NULL WHERE id = ?").run(
    error,
    now(),
    trialId,
  );
}

/**
 * Gives back the trials this process was running in a sweep (Ctrl-C): they become pending, and the
 * next `bench run` of the experiment claims them. Returns how many.
 */
export function releaseTrials(db: Db, sweepId: number): number {
  return db
    .prepare(
      "UPDATE trials SET status = 'pending', owner = NULL WHERE sweep_id = ? AND status = 'running' AND owner = ?",
    )
    .run(sweepId, THIS_OWNER).changes;
}

export interface TrialFilter {
  /** Only trials of this experiment's plan (by name, on its current dataset), whichever experiment computed them. */
  experiment?: string;
  status?: TrialRow['status'];
  variant?: string;
}

/**
 * Test-part headline metrics of the trials matching `filter`, for listings (oldest first). Each trial
 * once: `experiment` is the filter's experiment when one is given, else the one that computed it
 * (`computed_by`, the experiment of its sweep).
 */
export function listTrials(db: Db, filter: TrialFilter = {}) {
  const f = { experiment: null, status: null, variant: null, ...filter };
  return db
    .prepare(
      `SELECT t.id, t.sweep_id, COALESCE(@experiment, e.name) AS experiment, e.name AS computed_by, t.variant,
              t.feature_set, t.seed, t.status,
              MAX(CASE WHEN m.name = 'f1' THEN m.value END) AS f1,
              MAX(CASE WHEN m.name = 'auc_pr' THEN m.value END) AS auc_pr,
              MAX(CASE WHEN m.name = 'auc_roc' THEN m.value END) AS auc_roc
       FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
       LEFT JOIN metrics m ON m.trial_id = t.id AND m.part = 'test' AND m.slice = ''
       WHERE ${IN_PLAN_SQL} AND (@status IS NULL OR t.status = @status) AND (@variant IS NULL OR t.variant = @variant)
       GROUP BY t.id ORDER BY t.id`,
    )
    .all({ ...f, ...inPlanParams(db, f.experiment) }) as {
    id: number;
    sweep_id: number;
    experiment: string;
    computed_by: string;
    variant: string;
    feature_set: string;
    seed: number;
    status: string;
    f1: number | null;
    auc_pr: number | null;
    auc_roc: number | null;
  }[];
}
