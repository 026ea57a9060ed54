/**
 * PostgresStore's reads: the statements of queries.ts, trials.ts (listing), sweeps.ts (tags) and
 * splits.ts (members, audits) in PostgreSQL's words — `= ANY($1::int[])` for SQLite's
 * `json_each`, `->>` for `json_extract`, quoted camelCase aliases (PostgreSQL folds bare ones to
 * lower case), `pos` for `rowid` — turned into records by the same mapping (rows.ts).
 */
import type { SplitManifest } from '../../splits/index.ts';
import { all, type Conn, one } from './postgres-db.ts';
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
  splitLeak,
  storedAudit,
  sweepInfo,
  type TagDbRow,
  type ThroughputDbRow,
  type TimingDbRow,
  TRIAL_JOIN_SQL,
  type TrialJoinRow,
  tagsBySweep,
  trialDetail,
  uniqueIds,
  withTags,
} from './rows.ts';
import { checkedManifest } from './split-check.ts';
import type {
  DoneTrialRef,
  ExperimentRef,
  FinishedTrial,
  FinishedTrialFilter,
  Part,
  PlanStatus,
  SplitLeak,
  StoredAudit,
  SweepInfo,
  SweepTags,
  TrialDetail,
  TrialFilter,
  TrialListing,
  TrialResults,
  TrialSelector,
  TrialStatus,
} from './types.ts';

// Sweeps' tags.

/** The tags of the given sweeps, by sweep id (every id asked for has an entry, sorted by key). */
export async function sweepTags(c: Conn, sweepIds: Iterable<number>): Promise<Map<number, SweepTags>> {
  const ids = uniqueIds(sweepIds);
  if (ids.length === 0) return new Map();
  const rows = await all<TagDbRow>(
    c,
    'SELECT sweep_id, key, value FROM sweep_tags WHERE sweep_id = ANY($1::int[]) ORDER BY sweep_id, key',
    [ids],
  );
  return tagsBySweep(ids, rows);
}

/** SQL condition "the sweep of trial `t` carries every tag of @tags" (a JSON object; `{}` matches every trial). */
const HAS_TAGS_SQL = `NOT EXISTS (SELECT 1 FROM jsonb_each_text(@tags::jsonb) j WHERE NOT EXISTS (
  SELECT 1 FROM sweep_tags g WHERE g.sweep_id = t.sweep_id AND g.key = j.key AND g.value = j.value))`;

// Plans and the datasets experiments are on.

/** The dataset an experiment's views are on (see queries.ts `experimentDataset`). */
export async function experimentDataset(c: Conn, experiment: string): Promise<number | null> {
  const bySweep = await one<{ id: number }>(
    c,
    `SELECT d.id FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
     JOIN datasets d ON d.hash = (w.env_json::jsonb ->> 'datasetHash')
     WHERE e.name = $1 ORDER BY w.id DESC LIMIT 1`,
    [experiment],
  );
  if (bySweep) return bySweep.id;
  const byTrial = await one<{ id: number }>(
    c,
    `SELECT sp.dataset_id AS id FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id
     JOIN trials t ON t.id = x.trial_id JOIN splits sp ON sp.id = t.split_id
     WHERE e.name = $1 ORDER BY t.id DESC LIMIT 1`,
    [experiment],
  );
  return byTrial?.id ?? null;
}

/** SQL condition "trial `t` is in the plan of @experiment on @dataset" (true when @experiment is NULL). */
const IN_PLAN_SQL = `(@experiment::text IS NULL OR t.id IN (
  SELECT x.trial_id FROM experiment_trials x JOIN experiments ex ON ex.id = x.experiment_id
  JOIN trials tp ON tp.id = x.trial_id JOIN splits sp ON sp.id = tp.split_id
  WHERE ex.name = @experiment AND (@dataset::int IS NULL OR sp.dataset_id = @dataset)))`;

const inPlanParams = async (c: Conn, experiment: string | undefined | null) => ({
  experiment: experiment ?? null,
  dataset: experiment == null ? null : await experimentDataset(c, experiment),
});

// Trials and their results.

