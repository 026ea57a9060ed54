/** A `BoardSource` over literal leaderboard rows, shared by the board's tests. */

import { type ExperimentScope, leakWarning } from '../../harness/experiment/index.ts';
import type { SelectorComparison } from '../../reports/compare.ts';
import type { BoardRow, BoardSource, Leaderboard, PrimaryMetric, RowDetail } from '../../reports/leaderboard.ts';
import type { MeanInterval } from '../../reports/model.ts';

/** Deterministic value in [0, 1) from an integer. */
export const unit = (i: number) => (((Math.sin(i * 12.9898) * 43758.5453) % 1) + 1) % 1;

/** The 14 registry variants (DESIGN.md) with their feature set, algorithm and supervision. */
export const VARIANTS: readonly [string, string, string, boolean][] = [
  ['event_lr_words', 'words', 'logistic_regression', true],
  ['event_lsvm_words', 'words', 'linear_svm', true],
  ['event_dt_trigrams', 'trigrams', 'decision_tree', true],
  ['event_rf_words', 'words', 'random_forest', true],
  ['event_xgb_words', 'words', 'xgboost', true],
  ['sequence_lr_words', 'words', 'logistic_regression', true],
  ['sequence_shap_lr_words', 'words', 'logistic_regression', true],
  ['sequence_lr_numeric', 'numeric', 'logistic_regression', true],
  ['isolation_forest', 'numeric', 'isolation_forest', false],
  ['event_lof_words', 'words', 'lof', false],
  ['event_oneclass_svm_words', 'words', 'oneclass_svm', false],
  ['event_kmeans_words', 'words', 'kmeans', false],
  ['event_rarity_words', 'words', 'rarity', false],
  ['event_oov_words', 'words', 'oov', false],
];

export type RawRow = Omit<BoardRow, 'rank' | 'tied' | 'primary'>;

/** A fixture entry's `metrics` (what the board and report read) from its F1 interval and its means. */
export function entryMetrics(e: {
  f1: MeanInterval;
  aucPr: number;
  aucRoc: number;
  precisionAtK: number;
}): Record<string, MeanInterval> {
  const plain = (mean: number): MeanInterval => ({ mean, lo: Number.NaN, hi: Number.NaN, interval: 'none' });
  return { f1: e.f1, auc_pr: plain(e.aucPr), auc_roc: plain(e.aucRoc), precision_at_k: plain(e.precisionAtK) };
}

/** The scope every fixture row's experiment has (LogLead's, on shuffled synthetic data). */
export const FIXTURE_SCOPE: ExperimentScope = {
  labels: 'case',
  seqBy: 'file',
  source: 'synthetic',
  order: 'shuffled',
  faults: 'injected',
};

export function rawRow(
  i: number,
  experiment: string,
  variant: string,
  featureSet: string,
  algorithm: string,
  sup: boolean,
) {
  // Row 2 lands within 0.01 of row 1: a tie.
  const f1 = 0.95 - i * 0.045 + (i === 2 ? 0.04 : 0);
  const means = {
    f1: { mean: f1, lo: f1 - 0.03, hi: f1 + 0.02, interval: 'corrected-t' as const },
    aucPr: 0.55 + unit(i + 1) * 0.44,
    aucRoc: 0.7 + unit(i + 2) * 0.29,
    precisionAtK: 0.4 + unit(i + 3) * 0.59,
  };
  return {
    key: `${experiment}|${variant}|${featureSet}`,
    experiment,
    variant,
    featureSet,
    algorithm,
    supervised: sup,
    seeds: 5,
    trials: [1, 2, 3, 4, 5].map((s) => i * 10 + s),
    failed: i === 4 ? 1 : 0,
    falsePositives: 3 + i * 7,
    ...means,
    metrics: entryMetrics(means),
    fitMs: 40 + unit(i + 4) * 90_000,
    // One variant without a throughput measurement: sorting must put it last either way.
    throughputPerS: variant === 'event_oov_words' ? null : 300 + unit(i + 5) * 80_000,
    withinTrivialReach: i === 9 || i === 12,
    scope: FIXTURE_SCOPE,
    leak: false,
    flags:
      i === 9 || i === 12
        ? [{ flag: 'trivial', reason: `test F1 ${f1.toFixed(3)} is within 0.02 of the trivial rule "sequence length"` }]
        : [],
    faultSlices: null,
  } satisfies RawRow;
}

/** 14 quickstart rows plus 4 from a feature-set experiment (drain features appear only there). */
export function fixtureRows(): RawRow[] {
  const quick = VARIANTS.map(([v, fs, a, s], i) => rawRow(i, 'quickstart', v, fs, a, s));
  const sets = [
    rawRow(14, 'feature-sets', 'event_lr_words', 'drain', 'logistic_regression', true),
    rawRow(15, 'feature-sets', 'event_lr_words', 'trigrams', 'logistic_regression', true),
    rawRow(16, 'feature-sets', 'event_rf_words', 'drain', 'random_forest', true),
    rawRow(17, 'feature-sets', 'isolation_forest', 'drain', 'isolation_forest', false),
  ];
  return [...quick, ...sets];
}

