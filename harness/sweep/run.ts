/**
 * A sweep: one `bench run` of one experiment, in stages. The dataset (ingest, cached) → the sweep's
 * row → the plan → the trials (run-trials.ts: per split seed, claims, matrices, a runner in a pool or
 * inline, audits) → the sweep's end. Aborting (Ctrl-C) stops new trials, stops running ones and
 * leaves them pending; so does an error on the main thread, which then ends the sweep failed.
 */
import { availableParallelism } from 'node:os';
import type { Experiment } from '../experiment/index.ts';
import type { Store } from '../store/index.ts';
import { prepareDataset } from './dataset.ts';
import { fingerprint } from './fingerprint.ts';
import { SweepHalt } from './halt.ts';
import { planSweep } from './plan.ts';
import { runTrials, type TrialOutcome } from './run-trials.ts';
import { openTrialRunner, type TrialRunner } from './runner.ts';

export type { TrialOutcome } from './run-trials.ts';

export interface SweepResult {
  sweepId: number;
  status: 'done' | 'failed' | 'interrupted';
  outcomes: TrialOutcome[];
  /** Trials planned for this sweep (done + failed + skipped, + those an interruption left pending). */
  planned: number;
  /** Trials given back as pending by an interruption. */
  released: number;
}

export interface SweepOptions {
  store: Store;
  cacheDir: string;
  /** Root of the trials' files (`<artifactsDir>/<trial id>/`). */
  artifactsDir: string;
  /** Aborting stops the sweep: no new trials start, running ones are stopped and left pending. */
  signal?: AbortSignal;
  /** Rerun failed trials instead of keeping their error. @default false */
  retryFailed?: boolean;
  /** Rerun every trial, done ones included (`--fresh`). @default false */
  fresh?: boolean;
  /** Worker threads running trials; 0 or 1 runs them on the main thread. @default availableParallelism */
  workers?: number;
  /** Tighten V8's heap growth while the ingest runs (IngestOptions.tuneHeap: the process's V8 flag). @default false */
  tuneIngestHeap?: boolean;
  onTrial?: (o: TrialOutcome, done: number, total: number) => void;
}

/**
 * Runs experiment `e` (read from `file`). An error before the sweep's row exists (dataset, ingest)
 * is thrown as is; one after it ends the sweep `failed`, with its running trials released, and is
 * then thrown.
 */
export async function runSweep(file: string, e: Experiment, o: SweepOptions): Promise<SweepResult> {
  const dataset = await prepareDataset(e, o);
  const sweepId = await openSweep(o.store, file, e, dataset.ingest.key);
  const halt = new SweepHalt(o.signal, o.cacheDir);
  const outcomes: TrialOutcome[] = [];
  let planned = 0;
  let runner: TrialRunner | null = null;
  try {
    const plan = planSweep(e, dataset.ingest, o.cacheDir);
    planned = plan.trials.length;
    runner = await openTrialRunner({ workers: o.workers ?? availableParallelism(), signal: halt.signal });
    await runTrials({
      store: o.store,
      experiment: e,
      dataset,
      plan,
      sweepId,
      runner,
      halt,
      cacheDir: o.cacheDir,
      artifactsDir: o.artifactsDir,
      retry: { failed: o.retryFailed === true || o.fresh === true, done: o.fresh === true },
      report: (out) => {
        outcomes.push(out);
        o.onTrial?.(out, outcomes.length, planned);
      },
    });
  } catch (err) {
    halt.fail(err);
  }
  try {
    await runner?.close();
  } catch (err) {
    halt.fail(err);
  }
  return finishSweep(o.store, sweepId, halt, { outcomes, planned });
}

/** The experiment's row (reused when unchanged) and a new sweep row, `running`, with its environment. */
async function openSweep(store: Store, file: string, e: Experiment, datasetHash: string): Promise<number> {
  const experimentId = await store.upsertExperiment({ name: e.name, file, config: e });
  const env = fingerprint(datasetHash);
  return store.startSweep(experimentId, { gitSha: env.gitSha, env });
}

/**
 * Ends the sweep's row. Interrupted: its stopped trials released to pending. Failed on the main
 * thread: the same, then the error is thrown; the trials it stopped did not fail, so a plain rerun
 * runs them. Otherwise `failed` when a trial failed, else `done`.
 */
async function finishSweep(
  store: Store,
  sweepId: number,
  halt: SweepHalt,
  run: { outcomes: TrialOutcome[]; planned: number },
): Promise<SweepResult> {
  const failure = halt.failure;
  if (failure) {
    // Best effort, so that the caller sees the cause rather than a second error (the store may be
    // what failed): a trial this process leaves running is claimed again by the next run once this
    // process has ended, and a sweep row left running says no more than that it never finished.
    await store.releaseTrials(sweepId).catch(() => 0);
    await store.finishSweep(sweepId, 'failed', errorText(failure.error)).catch(() => {});
    throw failure.error;
  }
  const released = halt.interrupted ? await store.releaseTrials(sweepId) : 0;
  const status = halt.interrupted ? 'interrupted' : run.outcomes.some((x) => x.state === 'failed') ? 'failed' : 'done';
  await store.finishSweep(sweepId, status);
  return { sweepId, status, ...run, released };
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
