/**
 * The leaderboard: done trials of each experiment's plan grouped into rows (experiment × variant ×
 * feature set), aggregated over split seeds (mean with the corrected resampled t-interval), ranked
 * by a primary metric within each experiment, with ties where the corrected resampled t-test cannot
 * tell a row from the one above, and flags with their reasons. `loadBoardData` reads what it needs
 * from the store in a few coarse calls; the rest is pure: group → aggregate → rank (`leaderboard`),
 * and a row's detail from its own trials (`rowDetail`, which also reads the trials' SHAP summaries).
 */

import { readShapSummary } from '../harness/artifacts/index.ts';
import { usageError } from '../harness/errors/index.ts';
import {
  type ExperimentScope,
  experimentScope,
  isNullDataset,
  leakWarning,
  NULL_AUC_LIMIT,
  plannedParams,
} from '../harness/experiment/index.ts';
import type { ArtifactRecord, FinishedTrial, Part, Store, StoredAudit } from '../harness/store/index.ts';
import {
  ALGORITHMS,
  type Algorithm,
  isTokenPart,
  parseFeatureSet,
  VARIANTS,
  type VariantName,
} from '../models/index.ts';
import {
  finiteMean,
  type MetricDef,
  metricDef,
  metricDefs,
  type NamedRuleF1,
  rankableMetricIds,
} from '../splits/eval/index.ts';
import { FAULT_SLICES, type FaultSlice, type LeakageAudit } from '../splits/index.ts';
import { compareSelectors, type SelectorComparison } from './compare.ts';
import { rowConfiguration, type SeedTuning } from './configuration.ts';
import type { EntryFlag, FaultSliceSummary, FaultSlices, LeaderboardEntry, MeanInterval } from './model.ts';
import {
  confusionOf,
  convergenceOf,
  currentScopes,
  groupRowTrials,
  inCurrentScope,
  metricOf,
  type RowTrials,
  type TrialFacts,
} from './row-trials.ts';
import {
  rowFlags,
  type SplitSize,
  seedAggregate,
  seedInterval,
  splitSize,
  tiedOverSeeds,
  trivialRules,
} from './seed-stats.ts';

/** Id of a rankable metric of the registry (splits/eval `rankableMetricIds`): what ranks a leaderboard. */
export type PrimaryMetric = string;

/** The definition of rankable metric `id`; an unknown or unrankable id is a usage error listing the rankable ones. */
export function rankableMetric(id: string): MetricDef {
  const def = metricDef(id);
  if (def?.rankable) return def;
  throw usageError(`'${id}' is not a metric the leaderboard can rank by`, {
    hint: `rankable metrics: ${rankableMetricIds().join(', ')}`,
  });
}

/** A metric of an entry over seeds, an empty one when the entry has none. */
export function entryMetric(e: Pick<LeaderboardEntry, 'metrics'>, id: string): MeanInterval {
  return e.metrics?.[id] ?? { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, interval: 'none' };
}

/**
 * The rankable metrics a board or report of these rows shows, in registry order: every
 * sequence-level one, and an event-level one when it ranks the rows or some row has a value (a
 * board of sequence-level trials gets no column of dashes).
 */
export function shownMetrics(rows: readonly Pick<LeaderboardEntry, 'metrics'>[], primary?: string): MetricDef[] {
  return metricDefs().filter(
    (d) =>
      d.rankable &&
      (d.level === 'sequence' || d.id === primary || rows.some((r) => Number.isFinite(entryMetric(r, d.id).mean))),
  );
}

