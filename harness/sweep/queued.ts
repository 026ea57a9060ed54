/**
 * One trial of a sweep planned elsewhere (a queue job), run by the same code as a local sweep: the
 * dataset built here from the experiment's source (checked against the hash the sweep was planned
 * on), the plan, the split and the matrices as run-trials.ts makes them, and the trial in a runner.
 * What a worker prepares is kept for its next jobs of the same sweep.
 */
import type { Experiment, PlannedTrial } from '../experiment/index.ts';
import type { ClaimedTrial, Store, SweepEnv, TimingRow } from '../store/index.ts';
import { type PreparedDataset, prepareDataset } from './dataset.ts';
import { fingerprint } from './fingerprint.ts';
import { planSweep, type SweepPlan, trialsOfSeed } from './plan.ts';
import {
  type BuiltMatrices,
  FeatureSpaceError,
  splitMatrices,
  type TrialContext,
  trialClaim,
  trialInput,
} from './run-trials.ts';
import type { TrialRunner } from './runner.ts';
import { type PreparedSplit, prepareSplit } from './split.ts';
import type { TrialResult } from './trial.ts';
import { failedTrial } from './trial-finish.ts';

/** A trial as a job names it: everything a worker needs without the experiment file. */
export interface QueuedTrial {
  sweepId: number;
  /** The experiment as the sweep resolved it (its JSON). */
  experiment: Experiment;
  /** The ingest key the sweep was planned on. */
  datasetHash: string;
  seed: number;
  variant: string;
  featureSet: string;
  /** The trial's key in the store. */
  key: string;
}

export interface QueuedTrialOptions {
  store: Store;
  cacheDir: string;
  artifactsDir: string;
  runner: TrialRunner;
  signal?: AbortSignal;
}

export type QueuedOutcome =
  | { state: 'ran'; trialId: number; result: TrialResult; ingestTiming: TimingRow }
  /** Not run: the store says it is done already. */
  | { state: 'skipped'; trialId: number; claim: ClaimedTrial };

interface SweepState {
  context: TrialContext;
  splits: Map<number, { split: PreparedSplit; matrices: (t: PlannedTrial) => BuiltMatrices }>;
}

/** Runs queued trials; keeps one sweep's dataset, plan, splits and matrices between jobs. */
export class QueuedTrials {
  readonly #o: QueuedTrialOptions;
  #sweep: { id: string; state: Promise<SweepState> } | null = null;

  constructor(o: QueuedTrialOptions) {
    this.#o = o;
  }

  /**
   * Claims the job's trial (taking it from a previous worker the queue gave up on) and runs it.
   * Throws, naming both hashes, when this machine's dataset differs from the one the sweep was
   * planned on, and when the trial's key computed here differs from the job's.
   */
  async run(job: QueuedTrial): Promise<QueuedOutcome> {
    const { context, split, matrices } = await this.#prepare(job);
    const t = context.plan.trials.find(
      (x) => x.seed === job.seed && x.variant === job.variant && x.featureSet === job.featureSet,
    );
    if (!t) {
      throw new Error(
        `trial ${job.variant} × ${job.featureSet} × seed ${job.seed} is not in the plan of experiment ${job.experiment.name} on this machine`,
      );
    }
    const claim = trialClaim(context, split, t);
    if (claim.key !== job.key) {
      throw new Error(
        `trial ${job.variant} × ${job.featureSet} × seed ${job.seed}: key ${claim.key} computed here differs from the job's ${job.key} (a different bench version?)`,
      );
    }
    const claimed = await this.#o.store.claimTrial(claim, { failed: true, running: true });
    if (claimed.resumed) return { state: 'skipped', trialId: claimed.id, claim: claimed };
    const ingestTiming = context.dataset.ingestTiming;
    let space: BuiltMatrices;
    try {
      space = matrices(t);
    } catch (err) {
      // This trial's feature space cannot be built on this split: its failure, as a fit's would be,
      // rather than a trial left running here.
      if (!(err instanceof FeatureSpaceError)) throw err;
      return { state: 'ran', trialId: claimed.id, result: failedTrial(err), ingestTiming };
    }
    let result: TrialResult;
    try {
      result = await this.#o.runner.run(trialInput(context, split, space, t, claimed.id));
    } catch (err) {
      // Stopped (Ctrl-C): the caller gives the job back. Otherwise the runner lost the trial (its
      // worker thread died): recorded as the trial's failure, as a local sweep records it, so that
      // the trial is not left running under a job that ends.
      if (this.#o.signal?.aborted) throw err;
      result = failedTrial(err);
    }
    return { state: 'ran', trialId: claimed.id, result, ingestTiming };
  }

  async #prepare(job: QueuedTrial) {
    const id = JSON.stringify([job.sweepId, job.datasetHash]);
    if (this.#sweep?.id !== id) this.#sweep = { id, state: this.#open(job) };
    const state = await this.#sweep.state.catch((err: unknown) => {
      this.#sweep = null;
      throw err;
    });
    let s = state.splits.get(job.seed);
    if (!s) {
      const { context } = state;
      const split = await prepareSplit(
        this.#o.store,
        context.dataset.datasetId,
        context.experiment,
        context.plan,
        job.seed,
      );
      s = { split, matrices: splitMatrices(context, split) };
      state.splits.set(job.seed, s);
    }
    return { context: state.context, ...s };
  }

  async #open(job: QueuedTrial): Promise<SweepState> {
    const e = job.experiment;
    const dataset: PreparedDataset = await prepareDataset(e, {
      store: this.#o.store,
      cacheDir: this.#o.cacheDir,
      ...(this.#o.signal && { signal: this.#o.signal }),
    });
    if (dataset.ingest.key !== job.datasetHash) {
      throw new Error(
        `dataset hash mismatch: sweep ${job.sweepId} was planned on ${job.datasetHash}, this machine built ${dataset.ingest.key} from ${e.dataset.source === 'lo2' ? e.dataset.path : `the synthetic preset ${e.dataset.preset}`}`,
      );
    }
    const plan: SweepPlan = planSweep(e, dataset.ingest, this.#o.cacheDir);
    return {
      context: {
        experiment: e,
        dataset,
        plan,
        sweepId: job.sweepId,
        cacheDir: this.#o.cacheDir,
        artifactsDir: this.#o.artifactsDir,
      },
      splits: new Map(),
    };
  }
}

