/**
 * The records a `Store` takes and gives: experiments, sweeps, datasets, trials and their results,
 * audits, and the read models of the listings and reports. Plain data (JSON values, no classes), so
 * any backend can produce them.
 */
import type { LeakageAudit, Part } from '../../splits/index.ts';

export type { Part };

export type TrialStatus = 'pending' | 'running' | 'done' | 'failed';

export type SweepStatus = 'running' | 'done' | 'failed' | 'interrupted';

/** An experiment as a sweep records it: the file's name, path and full configuration. */
export interface ExperimentRecord {
  name: string;
  file: string;
  config: unknown;
}

/** The newest stored row of an experiment name. */
export interface ExperimentRef {
  id: number;
  file: string | null;
}

/** Where and with what a sweep runs. */
export interface SweepEnv {
  gitSha: string | null;
  env: unknown;
}

/** A stored sweep: when it started, its environment (null when none was recorded), its note and tags. */
export interface SweepInfo {
  id: number;
  startedAt: string;
  status: SweepStatus;
  /** Why it failed on its main thread (SweepStatus `failed` with no failed trial to say so), else null. */
  error: string | null;
  env: unknown;
  note: string | null;
  tags: SweepTags;
}

/** A sweep's tags, key → value (`bench run --tag key=value`). */
export type SweepTags = Record<string, string>;

/** What a person says about a sweep: a free-text note and tags. */
export interface SweepAnnotation {
  /** Replaces the sweep's note. Omitted: the note stays as it is. */
  note?: string;
  /** Set on the sweep; a key it already has takes the new value, its other tags stay. */
  tags?: SweepTags;
}

/** A queued sweep as opened for a submission (PostgresStore.openQueuedSweep). */
export interface QueuedSweep {
  sweepId: number;
  /** The experiment's open sweep on the same dataset, rather than a new one. */
  reused: boolean;
}

/** What a sweep's trials came to (PostgresStore.sweepTrialStates). */
export interface SweepTrialStates {
  /** The sweep's trials by status (`TrialStatus`; a status none has is absent). */
  counts: Record<string, number>;
  /** Its failed trials' first error lines, by trial id. */
  errors: { trialId: number; error: string }[];
}

export interface DatasetRecord {
  /** Content identity of the ingested data (the ingest cache key). */
  hash: string;
  source: string;
  nRuns: number;
  nSequences: number;
  nEvents: number;
  options: unknown;
}

/** A run found in two parts of one split (what `leakCheck` lists: never anything). */
export interface SplitLeak {
  splitId: number;
  run: string;
  parts: number;
}

/** A split's leakage audit for one feature set. */
export interface StoredAudit {
  splitId: number;
  featureSet: string;
  audit: LeakageAudit;
}

/** A trial to claim: its inputs and the key that identifies them (resume). */
export interface TrialClaim {
  sweepId: number;
  splitId: number;
  variant: string;
  featureSet: string;
  seed: number;
  params: unknown;
  key: string;
}

/** When to rerun a trial that already finished. */
export interface ClaimRetry {
  /** Rerun a failed trial. */
  failed: boolean;
  /** Rerun a done trial. @default false */
  done?: boolean;
  /**
   * Take a trial running for another owner even when that owner looks alive: a queue worker whose
   * job the queue gave back (the previous worker's lease expired, on whatever host). @default false
   */
  running?: boolean;
}

/** What a claim gave: the trial, and whether this caller is to run it. */
export interface ClaimedTrial {
  id: number;
  status: TrialStatus;
  /** True when the caller is not to run it: it is finished, or running elsewhere (`busy`). */
  resumed: boolean;
  /** Owner of the live process running it, when that is why it was not claimed. */
  busy?: string;
}

export interface MetricRow {
  part: Part;
  name: string;
  value: number;
  slice?: string;
}

