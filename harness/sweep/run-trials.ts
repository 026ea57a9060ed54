/**
 * The trial loop of a sweep, the same code whatever the runner. Per split seed, on the main thread:
 * the split (stored), each trial claimed in the store (resume), each feature set's matrices just
 * before its first trial, the trial handed to the runner; then, while the runner works, the split's
 * leakage audits. Results are recorded by the main thread, the only one that writes to the store.
 */
import { join } from 'node:path';
import {
  type Experiment,
  eventParams,
  type PlannedTrial,
  trialExplain,
  trialKey,
  trialParams,
} from '../experiment/index.ts';
import type { ClaimRetry, Store, TrialClaim } from '../store/index.ts';
import type { PreparedDataset } from './dataset.ts';
import { buildEventMatrices, eventSource } from './event-matrices.ts';
import { defaultExplainOptions } from './explain.ts';
import type { SweepHalt } from './halt.ts';
import { buildMatrices, type MatrixFiles } from './matrices.ts';
import { cachedMatrices } from './matrix-cache.ts';
import { type SweepPlan, trialsOfSeed } from './plan.ts';
import type { TrialRunner } from './runner.ts';
import { startOrder } from './schedule.ts';
import { type PreparedSplit, prepareSplit } from './split.ts';
import type { TrialInput, TrialResult } from './trial.ts';

export type TrialOutcome =
  | { state: 'done'; trialId: number; trial: PlannedTrial; f1: number; aucPr: number; resumed: boolean }
  | { state: 'failed'; trialId: number; trial: PlannedTrial; error: string }
  | { state: 'skipped'; trialId: number; trial: PlannedTrial; reason: string };

export interface TrialLoop {
  store: Store;
  experiment: Experiment;
  dataset: PreparedDataset;
  plan: SweepPlan;
  sweepId: number;
  runner: TrialRunner;
  halt: SweepHalt;
  cacheDir: string;
  /** Root of the trials' files (`<artifactsDir>/<trial id>/`). */
  artifactsDir: string;
  /** Which finished trials are claimed again. */
  retry: ClaimRetry;
  /** Called with each trial's outcome, in the order they are known. */
  report: (o: TrialOutcome) => void;
}

/**
 * Runs the plan's trials. Returns once every started trial is recorded or stopped. It never throws:
 * a main-thread error (a split, a claim, the matrices, an audit, recording a result, the progress
 * callback) goes to `loop.halt`, which stops the loop and the runner's trials; the caller ends the sweep.
 */
export async function runTrials(loop: TrialLoop): Promise<void> {
  const inFlight = new InFlight(loop.runner.capacity);
  try {
    for (const seed of loop.experiment.seeds) {
      if (loop.halt.signal.aborted) break;
      const split = await prepareSplit(loop.store, loop.dataset.datasetId, loop.experiment, loop.plan, seed);
      const trials = trialsOfSeed(loop.plan, seed);
      const matrices = splitMatrices(loop, split);
      for (const t of startOrder(trials)) {
        if (loop.halt.signal.aborted) break;
        await startTrial(loop, split, matrices, t, inFlight);
      }
      // While the runner works: this split's leakage audits (stored once per split and token part).
      await loop.plan.inputs.audit(
        loop.store,
        split.splitId,
        split.manifest,
        trials.map((x) => x.featureSet),
        loop.halt.signal,
      );
    }
  } catch (err) {
    loop.halt.fail(err);
  }
  await inFlight.settled();
}

/** Claims one trial and, unless the store says it is done, failed or busy, hands it to the runner. */
async function startTrial(
  loop: TrialLoop,
  split: PreparedSplit,
  matrices: (t: PlannedTrial) => BuiltMatrices,
  t: PlannedTrial,
  inFlight: InFlight,
): Promise<void> {
  const claim = await loop.store.claimTrial(trialClaim(loop, split, t), loop.retry);
  if (claim.resumed) {
    const reason = claim.busy ? `running in process ${claim.busy}` : `already ${claim.status}`;
    loop.report({ state: 'skipped', trialId: claim.id, trial: t, reason });
    return;
  }
  let result: Promise<TrialResult>;
  try {
    result = loop.runner.run(trialInput(loop, split, matrices(t), t, claim.id));
  } catch (err) {
    if (!(err instanceof FeatureSpaceError)) throw err;
    result = Promise.reject(err); // recorded as the runner's errors are: the trial failed
  }
  await inFlight.add(settle(loop, inFlight, claim.id, t, result));
}

/**
 * A trial's feature space cannot be built on its split, e.g. vectorizer options the data cannot meet
 * (`minDf` above `maxDf` once counted on this split's training sequences). It fails that trial, as a
 * fit's error would, and the sweep goes on; an error of the cache around the build (a full disk) is
 * the sweep's and stops it.
 */
