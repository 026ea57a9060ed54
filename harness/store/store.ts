/**
 * The bench's results store: every read and write of experiments, sweeps, datasets, splits, trials
 * and their results, leakage audits, and the read models the listings and reports need. Every method
 * returns a Promise so that a store may sit on an asynchronous driver (a database server); a write
 * that must be all or nothing is one method that makes its own transaction, never a transaction
 * handed to the caller.
 *
 * Trials are claimed by an owner (a process): two owners never both run a trial, and a trial whose
 * owner died is claimed again by the next run.
 */
import type { SplitManifest } from '../../splits/index.ts';
import type {
  ClaimedTrial,
  ClaimRetry,
  DatasetRecord,
  DoneTrialRef,
  ExperimentRecord,
  ExperimentRef,
  FinishedTrial,
  FinishedTrialFilter,
  Part,
  PlanStatus,
  Removal,
  RemovalOptions,
  RemovalTarget,
  SplitLeak,
  StoredAudit,
  SweepAnnotation,
  SweepEnv,
  SweepInfo,
  SweepStatus,
  TrialClaim,
  TrialDetail,
  TrialFilter,
  TrialListing,
  TrialRecord,
  TrialSelector,
} from './types.ts';

export interface Store {
  // Experiments and sweeps.

  /** The experiment's id, reusing the row of an identical (name, file, config). */
  upsertExperiment(e: ExperimentRecord): Promise<number>;
  /** The newest row stored under an experiment name, or null. */
  findExperiment(name: string): Promise<ExperimentRef | null>;
  /** Names of the experiments that have at least one sweep, sorted. */
  experimentNames(): Promise<string[]>;
  /** The name of the experiment of the most recent sweep, or null with no sweeps. */
  latestExperiment(): Promise<string | null>;
  /**
   * The configuration each experiment name was last run with (that of its newest sweep's row): an
   * experiment file edited and rerun has several rows under one name, its current numbers belong to this one.
   */
  latestExperimentConfigs(): Promise<Map<string, unknown>>;
  /** Starts a sweep of an experiment (status `running`, owned by this store's owner); returns its id. */
  startSweep(experimentId: number, env: SweepEnv): Promise<number>;
  /**
   * Ends a sweep. `error` is the cause of a sweep that failed on its main thread (`sweeps.error`);
   * a trial's own failure is kept with that trial instead.
   */
  finishSweep(sweepId: number, status: Exclude<SweepStatus, 'running'>, error?: string): Promise<void>;
  /** The newest sweep of any row of an experiment name, with its note and tags, or null. */
  latestSweep(experiment: string): Promise<SweepInfo | null>;
  /**
   * Records what a person says about a sweep, all or nothing: the note replaces the sweep's note,
   * the tags are set (a key it has takes the new value). An unknown sweep id is an error.
   */
  annotateSweep(sweepId: number, annotation: SweepAnnotation): Promise<void>;
  /**
   * Removes an experiment's sweeps (all of them) or one sweep, in one transaction: the sweeps, their
   * tags, the trials they computed with every result row; an experiment left without a sweep goes
   * too, with its plan. Trials another experiment's plan holds stay, credited to that experiment's
   * newest sweep; datasets, splits and audits stay. Refuses (an error, nothing removed) while a
   * sweep or trial to remove is running in a live process. `dryRun` removes nothing and returns
   * what would go. Deleting the removed trials' files is the caller's job, after this returns.
   */
  removeSweeps(target: RemovalTarget, options?: Partial<RemovalOptions>): Promise<Removal>;

  // Datasets and splits.

  /** The dataset's id, inserting it the first time its hash is seen. */
  upsertDataset(d: DatasetRecord): Promise<number>;
  /** Stores a split and its members at once (the manifest is verified first); the same manifest twice gives the same id. */
  saveSplit(datasetId: number, manifest: SplitManifest): Promise<number>;
  /** A stored split's manifest, checked against its stored members and its hash. */
  loadSplit(splitId: number): Promise<SplitManifest>;
  /** Runs per part of each split asked for (0 for a part it lacks, and for an unknown split). */
  splitRunCounts(splitIds: readonly number[]): Promise<Map<number, Record<Part, number>>>;
  /** Every run stored in two parts of one split: always empty, the store refuses such a split. */
  leakCheck(): Promise<SplitLeak[]>;

  // Leakage audits.

