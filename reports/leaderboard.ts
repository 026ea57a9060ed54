/**
 * The leaderboard: done trials grouped into rows (experiment × variant × feature set), aggregated
 * over split seeds, ranked by a primary metric, with ties marked where a paired bootstrap over test
 * runs cannot tell a row from the one above. Read from SQLite and the trials' prediction files only.
 */
import seedrandom from 'seedrandom';
import { BenchError } from '../harness/errors/index.ts';
import type { ArtifactRecord, Db } from '../harness/store/index.ts';
import {
  ALGORITHMS,
  type Algorithm,
  isTokenPart,
  parseFeatureSet,
  VARIANTS,
  type VariantName,
} from '../models/index.ts';
import { quantileSorted } from '../splits/eval/index.ts';
import { aucRoc, averagePrecision, precisionAtK, type TieTable } from '../splits/eval/ranking.ts';
import type { LeakageAudit } from '../splits/index.ts';
import { compareSelectors, type SelectorComparison } from './compare.ts';
import { readShapSummary } from './explanations.ts';
import type { LeaderboardEntry } from './page/model.ts';
import { type Predictions, readPredictions, rowsOf } from './predictions.ts';

export type PrimaryMetric = 'f1' | 'auc_pr' | 'auc_roc' | 'precision_at_k';
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
}

export interface Leaderboard {
  primaryMetric: PrimaryMetric;
  /** Experiments present (names), for filtering. */
  experiments: string[];
  /** Sorted by rank (primary metric, best first). */
  rows: BoardRow[];
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
}

/**
 * One split's test part of a trial, prepared for a fast bootstrap over its runs: a resample is a
 * weight per run (how often it was drawn), and every metric is one pass over precomputed tables —
 * confusion counts per run for F1, rows sorted by score with their tie blocks for the ranking
 * metrics (weighted tie tables, so ties count exactly as in `metricsAt`).
 */
export interface PreparedSplit {
  runs: string[];
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  /** Per row in descending score order: its tie block, its run, its label. */
  block: Int32Array;
  group: Int32Array;
  label: Uint8Array;
  /** Distinct scores, descending (one per block). */
  values: Float64Array;
}

export function prepareSplit(p: Predictions): PreparedSplit {
  const test = rowsOf(p, 'test');
  const runs = [...new Set(test.map((i) => p.run[i]!))].sort();
  const runIndex = new Map(runs.map((r, k) => [r, k]));
  const tp = new Float64Array(runs.length);
  const fp = new Float64Array(runs.length);
  const fn = new Float64Array(runs.length);
  for (const i of test) {
    const g = runIndex.get(p.run[i]!)!;
    const counts = p.anomaly[i] === 1 ? (p.predicted[i] === 1 ? tp : fn) : p.predicted[i] === 1 ? fp : null;
    if (counts) counts[g] = counts[g]! + 1;
  }
  const order = [...test].sort((a, b) => p.score[b]! - p.score[a]! || a - b);
  const block = new Int32Array(order.length);
  const values: number[] = [];
  order.forEach((i, k) => {
    // `===` keeps −0 and +0 in one block, as the tie tables of splits/eval do.
    if (k === 0 || p.score[i] !== p.score[order[k - 1]!]) values.push(p.score[i]!);
    block[k] = values.length - 1;
  });
  return {
    runs,
    tp,
    fp,
    fn,
    block,
    group: Int32Array.from(order, (i) => runIndex.get(p.run[i]!)!),
    label: Uint8Array.from(order, (i) => p.anomaly[i]!),
    values: Float64Array.from(values),
  };
}

/** The metric of a split with run weights `w` (all ones: the split as it is). */
export function weightedMetric(s: PreparedSplit, w: Float64Array, metric: PrimaryMetric): number {
  if (metric === 'f1') {
    let tp = 0;
    let other = 0;
    for (let g = 0; g < w.length; g++) {
      tp += w[g]! * s.tp[g]!;
      other += w[g]! * (s.fp[g]! + s.fn[g]!);
    }
    return 2 * tp + other === 0 ? 0 : (2 * tp) / (2 * tp + other);
  }
  const pos = new Float64Array(s.values.length);
  const neg = new Float64Array(s.values.length);
  let nPos = 0;
  let nNeg = 0;
  for (let k = 0; k < s.block.length; k++) {
    const x = w[s.group[k]!]!;
    if (x === 0) continue;
    if (s.label[k] === 1) {
      pos[s.block[k]!]! += x;
      nPos += x;
    } else {
      neg[s.block[k]!]! += x;
      nNeg += x;
    }
  }
  const t: TieTable = { values: s.values, pos, neg, nPos, nNeg };
  return metric === 'auc_pr' ? averagePrecision(t) : metric === 'auc_roc' ? aucRoc(t) : precisionAtK(t, nPos);
}

