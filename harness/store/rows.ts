/**
 * The row mapping both stores share: database rows → the records of types.ts, and records → the
 * values their statements bind. The SQL stays with each dialect (queries.ts, trials.ts, sweeps.ts,
 * splits.ts for SQLite; postgres-queries.ts, postgres-trials.ts for PostgreSQL); both select the
 * same columns under the same names and bind the same values in the same order, so what a row
 * means is written once.
 */
import type { LeakageAudit, SplitManifest } from '../../splits/index.ts';
import { ownerAlive } from './owner.ts';
import type {
  ArtifactRecord,
  ClaimedTrial,
  ClaimRetry,
  DatasetRecord,
  FinishedTrial,
  MetricRow,
  Part,
  PlanStatus,
  SplitLeak,
  StoredAudit,
  SweepEnv,
  SweepInfo,
  SweepStatus,
  SweepTags,
  ThroughputRow,
  TimingRow,
  TrialClaim,
  TrialDetail,
  TrialResults,
  TrialStatus,
} from './types.ts';

/** A timestamp as stored: ISO 8601 in UTC, so text order is time order in both databases. */
export const now = (): string => new Date().toISOString();

/** Ids for a statement's id-list parameter: each once, in first-seen order. */
export const uniqueIds = (ids: Iterable<number>): number[] => [...new Set(ids)];

const parsedOrNull = (json: string | null): unknown => (json ? JSON.parse(json) : null);

/**
 * NaN (an undefined metric) and ±Infinity (a "predict nothing" threshold) are stored as NULL, in
 * both databases: PostgreSQL's float8 would keep them, SQLite would not, and both must read back the same.
 */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

// Sweeps and their tags.

export interface SweepDbRow {
  id: number;
  started_at: string;
  status: SweepStatus;
  error: string | null;
  env_json: string | null;
  note: string | null;
}

export interface TagDbRow {
  sweep_id: number;
  key: string;
  value: string;
}

/** A new sweep's values: experiment_id, started_at, git_sha, env_json, owner (the statement sets its status `running`). */
export const sweepValues = (experimentId: number, env: SweepEnv, owner: string) =>
  [experimentId, now(), env.gitSha, JSON.stringify(env.env), owner] as const;

export const sweepInfo = (row: SweepDbRow, tags: SweepTags): SweepInfo => ({
  id: row.id,
  startedAt: row.started_at,
  status: row.status,
  error: row.error,
  env: parsedOrNull(row.env_json),
  note: row.note,
  tags,
});

/** The tags of `sweepIds` (unique) by sweep id, from their rows in (sweep_id, key) order: every id has an entry. */
export function tagsBySweep(sweepIds: readonly number[], rows: readonly TagDbRow[]): Map<number, SweepTags> {
  const out = new Map<number, SweepTags>(sweepIds.map((id) => [id, {}]));
  for (const r of rows) out.get(r.sweep_id)![r.key] = r.value;
  return out;
}

/** Listing rows with their sweep's tags. */
export const withTags = <R extends { sweep_id: number }>(rows: readonly R[], tagsOf: Map<number, SweepTags>) =>
  rows.map((r) => ({ ...r, tags: tagsOf.get(r.sweep_id)! }));

/** Each experiment name's configuration, from (name, config_json) rows. */
export const configsByName = (rows: readonly { name: string; config_json: string }[]): Map<string, unknown> =>
  new Map(rows.map((r) => [r.name, JSON.parse(r.config_json)]));

// Datasets, splits and audits.

/** A dataset's values: hash, source, n_runs, n_sequences, n_events, options_json. */
export const datasetValues = (d: DatasetRecord) =>
  [d.hash, d.source, d.nRuns, d.nSequences, d.nEvents, JSON.stringify(d.options)] as const;

/** A split's values: dataset_id, seed, strategy, manifest_hash, manifest_json. */
export const splitValues = (datasetId: number, m: SplitManifest) =>
  [datasetId, m.seed, m.strategy, m.hash, JSON.stringify(m)] as const;

/** Members per part of each split in `splitIds`, from (split_id, part, n) rows: every id has an entry. */
export function runCountsBySplit(
  splitIds: readonly number[],
  rows: readonly { split_id: number; part: Part; n: number }[],
): Map<number, Record<Part, number>> {
  const out = new Map<number, Record<Part, number>>();
  for (const id of splitIds) out.set(id, { train: 0, val: 0, test: 0 });
  for (const r of rows) out.get(r.split_id)![r.part] = r.n;
  return out;
}

