/** SqliteStore's read-side statements: trials and their results, plans, experiments, sweeps. */
import type { Db } from './db.ts';
import { sweepTags } from './sweeps.ts';
import type {
  ArtifactRecord,
  DoneTrialRef,
  ExperimentRef,
  FinishedTrial,
  FinishedTrialFilter,
  Part,
  PlanStatus,
  SweepInfo,
  ThroughputRow,
  TimingRow,
  TrialDetail,
  TrialResults,
  TrialSelector,
} from './types.ts';

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

/** Ids as one JSON parameter, read back with `json_each`: any number of ids in one statement. */
const idList = (ids: Iterable<number>) => JSON.stringify([...ids]);

/** The stored results of the given trials, by id (every id asked for has an entry). */
export function resultsOf(db: Db, ids: readonly number[]): Map<number, TrialResults> {
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
  if (ids.length === 0) return out;
  const list = idList(new Set(ids));
  const metrics = db
    .prepare(
      'SELECT trial_id, part, name, value, slice FROM metrics WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
    )
    .all(list) as { trial_id: number; part: Part; name: string; value: number | null; slice: string }[];
  for (const m of metrics) {
    const r = out.get(m.trial_id)!;
    if (m.slice === '') r.metrics[m.part][m.name] = m.value;
    else (r.slices[m.slice] ??= {})[m.name] = m.value;
  }
  const timings = db
    .prepare(
      `SELECT trial_id, stage, wall_ms AS wallMs, cpu_ms AS cpuMs, peak_rss_mb AS peakRssMb FROM timings
       WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    )
    .all(list) as (TimingRow & { trial_id: number })[];
  for (const { trial_id, ...t } of timings) out.get(trial_id)!.timings.push(t);
  const artifacts = db
    .prepare(
      `SELECT trial_id, kind, path, sha256 FROM artifacts WHERE trial_id IN (SELECT value FROM json_each(?))
       ORDER BY trial_id, kind, path`,
    )
    .all(list) as (ArtifactRecord & { trial_id: number })[];
  for (const { trial_id, ...a } of artifacts) out.get(trial_id)!.artifacts.push(a);
  const throughput = db
    .prepare('SELECT * FROM throughput WHERE trial_id IN (SELECT value FROM json_each(?))')
    .all(list) as {
    trial_id: number;
    rows: number;
    mean_ms: number;
    p99_ms: number;
    rme: number;
    samples: number;
    sequences_per_s: number | null;
  }[];
  for (const q of throughput) {
    out.get(q.trial_id)!.throughput = {
      rows: q.rows,
      meanMs: q.mean_ms,
      p99Ms: q.p99_ms,
      rme: q.rme,
      samples: q.samples,
      sequencesPerS: q.sequences_per_s ?? Number.POSITIVE_INFINITY,
    } satisfies ThroughputRow;
  }
  return out;
}

export function getTrial(db: Db, id: number): TrialDetail | null {
  const t = db
    .prepare(
      `SELECT t.id, t.status, t.variant, t.feature_set, t.seed, t.params_json, t.key, t.error, t.started_at, t.worker,
              t.finished_at, e.id AS e_id, e.name AS e_name, e.file AS e_file, s.id AS s_id,
              s.started_at AS s_started, s.git_sha, s.env_json, s.note, d.id AS d_id, d.hash AS d_hash, d.source,
              d.n_runs, d.n_sequences, d.n_events, sp.id AS sp_id, sp.seed AS sp_seed, sp.strategy,
              sp.manifest_hash
       FROM trials t JOIN sweeps s ON s.id = t.sweep_id JOIN experiments e ON e.id = s.experiment_id
       JOIN splits sp ON sp.id = t.split_id JOIN datasets d ON d.id = sp.dataset_id
       WHERE t.id = ?`,
    )
    .get(id) as TrialJoinRow | undefined;
  if (!t) return null;
  const r = resultsOf(db, [id]).get(id)!;
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
    worker: t.worker,
    experiment: { id: t.e_id, name: t.e_name, file: t.e_file },
    sweep: {
      id: t.s_id,
      startedAt: t.s_started,
      gitSha: t.git_sha,
      env: t.env_json ? JSON.parse(t.env_json) : null,
      note: t.note,
      tags: sweepTags(db, [t.s_id]).get(t.s_id)!,
    },
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
  };
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

export function findDoneTrials(db: Db, s: TrialSelector): DoneTrialRef[] {
  return db
    .prepare(
      `SELECT t.id, t.split_id AS splitId, t.seed, t.variant, t.feature_set AS featureSet,
              COALESCE(@experiment, e.name) AS experiment
       FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
       WHERE t.status = 'done' AND t.variant = @variant AND (@featureSet IS NULL OR t.feature_set = @featureSet)
         AND ${IN_PLAN_SQL}
       ORDER BY t.id DESC`,
    )
    .all({ variant: s.variant, featureSet: s.featureSet ?? null, ...inPlanParams(db, s.experiment) }) as DoneTrialRef[];
}

export function planStatus(db: Db, experiment: string): PlanStatus {
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  const rows = db
    .prepare(`SELECT t.status, COUNT(*) AS n FROM trials t WHERE ${IN_PLAN_SQL} GROUP BY t.status`)
    .all(inPlanParams(db, experiment)) as { status: keyof typeof counts; n: number }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export function splitRunCounts(db: Db, splitIds: readonly number[]): Map<number, Record<Part, number>> {
  const out = new Map<number, Record<Part, number>>();
  for (const id of splitIds) out.set(id, { train: 0, val: 0, test: 0 });
  if (splitIds.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT split_id, part, COUNT(*) AS n FROM split_members WHERE split_id IN (SELECT value FROM json_each(?))
       GROUP BY split_id, part`,
    )
    .all(idList(out.keys())) as { split_id: number; part: Part; n: number }[];
  for (const r of rows) out.get(r.split_id)![r.part] = r.n;
  return out;
}