/** The stored results of the given trials, by id (every id asked for has an entry). */
export async function resultsOf(c: Conn, ids: readonly number[]): Promise<Map<number, TrialResults>> {
  if (ids.length === 0) return new Map();
  const list = [uniqueIds(ids)];
  // One statement after the other: a client inside a transaction runs one at a time.
  const metrics = await all<MetricDbRow>(
    c,
    'SELECT trial_id, part, name, value, slice FROM metrics WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, pos',
    list,
  );
  const timings = await all<TimingDbRow>(
    c,
    `SELECT trial_id, stage, wall_ms AS "wallMs", cpu_ms AS "cpuMs", peak_rss_mb AS "peakRssMb" FROM timings
       WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, pos`,
    list,
  );
  const artifacts = await all<ArtifactDbRow>(
    c,
    'SELECT trial_id, kind, path, sha256 FROM artifacts WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, kind, path',
    list,
  );
  const throughput = await all<ThroughputDbRow>(c, 'SELECT * FROM throughput WHERE trial_id = ANY($1::int[])', list);
  return resultsByTrial(ids, { metrics, timings, artifacts, throughput });
}

export async function getTrial(c: Conn, id: number): Promise<TrialDetail | null> {
  const t = await one<TrialJoinRow>(c, `${TRIAL_JOIN_SQL} WHERE t.id = $1`, [id]);
  if (!t) return null;
  const results = (await resultsOf(c, [id])).get(id)!;
  return trialDetail(t, results, (await sweepTags(c, [t.s_id])).get(t.s_id)!);
}

/** Test-part headline metrics of the trials matching `filter`, oldest first (see trials.ts `listTrials`). */
export async function listTrials(c: Conn, filter: TrialFilter = {}): Promise<TrialListing[]> {
  const { tags, ...rest } = filter;
  const f = { experiment: null, status: null, variant: null, ...rest };
  const rows = await all<Omit<TrialListing, 'tags'>>(
    c,
    `SELECT t.id, t.sweep_id, COALESCE(@experiment::text, e.name) AS experiment, e.name AS computed_by, t.variant,
            t.feature_set, t.seed, t.status,
            MAX(CASE WHEN m.name = 'f1' THEN m.value END) AS f1,
            MAX(CASE WHEN m.name = 'auc_pr' THEN m.value END) AS auc_pr,
            MAX(CASE WHEN m.name = 'auc_roc' THEN m.value END) AS auc_roc,
            w.note
     FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
     LEFT JOIN metrics m ON m.trial_id = t.id AND m.part = 'test' AND m.slice = ''
     WHERE ${IN_PLAN_SQL} AND (@status::text IS NULL OR t.status = @status)
       AND (@variant::text IS NULL OR t.variant = @variant) AND ${HAS_TAGS_SQL}
     GROUP BY t.id, e.name, w.note ORDER BY t.id`,
    {
      status: f.status,
      variant: f.variant,
      ...(await inPlanParams(c, f.experiment)),
      tags: JSON.stringify(tags ?? {}),
    },
  );
  return withTags(
    rows,
    await sweepTags(
      c,
      rows.map((r) => r.sweep_id),
    ),
  );
}

export async function findDoneTrials(c: Conn, s: TrialSelector): Promise<DoneTrialRef[]> {
  return all<DoneTrialRef>(
    c,
    `SELECT t.id, t.split_id AS "splitId", t.seed, t.variant, t.feature_set AS "featureSet",
            COALESCE(@experiment::text, e.name) AS experiment
     FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
     WHERE t.status = 'done' AND t.variant = @variant AND (@featureSet::text IS NULL OR t.feature_set = @featureSet)
       AND ${IN_PLAN_SQL}
     ORDER BY t.id DESC`,
    { variant: s.variant, featureSet: s.featureSet ?? null, ...(await inPlanParams(c, s.experiment)) },
  );
}

export async function planStatus(c: Conn, experiment: string): Promise<PlanStatus> {
  const rows = await all<{ status: TrialStatus; n: number }>(
    c,
    `SELECT t.status, COUNT(*)::int AS n FROM trials t WHERE ${IN_PLAN_SQL} GROUP BY t.status`,
    await inPlanParams(c, experiment),
  );
  return planCounts(rows);
}

/** The done and failed trials of the plans with their results (see queries.ts `finishedTrials`). */
export async function finishedTrials(c: Conn, filter: FinishedTrialFilter = {}): Promise<FinishedTrial[]> {
  const all_ = await all<FinishedDbRow>(
    c,
    `SELECT t.id, t.status, t.split_id AS "splitId", sp.seed AS "splitSeed", t.seed, t.variant,
            t.feature_set AS "featureSet", e.id AS "experimentId", e.name AS experiment, e.config_json AS config,
            sp.dataset_id AS "datasetId"
     FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id JOIN trials t ON t.id = x.trial_id
     JOIN splits sp ON sp.id = t.split_id
     WHERE t.status IN ('done', 'failed') AND ($1::text IS NULL OR e.name = $1) ORDER BY t.id DESC`,
    [filter.experiment ?? null],
  );
  const datasetOf = new Map<string, number | null>();
  for (const name of experimentsOf(all_)) datasetOf.set(name, await experimentDataset(c, name));
  const rows = onExperimentDataset(all_, datasetOf);
  return finishedFrom(
    rows,
    await resultsOf(
      c,
      rows.map((r) => r.id),
    ),
  );
}

