/**
 * The results store: the `Store` interface, its SQLite and PostgreSQL implementations, and the
 * records they exchange. PostgresStore's module loads `pg` only when a store is opened.
 */

export { PostgresStore, type PostgresStoreOptions } from './postgres.ts';
export { type Conn, isPostgresUrl, maskUrl, urlWithoutPassword } from './postgres-db.ts';
export { type PullOptions, type PullResult, pullToSqlite } from './postgres-pull.ts';
export { PG_SCHEMA_VERSION } from './postgres-schema.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export { type OpenStoreOptions, openStore, type Store } from './store.ts';
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
  QueuedSweep,
  Removal,
  RemovalOptions,
  RemovalTarget,
  SplitLeak,
  StoredAudit,
  SweepAnnotation,
  SweepEnv,
  SweepInfo,
  SweepStatus,
  SweepTags,
  SweepTrialStates,
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