export function experimentNames(db: Db): string[] {
  return (
    db
      .prepare('SELECT DISTINCT e.name FROM experiments e JOIN sweeps w ON w.experiment_id = e.id ORDER BY e.name')
      .all() as { name: string }[]
  ).map((x) => x.name);
}

export function latestExperimentConfigs(db: Db): Map<string, unknown> {
  const rows = db
    .prepare(
      `SELECT e.name, e.config_json FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
       WHERE w.id IN (SELECT MAX(w2.id) FROM sweeps w2 JOIN experiments e2 ON e2.id = w2.experiment_id GROUP BY e2.name)`,
    )
    .all() as { name: string; config_json: string }[];
  return new Map(rows.map((r) => [r.name, JSON.parse(r.config_json)]));
}

export function findExperiment(db: Db, name: string): ExperimentRef | null {
  return (
    (db.prepare('SELECT id, file FROM experiments WHERE name = ? ORDER BY id DESC LIMIT 1').get(name) as
      | ExperimentRef
      | undefined) ?? null
  );
}

export function latestExperiment(db: Db): string | null {
  const row = db
    .prepare('SELECT e.name FROM sweeps w JOIN experiments e ON e.id = w.experiment_id ORDER BY w.id DESC LIMIT 1')
    .get() as { name: string } | undefined;
  return row?.name ?? null;
}

export function latestSweep(db: Db, experiment: string): SweepInfo | null {
  const row = db
    .prepare(
      'SELECT id, started_at, env_json, note FROM sweeps WHERE experiment_id IN (SELECT id FROM experiments WHERE name = ?) ORDER BY id DESC LIMIT 1',
    )
    .get(experiment) as { id: number; started_at: string; env_json: string | null; note: string | null } | undefined;
  if (!row) return null;
  return {
    id: row.id,
    startedAt: row.started_at,
    env: row.env_json ? JSON.parse(row.env_json) : null,
    note: row.note,
    tags: sweepTags(db, [row.id]).get(row.id)!,
  };
}

export function finishedTrials(db: Db, filter: FinishedTrialFilter = {}): FinishedTrial[] {
  const experiment = filter.experiment ?? null;
  const all = db
    .prepare(
      `SELECT t.id, t.status, t.split_id AS splitId, sp.seed AS splitSeed, t.seed, t.variant, t.feature_set AS featureSet,
              e.id AS experimentId, e.name AS experiment, e.config_json AS config, sp.dataset_id AS datasetId
       FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id JOIN trials t ON t.id = x.trial_id
       JOIN splits sp ON sp.id = t.split_id
       WHERE t.status IN ('done', 'failed') AND (? IS NULL OR e.name = ?) ORDER BY t.id DESC`,
    )
    .all(experiment, experiment) as (Omit<FinishedTrial, keyof TrialResults | 'config'> & {
    experimentId: number;
    config: string;
    datasetId: number;
  })[];
  const datasetOf = new Map<string, number | null>();
  const rows = all.filter((r) => {
    if (!datasetOf.has(r.experiment)) datasetOf.set(r.experiment, experimentDataset(db, r.experiment));
    const dataset = datasetOf.get(r.experiment);
    return dataset == null || r.datasetId === dataset;
  });
  const results = resultsOf(
    db,
    rows.map((r) => r.id),
  );
  const configs = new Map<number, unknown>();
  return rows.map(({ experimentId, config, datasetId: _, ...r }) => {
    if (!configs.has(experimentId)) configs.set(experimentId, JSON.parse(config));
    return { ...r, config: configs.get(experimentId), ...results.get(r.id)! };
  });
}