// Experiments and sweeps.

export async function experimentNames(c: Conn): Promise<string[]> {
  const rows = await all<{ name: string }>(
    c,
    'SELECT DISTINCT e.name FROM experiments e JOIN sweeps w ON w.experiment_id = e.id ORDER BY e.name',
  );
  return rows.map((x) => x.name);
}

export async function latestExperimentConfigs(c: Conn): Promise<Map<string, unknown>> {
  const rows = await all<{ name: string; config_json: string }>(
    c,
    `SELECT e.name, e.config_json FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
     WHERE w.id IN (SELECT MAX(w2.id) FROM sweeps w2 JOIN experiments e2 ON e2.id = w2.experiment_id GROUP BY e2.name)`,
  );
  return configsByName(rows);
}

export async function findExperiment(c: Conn, name: string): Promise<ExperimentRef | null> {
  return (
    (await one<ExperimentRef>(c, 'SELECT id, file FROM experiments WHERE name = $1 ORDER BY id DESC LIMIT 1', [
      name,
    ])) ?? null
  );
}

export async function latestExperiment(c: Conn): Promise<string | null> {
  const row = await one<{ name: string }>(
    c,
    'SELECT e.name FROM sweeps w JOIN experiments e ON e.id = w.experiment_id ORDER BY w.id DESC LIMIT 1',
  );
  return row?.name ?? null;
}

export async function latestSweep(c: Conn, experiment: string): Promise<SweepInfo | null> {
  const row = await one<SweepDbRow>(
    c,
    `SELECT id, started_at, status, error, env_json, note FROM sweeps
     WHERE experiment_id IN (SELECT id FROM experiments WHERE name = $1) ORDER BY id DESC LIMIT 1`,
    [experiment],
  );
  return row ? sweepInfo(row, (await sweepTags(c, [row.id])).get(row.id)!) : null;
}

// Splits and audits.

export async function loadSplit(c: Conn, splitId: number): Promise<SplitManifest> {
  const row = await one<{ manifest_json: string }>(c, 'SELECT manifest_json FROM splits WHERE id = $1', [splitId]);
  if (!row) throw new Error(`split ${splitId} is not in the database`);
  const members = await all<{ run: string; part: string }>(
    c,
    'SELECT run, part FROM split_members WHERE split_id = $1 ORDER BY run',
    [splitId],
  );
  return checkedManifest(splitId, row.manifest_json, members);
}

export async function splitRunCounts(c: Conn, splitIds: readonly number[]): Promise<Map<number, Record<Part, number>>> {
  const ids = uniqueIds(splitIds);
  if (ids.length === 0) return new Map();
  const rows = await all<{ split_id: number; part: Part; n: number }>(
    c,
    `SELECT split_id, part, COUNT(*)::int AS n FROM split_members WHERE split_id = ANY($1::int[])
     GROUP BY split_id, part`,
    [ids],
  );
  return runCountsBySplit(ids, rows);
}

export async function leakCheck(c: Conn): Promise<SplitLeak[]> {
  const rows = await all<{ split_id: number; run: string; parts: number }>(
    c,
    `SELECT split_id, run, COUNT(DISTINCT part)::int AS parts
     FROM split_members GROUP BY split_id, run HAVING COUNT(DISTINCT part) > 1`,
  );
  return rows.map(splitLeak);
}

export async function hasAudit(c: Conn, splitId: number, featureSet: string, version = 1): Promise<boolean> {
  const row = await one(
    c,
    `SELECT 1 FROM leakage_audits WHERE split_id = $1 AND feature_set = $2
       AND (CASE WHEN jsonb_typeof(audit_json::jsonb -> 'version') = 'number'
                 THEN (audit_json::jsonb ->> 'version')::numeric ELSE 1 END) >= $3`,
    [splitId, featureSet, version],
  );
  return row !== undefined;
}

export async function audits(c: Conn, splitIds: readonly number[]): Promise<StoredAudit[]> {
  if (splitIds.length === 0) return [];
  const rows = await all<{ split_id: number; feature_set: string; audit_json: string }>(
    c,
    `SELECT split_id, feature_set, audit_json FROM leakage_audits WHERE split_id = ANY($1::int[])
     ORDER BY split_id, feature_set`,
    [uniqueIds(splitIds)],
  );
  return rows.map(storedAudit);
}