  /** Whether a split's audit for a feature set is stored at `version` or newer (no version: 1). */
  hasAudit(splitId: number, featureSet: string, version?: number): Promise<boolean>;
  /** Stores (or replaces) a split's leakage audit for one feature set. */
  saveAudit(splitId: number, featureSet: string, audit: unknown): Promise<void>;
  /** The audits of the given splits, by split id then feature set. */
  audits(splitIds: readonly number[]): Promise<StoredAudit[]>;

  // Trials.

  /**
   * The trial for `t.key`: a done trial is returned as is (resume; `retry.done` reruns it), and so
   * is one running for another live owner (`busy`); a failed one (with `retry.failed`), a pending
   * one, or a running one left by a dead owner is claimed for this store's owner; otherwise a new
   * trial is inserted, running. Either way the trial joins the plan of the sweep's experiment. One
   * transaction: of two owners claiming a key at once, one gets it.
   */
  claimTrial(t: TrialClaim, retry: ClaimRetry): Promise<ClaimedTrial>;
  /**
   * Records a finished trial's metrics, timings, artifacts and throughput and marks it done, run by
   * this store's owner (`worker`), all or nothing. Exactly once: a trial done already (a late
   * duplicate, e.g. a queue job retried while its first worker still ran) or unknown is left as it
   * is, and false is returned.
   */
  completeTrial(trialId: number, record: TrialRecord): Promise<boolean>;
  /** Marks a trial failed, run by this store's owner (`worker`). */
  failTrial(trialId: number, error: string): Promise<void>;
  /**
   * Gives back the trials this store's owner is running in a sweep (Ctrl-C): they become pending,
   * and the next run of the experiment claims them. Returns how many.
   */
  releaseTrials(sweepId: number): Promise<number>;
  /** A trial with everything stored about it, or null when the id is unknown. */
  getTrial(id: number): Promise<TrialDetail | null>;
  /**
   * Test-part headline metrics of the trials matching `filter`, oldest first, each trial once
   * (`bench ls`).
   */
  listTrials(filter?: TrialFilter): Promise<TrialListing[]>;
  /**
   * Done trials matching a selector, newest first. With an experiment, the trials of its plan on
   * its current dataset, whichever experiment computed them.
   */
  findDoneTrials(selector: TrialSelector): Promise<DoneTrialRef[]>;
  /** How the trials of an experiment's plan (on its current dataset) stand, by status. */
  planStatus(experiment: string): Promise<PlanStatus>;
  /**
   * The done and failed trials of each experiment's plan (or one experiment's), each on the
   * experiment's current dataset, newest first, with their results: the leaderboard's one read.
   * An experiment's current dataset is that of its newest sweep (recorded in the sweep's
   * environment as `datasetHash`), else that of the newest trial of its plan: trials of data it
   * moved on from are left out.
   */
  finishedTrials(filter?: FinishedTrialFilter): Promise<FinishedTrial[]>;

  /** Releases the connection (a second call does nothing); the store is unusable afterwards. */
  close(): Promise<void>;
}

/** How a command opens the store (what each backend understands of it). */
export interface OpenStoreOptions {
  /** Create the database (SQLite) or its tables (PostgreSQL) where there are none. @default true */
  create: boolean;
  /** Open read-only: no migration, every write fails. Implies `create: false`. @default false */
  readonly: boolean;
  /** Who claims and releases trials through the store, as `host:pid`. @default this process */
  owner: string;
  /**
   * PostgreSQL: the folder trial files are stored relative to (SQLite stores them relative to the
   * database's own folder). @default none: paths as given
   */
  artifactsRoot: string;
}

/**
 * The bench's store at `target`: a `postgres://` or `postgresql://` URL opens a PostgresStore (its
 * driver loaded only then), anything else is a SQLite file (created and migrated as needed;
 * `create: false` for commands that only read, so a wrong path is an error instead of a new empty
 * database).
 */
export async function openStore(target: string, options: Partial<OpenStoreOptions> = {}): Promise<Store> {
  const { artifactsRoot, ...common } = options;
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { PostgresStore } = await import('./postgres.ts');
    return PostgresStore.open(target, { ...common, ...(artifactsRoot !== undefined && { artifactsRoot }) });
  }
  const { SqliteStore } = await import('./sqlite.ts');
  return SqliteStore.open(target, common);
}
