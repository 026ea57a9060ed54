/**
 * PostgresStore's reads: the statements of queries.ts, trials.ts (listing), sweeps.ts (tags) and
 * splits.ts (members, audits) in PostgreSQL's words — `= ANY($1::int[])` for SQLite's
 * `json_each`, `->>` for `json_extract`, quoted camelCase aliases (PostgreSQL folds bare ones to
 * lower case), `pos` for `rowid` — returning the same records.
 */
import type { LeakageAudit, SplitManifest } from '../../splits/index.ts';
import { all, type Conn, idArray, one } from './postgres-db.ts';
import { checkedManifest } from './split-check.ts';
import type {
  ArtifactRecord,
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
  ThroughputRow,
  TimingRow,
  TrialDetail,
  TrialFilter,
  TrialListing,
  TrialResults,
  TrialSelector,
} from './types.ts';

const parse = (json: string | null): unknown => (json ? JSON.parse(json) : null);

// Sweeps' tags.

/** The tags of the given sweeps, by sweep id (every id asked for has an entry, sorted by key). */
export async function sweepTags(c: Conn, sweepIds: Iterable<number>): Promise<Map<number, SweepTags>> {
  const ids = idArray(sweepIds);
  const out = new Map<number, SweepTags>(ids.map((id) => [id, {}]));
  if (ids.length === 0) return out;
  const rows = await all<{ sweep_id: number; key: string; value: string }>(
    c,
    'SELECT sweep_id, key, value FROM sweep_tags WHERE sweep_id = ANY($1::int[]) ORDER BY sweep_id, key',
    [ids],
  );
  for (const r of rows) out.get(r.sweep_id)![r.key] = r.value;
  return out;
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
  const list = [idArray(ids)];
  // One statement after the other: a client inside a transaction runs one at a time.
  const metrics = await all<{ trial_id: number; part: Part; name: string; value: number | null; slice: string }>(
    c,
    'SELECT trial_id, part, name, value, slice FROM metrics WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, pos',
    list,
  );
  const timings = await all<TimingRow & { trial_id: number }>(
    c,
    `SELECT trial_id, stage, wall_ms AS "wallMs", cpu_ms AS "cpuMs", peak_rss_mb AS "peakRssMb" FROM timings
       WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, pos`,
    list,
  );
  const artifacts = await all<ArtifactRecord & { trial_id: number }>(
    c,
    'SELECT trial_id, kind, path, sha256 FROM artifacts WHERE trial_id = ANY($1::int[]) ORDER BY trial_id, kind, path',
    list,
  );
  const throughput = await all<{
    trial_id: number;
    rows: number;
    mean_ms: number;
    p99_ms: number;
    rme: number;
    samples: number;
    sequences_per_s: number | null;
  }>(c, 'SELECT * FROM throughput WHERE trial_id = ANY($1::int[])', list);
  for (const m of metrics) {
    const r = out.get(m.trial_id)!;
    if (m.slice === '') r.metrics[m.part][m.name] = m.value;
    else (r.slices[m.slice] ??= {})[m.name] = m.value;
  }
  for (const { trial_id, ...t } of timings) out.get(trial_id)!.timings.push(t);
  for (const { trial_id, ...a } of artifacts) out.get(trial_id)!.artifacts.push(a);
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

interface TrialJoinRow {
  id: number;
  status: TrialDetail['status'];
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

export async function getTrial(c: Conn, id: number): Promise<TrialDetail | null> {
  const t = await one<TrialJoinRow>(
    c,
    `SELECT t.id, t.status, t.variant, t.feature_set, t.seed, t.params_json, t.key, t.error, t.started_at, t.worker,
            t.finished_at, e.id AS e_id, e.name AS e_name, e.file AS e_file, s.id AS s_id,
            s.started_at AS s_started, s.git_sha, s.env_json, s.note, d.id AS d_id, d.hash AS d_hash, d.source,
            d.n_runs, d.n_sequences, d.n_events, sp.id AS sp_id, sp.seed AS sp_seed, sp.strategy,
            sp.manifest_hash
     FROM trials t JOIN sweeps s ON s.id = t.sweep_id JOIN experiments e ON e.id = s.experiment_id
     JOIN splits sp ON sp.id = t.split_id JOIN datasets d ON d.id = sp.dataset_id
     WHERE t.id = $1`,
    [id],
  );
  if (!t) return null;
  const r = (await resultsOf(c, [id])).get(id)!;
  const tags = await sweepTags(c, [t.s_id]);
  return {
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
    sweep: {
      id: t.s_id,
      startedAt: t.s_started,
      gitSha: t.git_sha,
      env: parse(t.env_json),
      note: t.note,
      tags: tags.get(t.s_id)!,
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
  const tagsOf = await sweepTags(
    c,
    rows.map((r) => r.sweep_id),
  );
  return rows.map((r) => ({ ...r, tags: tagsOf.get(r.sweep_id)! }));
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
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  const rows = await all<{ status: keyof typeof counts; n: number }>(
    c,
    `SELECT t.status, COUNT(*)::int AS n FROM trials t WHERE ${IN_PLAN_SQL} GROUP BY t.status`,
    await inPlanParams(c, experiment),
  );
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** The done and failed trials of the plans with their results (see queries.ts `finishedTrials`). */
export async function finishedTrials(c: Conn, filter: FinishedTrialFilter = {}): Promise<FinishedTrial[]> {
  const all_ = await all<
    Omit<FinishedTrial, keyof TrialResults | 'config'> & { experimentId: number; config: string; datasetId: number }
  >(
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
  for (const r of all_) {
    if (!datasetOf.has(r.experiment)) datasetOf.set(r.experiment, await experimentDataset(c, r.experiment));
  }
  const rows = all_.filter((r) => {
    const dataset = datasetOf.get(r.experiment);
    return dataset == null || r.datasetId === dataset;
  });
  const results = await resultsOf(
    c,
    rows.map((r) => r.id),
  );
  const configs = new Map<number, unknown>();
  return rows.map(({ experimentId, config, datasetId: _, ...r }) => {
    if (!configs.has(experimentId)) configs.set(experimentId, JSON.parse(config));
    return { ...r, config: configs.get(experimentId), ...results.get(r.id)! };
  });
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
  return new Map(rows.map((r) => [r.name, JSON.parse(r.config_json)]));
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
  const row = await one<{ id: number; started_at: string; env_json: string | null; note: string | null }>(
    c,
    `SELECT id, started_at, env_json, note FROM sweeps
     WHERE experiment_id IN (SELECT id FROM experiments WHERE name = $1) ORDER BY id DESC LIMIT 1`,
    [experiment],
  );
  if (!row) return null;
  return {
    id: row.id,
    startedAt: row.started_at,
    env: parse(row.env_json),
    note: row.note,
    tags: (await sweepTags(c, [row.id])).get(row.id)!,
  };
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
  const out = new Map<number, Record<Part, number>>();
  for (const id of splitIds) out.set(id, { train: 0, val: 0, test: 0 });
  if (splitIds.length === 0) return out;
  const rows = await all<{ split_id: number; part: Part; n: number }>(
    c,
    `SELECT split_id, part, COUNT(*)::int AS n FROM split_members WHERE split_id = ANY($1::int[])
     GROUP BY split_id, part`,
    [idArray(out.keys())],
  );
  for (const r of rows) out.get(r.split_id)![r.part] = r.n;
  return out;
}

export async function leakCheck(c: Conn): Promise<SplitLeak[]> {
  const rows = await all<{ split_id: number; run: string; parts: number }>(
    c,
    `SELECT split_id, run, COUNT(DISTINCT part)::int AS parts
     FROM split_members GROUP BY split_id, run HAVING COUNT(DISTINCT part) > 1`,
  );
  return rows.map((r) => ({ splitId: r.split_id, run: r.run, parts: r.parts }));
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
    [idArray(splitIds)],
  );
  return rows.map((r) => ({
    splitId: r.split_id,
    featureSet: r.feature_set,
    audit: JSON.parse(r.audit_json) as LeakageAudit,
  }));
}