/** A leaderboard row: LeaderboardEntry (rank, tie, F1 with its interval, AUCs, fit time, throughput, flags) plus where it comes from. */
export interface BoardRow extends LeaderboardEntry {
  /** `experiment|variant|featureSet`, stable across reloads. */
  key: string;
  experiment: string;
  /** Done trial ids of this row, one per split seed (whichever experiment computed them). */
  trials: number[];
  /** Failed trials of this row (not in the aggregates). */
  failed: number;
  /** Test F1 over seeds: mean with the 95 % corrected resampled t-interval over split seeds. */
  f1: MeanInterval;
  /** The primary metric over seeds, as `f1`. */
  primary: MeanInterval;
  /** False positives on test, summed over seeds. */
  falsePositives: number;
  /** Label scope, grouping, dataset order and faults of the row's experiment. */
  scope: ExperimentScope;
  /** On a null dataset: mean test AUC-ROC > NULL_AUC_LIMIT, i.e. the harness or generator leaks a label. */
  leak: boolean;
  /** `leak`, `degenerate`, `trivial`, `not-converged`, each with its reason. */
  flags: EntryFlag[];
  faultSlices: FaultSlices | null;
}

export interface Leaderboard {
  primaryMetric: PrimaryMetric;
  /** Experiments present (names), for filtering. */
  experiments: string[];
  /** Grouped by experiment (by name), each group by rank (primary metric, best first). */
  rows: BoardRow[];
  /** Scope of each experiment with rows here, by name. */
  scopes: Record<string, ExperimentScope>;
  /** To be shown loudly: one per leaking row on a null dataset (see `leakWarning`). */
  warnings: string[];
}

/** What the board's detail view and the report show for one row. */
export interface RowDetail {
  row: BoardRow;
  /** Test confusion counts summed over seeds. */
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** Recall per error case on test, pooled over seeds, worst first. */
  recallByCase: { testCase: string; recall: number | null; detected: number; total: number }[];
  /** Top features by mean |SHAP| (empty when no explanation was recorded). */
  topFeatures: { feature: string; meanAbs: number }[];
  /** Mean wall time per stage over seeds. */
  timings: { stage: string; wallMs: number }[];
  /** Leakage-audit warnings of the row's splits and feature set. */
  leakageWarnings: string[];
  /** Best mean test F1 of a trivial rule of the leakage audits on the row's splits; null if unknown. */
  trivialF1: number | null;
  /** That rule (`trivialF1` is its F1). */
  trivialRule?: NamedRuleF1 | null;
  /** The row's hyperparameters as lines (configuration.ts); a tuned row's chosen point per seed. */
  configuration?: string[];
  /** A tuned row's grid search per seed (validation scores of every point). */
  tuning?: SeedTuning[];
}

/** Everything the leaderboard and its row details read from the store, as plain data (see `loadBoardData`). */
export interface BoardData {
  /** Names of the experiments with a sweep, sorted (all of them, whatever was loaded). */
  experiments: string[];
  /** Each experiment's scope as last run, by name. */
  scopes: Record<string, ExperimentScope>;
  /** Done and failed trials of the loaded plans, in their experiment's current scope and on its current dataset, newest first. */
  trials: FinishedTrial[];
  /** Runs per part of each of their splits, by split id. */
  splitRuns: Record<number, Record<Part, number>>;
  /** The leakage audits of their splits. */
  audits: StoredAudit[];
}

/** Options of `loadBoardData`. */
export interface LoadBoardOptions {
  /** Load this experiment's plan only. @default every experiment's */
  experiment?: string;
}

/** Reads the trials of the experiments' plans, their splits' sizes and their audits from the store. */
export async function loadBoardData(store: Store, options: LoadBoardOptions = {}): Promise<BoardData> {
  const [experiments, configs, finished] = await Promise.all([
    store.experimentNames(),
    store.latestExperimentConfigs(),
    store.finishedTrials(options.experiment === undefined ? {} : { experiment: options.experiment }),
  ]);
  const current = currentScopes(configs);
  const trials = inCurrentScope(finished, current);
  const splitIds = [...new Set(trials.map((t) => t.splitId))];
  const [runs, audits] = await Promise.all([store.splitRunCounts(splitIds), store.audits(splitIds)]);
  return {
    experiments,
    scopes: Object.fromEntries(current),
    trials,
    splitRuns: Object.fromEntries(runs),
    audits,
  };
}

