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

/** Done trials matching a selector, newest first per split: one (the latest) per split. */
export function findDoneTrials(db: Db, s: TrialSelector) {
  return db
    .prepare(
      `SELECT t.id, t.split_id AS splitId, t.seed, t.variant, t.feature_set AS featureSet, e.name AS experiment
       FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
       WHERE t.status = 'done' AND t.variant = ? AND (? IS NULL OR t.feature_set = ?) AND (? IS NULL OR e.name = ?)
       ORDER BY t.id DESC`,
    )
    .all(s.variant, s.featureSet ?? null, s.featureSet ?? null, s.experiment ?? null, s.experiment ?? null) as {
    id: number;
    splitId: number;
    seed: number;
    variant: string;
    featureSet: string;
    experiment: string;
  }[];
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
