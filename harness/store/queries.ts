/**
 * SqliteStore's read-side statements: trials and their results, plans, experiments, sweeps. Rows
 * become records through rows.ts, which PostgresStore's reads share.
 */
import type { Db } from './db.ts';
import {
  type ArtifactDbRow,
  configsByName,
  experimentsOf,
  type FinishedDbRow,
  finishedTrials as finishedFrom,
  type MetricDbRow,
  onExperimentDataset,
  planCounts,
  resultsByTrial,
  runCountsBySplit,
  type SweepDbRow,
  sweepInfo,
  type ThroughputDbRow,
  type TimingDbRow,
  TRIAL_JOIN_SQL,
  type TrialJoinRow,
  trialDetail,
  uniqueIds,
} from './rows.ts';
import { sweepTags } from './sweeps.ts';
import type {
  DoneTrialRef,
  ExperimentRef,
  FinishedTrial,
  FinishedTrialFilter,
  Part,
  PlanStatus,
  SweepInfo,
  TrialDetail,
  TrialResults,
  TrialSelector,
  TrialStatus,
} from './types.ts';

/** Ids as one JSON parameter, read back with `json_each`: any number of ids in one statement. */
const idList = (ids: Iterable<number>) => JSON.stringify(uniqueIds(ids));

/** The stored results of the given trials, by id (every id asked for has an entry). */
export function resultsOf(db: Db, ids: readonly number[]): Map<number, TrialResults> {
  if (ids.length === 0) return new Map();
  const list = idList(ids);
  const rows = <T>(sql: string) => db.prepare(sql).all(list) as T[];
  return resultsByTrial(ids, {
    metrics: rows<MetricDbRow>(
      'SELECT trial_id, part, name, value, slice FROM metrics WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
    ),
    timings: rows<TimingDbRow>(
      `SELECT trial_id, stage, wall_ms AS wallMs, cpu_ms AS cpuMs, peak_rss_mb AS peakRssMb FROM timings
       WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    ),
    artifacts: rows<ArtifactDbRow>(
      `SELECT trial_id, kind, path, sha256 FROM artifacts WHERE trial_id IN (SELECT value FROM json_each(?))
       ORDER BY trial_id, kind, path`,
    ),
    throughput: rows<ThroughputDbRow>('SELECT * FROM throughput WHERE trial_id IN (SELECT value FROM json_each(?))'),
  });
}

export function getTrial(db: Db, id: number): TrialDetail | null {
  const t = db.prepare(`${TRIAL_JOIN_SQL} WHERE t.id = ?`).get(id) as TrialJoinRow | undefined;
  if (!t) return null;
  return trialDetail(t, resultsOf(db, [id]).get(id)!, sweepTags(db, [t.s_id]).get(t.s_id)!);
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
  const rows = db
    .prepare(`SELECT t.status, COUNT(*) AS n FROM trials t WHERE ${IN_PLAN_SQL} GROUP BY t.status`)
    .all(inPlanParams(db, experiment)) as { status: TrialStatus; n: number }[];
  return planCounts(rows);
}

export function splitRunCounts(db: Db, splitIds: readonly number[]): Map<number, Record<Part, number>> {
  const ids = uniqueIds(splitIds);
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT split_id, part, COUNT(*) AS n FROM split_members WHERE split_id IN (SELECT value FROM json_each(?))
       GROUP BY split_id, part`,
    )
    .all(idList(ids)) as { split_id: number; part: Part; n: number }[];
  return runCountsBySplit(ids, rows);
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
  return configsByName(rows);
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
      'SELECT id, started_at, status, error, env_json, note FROM sweeps WHERE experiment_id IN (SELECT id FROM experiments WHERE name = ?) ORDER BY id DESC LIMIT 1',
    )
    .get(experiment) as SweepDbRow | undefined;
  return row ? sweepInfo(row, sweepTags(db, [row.id]).get(row.id)!) : null;
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
    .all(experiment, experiment) as FinishedDbRow[];
  const datasetOf = new Map(experimentsOf(all).map((name) => [name, experimentDataset(db, name)]));
  const rows = onExperimentDataset(all, datasetOf);
  return finishedFrom(
    rows,
    resultsOf(
      db,
      rows.map((r) => r.id),
    ),
  );
}
