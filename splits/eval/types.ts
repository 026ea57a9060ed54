/**
 * Types shared by the evaluation maths. Scores are `Float64Array`s of anomaly scores (higher =
 * more anomalous); labels are `Uint8Array`s (1 = anomaly, 0 = normal), aligned by index.
 */

/** How a decision threshold is chosen on validation data. */
export type ThresholdRule = 'max-f1' | 'contamination';

/**
 * Options of `chooseThreshold`: a discriminated union so the contamination rule cannot be asked
 * for without its fraction.
 * @default { rule: 'max-f1' }
 */
export type ThresholdOptions =
  | { rule: 'max-f1' }
  | {
      rule: 'contamination';
      /** Expected fraction of anomalies in (0, 1); the threshold flags about this fraction. */
      contamination: number;
    };

/** Why a threshold rule could not be applied as stated (`null` when it could). */
export type ThresholdFallback = null | 'no-validation-positives';

/** The threshold picked on validation data; the decision is `score >= threshold`. */
export interface ThresholdChoice {
  /** A validation score, or `+Infinity` (predict nothing) when max-F1 had no positives. */
  threshold: number;
  rule: ThresholdRule;
  /** F1 of `score >= threshold` on the validation set itself (0 when it has no positives). */
  f1OnValidation: number;
  fallback: ThresholdFallback;
}

/** Options of `metricsAt` and `metricsBySlice`. */
export interface MetricsOptions {
  /**
   * k of `precision_at_k`: how many of the highest scores to inspect; clamped to the set size.
   * @default the number of positives in the set (so precision@k = R-precision)
   */
  k?: number;
  /**
   * The recall LEVEL α of `fpr_at_alpha` (not a significance level): the false-positive rate at the
   * highest threshold whose recall is ≥ α, i.e. the fewest false alarms that still catch α of
   * the anomalies. Must be in (0, 1].
   * @default 0.9
   */
  alpha?: number;
}

/**
 * Metrics of one score set at one threshold, named as in DESIGN.md (the `metrics.name` column).
 * `psi` is not here: it compares two score sets (see `psi`).
 */
export interface Metrics {
  /** 2·tp / (2·tp + fp + fn); 0 when that is 0/0 (sklearn zero_division=0). */
  f1: number;
  /** tp / (tp + fp); 0 when nothing is predicted positive (sklearn zero_division=0). */
  precision: number;
  /** tp / (tp + fn); NaN when the set has no positives (undefined, not 0). */
  recall: number;
  /** (tp + tn) / n; NaN for an empty set. */
  accuracy: number;
  /** Area under the ROC curve, ties counted ½ (= sklearn roc_auc_score); NaN with one class. */
  auc_roc: number;
  /** Step-wise average precision (= sklearn average_precision_score); NaN with no positives. */
  auc_pr: number;
  /** Tie-averaged precision among the k highest scores; NaN when k defaults to 0 positives. */
  precision_at_k: number;
  /** FPR at the highest threshold reaching recall ≥ α; NaN with no positives or no negatives. */
  fpr_at_alpha: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** The threshold the counts were taken at (`score >= threshold` ⇒ anomaly). */
  threshold: number;
}

/** Options of `psi`. */
export interface PsiOptions {
  /**
   * Number of bins, cut at the quantiles of the expected (training) scores; equal cut points
   * (heavy ties) are merged, so fewer bins may be used.
   * @default 10
   */
  bins?: number;
  /**
   * Floor for a bin's proportion, so an empty bin does not make ln(a/e) infinite.
   * @default 1e-4
   */
  epsilon?: number;
}

/** Spread of one metric over seeds or folds. */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n = 1. */
  sd: number;
  min: number;
  max: number;
}

/** One run's (or fold's) scores and labels, the unit `bootstrapCI` resamples. */
export interface ScoredGroup {
  scores: Float64Array;
  labels: Uint8Array;
}

/** Options of `bootstrapCI` and `pairedBootstrap`. */
export interface BootstrapOptions {
  /** Seed of the resampling generator (seedrandom); required so CIs are reproducible. */
  seed: string | number;
  /**
   * Number of bootstrap resamples.
   * @default 2000
   */
  resamples?: number;
  /**
   * Two-sided confidence level of the percentile interval, in (0, 1).
   * @default 0.95
   */
  confidence?: number;
}

