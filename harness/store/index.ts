/** The SQLite store: the only writer of the bench database (main thread). */
export { type Db, openDb } from './db.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { type DatasetRecord, LEAK_CHECK_SQL, loadSplit, saveAudit, saveSplit, upsertDataset } from './splits.ts';
