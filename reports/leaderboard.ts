/**
 * The leaderboard: done trials grouped into rows (experiment × variant × feature set), aggregated
 * over split seeds, ranked by a primary metric, with ties marked where a paired bootstrap over test
 * runs cannot tell a row from the one above. Read from SQLite and the trials' prediction files only.
 */

import {
  type ExperimentScope,
  experimentScope,
  isNullDataset,
  leakWarning,
  NULL_AUC_LIMIT,
} from '../harness/experiment/index.ts';
import { type ArtifactRecord, type Db, experimentNames, latestExperimentConfigs } from '../harness/store/index.ts';
import {
  ALGORITHMS,
  type Algorithm,
  isTokenPart,
  parseFeatureSet,
  VARIANTS,
  type VariantName,
} from '../models/index.ts';
import { FAULT_SLICES, type FaultSlice, type LeakageAudit } from '../splits/index.ts';
import type { RankMetric } from './bootstrap.ts';
import { finiteMean, type PreparedSplit, pairedSplitsBootstrap, prepareSplit, seedInterval } from './bootstrap.ts';
import { compareSelectors, type SelectorComparison } from './compare.ts';
import { readShapSummary } from './explanations.ts';
import type { FaultSliceSummary, FaultSlices, LeaderboardEntry } from './page/model.ts';
import { readPredictions } from './predictions.ts';

export type PrimaryMetric = RankMetric;
export const PRIMARY_METRICS: readonly PrimaryMetric[] = ['f1', 'auc_pr', 'auc_roc', 'precision_at_k'];

/** A leaderboard row: LeaderboardEntry (rank, tie, F1 with CI, AUCs, fit time, throughput) plus where it comes from. */
export interface BoardRow extends LeaderboardEntry {
  /** `experiment|variant|featureSet`, stable across reloads. */
  key: string;
  experiment: string;
  /** Done trial ids of this row, one per split seed. */
  trials: number[];
  /** Failed trials of this row (not in the aggregates). */
  failed: number;
  /** The primary metric over seeds: mean with a 95% interval (bootstrap over test runs of every seed). */
  primary: { mean: number; lo: number; hi: number };
  /** False positives on test, summed over seeds. */
  falsePositives: number;
  /** Label scope, grouping, dataset order and faults of the row's experiment. */
  scope: ExperimentScope;
  /** On a null dataset: mean test AUC-ROC > NULL_AUC_LIMIT, i.e. the harness or generator leaks a label. */
  leak: boolean;
  faultSlices: FaultSlices | null;
}

export interface Leaderboard {
  primaryMetric: PrimaryMetric;
  /** Experiments present (names), for filtering. */
  experiments: string[];
  /** Sorted by rank (primary metric, best first). */
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
  /** Best test F1 of a trivial rule (sequence length, duration) on the row's splits; null if unknown. */
  trivialF1: number | null;
}

/** What the board needs from the store; `openBoardData(db)` implements it over SQLite. */
export interface BoardData {
  leaderboard(primary: PrimaryMetric, experiment?: string): Leaderboard;
  detail(row: BoardRow): RowDetail;
  compare(a: BoardRow, b: BoardRow): SelectorComparison;
}

/** Options of `openBoardData`. */
export interface BoardDataOptions {
  /** Bootstrap resamples for intervals and ties. @default 1000 */
  resamples: number;
  /** Bootstrap seed. @default 1 */
  seed: number;
  /** A row is "within trivial reach" when its F1 ≤ the best trivial rule's F1 + margin. @default 0.02 */
  trivialMargin: number;
}

export const defaultBoardDataOptions: Readonly<BoardDataOptions> = Object.freeze({
  resamples: 1000,
  seed: 1,
  trivialMargin: 0.02,
});

interface TrialFacts {
  id: number;
  splitId: number;
  experiment: string;
  variant: string;
  featureSet: string;
  metrics: Record<string, number | null>;
  fitMs: number | null;
  throughput: number | null;
  predictions: ArtifactRecord | undefined;
  /** Test metrics of the `fault=visible` / `fault=hidden` slices, when the trial's data had truth. */
  faults: Partial<Record<FaultSlice, Record<string, number | null>>>;
}

/**
 * Whether two rows are tied on `metric`: the paired bootstrap over their shared splits puts 0 inside
 * the 95 % interval of the difference. Rows without a shared split cannot be paired: not tied.
 */