export interface PlannedQueue {
  sweepId: number;
  /** The trials to submit: pending in the store (new, given back, or failed with `retryFailed`). */
  trials: QueuedTrial[];
  /** Trials of the plan left out: done, failed, or running in a live process. */
  skipped: { trialId: number; status: string; busy?: string }[];
}

/**
 * Plans a sweep for a queue: the dataset (ingested here, its hash what workers check), the sweep's
 * row, its splits, and every trial of the plan stored pending (claimed, then given back), so that
 * `bench ls` shows the sweep's trials before any worker starts. Done trials are not planned again
 * (unless `fresh`).
 */
export async function planQueuedSweep(
  file: string,
  e: Experiment,
  o: {
    store: Store;
    cacheDir: string;
    retryFailed?: boolean;
    /** Done trials are planned again too (`bench run --fresh`). */
    fresh?: boolean;
    /**
     * The sweep's row: the queue's reuses the experiment's open sweep on the same dataset, so that
     * a resubmission names the sweep its queued jobs name. @default a new sweep (`store.startSweep`)
     */
    openSweep?: (experimentId: number, env: SweepEnv, datasetHash: string) => Promise<number>;
    signal?: AbortSignal;
  },
): Promise<PlannedQueue> {
  const dataset = await prepareDataset(e, {
    store: o.store,
    cacheDir: o.cacheDir,
    ...(o.signal && { signal: o.signal }),
  });
  const experimentId = await o.store.upsertExperiment({ name: e.name, file, config: e });
  const env = fingerprint(dataset.ingest.key);
  const sweepEnv: SweepEnv = { gitSha: env.gitSha, env };
  const sweepId = o.openSweep
    ? await o.openSweep(experimentId, sweepEnv, dataset.ingest.key)
    : await o.store.startSweep(experimentId, sweepEnv);
  const plan = planSweep(e, dataset.ingest, o.cacheDir);
  const context = { experiment: e, dataset, plan, sweepId, cacheDir: o.cacheDir, artifactsDir: '' };
  const trials: QueuedTrial[] = [];
  const skipped: PlannedQueue['skipped'] = [];
  try {
    for (const seed of e.seeds) {
      const split = await prepareSplit(o.store, dataset.datasetId, e, plan, seed);
      for (const t of trialsOfSeed(plan, seed)) {
        const claim = trialClaim(context, split, t);
        const c = await o.store.claimTrial(claim, { failed: o.retryFailed === true, done: o.fresh === true });
        if (c.resumed) {
          skipped.push({ trialId: c.id, status: c.status, ...(c.busy && { busy: c.busy }) });
          continue;
        }
        trials.push({
          sweepId,
          experiment: e,
          datasetHash: dataset.ingest.key,
          seed,
          variant: t.variant,
          featureSet: t.featureSet,
          key: claim.key,
        });
      }
    }
  } finally {
    await o.store.releaseTrials(sweepId);
  }
  return { sweepId, trials, skipped };
}
