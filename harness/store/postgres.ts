/**
 * The Store over a PostgreSQL database, for results shared by several machines: the same tables,
 * columns and semantics as SqliteStore (the contract suite runs on both). Each write is one
 * transaction, each multi-statement read one snapshot. Claims lock the trial's row, so two
 * processes on any machines never both run a trial. `pg` is loaded when a store is opened, never
 * by the SQLite path.
 *
 * Trial files: a path under `artifactsRoot` (the folder the CLI puts this store's trial folders
 * in, shared or per machine) is stored relative to it with `/`, and read back under the root this
 * store was opened with, so machines that mount a shared folder at different places agree; a file
 * elsewhere stays absolute.
 */
import { resolve } from 'node:path';
import type { SplitManifest } from '../../splits/index.ts';
import { resolvedPath, storedArtifact, withResolvedArtifacts } from './artifact-paths.ts';
import { THIS_OWNER } from './owner.ts';
import { type Conn, maskUrl, type OpenPgOptions, openPg, type PgDb } from './postgres-db.ts';
import * as q from './postgres-queries.ts';
import * as queued from './postgres-queued.ts';
import * as rm from './postgres-remove.ts';
import * as w from './postgres-trials.ts';
import type { Store } from './store.ts';
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

export interface PostgresStoreOptions extends OpenPgOptions {
  /**
   * Who claims and releases trials through this store, as `host:pid`.
   * @default this process (`THIS_OWNER`)
   */
  owner: string;
  /** The folder trial files are stored relative to; null: every path as given. @default null */
  artifactsRoot: string | null;
}

