/**
 * The Store over one SQLite file (better-sqlite3): WAL, foreign keys, a busy timeout, the schema
 * migrations of schema.ts. Every write is one `immediate` transaction, so several bench processes
 * can share a file; better-sqlite3 is synchronous, so each method has finished its work when its
 * Promise is created. Trial files are recorded by their path relative to the database's folder, so
 * a BENCH_HOME moved or copied whole finds its own files.
 */
import { dirname, resolve } from 'node:path';
import type { SplitManifest } from '../../splits/index.ts';
import { storedArtifact, withResolvedArtifacts } from './artifact-paths.ts';
import { type Db, type OpenDbOptions, openDb } from './db.ts';
import { THIS_OWNER } from './owner.ts';
import * as q from './queries.ts';
import * as rm from './remove.ts';
import { checkedManifest, manifestMembers } from './split-check.ts';
import * as sp from './splits.ts';
import type { Store } from './store.ts';
import * as sw from './sweeps.ts';
import * as tr from './trials.ts';
import type {
  ClaimRetry,
  DatasetRecord,
  ExperimentRecord,
  FinishedTrialFilter,
  RemovalOptions,
  RemovalTarget,
  SweepAnnotation,
  SweepEnv,
  SweepStatus,
  TrialClaim,
  TrialFilter,
  TrialRecord,
  TrialSelector,
} from './types.ts';

export interface SqliteStoreOptions extends OpenDbOptions {
  /**
   * Who claims and releases trials through this store, as `host:pid`. Another value stands for
   * another process sharing the file (two stores in one test).
   * @default this process (`THIS_OWNER`)
   */
  owner: string;
}

export class SqliteStore implements Store {
  readonly #db: Db;
  /** The trial owner this store claims as. */
  readonly owner: string;
  /** The database file's folder, which artifact paths are stored relative to (artifact-paths.ts); null in memory. */
  readonly #base: string | null;

  private constructor(db: Db, owner: string, base: string | null) {
    this.#db = db;
    this.owner = owner;
    this.#base = base;
  }

  /**
   * Opens the database at `path` (`:memory:` for a private one), creating it where there is none
   * (unless `create: false`) and migrating it (unless `readonly`). A file that is not a bench
   * database is refused, untouched.
   */
  static async open(path: string, options: Partial<SqliteStoreOptions> = {}): Promise<SqliteStore> {
    const { owner, ...open } = options;
    const base = path === ':memory:' || path === '' ? null : dirname(resolve(path));
    return new SqliteStore(openDb(path, open), owner ?? THIS_OWNER, base);
  }

  async upsertExperiment(e: ExperimentRecord) {
    return tr.upsertExperiment(this.#db, e);
  }
  async findExperiment(name: string) {
    return q.findExperiment(this.#db, name);
  }
  async experimentNames() {
    return q.experimentNames(this.#db);
  }
  async latestExperiment() {
    return q.latestExperiment(this.#db);
  }
  async latestExperimentConfigs() {
    return q.latestExperimentConfigs(this.#db);
  }
  async startSweep(experimentId: number, env: SweepEnv) {
    return tr.startSweep(this.#db, experimentId, env, this.owner);
  }
  async finishSweep(sweepId: number, status: Exclude<SweepStatus, 'running'>, error?: string) {
    tr.finishSweep(this.#db, sweepId, status, error);
  }
  async latestSweep(experiment: string) {
    return q.latestSweep(this.#db, experiment);
  }
  async annotateSweep(sweepId: number, annotation: SweepAnnotation) {
    sw.annotateSweep(this.#db, sweepId, annotation);
  }
  async removeSweeps(target: RemovalTarget, options: Partial<RemovalOptions> = {}) {
    return rm.removeSweeps(this.#db, target, { dryRun: options.dryRun ?? false }, this.owner);
  }

  async upsertDataset(d: DatasetRecord) {
    return sp.upsertDataset(this.#db, d);
  }
  async saveSplit(datasetId: number, manifest: SplitManifest) {
    return sp.saveSplit(this.#db, datasetId, manifest, await manifestMembers(manifest));
  }
  async loadSplit(splitId: number) {
    const { json, members } = sp.loadSplitRows(this.#db, splitId);
    return checkedManifest(splitId, json, members);
  }
  async splitRunCounts(splitIds: readonly number[]) {
    return q.splitRunCounts(this.#db, splitIds);
  }
  async leakCheck() {
    return sp.leakCheck(this.#db);
  }

  async hasAudit(splitId: number, featureSet: string, version = 1) {
    return sp.hasAudit(this.#db, splitId, featureSet, version);
  }
  async saveAudit(splitId: number, featureSet: string, audit: unknown) {
    sp.saveAudit(this.#db, splitId, featureSet, audit);
  }
  async audits(splitIds: readonly number[]) {
    return sp.audits(this.#db, splitIds);
  }

  async claimTrial(t: TrialClaim, retry: ClaimRetry) {
    return tr.claimTrial(this.#db, t, retry, this.owner);
  }
  async completeTrial(trialId: number, record: TrialRecord) {
    const stored = { ...record, artifacts: record.artifacts.map((a) => storedArtifact(this.#base, a)) };
    return tr.completeTrial(this.#db, trialId, stored, this.owner);
  }
  async failTrial(trialId: number, error: string) {
    tr.failTrial(this.#db, trialId, error, this.owner);
  }
  async releaseTrials(sweepId: number) {
    return tr.releaseTrials(this.#db, sweepId, this.owner);
  }
  async getTrial(id: number) {
    const t = q.getTrial(this.#db, id);
    return t && withResolvedArtifacts(this.#base, t);
  }
  async listTrials(filter: TrialFilter = {}) {
    return tr.listTrials(this.#db, filter);
  }
  async findDoneTrials(selector: TrialSelector) {
    return q.findDoneTrials(this.#db, selector);
  }
  async planStatus(experiment: string) {
    return q.planStatus(this.#db, experiment);
  }
  async finishedTrials(filter: FinishedTrialFilter = {}) {
    return q.finishedTrials(this.#db, filter).map((t) => withResolvedArtifacts(this.#base, t));
  }

  async close() {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * The bench's store at `path` (a SQLite file, created and migrated as needed; `create: false` for
 * commands that only read, so a wrong path is an error instead of a new empty database).
 */
export function openStore(path: string, options: Partial<SqliteStoreOptions> = {}): Promise<Store> {
  return SqliteStore.open(path, options);
}
