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
