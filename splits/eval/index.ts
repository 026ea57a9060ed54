/**
 * Evaluation maths of the protocol: thresholds chosen on validation, metrics at a threshold
 * (overall and per slice), score drift, spread / paired comparisons across seeds and folds
 * (corrected resampled t-test, bootstraps over runs, splits and seeds, Wilcoxon), and row flags.
 * docs/PROTOCOL.md says which test answers which question.
 * Pure functions on typed arrays: scores `Float64Array` (higher = more anomalous), labels
 * `Uint8Array` (1 = anomaly).
 */
export { correctedResampledT, defaultCorrectedTOptions, SINGLE_SEED_REASON } from './corrected-t.ts';
export {
  lnGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from './distributions.ts';
export { defaultPsiOptions, psi } from './drift.ts';
export { convergenceFlag, defaultRowFlagOptions, degenerateFlag, flagsFor, trivialFlag } from './flags.ts';
export { hierarchicalBootstrap, pairedHierarchicalBootstrap } from './hierarchical.ts';
export {
  atEventLevel,
  BUILTIN_METRICS,
  checkMetricDef,
  type MetricAggregate,
  type MetricDef,
  type MetricDirection,
  type MetricFormat,
  type MetricLevel,
  type MetricPart,
  metricDef,
  metricDefs,
  metricIds,
  rankableMetricIds,
  registerMetric,
} from './metric-defs.ts';
export { defaultMetricsOptions, metricsAt, metricsBySlice } from './metrics.ts';
export {
  bootstrapCI,
  bootstrapPValue,
  concatGroups,
  defaultBootstrapOptions,
  drawWeights,
  pairedBootstrap,
  pairedSplitsBootstrap,
  prepareSplit,
  weightedMetric,
} from './resampling.ts';
export { finiteMean, quantileSorted, summarize } from './stats.ts';
export { chooseThreshold, contaminationThreshold, defaultThresholdOptions, maxF1Threshold } from './threshold.ts';
export type {
  BootstrapOptions,
  BootstrapResult,
  ConvergenceRecord,
  CorrectedTInterval,
  CorrectedTOptions,
  CorrectedTResult,
  HierarchicalInterval,
  HierarchicalResult,
  Metrics,
  MetricsOptions,
  NamedRuleF1,
  PairedBootstrapResult,
  PairedHierarchicalInterval,
  PairedHierarchicalResult,
  PairedSplitsBootstrapResult,
  PreparedSplit,
  PsiOptions,
  RankMetric,
  RowFlag,
  RowFlagInput,
  RowFlagName,
  RowFlagOptions,
  ScoredGroup,
  SeedStatistic,
  SeedUnits,
  SingleSeedDiff,
  SingleSeedEstimate,
  SingleSeedMean,
  SingleSeedReason,
  SplitPredictions,
  Summary,
  ThresholdChoice,
  ThresholdFallback,
  ThresholdOptions,
  ThresholdRule,
  WilcoxonResult,
} from './types.ts';
export { tiedWith, WILCOXON_EXACT_MAX_N, wilcoxonSignedRank } from './wilcoxon.ts';