function tiedRows(
  a: Map<number, PreparedSplit>,
  b: Map<number, PreparedSplit>,
  metric: PrimaryMetric,
  resamples: number,
  seed: string,
): boolean {
  const shared = [...a.keys()].filter((k) => b.has(k)).sort((x, y) => x - y);
  if (shared.length === 0) return false;
  const r = pairedSplitsBootstrap(
    shared.map((k) => a.get(k)!),
    shared.map((k) => b.get(k)!),
    metric,
    { resamples, seed },
  );
  return Number.isNaN(r.ci[0]) || (r.ci[0] <= 0 && r.ci[1] >= 0);
}

/** The leaderboard, row details and comparisons over a bench database. */
export function openBoardData(db: Db, options: Partial<BoardDataOptions> = {}): BoardData {
  const o = { ...defaultBoardDataOptions, ...options };
  const prepared = new Map<number, PreparedSplit>();
  /**
   * A trial's test part for the bootstrap; null for a trial from before predictions were recorded
   * (its row then has intervals and ties from its other seeds only, or none). A predictions file that
   * changed or vanished is an error, not a gap (readPredictions throws with a hint).
   */
  const prepare = (t: TrialFacts): PreparedSplit | null => {
    if (!t.predictions) return null;
    let x = prepared.get(t.id);
    if (!x) prepared.set(t.id, (x = prepareSplit(readPredictions(t.predictions))));
    return x;
  };

  /**
   * Each experiment's scope as last run, and the trials of that scope: a file whose scope was edited
   * keeps its older trials in the store, but a row mixing scopes would average different questions.
   */
  const scopes = () => {
    const byName = new Map<string, ExperimentScope>();
    for (const [name, config] of latestExperimentConfigs(db)) byName.set(name, experimentScope(config));
    return byName;
  };
  const sameScope = (a: ExperimentScope, b: ExperimentScope) =>
    a.labels === b.labels &&
    a.seqBy === b.seqBy &&
    a.source === b.source &&
    a.order === b.order &&
    a.faults === b.faults;

  const loadTrials = (experiment: string | undefined, current: Map<string, ExperimentScope>) => {
    const all = db
      .prepare(
        `SELECT t.id, t.split_id AS splitId, t.variant, t.feature_set AS featureSet, t.status, e.name AS experiment,
                e.config_json AS config
         FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
         WHERE t.status IN ('done', 'failed') AND (? IS NULL OR e.name = ?) ORDER BY t.id DESC`,
      )
      .all(experiment ?? null, experiment ?? null) as {
      id: number;
      splitId: number;
      variant: string;
      featureSet: string;
      status: string;
      experiment: string;
      config: string;
    }[];
    const scopeOfConfig = new Map<string, ExperimentScope>();
    const rows = all.filter((r) => {
      let s = scopeOfConfig.get(r.config);
      if (!s) scopeOfConfig.set(r.config, (s = experimentScope(r.config)));
      const now = current.get(r.experiment);
      return now === undefined || sameScope(s, now);
    });
    const metric = db.prepare("SELECT name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice = ''");
    const fit = db.prepare("SELECT wall_ms FROM timings WHERE trial_id = ? AND stage = 'fit'");
    const tput = db.prepare('SELECT sequences_per_s FROM throughput WHERE trial_id = ?');
    const pred = db.prepare("SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? AND kind = 'predictions'");
    const faultMetric = db.prepare(
      "SELECT slice, name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice IN ('fault=visible', 'fault=hidden')",
    );
    const groups = new Map<string, { trials: TrialFacts[]; failed: number; splits: Set<number> }>();
    for (const r of rows) {
      const key = `${r.experiment}|${r.variant}|${r.featureSet}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { trials: [], failed: 0, splits: new Set() }));
      if (g.splits.has(r.splitId)) continue; // newest trial per split only
      g.splits.add(r.splitId);
      if (r.status === 'failed') {
        g.failed++;
        continue;
      }
      g.trials.push({
        ...r,
        metrics: Object.fromEntries(
          (metric.all(r.id) as { name: string; value: number | null }[]).map((m) => [m.name, m.value]),
        ),
        fitMs: (fit.get(r.id) as { wall_ms: number } | undefined)?.wall_ms ?? null,
        throughput: (tput.get(r.id) as { sequences_per_s: number | null } | undefined)?.sequences_per_s ?? null,
        predictions: pred.get(r.id) as ArtifactRecord | undefined,
        faults: faultMetricsOf(faultMetric.all(r.id) as { slice: string; name: string; value: number | null }[]),
      });
    }
    return groups;
  };

  const trivialF1 = (splitIds: readonly number[]) => {
    const q = db.prepare('SELECT audit_json FROM leakage_audits WHERE split_id = ? LIMIT 1');
    const values = splitIds.flatMap((id) => {
      const row = q.get(id) as { audit_json: string } | undefined;
      return row ? [(JSON.parse(row.audit_json) as LeakageAudit).bestTrivialF1] : [];
    });
    return values.length === splitIds.length && values.length > 0 ? finiteMean(values) : null;
  };

  const rowsBySplit = new Map<string, Map<number, PreparedSplit>>();
  const trialsByRow = new Map<string, TrialFacts[]>();

  return {
    leaderboard(primary, experiment) {
      const experiments = experimentNames(db);
      const current = scopes();
      const rows: BoardRow[] = [];
      for (const [key, g] of loadTrials(experiment, current)) {
        if (g.trials.length === 0) continue;
        const t0 = g.trials[0]!;
        const perSplit = new Map(
          g.trials.flatMap((t) => {
            const x = prepare(t);
            return x ? [[t.splitId, x] as const] : [];
          }),
        );
        rowsBySplit.set(key, perSplit);
        trialsByRow.set(key, g.trials);
        const mean = (name: string) => finiteMean(g.trials.map((t) => t.metrics[name] ?? Number.NaN));
        const splits = [...perSplit.values()];
        const f1 = { mean: mean('f1'), ...seedInterval(splits, 'f1', o.resamples, `${o.seed}:${key}:f1`) };
        const prim =
          primary === 'f1'
            ? f1
            : { mean: mean(primary), ...seedInterval(splits, primary, o.resamples, `${o.seed}:${key}:${primary}`) };
        const variant = VARIANTS[t0.variant as VariantName];
        const algorithm = variant?.algorithm ?? t0.variant;
        const trivial = trivialF1(g.trials.map((t) => t.splitId));
        const scope = current.get(t0.experiment) ?? experimentScope(null);
        const aucRoc = mean('auc_roc');
        rows.push({
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
          f1,
          primary: prim,
          aucPr: mean('auc_pr'),
          aucRoc,
          precisionAtK: mean('precision_at_k'),
          fitMs: finiteMean(g.trials.map((t) => t.fitMs ?? Number.NaN)),
          throughputPerS: g.trials.every((t) => t.throughput !== null)
            ? finiteMean(g.trials.map((t) => t.throughput!))
            : null,
          withinTrivialReach: trivial !== null && f1.mean <= trivial + o.trivialMargin,
          falsePositives: g.trials.reduce((s, t) => s + (t.metrics.fp ?? 0), 0),
          scope,
          leak: isNullDataset(scope) && aucRoc > NULL_AUC_LIMIT,
          faultSlices: summarizeFaultSlices(g.trials.map((t) => t.faults)),
        });
      }
      rows.sort(
        (a, b) =>
          (Number.isNaN(b.primary.mean) ? -1 : b.primary.mean) - (Number.isNaN(a.primary.mean) ? -1 : a.primary.mean) ||
          a.key.localeCompare(b.key),
      );
      rows.forEach((r, i) => {
        r.rank = i + 1;
        const above = rows[i - 1];
        r.tied =
          above !== undefined &&
          tiedRows(
            rowsBySplit.get(above.key)!,
            rowsBySplit.get(r.key)!,
            primary,
            o.resamples,
            `${o.seed}:${above.key}:${r.key}`,
          );
      });
      const shown = new Set(rows.map((r) => r.experiment));
      return {
        primaryMetric: primary,
        experiments,
        rows,
        scopes: Object.fromEntries([...current].filter(([name]) => shown.has(name))),
        warnings: rows.filter((r) => r.leak).map((r) => leakWarning(r.experiment, r.variant, r.featureSet, r.aucRoc)),
      };
    },

    detail(row) {
      const trials = trialsByRow.get(row.key) ?? [];
      const ids = trials.map((t) => t.id);
      const sum = (name: string) => trials.reduce((s, t) => s + (t.metrics[name] ?? 0), 0);
      const byCase = new Map<string, { detected: number; total: number }>();
      const slice = db.prepare(
        "SELECT slice, name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice LIKE 'testCase=%' AND name IN ('tp', 'fn')",
      );
      for (const id of ids) {
        for (const m of slice.all(id) as { slice: string; name: string; value: number | null }[]) {
          const c = m.slice.slice('testCase='.length);
          let x = byCase.get(c);
          if (!x) byCase.set(c, (x = { detected: 0, total: 0 }));
          if (m.name === 'tp') x.detected += m.value ?? 0;
          x.total += m.value ?? 0;
        }
      }
      const recallByCase = [...byCase]
        .filter(([, x]) => x.total > 0)
        .map(([testCase, x]) => ({ testCase, recall: x.detected / x.total, ...x }))
        .sort((a, b) => a.recall - b.recall || a.testCase.localeCompare(b.testCase));
      const timing = db.prepare('SELECT stage, wall_ms FROM timings WHERE trial_id = ?');
      const stages = new Map<string, number[]>();
      for (const id of ids) {
        for (const t of timing.all(id) as { stage: string; wall_ms: number }[]) {
          let list = stages.get(t.stage);
          if (!list) stages.set(t.stage, (list = []));
          list.push(t.wall_ms);
        }
      }
      const auditParts = parseFeatureSet(row.featureSet).filter(isTokenPart);
      const audit = db.prepare('SELECT audit_json FROM leakage_audits WHERE split_id = ? AND feature_set = ?');
      const warnings = new Set<string>();
      for (const t of trials) {
        for (const part of auditParts.length > 0 ? auditParts : ['drain']) {
          const a = audit.get(t.splitId, part) as { audit_json: string } | undefined;
          for (const w of a ? (JSON.parse(a.audit_json) as LeakageAudit).warnings : []) warnings.add(`${part}: ${w}`);
        }
      }
      return {
        row,
        confusion: { tp: sum('tp'), fp: sum('fp'), tn: sum('tn'), fn: sum('fn') },
        recallByCase,
        topFeatures: topFeatures(db, ids),
        timings: [...stages].map(([stage, ms]) => ({ stage, wallMs: finiteMean(ms) })),
        leakageWarnings: [...warnings],
        trivialF1: trivialF1(trials.map((t) => t.splitId)),
      };
    },

    compare(a, b) {
      return compareSelectors(
        db,
        { variant: a.variant, featureSet: a.featureSet, experiment: a.experiment },
        { variant: b.variant, featureSet: b.featureSet, experiment: b.experiment },
      );
    },
  };
}

/** A trial's `fault=` slice metrics by slice. */
function faultMetricsOf(rows: readonly { slice: string; name: string; value: number | null }[]): TrialFacts['faults'] {
  const out: TrialFacts['faults'] = {};
  for (const m of rows) (out[m.slice.slice('fault='.length) as FaultSlice] ??= {})[m.name] = m.value;
  return out;
}

/**
 * The fault slices of a row over the seeds that have them: F1 and AUC-ROC averaged, recall pooled
 * (as recall per error case is). Null when no seed has ground truth.
 */
export function summarizeFaultSlices(perTrial: readonly TrialFacts['faults'][]): FaultSlices | null {
  const summary = (slice: FaultSlice): FaultSliceSummary => {
    const seeds = perTrial.flatMap((t) => (t[slice] ? [t[slice]] : []));
    const detected = seeds.reduce((s, m) => s + (m.tp ?? 0), 0);
    const anomalies = seeds.reduce((s, m) => s + (m.tp ?? 0) + (m.fn ?? 0), 0);
    return {
      f1: finiteMean(seeds.map((m) => m.f1 ?? Number.NaN)),
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
export function topFeatures(db: Db, trialIds: readonly number[], k = 10): { feature: string; meanAbs: number }[] {
  const q = db.prepare("SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? AND kind = 'shap'");
  const sums = new Map<string, number>();
  let n = 0;
  for (const id of trialIds) {
    const a = q.get(id) as ArtifactRecord | undefined;
    if (!a) continue;
    n++;
    for (const { feature, meanAbs } of readShapSummary(a)) sums.set(feature, (sums.get(feature) ?? 0) + meanAbs);
  }
  return [...sums]
    .map(([feature, s]) => ({ feature, meanAbs: s / n }))
    .sort((x, y) => y.meanAbs - x.meanAbs || x.feature.localeCompare(y.feature))
    .slice(0, k);
}