export interface TimingRow {
  stage: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

export interface ThroughputRow {
  /** Sequences scored per call. */
  rows: number;
  meanMs: number;
  p99Ms: number;
  /** Relative margin of error of the mean, in %. */
  rme: number;
  samples: number;
  sequencesPerS: number;
}

export interface ArtifactRecord {
  kind: string;
  path: string;
  sha256: string;
}

/** What a finished trial leaves in the store. */
export interface TrialRecord {
  metrics: readonly MetricRow[];
  timings: readonly TimingRow[];
  artifacts: readonly ArtifactRecord[];
  throughput: ThroughputRow | null;
}

/** A trial's stored results, as read back. */
export interface TrialResults {
  /** Overall metrics per part (an undefined or infinite value, stored as NULL, reads as null). */
  metrics: Record<Part, Record<string, number | null>>;
  /** Test metrics per slice, e.g. `testCase=token_invalid` → { recall, precision, ... }. */
  slices: Record<string, Record<string, number | null>>;
  /** In the order they were recorded. */
  timings: TimingRow[];
  /** By kind, then path. */
  artifacts: ArtifactRecord[];
  /** An infinite rate (stored as NULL) reads as +Infinity. */
  throughput: ThroughputRow | null;
}

/** A trial with everything stored about it. */
export interface TrialDetail extends TrialResults {
  id: number;
  status: TrialStatus;
  variant: string;
  featureSet: string;
  seed: number;
  params: unknown;
  key: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The process (`host:pid`) that ran the trial to its end (done or failed), or null. */
  worker: string | null;
  experiment: { id: number; name: string; file: string | null };
  sweep: { id: number; startedAt: string; gitSha: string | null; env: unknown; note: string | null; tags: SweepTags };
  dataset: { id: number; hash: string; source: string; nRuns: number; nSequences: number; nEvents: number };
  split: { id: number; seed: number; strategy: string; manifestHash: string };
}

export interface TrialSelector {
  variant: string;
  /** Omitted: any feature set (must then be unambiguous). */
  featureSet?: string;
  /** Experiment name; omitted: any. */
  experiment?: string;
}

/** A done trial a selector matched. */
export interface DoneTrialRef {
  id: number;
  splitId: number;
  seed: number;
  variant: string;
  featureSet: string;
  /** The selector's experiment when it names one, else the experiment that computed the trial. */
  experiment: string;
}

export interface TrialFilter {
  /** Only trials of this experiment's plan (by name, on its current dataset), whichever experiment computed them. */
  experiment?: string;
  status?: TrialStatus;
  variant?: string;
  /** Only trials whose sweep (the one that computed or last reran them) carries every one of these tags. */
  tags?: SweepTags;
}

/** A line of `bench ls` (its `--json` keys). */
export interface TrialListing {
  id: number;
  sweep_id: number;
  /** The filter's experiment when it names one, else `computed_by`. */
  experiment: string;
  /** The experiment of the sweep that computed (or last reran) the trial. */
  computed_by: string;
  variant: string;
  feature_set: string;
  seed: number;
  status: string;
  f1: number | null;
  auc_pr: number | null;
  auc_roc: number | null;
  /** Note of the trial's sweep (`sweep_id`), or null. */
  note: string | null;
  /** Tags of the trial's sweep. */
  tags: SweepTags;
}

/** How many trials of an experiment's plan stand at each status. */
export type PlanStatus = Record<TrialStatus, number>;

/**
 * A done or failed trial of an experiment's plan, with its results: what the leaderboard, its row
 * details and the report read. A trial planned by several experiments appears once per experiment.
 */
export interface FinishedTrial extends TrialResults {
  id: number;
  status: 'done' | 'failed';
  splitId: number;
  /** The seed of the trial's split. */
  splitSeed: number;
  seed: number;
  variant: string;
  featureSet: string;
  /** The experiment whose plan holds the trial (by name). */
  experiment: string;
  /** The configuration of that experiment's row that planned it (an edited file plans under a new row). */
  config: unknown;
}

export interface FinishedTrialFilter {
  /** Only this experiment's plan; omitted: every experiment's. */
  experiment?: string;
}

/** What `Store.removeSweeps` removes: every sweep of an experiment (by name), or one sweep. */
export type RemovalTarget = { experiment: string } | { sweepId: number };

export interface RemovalOptions {
  /** Only say what would be removed; the database stays as it is. @default false */
  dryRun: boolean;
}

/** What a removal took out of the database (or, on a dry run, would take). */
export interface Removal {
  /** Experiment names left without a sweep, removed with their plans. */
  experiments: string[];
  sweeps: number[];
  /** Trials removed with their results; their files (`<artifacts dir>/<trial id>/`) are the caller's to delete. */
  trials: number[];
  /**
   * Trials the removed sweeps computed that another experiment's plan also holds: kept, with their
   * results and files, and credited to that experiment's newest sweep.
   */
  kept: { trial: number; sweep: number }[];
  /** Result rows removed with the trials, by table. */
  rows: { metrics: number; timings: number; artifacts: number; throughput: number };
}