export const splitLeak = (r: { split_id: number; run: string; parts: number }): SplitLeak => ({
  splitId: r.split_id,
  run: r.run,
  parts: r.parts,
});

export const storedAudit = (r: { split_id: number; feature_set: string; audit_json: string }): StoredAudit => ({
  splitId: r.split_id,
  featureSet: r.feature_set,
  audit: JSON.parse(r.audit_json) as LeakageAudit,
});

// Trial claims.

/**
 * A new trial's values: sweep_id, split_id, variant, feature_set, seed, params_json, key, started_at,
 * owner (the statement sets its status `running`).
 */
export const trialValues = (t: TrialClaim, owner: string) =>
  [t.sweepId, t.splitId, t.variant, t.featureSet, t.seed, JSON.stringify(t.params), t.key, now(), owner] as const;

/**
 * What a claim of a stored trial returns without taking it (see Store.claimTrial): done or failed
 * and not to be retried, or running for a live owner other than `owner`. Null: `owner` takes it.
 */
export function keptClaim(
  row: { id: number; status: ClaimedTrial['status']; owner: string | null },
  retry: ClaimRetry,
  owner: string,
): ClaimedTrial | null {
  if (row.status === 'done' && !retry.done) return { id: row.id, status: row.status, resumed: true };
  if (row.status === 'failed' && !retry.failed) return { id: row.id, status: row.status, resumed: true };
  if (row.status === 'running' && !retry.running && ownerAlive(row.owner, owner)) {
    return { id: row.id, status: row.status, resumed: true, busy: row.owner! };
  }
  return null;
}

// A trial's results.

/** A metric's values: part, name, value (non-finite as NULL), slice ('' for the whole part). */
export const metricValues = (m: MetricRow) => [m.part, m.name, finite(m.value), m.slice ?? ''] as const;

/** A timing's values: stage, wall_ms, cpu_ms, peak_rss_mb. */
export const timingValues = (t: TimingRow) => [t.stage, t.wallMs, t.cpuMs, t.peakRssMb] as const;

/** An artifact's values: kind, path, sha256. */
export const artifactValues = (a: ArtifactRecord) => [a.kind, a.path, a.sha256] as const;

/** Throughput's values: rows, mean_ms, p99_ms, rme, samples, sequences_per_s (infinite as NULL). */
export const throughputValues = (q: ThroughputRow) =>
  [q.rows, q.meanMs, q.p99Ms, q.rme, q.samples, finite(q.sequencesPerS)] as const;

export interface MetricDbRow {
  trial_id: number;
  part: Part;
  name: string;
  value: number | null;
  slice: string;
}

export type TimingDbRow = TimingRow & { trial_id: number };

export type ArtifactDbRow = ArtifactRecord & { trial_id: number };

export interface ThroughputDbRow {
  trial_id: number;
  rows: number;
  mean_ms: number;
  p99_ms: number;
  rme: number;
  samples: number;
  sequences_per_s: number | null;
}

/** The result rows of some trials, each kind in its stored order. */
export interface ResultRows {
  metrics: readonly MetricDbRow[];
  timings: readonly TimingDbRow[];
  artifacts: readonly ArtifactDbRow[];
  throughput: readonly ThroughputDbRow[];
}

/** The results of the trials `ids` from their rows, by id: every id has an entry, empty when it has no rows. */
export function resultsByTrial(ids: readonly number[], rows: ResultRows): Map<number, TrialResults> {
  const out = new Map<number, TrialResults>();
  for (const id of ids) {
    out.set(id, {
      metrics: { train: {}, val: {}, test: {} },
      slices: {},
      timings: [],
      artifacts: [],
      throughput: null,
    });
  }
  for (const m of rows.metrics) {
    const r = out.get(m.trial_id)!;
    if (m.slice === '') r.metrics[m.part][m.name] = m.value;
    else (r.slices[m.slice] ??= {})[m.name] = m.value;
  }
  for (const { trial_id, ...t } of rows.timings) out.get(trial_id)!.timings.push(t);
  for (const { trial_id, ...a } of rows.artifacts) out.get(trial_id)!.artifacts.push(a);
  for (const q of rows.throughput) out.get(q.trial_id)!.throughput = throughputRow(q);
  return out;
}

