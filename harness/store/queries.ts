/** Read-side queries behind `bench show`, `compare`, `export` and the reports. */
import type { Db } from './db.ts';
import type { ArtifactRecord, ThroughputRow, TimingRow } from './trials.ts';

type Part = 'train' | 'val' | 'test';

export interface TrialDetail {
  id: number;
  status: 'pending' | 'running' | 'done' | 'failed';
  variant: string;
  featureSet: string;
  seed: number;
  params: unknown;
  key: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  experiment: { id: number; name: string; file: string | null };
  sweep: { id: number; startedAt: string; gitSha: string | null; env: unknown };
  dataset: { id: number; hash: string; source: string; nRuns: number; nSequences: number; nEvents: number };
  split: { id: number; seed: number; strategy: string; manifestHash: string };
  /** Overall metrics per part (NULL in SQLite, i.e. undefined or infinite, reads as null). */
  metrics: Record<Part, Record<string, number | null>>;
  /** Test metrics per slice, e.g. `testCase=token_invalid` → { recall, precision, ... }. */
  slices: Record<string, Record<string, number | null>>;
  timings: TimingRow[];
  artifacts: ArtifactRecord[];
  throughput: ThroughputRow | null;
}

interface TrialJoinRow {
  id: number;
  status: string;
  variant: string;
  feature_set: string;
  seed: number;
  params_json: string;
  key: string;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  e_id: number;
  e_name: string;
  e_file: string | null;
  s_id: number;
  s_started: string;
  git_sha: string | null;
  env_json: string | null;
  d_id: number;
  d_hash: string;
  source: string;
  n_runs: number;
  n_sequences: number;
  n_events: number;
  sp_id: number;
  sp_seed: number;
  strategy: string;
  manifest_hash: string;
}

/** A trial with everything stored about it, or null when the id is unknown. */
export function getTrial(db: Db, id: number): TrialDetail | null {
  const t = db
    .prepare(
      `SELECT t.id, t.status, t.variant, t.feature_set, t.seed, t.params_json, t.key, t.error, t.started_at,
              t.finished_at, e.id AS e_id, e.name AS e_name, e.file AS e_file, s.id AS s_id,
              s.started_at AS s_started, s.git_sha, s.env_json, d.id AS d_id, d.hash AS d_hash, d.source,
              d.n_runs, d.n_sequences, d.n_events, sp.id AS sp_id, sp.seed AS sp_seed, sp.strategy,
              sp.manifest_hash
       FROM trials t JOIN sweeps s ON s.id = t.sweep_id JOIN experiments e ON e.id = s.experiment_id
       JOIN splits sp ON sp.id = t.split_id JOIN datasets d ON d.id = sp.dataset_id
       WHERE t.id = ?`,
    )
    .get(id) as TrialJoinRow | undefined;
  if (!t) return null;
  const metrics: TrialDetail['metrics'] = { train: {}, val: {}, test: {} };
  const slices: TrialDetail['slices'] = {};
  const rows = db.prepare('SELECT part, name, value, slice FROM metrics WHERE trial_id = ? ORDER BY rowid').all(id) as {
    part: Part;
    name: string;
    value: number | null;
    slice: string;
  }[];
  for (const m of rows) {
    if (m.slice === '') metrics[m.part][m.name] = m.value;
    else (slices[m.slice] ??= {})[m.name] = m.value;
  }
  const q = db.prepare('SELECT * FROM throughput WHERE trial_id = ?').get(id) as
    | { rows: number; mean_ms: number; p99_ms: number; rme: number; samples: number; sequences_per_s: number | null }
    | undefined;
  return {
    id: t.id,
    status: t.status as TrialDetail['status'],
    variant: t.variant,
    featureSet: t.feature_set,
    seed: t.seed,
    params: JSON.parse(t.params_json),
    key: t.key,
    error: t.error,
    startedAt: t.started_at,
    finishedAt: t.finished_at,
    experiment: { id: t.e_id, name: t.e_name, file: t.e_file },
    sweep: { id: t.s_id, startedAt: t.s_started, gitSha: t.git_sha, env: t.env_json ? JSON.parse(t.env_json) : null },
    dataset: {
      id: t.d_id,
      hash: t.d_hash,
      source: t.source,
      nRuns: t.n_runs,
      nSequences: t.n_sequences,
      nEvents: t.n_events,
    },
    split: { id: t.sp_id, seed: t.sp_seed, strategy: t.strategy, manifestHash: t.manifest_hash },
    metrics,
    slices,
    timings: db
      .prepare(
        'SELECT stage, wall_ms AS wallMs, cpu_ms AS cpuMs, peak_rss_mb AS peakRssMb FROM timings WHERE trial_id = ? ORDER BY rowid',
      )
      .all(id) as TimingRow[],
    artifacts: db
      .prepare('SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? ORDER BY kind, path')
      .all(id) as ArtifactRecord[],
    throughput: q
      ? {
          rows: q.rows,
          meanMs: q.mean_ms,
          p99Ms: q.p99_ms,
          rme: q.rme,
          samples: q.samples,
          sequencesPerS: q.sequences_per_s ?? Number.POSITIVE_INFINITY,
        }
      : null,
  };
}