/** Run weights of one bootstrap resample: n draws with replacement. */
function drawWeights(n: number, rng: () => number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[Math.floor(rng() * n)]!++;
  return w;
}

const finiteMean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length === 0 ? Number.NaN : f.reduce((s, x) => s + x, 0) / f.length;
};

function quantile(values: Float64Array, p: number): number {
  const f = values.filter(Number.isFinite).sort();
  return f.length === 0 ? Number.NaN : quantileSorted(f, p);
}

/**
 * The metric averaged over seeds, with a 95 % interval from a bootstrap that redraws each seed's
 * test runs (stratified by seed: every resample keeps every seed).
 */
function seedInterval(perSplit: readonly PreparedSplit[], metric: PrimaryMetric, resamples: number, seed: string) {
  const rng = seedrandom(seed);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    stats[r] = finiteMean(perSplit.map((s) => weightedMetric(s, drawWeights(s.runs.length, rng), metric)));
  }
  return { lo: quantile(stats, 0.025), hi: quantile(stats, 0.975) };
}

/**
 * Whether two rows are tied on `metric`: a paired bootstrap over their shared splits, redrawing the
 * same test runs for both, puts 0 inside the 95 % interval of the mean difference. Rows without a
 * shared split cannot be paired: not tied.
 */
function tiedRows(
  a: Map<number, PreparedSplit>,
  b: Map<number, PreparedSplit>,
  metric: PrimaryMetric,
  resamples: number,
  seed: string,
) {
  const shared = [...a.keys()].filter((k) => b.has(k)).sort((x, y) => x - y);
  if (shared.length === 0) return false;
  const rng = seedrandom(seed);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    diffs[r] = finiteMean(
      shared.map((k) => {
        const x = a.get(k)!;
        const w = drawWeights(x.runs.length, rng);
        return weightedMetric(b.get(k)!, w, metric) - weightedMetric(x, w, metric);
      }),
    );
  }
  const lo = quantile(diffs, 0.025);
  const hi = quantile(diffs, 0.975);
  return Number.isNaN(lo) || (lo <= 0 && hi >= 0);
}

/** The leaderboard, row details and comparisons over a bench database. */
export function openBoardData(db: Db, options: Partial<BoardDataOptions> = {}): BoardData {
  const o = { ...defaultBoardDataOptions, ...options };
  const prepared = new Map<number, PreparedSplit>();
  const prepare = (t: TrialFacts): PreparedSplit => {
    let x = prepared.get(t.id);
    if (x) return x;
    if (!t.predictions) {
      throw new BenchError('data', `trial ${t.id} has no predictions artifact`, {
        hint: 'it ran before predictions were recorded; rerun it with `bench run --fresh`',
      });
    }
    x = prepareSplit(readPredictions(t.predictions));
    prepared.set(t.id, x);
    return x;
  };

  const loadTrials = (experiment?: string) => {
    const rows = db
      .prepare(
        `SELECT t.id, t.split_id AS splitId, t.variant, t.feature_set AS featureSet, t.status, e.name AS experiment
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
    }[];
    const metric = db.prepare("SELECT name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice = ''");
    const fit = db.prepare("SELECT wall_ms FROM timings WHERE trial_id = ? AND stage = 'fit'");
    const tput = db.prepare('SELECT sequences_per_s FROM throughput WHERE trial_id = ?');
    const pred = db.prepare("SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? AND kind = 'predictions'");
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
      const experiments = (
        db
          .prepare('SELECT DISTINCT e.name FROM experiments e JOIN sweeps w ON w.experiment_id = e.id ORDER BY e.name')
          .all() as {
          name: string;
        }[]
      ).map((x) => x.name);
      const rows: BoardRow[] = [];
      for (const [key, g] of loadTrials(experiment)) {
        if (g.trials.length === 0) continue;
        const t0 = g.trials[0]!;
        const perSplit = new Map(g.trials.map((t) => [t.splitId, prepare(t)]));
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
          aucRoc: mean('auc_roc'),
          precisionAtK: mean('precision_at_k'),
          fitMs: finiteMean(g.trials.map((t) => t.fitMs ?? Number.NaN)),
          throughputPerS: g.trials.every((t) => t.throughput !== null)
            ? finiteMean(g.trials.map((t) => t.throughput!))
            : null,
          withinTrivialReach: trivial !== null && f1.mean <= trivial + o.trivialMargin,
          falsePositives: g.trials.reduce((s, t) => s + (t.metrics.fp ?? 0), 0),
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
      return { primaryMetric: primary, experiments, rows };
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