const throughputRow = (q: ThroughputDbRow): ThroughputRow => ({
  rows: q.rows,
  meanMs: q.mean_ms,
  p99Ms: q.p99_ms,
  rme: q.rme,
  samples: q.samples,
  sequencesPerS: q.sequences_per_s ?? Number.POSITIVE_INFINITY,
});

// Trials as read.

/** A trial joined with its sweep, experiment, split and dataset (`getTrial`'s select list). */
export interface TrialJoinRow {
  id: number;
  status: TrialStatus;
  variant: string;
  feature_set: string;
  seed: number;
  params_json: string;
  key: string;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  worker: string | null;
  e_id: number;
  e_name: string;
  e_file: string | null;
  s_id: number;
  s_started: string;
  git_sha: string | null;
  env_json: string | null;
  note: string | null;
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

/**
 * The select list and joins a `TrialJoinRow` is read with, the same in both dialects; each adds
 * its own `WHERE t.id = …`.
 */
export const TRIAL_JOIN_SQL = `SELECT t.id, t.status, t.variant, t.feature_set, t.seed, t.params_json, t.key, t.error,
       t.started_at, t.worker, t.finished_at, e.id AS e_id, e.name AS e_name, e.file AS e_file, s.id AS s_id,
       s.started_at AS s_started, s.git_sha, s.env_json, s.note, d.id AS d_id, d.hash AS d_hash, d.source,
       d.n_runs, d.n_sequences, d.n_events, sp.id AS sp_id, sp.seed AS sp_seed, sp.strategy, sp.manifest_hash
FROM trials t JOIN sweeps s ON s.id = t.sweep_id JOIN experiments e ON e.id = s.experiment_id
JOIN splits sp ON sp.id = t.split_id JOIN datasets d ON d.id = sp.dataset_id`;

export const trialDetail = (t: TrialJoinRow, r: TrialResults, tags: SweepTags): TrialDetail => ({
  id: t.id,
  status: t.status,
  variant: t.variant,
  featureSet: t.feature_set,
  seed: t.seed,
  params: JSON.parse(t.params_json),
  key: t.key,
  error: t.error,
  startedAt: t.started_at,
  finishedAt: t.finished_at,
  worker: t.worker,
  experiment: { id: t.e_id, name: t.e_name, file: t.e_file },
  sweep: { id: t.s_id, startedAt: t.s_started, gitSha: t.git_sha, env: parsedOrNull(t.env_json), note: t.note, tags },
  dataset: {
    id: t.d_id,
    hash: t.d_hash,
    source: t.source,
    nRuns: t.n_runs,
    nSequences: t.n_sequences,
    nEvents: t.n_events,
  },
  split: { id: t.sp_id, seed: t.sp_seed, strategy: t.strategy, manifestHash: t.manifest_hash },
  metrics: r.metrics,
  slices: r.slices,
  timings: r.timings,
  artifacts: r.artifacts,
  throughput: r.throughput,
});

/** Trials per status of a plan, from (status, n) rows: every status has a count. */
export function planCounts(rows: readonly { status: TrialStatus; n: number }[]): PlanStatus {
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** A finished trial as `finishedTrials` selects it: its experiment's id, config JSON and dataset too. */
export type FinishedDbRow = Omit<FinishedTrial, keyof TrialResults | 'config'> & {
  experimentId: number;
  config: string;
  datasetId: number;
};

/** The experiments of `rows`, each once, in the order they first appear. */
export const experimentsOf = (rows: readonly FinishedDbRow[]): string[] => [...new Set(rows.map((r) => r.experiment))];

/**
 * The rows on their experiment's current dataset (see queries.ts `experimentDataset`); an
 * experiment with none (null) keeps all of its rows.
 */
export const onExperimentDataset = (rows: readonly FinishedDbRow[], datasetOf: Map<string, number | null>) =>
  rows.filter((r) => {
    const dataset = datasetOf.get(r.experiment);
    return dataset == null || r.datasetId === dataset;
  });

/** Finished trials with their results; each experiment row's config is parsed once and shared. */
export function finishedTrials(rows: readonly FinishedDbRow[], results: Map<number, TrialResults>): FinishedTrial[] {
  const configs = new Map<number, unknown>();
  return rows.map(({ experimentId, config, datasetId: _, ...r }) => {
    if (!configs.has(experimentId)) configs.set(experimentId, JSON.parse(config));
    return { ...r, config: configs.get(experimentId), ...results.get(r.id)! };
  });
}