export interface TrialSelector {
  variant: string;
  /** Omitted: any feature set (must then be unambiguous). */
  featureSet?: string;
  /** Experiment name; omitted: any. */
  experiment?: string;
}

/**
 * The dataset an experiment's views are on: that of its newest sweep (recorded in the sweep's
 * environment), else that of the newest trial of its plan; null when it has neither. When the data
 * or the code that ingests it changes, a rerun moves the experiment to the new dataset, and trials
 * of the old one (other keys) drop out of its rows instead of doubling its seeds.
 */
export function experimentDataset(db: Db, experiment: string): number | null {
  const bySweep = db
    .prepare(
      `SELECT d.id FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
       JOIN datasets d ON d.hash = json_extract(w.env_json, '$.datasetHash')
       WHERE e.name = ? ORDER BY w.id DESC LIMIT 1`,
    )
    .get(experiment) as { id: number } | undefined;
  if (bySweep) return bySweep.id;
  const byTrial = db
    .prepare(
      `SELECT sp.dataset_id AS id FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id
       JOIN trials t ON t.id = x.trial_id JOIN splits sp ON sp.id = t.split_id
       WHERE e.name = ? ORDER BY t.id DESC LIMIT 1`,
    )
    .get(experiment) as { id: number } | undefined;
  return byTrial?.id ?? null;
}

/**
 * SQL condition "trial `t` is in the plan of experiment @experiment on dataset @dataset" (true when
 * @experiment is NULL): the experiment's views share it.
 */
export const IN_PLAN_SQL = `(@experiment IS NULL OR t.id IN (
  SELECT x.trial_id FROM experiment_trials x JOIN experiments ex ON ex.id = x.experiment_id
  JOIN trials tp ON tp.id = x.trial_id JOIN splits sp ON sp.id = tp.split_id
  WHERE ex.name = @experiment AND (@dataset IS NULL OR sp.dataset_id = @dataset)))`;

/** Named parameters of `IN_PLAN_SQL`. */
export const inPlanParams = (db: Db, experiment: string | undefined | null) => ({
  experiment: experiment ?? null,
  dataset: experiment == null ? null : experimentDataset(db, experiment),
});

/**
 * Done trials matching a selector, newest first. With an experiment, the trials of its plan
 * (`experiment_trials`, on its current dataset), whichever experiment computed them; `experiment`
 * is then that name.
 */
export function findDoneTrials(db: Db, s: TrialSelector) {
  return db
    .prepare(
      `SELECT t.id, t.split_id AS splitId, t.seed, t.variant, t.feature_set AS featureSet,
              COALESCE(@experiment, e.name) AS experiment
       FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
       WHERE t.status = 'done' AND t.variant = @variant AND (@featureSet IS NULL OR t.feature_set = @featureSet)
         AND ${IN_PLAN_SQL}
       ORDER BY t.id DESC`,
    )
    .all({ variant: s.variant, featureSet: s.featureSet ?? null, ...inPlanParams(db, s.experiment) }) as {
    id: number;
    splitId: number;
    seed: number;
    variant: string;
    featureSet: string;
    experiment: string;
  }[];
}

/**
 * How the trials of an experiment's plan (by name) stand, by status: what an empty view of it
 * should suggest (run it, retry its failures, or wait for the process running it).
 */
export function planStatus(db: Db, experiment: string): Record<'pending' | 'running' | 'done' | 'failed', number> {
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  const rows = db
    .prepare(`SELECT t.status, COUNT(*) AS n FROM trials t WHERE ${IN_PLAN_SQL} GROUP BY t.status`)
    .all(inPlanParams(db, experiment)) as { status: keyof typeof counts; n: number }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Runs per part of a stored split (0 for a part it lacks). */
export function splitRunCounts(db: Db, splitId: number): Record<Part, number> {
  const counts = { train: 0, val: 0, test: 0 };
  const rows = db
    .prepare('SELECT part, COUNT(*) AS n FROM split_members WHERE split_id = ? GROUP BY part')
    .all(splitId) as { part: Part; n: number }[];
  for (const r of rows) counts[r.part] = r.n;
  return counts;
}

/** Names of the experiments that have at least one sweep, sorted. */
export function experimentNames(db: Db): string[] {
  return (
    db
      .prepare('SELECT DISTINCT e.name FROM experiments e JOIN sweeps w ON w.experiment_id = e.id ORDER BY e.name')
      .all() as { name: string }[]
  ).map((x) => x.name);
}

/**
 * The configuration (`config_json`) each experiment name was last run with: the experiment row of its
 * newest sweep. An experiment file edited and rerun has several rows under one name; this is the
 * one its current numbers belong to.
 */
export function latestExperimentConfigs(db: Db): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT e.name, e.config_json FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
       WHERE w.id IN (SELECT MAX(w2.id) FROM sweeps w2 JOIN experiments e2 ON e2.id = w2.experiment_id GROUP BY e2.name)`,
    )
    .all() as { name: string; config_json: string }[];
  return new Map(rows.map((r) => [r.name, r.config_json]));
}