const metricOf = (r: RawRow, m: PrimaryMetric) =>
  m === 'f1' ? r.f1.mean : m === 'auc_pr' ? r.aucPr : m === 'auc_roc' ? r.aucRoc : r.precisionAtK;

/**
 * Ranks raw rows by a metric the way the store does: grouped by experiment, best first within each,
 * tied when within 0.01 of the row above in the same experiment. A row marked `leak` gets its flag.
 */
export function rank(raw: readonly RawRow[], primary: PrimaryMetric, experiments: string[]): Leaderboard {
  const sorted = [...raw].sort(
    (a, b) => a.experiment.localeCompare(b.experiment) || metricOf(b, primary) - metricOf(a, primary),
  );
  const rows = sorted.map((r, i) => {
    const v = metricOf(r, primary);
    const above = sorted[i - 1]?.experiment === r.experiment ? sorted[i - 1] : undefined;
    const first = sorted.findIndex((x) => x.experiment === r.experiment);
    const flags =
      r.leak && !r.flags.some((f) => f.flag === 'leak')
        ? [{ flag: 'leak' as const, reason: leakWarning(r.experiment, r.variant, r.featureSet, r.aucRoc) }, ...r.flags]
        : r.flags;
    return {
      ...r,
      flags,
      rank: i - first + 1,
      tied: above !== undefined && metricOf(above, primary) - v < 0.01,
      primary: { mean: v, lo: v - 0.02, hi: v + 0.015, interval: 'corrected-t' as const },
    };
  });
  const scopes = Object.fromEntries(raw.map((r) => [r.experiment, r.scope]));
  const warnings = rows.filter((r) => r.leak).map((r) => leakWarning(r.experiment, r.variant, r.featureSet, r.aucRoc));
  return { primaryMetric: primary, experiments, rows, scopes, warnings };
}

export function detailOf(row: BoardRow): RowDetail {
  return {
    row,
    confusion: { tp: 412, fp: row.falsePositives, tn: 9120, fn: 37 },
    recallByCase: Array.from({ length: 30 }, (_, i) => ({
      testCase: i % 5 === 0 ? `case_${i}_token_expired_during_authorization_code_flow` : `case_${i}`,
      recall: i === 29 ? null : i / 30,
      detected: i,
      total: 30,
    })),
    topFeatures: [
      { feature: 'w:expired', meanAbs: 0.31 },
      { feature: 'w:invalid', meanAbs: 0.22 },
    ],
    timings: [
      { stage: 'vectorize', wallMs: 340 },
      { stage: 'fit', wallMs: row.fitMs },
      { stage: 'score', wallMs: 95 },
    ],
    leakageWarnings: row.withinTrivialReach ? ['sequence length separates test anomalies (AUC 0.97)'] : [],
    trivialF1: 0.41,
  };
}

export function comparisonOf(a: BoardRow, b: BoardRow): SelectorComparison {
  const pairs = [1, 2, 3, 4, 5].map((seed, i) => ({
    splitId: seed,
    seed,
    a: a.trials[i] ?? 0,
    b: b.trials[i] ?? 0,
    f1A: a.f1.mean,
    f1B: b.f1.mean,
  }));
  const d = b.f1.mean - a.f1.mean;
  return {
    kind: 'seeds',
    a: { variant: a.variant, featureSet: a.featureSet, trials: a.trials },
    b: { variant: b.variant, featureSet: b.featureSet, trials: b.trials },
    pairs,
    deltas: [
      { name: 'f1', a: a.f1.mean, b: b.f1.mean, delta: d },
      { name: 'auc_pr', a: a.aucPr, b: b.aucPr, delta: b.aucPr - a.aucPr },
    ],
    corrected_t: {
      state: 'interval',
      t: -1.2,
      df: 4,
      p: 0.3,
      ci: [d - 0.05, d + 0.05],
      mean: d,
      sd: 0.02,
      se: 0.018,
      correction: 0.45,
      k: 5,
      confidence: 0.95,
      nTrain: 160,
      nTest: 40,
    },
    wilcoxon: { statistic: 0, pValue: 0.0625, n: 5, method: 'exact' },
    bootstrap: null,
    tied: true,
  };
}

/** A `BoardSource` over literal rows that records what the board asked for. */
export function fixtureData(raw: RawRow[] = fixtureRows()) {
  const calls = {
    leaderboard: [] as [PrimaryMetric, string | undefined][],
    detail: [] as string[],
    compare: [] as [string, string][],
  };
  const experiments = [...new Set(raw.map((r) => r.experiment))];
  const data: BoardSource = {
    async leaderboard(primary, experiment) {
      calls.leaderboard.push([primary, experiment]);
      return rank(
        raw.filter((r) => experiment === undefined || r.experiment === experiment),
        primary,
        experiments,
      );
    },
    async detail(row) {
      calls.detail.push(row.key);
      return detailOf(row);
    },
    async compare(a, b) {
      calls.compare.push([a.key, b.key]);
      return comparisonOf(a, b);
    },
  };
  return { data, calls };
}