/** A percentile bootstrap confidence interval. */
export interface BootstrapResult {
  /** The statistic on the original (not resampled) groups. */
  estimate: number;
  lo: number;
  hi: number;
  confidence: number;
  resamples: number;
  /** Resamples whose statistic was not finite (e.g. one class only); left out of the interval. */
  invalidResamples: number;
}

/** Result of the two-sided Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** min(R+, R−), as scipy reports for the two-sided test. */
  statistic: number;
  pValue: number;
  /** Number of non-zero differences (zeros are dropped, scipy's zero_method='wilcox'). */
  n: number;
  /** Whether the p-value comes from the exact null distribution or the normal approximation. */
  method: 'exact' | 'normal';
}

/** Result of the paired bootstrap over differences a − b. */
export interface PairedBootstrapResult {
  /** mean(a − b) over the original pairs. */
  meanDiff: number;
  /** Percentile interval of mean(a − b). */
  ci: [lo: number, hi: number];
  /** Two-sided bootstrap p-value for "mean difference = 0" (see `pairedBootstrap`). */
  pValue: number;
  n: number;
}

/** Metrics the bootstrap over test runs computes (the ones a leaderboard ranks by). */
export type RankMetric = 'f1' | 'auc_pr' | 'auc_roc' | 'precision_at_k';

/**
 * A trial's scored sequences of every part, one entry per sequence (the columns of its predictions
 * file): what `prepareSplit` reads its test part from.
 */
export interface SplitPredictions {
  part: readonly string[];
  run: readonly string[];
  /** Label: 1 = anomaly. */
  anomaly: Uint8Array;
  /** Decision at the trial's threshold: 1 = flagged. */
  predicted: Uint8Array;
  score: Float64Array;
}

