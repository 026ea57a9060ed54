/** The SQLite store: the only writer of the bench database (main thread). */
export { type Db, openDb } from './db.ts';
export {
  experimentDataset,
  experimentNames,
  findDoneTrials,
  getTrial,
  latestExperimentConfigs,
  planStatus,
  splitRunCounts,
  type TrialDetail,
  type TrialSelector,
} from './queries.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { type DatasetRecord, LEAK_CHECK_SQL, loadSplit, saveAudit, saveSplit, upsertDataset } from './splits.ts';
export {
  type ArtifactRecord,
  listTrials,
  type MetricRow,
  type ThroughputRow,
  type TimingRow,
} from './trials.ts';