export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly owner: string;
  readonly #root: string | null;

  private constructor(db: PgDb, owner: string, root: string | null) {
    this.#db = db;
    this.owner = owner;
    this.#root = root;
  }

  /**
   * Connects to the database at `url` (postgres:// or postgresql://), creating the bench's tables
   * in an empty database (unless `create: false`) and migrating them (unless `readonly`).
   */
  static async open(url: string, options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
    const { owner, artifactsRoot, ...open } = options;
    const db = await openPg(url, open);
    return new PostgresStore(db, owner ?? THIS_OWNER, artifactsRoot == null ? null : resolve(artifactsRoot));
  }

  /** The database's URL with its password masked. */
  get where(): string {
    return maskUrl(this.#db.url);
  }

  /** The connection, for the pull to SQLite (postgres-pull.ts). */
  get db(): PgDb {
    return this.#db;
  }

  async upsertExperiment(e: ExperimentRecord) {
    return w.upsertExperiment(this.#db, e);
  }
  async findExperiment(name: string) {
    return q.findExperiment(this.#db.pool, name);
  }
  async experimentNames() {
    return q.experimentNames(this.#db.pool);
  }
  async latestExperiment() {
    return q.latestExperiment(this.#db.pool);
  }
  async latestExperimentConfigs() {
    return q.latestExperimentConfigs(this.#db.pool);
  }
  async startSweep(experimentId: number, env: SweepEnv) {
    return w.startSweep(this.#db, experimentId, env, this.owner);
  }
  async finishSweep(sweepId: number, status: Exclude<SweepStatus, 'running'>, error?: string) {
    await w.finishSweep(this.#db, sweepId, status, error);
  }
  async latestSweep(experiment: string) {
    return this.#db.read((c) => q.latestSweep(c, experiment));
  }
  async annotateSweep(sweepId: number, annotation: SweepAnnotation) {
    await w.annotateSweep(this.#db, sweepId, annotation);
  }
  async removeSweeps(target: RemovalTarget, options: Partial<RemovalOptions> = {}) {
    return rm.removeSweeps(this.#db, target, { dryRun: options.dryRun ?? false }, this.owner);
  }

  // Queued sweeps (harness/queue): not part of Store, a queue lives only in a PostgreSQL store.

  /**
   * The experiment's open (`running`) sweep on `datasetHash`, else a new one owned by this store's
   * owner: a resubmission names the sweep its queued jobs already point at. Two machines submitting
   * at once share one sweep.
   */
  async openQueuedSweep(experimentId: number, env: SweepEnv, datasetHash: string) {
    return queued.openQueuedSweep(this.#db, experimentId, env, datasetHash, this.owner);
  }
  /** Sets a finished sweep `running` again, its finish time cleared; a running one stays as it is. */
  async reopenSweep(sweepId: number) {
    await queued.reopenSweep(this.#db, sweepId);
  }
  /**
   * Ends a `running` sweep with `status`; one that has ended keeps its status and end time. Returns
   * the status as stored and whether this call ended it (null: no such sweep).
   */
  async finishQueuedSweep(sweepId: number, status: Exclude<SweepStatus, 'running'>) {
    return queued.finishQueuedSweep(this.#db, sweepId, status);
  }
  /** A sweep's trials by status and the first lines of its failed trials' errors (at most `errors`, oldest first). */
  async sweepTrialStates(sweepId: number, errors = 5) {
    return queued.sweepTrialStates(this.#db, sweepId, errors);
  }

  async upsertDataset(d: DatasetRecord) {
    return w.upsertDataset(this.#db, d);
  }
  async saveSplit(datasetId: number, manifest: SplitManifest) {
    return w.saveSplit(this.#db, datasetId, manifest);
  }
  async loadSplit(splitId: number) {
    return this.#db.read((c) => q.loadSplit(c, splitId));
  }
  async splitRunCounts(splitIds: readonly number[]) {
    return q.splitRunCounts(this.#db.pool, splitIds);
  }
  async leakCheck() {
    return q.leakCheck(this.#db.pool);
  }

  async hasAudit(splitId: number, featureSet: string, version = 1) {
    return q.hasAudit(this.#db.pool, splitId, featureSet, version);
  }
  async saveAudit(splitId: number, featureSet: string, audit: unknown) {
    await w.saveAudit(this.#db, splitId, featureSet, audit);
  }
  async audits(splitIds: readonly number[]) {
    return q.audits(this.#db.pool, splitIds);
  }

  async claimTrial(t: TrialClaim, retry: ClaimRetry) {
    return w.claimTrial(this.#db, t, retry, this.owner);
  }
  /**
   * Store.completeTrial; `options.also` runs in the same transaction, after the trial's rows (a
   * queue job's completion), and runs too when the trial was done already.
   */
  async completeTrial(trialId: number, record: TrialRecord, options: { also?: (c: Conn) => Promise<void> } = {}) {
    const stored = { ...record, artifacts: record.artifacts.map((a) => storedArtifact(this.#root, a)) };
    return w.completeTrial(this.#db, trialId, stored, this.owner, options.also);
  }
  async failTrial(trialId: number, error: string) {
    await w.failTrial(this.#db, trialId, error, this.owner);
  }
  async releaseTrials(sweepId: number) {
    return w.releaseTrials(this.#db, sweepId, this.owner);
  }
  async getTrial(id: number) {
    const t = await this.#db.read((c) => q.getTrial(c, id));
    return t && withResolvedArtifacts(this.#root, t);
  }
  async listTrials(filter: TrialFilter = {}) {
    return this.#db.read((c) => q.listTrials(c, filter));
  }
  async findDoneTrials(selector: TrialSelector) {
    return this.#db.read((c) => q.findDoneTrials(c, selector));
  }
  async planStatus(experiment: string) {
    return this.#db.read((c) => q.planStatus(c, experiment));
  }
  async finishedTrials(filter: FinishedTrialFilter = {}) {
    const rows = await this.#db.read((c) => q.finishedTrials(c, filter));
    return rows.map((t) => withResolvedArtifacts(this.#root, t));
  }

  /** An artifact's path as read: under this store's artifacts root; an absolute one as is (artifact-paths.ts). */
  resolvedPath(path: string): string {
    return resolvedPath(this.#root, path);
  }

  async close() {
    await this.#db.close();
  }
}