/** One split's test part of a trial, prepared for the bootstrap over its runs. */
export interface PreparedSplit {
  /** Test runs, sorted. */
  runs: string[];
  /** Confusion counts per run (at the trial's threshold). */
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

/** Result of `pairedSplitsBootstrap`: metric(b) − metric(a), averaged over the splits. */
export interface PairedSplitsBootstrapResult {
  meanDiff: number;
  /** 2.5 % and 97.5 % quantiles of the resampled differences. */
  ci: [number, number];
  pValue: number;
  /** Splits. */
  n: number;
  /** Test runs over all splits. */
  runs: number;
}

/** What a result over split seeds says when there is only one seed to spread over. */
export type SingleSeedReason = '1 seed: no interval over splits';

/** Options of `correctedResampledT`. */
export interface CorrectedTOptions {
  /**
   * Size of the data each split learns from (runs or sequences, in the same unit as `nTest`):
   * Nadeau & Bengio's n₁. Only nTest/nTrain enters the correction.
   */
  nTrain: number;
  /** Size of each split's test part: Nadeau & Bengio's n₂. */
  nTest: number;
  /**
   * Significance level: the interval is (1 − alpha) and two-sided.
   * @default 0.05
   */
  alpha?: number;
}

/** The corrected resampled t-test over k ≥ 2 split seeds. */
export interface CorrectedTInterval {
  state: 'interval';
  /** mean / √(corrected variance); ±Infinity when all values are equal and non-zero, 0 when all are 0. */
  t: number;
  /** k − 1. */
  df: number;
  /** Two-sided p-value for "the mean is 0" from Student's t with `df` degrees of freedom. */
  p: number;
  /** mean ∓ t_{df, 1 − alpha/2} · √(corrected variance). */
  ci: [lo: number, hi: number];
  /** Mean over seeds of the differences a − b (or of the values, with no b). */
  mean: number;
  /** Sample standard deviation over seeds (k − 1 denominator), uncorrected. */
  sd: number;
  /** √(sd² · correction): the standard error the test and interval use. */
  se: number;
  /** 1/k + nTest/nTrain: the factor on the sample variance (plain t-test: 1/k). */
  correction: number;
  k: number;
  /** 1 − alpha. */
  confidence: number;
}

/** One seed: a mean but nothing to spread it over. */
export interface SingleSeedMean {
  state: 'single-seed';
  mean: number;
  k: 1;
  reason: SingleSeedReason;
}

export type CorrectedTResult = CorrectedTInterval | SingleSeedMean;

/**
 * One seed's resampling units (its test runs, or test sequences) for the hierarchical bootstrap:
 * the per-unit values when the seed's statistic is their mean, or only how many units there are
 * when the caller computes the statistic (an F1 over pooled runs is not a mean of per-run values).
 */
export type SeedUnits = { readonly values: readonly number[] } | { readonly units: number };

/**
 * A seed's statistic on resampled units: `seed` indexes the caller's per-seed array, `units` holds
 * indices into that seed's units, drawn with replacement (repeats included). The array is reused
 * between calls: copy it to keep it.
 */
export type SeedStatistic = (seed: number, units: Int32Array) => number;

/** Percentile interval of the mean over seeds of a per-seed statistic, from a two-stage bootstrap. */
export interface HierarchicalInterval {
  state: 'interval';
  /** Mean over the k seeds of the statistic on each seed's own units. */
  estimate: number;
  lo: number;
  hi: number;
  /** Standard deviation of the finite resampled means: the bootstrap standard error. */
  se: number;
  confidence: number;
  resamples: number;
  /** Resamples whose mean was not finite (some chosen seed's statistic was NaN); left out. */
  invalidResamples: number;
  k: number;
}

/** One seed: the statistic on its units, with no seeds to resample. */
export interface SingleSeedEstimate {
  state: 'single-seed';
  estimate: number;
  k: 1;
  reason: SingleSeedReason;
}

export type HierarchicalResult = HierarchicalInterval | SingleSeedEstimate;

/** Paired two-stage bootstrap of mean over seeds of statA − statB on the same resampled units. */
export interface PairedHierarchicalInterval {
  state: 'interval';
  /** Mean over seeds of statA − statB on each seed's own units. */
  meanDiff: number;
  ci: [lo: number, hi: number];
  /** Two-sided p-value for "mean difference = 0", counted as in `pairedBootstrap`. */
  pValue: number;
  se: number;
  confidence: number;
  resamples: number;
  invalidResamples: number;
  k: number;
}

/** One seed: the difference, with no seeds to resample. */
export interface SingleSeedDiff {
  state: 'single-seed';
  meanDiff: number;
  k: 1;
  reason: SingleSeedReason;
}

export type PairedHierarchicalResult = PairedHierarchicalInterval | SingleSeedDiff;

/** A row flag of the leaderboard. */
export type RowFlagName = 'degenerate' | 'trivial' | 'not-converged';

/** A flag with the reason a reader sees next to it. */
export interface RowFlag {
  flag: RowFlagName;
  reason: string;
}

/** A trivial rule (sequence length, duration, unseen template, a one- or two-token rule) and its test F1. */
export interface NamedRuleF1 {
  name: string;
  /** Mean test F1 over the same splits as the row. */
  f1: number;
}

/** How one seed's fit ended, for models that iterate. */
export interface ConvergenceRecord {
  /** The split seed, named in the reason; the array position when absent. */
  seed?: number | string;
  iterations: number;
  maxIterations: number;
  /** Final gradient norm or duality gap, when the solver reports one. */
  finalGradient?: number;
}

/** What `flagsFor` looks at; a flag whose input is absent is not evaluated. */
export interface RowFlagInput {
  /** Per seed: the share of test sequences the row flags as anomalous, in [0, 1]. */
  flaggedShare?: readonly number[];
  /** The row's mean test F1 over its seeds. */
  f1?: number;
  /** Trivial rules evaluated on the same splits. */
  rules?: readonly NamedRuleF1[];
  /** Per seed, for iterative models. */
  convergence?: readonly ConvergenceRecord[];
}

/** Thresholds of the row flags. */
export interface RowFlagOptions {
  /**
   * `degenerate` when every seed flags ≤ this share or ≥ 1 − this share of test sequences.
   * @default 0.01
   */
  degenerateShare?: number;
  /**
   * `trivial` when the row's F1 ≤ the best rule's F1 + this margin.
   * @default 0.02
   */
  trivialMargin?: number;
}