/** Options of `leaderboard`. */
export interface LeaderboardOptions {
  /** Only this experiment's rows. @default every experiment's */
  experiment?: string;
  /** A row is `trivial` when its F1 ≤ the best trivial rule's F1 + margin. @default 0.02 */
  trivialMargin: number;
}

export const defaultLeaderboardOptions: Readonly<LeaderboardOptions> = Object.freeze({ trivialMargin: 0.02 });

/** Runs per part of each split as the corrected t-interval needs them: nTrain (train + val) and nTest. */
function splitSizes(data: BoardData): Map<number, SplitSize> {
  return new Map(Object.entries(data.splitRuns).map(([id, runs]) => [Number(id), splitSize(runs)]));
}

/** The leakage audits of a feature set's token parts (drain for a numeric-only one) on each of the splits. */
function auditsOf(data: BoardData, featureSet: string, splitIds: readonly number[]): LeakageAudit[][] {
  const parts = parseFeatureSet(featureSet).filter(isTokenPart);
  const byKey = new Map(data.audits.map((a) => [`${a.splitId}|${a.featureSet}`, a.audit]));
  return splitIds.map((id) =>
    (parts.length > 0 ? parts : ['drain']).flatMap((part) => {
      const audit = byKey.get(`${id}|${part}`);
      return audit ? [audit] : [];
    }),
  );
}

const bestRule = (rules: readonly NamedRuleF1[]): NamedRuleF1 | null =>
  rules.reduce<NamedRuleF1 | null>((best, r) => (best === null || r.f1 > best.f1 ? r : best), null);

/** A row aggregated over its seeds (rank and tie still to set), with its primary metric per split. */
interface AggregatedRow {
  row: BoardRow;
  values: Map<number, number>;
}

/** One row's aggregates over its seeds: means with intervals, throughput, fault slices and flags. */
function aggregateRow(
  key: string,
  g: RowTrials,
  data: BoardData,
  primary: PrimaryMetric,
  sizes: ReadonlyMap<number, SplitSize>,
  o: LeaderboardOptions,
): AggregatedRow {
  const t0 = g.trials[0]!;
  const splitSizesOfRow = g.trials.map((t) => sizes.get(t.splitId) ?? splitSize({ train: 0, val: 0, test: 0 }));
  // Every rankable metric as its definition combines seeds: the board's columns and the report read these.
  const metrics: Record<string, MeanInterval> = Object.fromEntries(
    metricDefs()
      .filter((d) => d.rankable)
      .map((d) => [
        d.id,
        seedAggregate(
          d,
          g.trials.map((t) => metricOf(t, d.id)),
          splitSizesOfRow,
        ),
      ]),
  );
  const mean = (name: string) => finiteMean(g.trials.map((t) => metricOf(t, name)));
  // F1 is also what flags compare with trivial rules, whatever ranks.
  const f1 =
    metrics.f1 ??
    seedInterval(
      g.trials.map((t) => metricOf(t, 'f1')),
      splitSizesOfRow,
      [0, 1],
    );
  const prim = metrics[primary]!;
  // A registry variant crossed to event level runs as `<variant>@event`: same algorithm.
  const variant = VARIANTS[t0.variant.replace(/@event$/, '') as VariantName];
  // An inline variant is no registry entry: its algorithm is the one its experiment configures.
  const algorithm =
    variant?.algorithm ??
    plannedParams(data.trials.find((t) => t.id === t0.id)?.config, t0.variant, t0.featureSet)?.algorithm ??
    t0.variant;
  const scope = data.scopes[t0.experiment] ?? experimentScope(null);
  const aucRoc = mean('auc_roc');
  const leak = isNullDataset(scope) && aucRoc > NULL_AUC_LIMIT;
  const flags = rowFlags(
    {
      leak: leak ? leakWarning(t0.experiment, t0.variant, t0.featureSet, aucRoc) : null,
      confusion: g.trials.map(confusionOf),
      f1: f1.mean,
      rules: trivialRules(
        auditsOf(
          data,
          t0.featureSet,
          g.trials.map((t) => t.splitId),
        ),
      ),
      convergence: g.trials.flatMap((t) => convergenceOf(t) ?? []).sort((a, b) => Number(a.seed) - Number(b.seed)),
    },
    { trivialMargin: o.trivialMargin },
  );
  const row: BoardRow = {
    key,
    experiment: t0.experiment,
    trials: g.trials.map((t) => t.id).sort((a, b) => a - b),
    failed: g.failed,
    rank: 0,
    tied: false,
    variant: t0.variant,
    featureSet: t0.featureSet,
    algorithm,
    supervised: ALGORITHMS[algorithm as Algorithm]?.supervised ?? false,
    seeds: g.trials.length,
    metrics,
    f1,
    primary: prim,
    aucPr: metrics.auc_pr?.mean ?? mean('auc_pr'),
    aucRoc,
    precisionAtK: metrics.precision_at_k?.mean ?? mean('precision_at_k'),
    fitMs: finiteMean(g.trials.map((t) => t.fitMs ?? Number.NaN)),
    throughputPerS: g.trials.every((t) => t.throughput !== null)
      ? finiteMean(g.trials.map((t) => t.throughput!))
      : null,
    withinTrivialReach: flags.some((f) => f.flag === 'trivial'),
    falsePositives: g.trials.reduce((s, t) => s + (t.metrics.fp ?? 0), 0),
    scope,
    leak,
    flags,
    faultSlices: summarizeFaultSlices(g.trials.map((t) => t.faults)),
  };
  return { row, values: new Map(g.trials.map((t) => [t.splitId, metricOf(t, primary)])) };
}

