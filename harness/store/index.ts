/** The results store: the `Store` interface, its SQLite implementation, and the records they exchange. */
export { SCHEMA_VERSION } from './schema.ts';
export { openStore, SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export type { Store } from './store.ts';
export type {
  ArtifactRecord,
  ClaimedTrial,
  ClaimRetry,
  DatasetRecord,
  DoneTrialRef,
  ExperimentRecord,
  ExperimentRef,
  FinishedTrial,
  FinishedTrialFilter,
  MetricRow,
  Part,
  PlanStatus,
  SplitLeak,
  StoredAudit,
  SweepEnv,
  SweepInfo,
  SweepStatus,
  ThroughputRow,
  TimingRow,
  TrialClaim,
  TrialDetail,
  TrialFilter,
  TrialListing,
  TrialRecord,
  TrialResults,
  TrialSelector,
  TrialStatus,
} from './types.ts';
