/**
 * Reports: the leaderboard (done trials → rows → aggregates over split seeds → ranks, flags and
 * ties), comparisons of trials and of variants, and the report model. Reads results through a
 * `Store` and artifacts through harness/artifacts; renders nothing (see reports/page and
 * reports/board).
 */

export {
  type CompareOptions,
  type CorrectedTComparison,
  comparedMetrics,
  compareSelectors,
  compareTrials,
  defaultCompareOptions,
  type MetricDelta,
  parseSelector,
  type SeedPair,
  type SelectorComparison,
  type TrialComparison,
  type TrialRef,
} from './compare.ts';
export type { ConfigurationEntry, RowConfiguration, SeedTuning } from './configuration.ts';
export { precisionRecallCurve } from './curves.ts';
export {
  type BoardData,
  type BoardRow,
  type BoardSource,
  type BoardSourceOptions,
  defaultBoardSourceOptions,
  defaultLeaderboardOptions,
  entryMetric,
  type Leaderboard,
  type LeaderboardOptions,
  type LoadBoardOptions,
  leaderboard,
  loadBoardData,
  noRowsText,
  type PrimaryMetric,
  type RowDetail,
  rankableMetric,
  rowDetail,
  shownMetrics,
  storeBoard,
  summarizeFaultSlices,
  topFeatures,
} from './leaderboard.ts';
export type {
  EntryFlag,
  FaultSliceSummary,
  FaultSlices,
  IntervalKind,
  LeaderboardEntry,
  MeanInterval,
  ReportModel,
} from './model.ts';
export {
  buildReportModel,
  defaultReportOptions,
  INTERVAL_NOTE,
  type ReportOptions,
  topKStability,
} from './report-model.ts';