/**
 * Orders rows by experiment, then by the primary metric (best first in its direction, undefined
 * last), and sets each row's rank within its experiment and its tie with the row above.
 */
function rankRows(
  aggregated: readonly AggregatedRow[],
  sizes: ReadonlyMap<number, SplitSize>,
  primary: MetricDef,
): BoardRow[] {
  const values = new Map(aggregated.map((a) => [a.row.key, a.values]));
  const sign = primary.direction === 'higher' ? 1 : -1;
  // Better first; undefined (NaN) after every defined value in either direction.
  const better = (a: number, b: number) =>
    Number.isNaN(a) || Number.isNaN(b) ? Number(Number.isNaN(a)) - Number(Number.isNaN(b)) : sign * (b - a);
  // Experiments apart (their datasets and questions differ), each ranked on its own.
  const rows = aggregated
    .map((a) => a.row)
    .sort(
      (a, b) =>
        a.experiment.localeCompare(b.experiment) ||
        better(a.primary.mean, b.primary.mean) ||
        a.key.localeCompare(b.key),
    );
  rows.forEach((r, i) => {
    const above = rows[i - 1]?.experiment === r.experiment ? rows[i - 1] : undefined;
    r.rank = above ? above.rank + 1 : 1;
    // Paired by split: rows of one experiment on another dataset share no split, and are not tied.
    r.tied = above !== undefined && tiedOverSeeds(values.get(above.key)!, values.get(r.key)!, sizes);
  });
  return rows;
}

/** The leaderboard over loaded data: rows grouped, aggregated over seeds, ranked within each experiment. */
export function leaderboard(
  data: BoardData,
  primary: PrimaryMetric,
  options: Partial<LeaderboardOptions> = {},
): Leaderboard {
  const o = { ...defaultLeaderboardOptions, ...options };
  const def = rankableMetric(primary);
  const sizes = splitSizes(data);
  const trials = o.experiment === undefined ? data.trials : data.trials.filter((t) => t.experiment === o.experiment);
  const rows = rankRows(
    [...groupRowTrials(trials)]
      .filter(([, g]) => g.trials.length > 0)
      .map(([key, g]) => aggregateRow(key, g, data, primary, sizes, o)),
    sizes,
    def,
  );
  const shown = new Set(rows.map((r) => r.experiment));
  return {
    primaryMetric: primary,
    experiments: data.experiments,
    rows,
    scopes: Object.fromEntries(Object.entries(data.scopes).filter(([name]) => shown.has(name))),
    warnings: rows.filter((r) => r.leak).map((r) => leakWarning(r.experiment, r.variant, r.featureSet, r.aucRoc)),
  };
}