export class FeatureSpaceError extends Error {
  constructor(featureSet: string, cause: unknown) {
    super(`feature set ${featureSet}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'FeatureSpaceError';
  }
}

/** What of a sweep a single trial's claim and input depend on (a queue worker has these, not the loop). */
export type TrialContext = Pick<TrialLoop, 'experiment' | 'dataset' | 'plan' | 'sweepId' | 'cacheDir' | 'artifactsDir'>;

/** The claim of planned trial `t` of a split: its key hashes the dataset, split, variant and `params`. */
export function trialClaim(loop: TrialContext, split: PreparedSplit, t: PlannedTrial): TrialClaim {
  const e = loop.experiment;
  const params = { threshold: e.threshold, ...eventParams(t.config, e.eventLabels) };
  const key = trialKey(loop.dataset.ingest.key, split.manifest.hash, t, params, loop.plan.scope);
  // Stored with the configuration (bench show, the board's detail); the key hashes `params` only.
  return { sweepId: loop.sweepId, splitId: split.splitId, ...t, params: trialParams(params, t), key };
}

/** What the runner gets for trial `trialId` (planned trial `t`), its matrices built. */
export function trialInput(
  loop: TrialContext,
  split: PreparedSplit,
  space: BuiltMatrices,
  t: PlannedTrial,
  trialId: number,
): TrialInput {
  const e = loop.experiment;
  return {
    files: space.files,
    task: {
      ...t,
      threshold: e.threshold,
      parts: split.facts,
      vectorizeMs: space.ms,
      artifactsDir: join(loop.artifactsDir, String(trialId)),
      throughput: e.throughput,
      explain: trialExplain(e.explain, t.config.explain, defaultExplainOptions),
      featuresFile: space.files.features,
      templatesFile: loop.plan.templatesFile,
    },
  };
}

/** A feature set's matrix files and the time it took to build (or find) them. */
export interface BuiltMatrices {
  files: MatrixFiles;
  ms: number;
}

/** Each (feature set, vectorizer options, level)'s matrices of one split, built (or read from the cache) when first asked for. */
export function splitMatrices(loop: TrialContext, split: PreparedSplit): (t: PlannedTrial) => BuiltMatrices {
  const spaces = new Map<string, BuiltMatrices>();
  return ({ featureSet, config: { vectorizer, level } }) => {
    const id = JSON.stringify([featureSet, vectorizer, level]);
    let space = spaces.get(id);
    if (!space) {
      const t0 = performance.now();
      const { eventLabels } = loop.experiment;
      const { files } = cachedMatrices(
        loop.cacheDir,
        {
          dataset: loop.dataset.ingest.key,
          split: split.manifest.hash,
          featureSet,
          vectorizer,
          scope: loop.plan.scope,
          ...(level === 'event' && { level, eventLabels }),
        },
        () => {
          try {
            return level === 'event'
              ? buildEventMatrices(featureSet, eventSource(loop.plan.inputs, featureSet), split.parts, {
                  vectorizer,
                  eventLabels,
                })
              : buildMatrices(featureSet, loop.plan.inputs.source(featureSet), split.parts, vectorizer);
          } catch (err) {
            throw new FeatureSpaceError(featureSet, err);
          }
        },
      );
      space = { files, ms: performance.now() - t0 };
      spaces.set(id, space);
    }
    return space;
  };
}

/**
 * Records a trial's result once the runner gives it, one result at a time. A trial stopped by the
 * halt is not recorded: it stays running for this process, and the end of the sweep releases it to
 * pending. After a main-thread error nothing more is recorded, not even a finished trial (the store
 * or the callback may be what failed): it is released too and runs again next time. Recording one
 * at a time is what makes that hold for a result that arrives while another is being recorded.
 */
function settle(
  loop: TrialLoop,
  inFlight: InFlight,
  trialId: number,
  trial: PlannedTrial,
  result: Promise<TrialResult>,
): Promise<void> {
  // An error of a record reaches the halt within its turn, before the next record looks at the halt.
  const inTurn = (task: () => Promise<void> | undefined) =>
    inFlight.inTurn(async () => {
      try {
        await task();
      } catch (err) {
        loop.halt.fail(err);
      }
    });
  return result.then(
    (r) => inTurn(() => (loop.halt.failure ? undefined : record(loop, trialId, trial, r))),
    (err: Error) =>
      inTurn(() =>
        loop.halt.signal.aborted
          ? undefined
          : record(loop, trialId, trial, { state: 'failed', error: err.message, stack: err.stack ?? '' }),
      ),
  );
}

async function record(loop: TrialLoop, trialId: number, trial: PlannedTrial, r: TrialResult): Promise<void> {
  if (r.state === 'done') {
    await loop.store.completeTrial(trialId, { ...r, timings: [loop.dataset.ingestTiming, ...r.timings] });
    loop.report({ state: 'done', trialId, trial, f1: r.f1, aucPr: r.aucPr, resumed: false });
  } else if (
    !loop.halt.stopsForFullDisk(r.error, `the files of trial ${trialId}`, join(loop.artifactsDir, String(trialId)))
  ) {
    await loop.store.failTrial(trialId, `${r.error}\n${r.stack}`);
    loop.report({ state: 'failed', trialId, trial, error: r.error });
  }
}

/** Started trials not yet recorded. Their promises never reject (errors go to the halt). */
class InFlight {
  readonly #running = new Set<Promise<void>>();
  readonly #capacity: number;
  #recording: Promise<void> = Promise.resolve();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Tracks `p`, then waits while the runner holds as many trials as it takes at once. */
  async add(p: Promise<void>): Promise<void> {
    this.#running.add(p);
    void p.then(() => this.#running.delete(p));
    while (this.#running.size >= this.#capacity) await Promise.race(this.#running);
  }

  /** Runs `record` once every record asked for before it has ended: records never overlap. */
  inTurn(record: () => Promise<void>): Promise<void> {
    const turn = this.#recording.then(record);
    this.#recording = turn;
    return turn;
  }

  async settled(): Promise<void> {
    await Promise.all(this.#running);
  }
}
