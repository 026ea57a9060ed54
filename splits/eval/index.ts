/**
 * Evaluation maths of the protocol: thresholds chosen on validation, metrics at a threshold
 * (overall and per slice), score drift, and spread / paired comparisons across seeds and folds.
 * Pure functions on typed arrays: scores `Float64Array` (higher = more anomalous), labels
 * `Uint8Array` (1 = anomaly).
 */
export { defaultPsiOptions, psi } from './drift.ts';
export { defaultMetricsOptions, metricsAt, metricsBySlice } from './metrics.ts';
export {
  bootstrapCI,
  concatGroups,
  defaultBootstrapOptions,
  pairedBootstrap,
  quantileSorted,
  summarize,
} from './stats.ts';
export { chooseThreshold, contaminationThreshold, defaultThresholdOptions, maxF1Threshold } from './threshold.ts';
export type {
  BootstrapOptions,
  BootstrapResult,
  Metrics,
  MetricsOptions,
  PairedBootstrapResult,
  PsiOptions,
  ScoredGroup,
  Summary,
  ThresholdChoice,
  ThresholdFallback,
  ThresholdOptions,
  ThresholdRule,
  WilcoxonResult,
} from './types.ts';
export { tiedWith, WILCOXON_EXACT_MAX_N, wilcoxonSignedRank } from './wilcoxon.ts';