/** The row's own done trials in `data`, newest first, each once. */
function trialsOfRow(data: BoardData, row: BoardRow): FinishedTrial[] {
  const wanted = new Set(row.trials);
  return data.trials.filter((t) => {
    if (t.status !== 'done' || t.experiment !== row.experiment || !wanted.has(t.id)) return false;
    wanted.delete(t.id);
    return true;
  });
}

/** What the board's detail view and the report show of one row, from its own trials in `data`. */
export function rowDetail(data: BoardData, row: BoardRow): RowDetail {
  const trials = trialsOfRow(data, row);
  const sum = (name: string) => trials.reduce((s, t) => s + (t.metrics.test[name] ?? 0), 0);
  const byCase = new Map<string, { detected: number; total: number }>();
  for (const t of trials) {
    for (const [slice, m] of Object.entries(t.slices)) {
      if (!slice.startsWith('testCase=') || (m.tp === undefined && m.fn === undefined)) continue;
      const c = slice.slice('testCase='.length);
      let x = byCase.get(c);
      if (!x) byCase.set(c, (x = { detected: 0, total: 0 }));
      x.detected += m.tp ?? 0;
      x.total += (m.tp ?? 0) + (m.fn ?? 0);
    }
  }
  const recallByCase = [...byCase]
    .filter(([, x]) => x.total > 0)
    .map(([testCase, x]) => ({ testCase, recall: x.detected / x.total, ...x }))
    .sort((a, b) => a.recall - b.recall || a.testCase.localeCompare(b.testCase));
  const stages = new Map<string, number[]>();
  for (const t of trials) {
    // Stages in name order, the same for every row.
    for (const x of [...t.timings].sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0))) {
      let list = stages.get(x.stage);
      if (!list) stages.set(x.stage, (list = []));
      list.push(x.wallMs);
    }
  }
  const audits = auditsOf(
    data,
    row.featureSet,
    trials.map((t) => t.splitId),
  );
  const warnings = new Set<string>();
  for (const a of audits.flat()) for (const w of a.warnings) warnings.add(`${a.featureSet}: ${w}`);
  const rule = bestRule(trivialRules(audits));
  return {
    row,
    confusion: { tp: sum('tp'), fp: sum('fp'), tn: sum('tn'), fn: sum('fn') },
    recallByCase,
    topFeatures: topFeatures(trials),
    timings: [...stages].map(([stage, ms]) => ({ stage, wallMs: finiteMean(ms) })),
    leakageWarnings: [...warnings],
    trivialF1: rule?.f1 ?? null,
    trivialRule: rule,
    ...rowConfiguration(trials),
  };
}

/** What the board asks for; `storeBoard(store)` answers from a Store. */
export interface BoardSource {
  /** The leaderboard ranked by `primary`, of one experiment or all, as stored now. */
  leaderboard(primary: PrimaryMetric, experiment?: string): Promise<Leaderboard>;
  detail(row: BoardRow): Promise<RowDetail>;
  compare(a: BoardRow, b: BoardRow): Promise<SelectorComparison>;
}

/** Options of `storeBoard`. */
export interface BoardSourceOptions {
  /** Bootstrap resamples of a comparison on one shared split (the only test one split allows). @default 1000 */
  resamples: number;
  /** Bootstrap seed. @default 1 */
  seed: number;
  /** A row is `trivial` when its F1 ≤ the best trivial rule's F1 + margin. @default 0.02 */
  trivialMargin: number;
}

export const defaultBoardSourceOptions: Readonly<BoardSourceOptions> = Object.freeze({
  resamples: 1000,
  seed: 1,
  trivialMargin: 0.02,
});

/** The board's source over a store: each call reads what it shows afresh. */
export function storeBoard(store: Store, options: Partial<BoardSourceOptions> = {}): BoardSource {
  const o = { ...defaultBoardSourceOptions, ...options };
  return {
    async leaderboard(primary, experiment) {
      const data = await loadBoardData(store, experiment === undefined ? {} : { experiment });
      return leaderboard(data, primary, {
        trivialMargin: o.trivialMargin,
        ...(experiment !== undefined && { experiment }),
      });
    },
    async detail(row) {
      return rowDetail(await loadBoardData(store, { experiment: row.experiment }), row);
    },
    compare(a, b) {
      return compareSelectors(
        store,
        { variant: a.variant, featureSet: a.featureSet, experiment: a.experiment },
        { variant: b.variant, featureSet: b.featureSet, experiment: b.experiment },
        { resamples: o.resamples, seed: o.seed },
      );
    },
  };
}

/**
 * What to say when an experiment has no row: run it, retry its failures, or wait for the process
 * running it — never "run it" when its trials are done (they are its rows, whoever computed them).
 */
export async function noRowsText(store: Store, experiment: string): Promise<{ message: string; hint: string }> {
  const [exp, s] = await Promise.all([store.findExperiment(experiment), store.planStatus(experiment)]);
  const file = exp?.file ?? '<file>';
  const message = `experiment '${experiment}' has no finished trials`;
  if (s.running > 0) {
    return {
      message,
      hint: `${s.running} of its trials are running in another process: wait for it, or rerun ${file}`,
    };
  }
  if (s.failed > 0 && s.pending === 0) {
    return {
      message,
      hint: `its ${s.failed} trials failed: see bench ls --experiment ${experiment} --status failed, then bench run ${file} --retry-failed`,
    };
  }
  return { message, hint: `run it: bench run ${file}` };
}

/**
 * The fault slices of a row over the seeds that have them: F1 and AUC-ROC averaged over the seeds
 * whose slice holds anomalies, recall pooled (as recall per error case is). Null when no seed has
 * ground truth.
 */
export function summarizeFaultSlices(perTrial: readonly TrialFacts['faults'][]): FaultSlices | null {
  const summary = (slice: FaultSlice): FaultSliceSummary => {
    const seeds = perTrial.flatMap((t) => (t[slice] ? [t[slice]] : []));
    const detected = seeds.reduce((s, m) => s + (m.tp ?? 0), 0);
    const anomalies = seeds.reduce((s, m) => s + (m.tp ?? 0) + (m.fn ?? 0), 0);
    // A seed whose slice holds no anomaly has no F1 (its 0 would say "missed everything").
    return {
      f1: finiteMean(seeds.map((m) => ((m.tp ?? 0) + (m.fn ?? 0) === 0 ? Number.NaN : (m.f1 ?? Number.NaN)))),
      recall: anomalies === 0 ? Number.NaN : detected / anomalies,
      aucRoc: finiteMean(seeds.map((m) => m.auc_roc ?? Number.NaN)),
      detected,
      anomalies,
    };
  };
  if (!perTrial.some((t) => FAULT_SLICES.some((s) => t[s] !== undefined))) return null;
  return { visible: summary('visible'), hidden: summary('hidden') };
}

/** Mean |SHAP| per feature over the trials' SHAP summaries (artifact kind `shap`), largest first. */
export function topFeatures(
  trials: readonly { artifacts: readonly ArtifactRecord[] }[],
  k = 10,
): { feature: string; meanAbs: number }[] {
  const sums = new Map<string, number>();
  let n = 0;
  for (const t of trials) {
    const a = t.artifacts.find((x) => x.kind === 'shap');
    if (!a) continue;
    n++;
    for (const { feature, meanAbs } of readShapSummary(a)) sums.set(feature, (sums.get(feature) ?? 0) + meanAbs);
  }
  return [...sums]
    .map(([feature, s]) => ({ feature, meanAbs: s / n }))
    .sort((x, y) => y.meanAbs - x.meanAbs || x.feature.localeCompare(y.feature))
    .slice(0, k);
}
