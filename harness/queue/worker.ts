/**
 * A worker: takes trial jobs from the queue and runs them with the sweep's own trial code, on any
 * machine that reaches the database. A trial's results and its job's completion commit in one
 * transaction; a result for a trial done already (a retried job racing a late first attempt) is
 * dropped and its job just completed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore, type Store } from '../store/index.ts';
import { openTrialRunner, QueuedTrials } from '../sweep/index.ts';
import type { TrialJob, TrialQueue } from './boss.ts';
import { finishIfDrained, type SweepEnd } from './sweeps.ts';

export interface WorkerOptions {
  store: Store;
  queue: TrialQueue;
  cacheDir: string;
  artifactsDir: string;
  /** Trials run at once (worker threads; 1 runs them on the main thread). @default 1 */
  concurrency?: number;
  /** Stop once no job is waiting or running (a running one may still come back, expired). @default false */
  exitWhenIdle?: boolean;
  /**
   * Stop once this says so, asked before each job is fetched and while the queue is empty (a
   * `bench run` working on its own sweeps stops when they are drained). @default never
   */
  until?: () => Promise<boolean>;
  /** How long to wait between looks at an empty queue. @default 1000 */
  pollMs?: number;
  /** Stops taking jobs; running trials finish. */
  signal?: AbortSignal;
  onJob?: (e: JobEvent) => void;
  /** A sweep this worker finished (it ended the sweep's last job). */
  onSweep?: (e: SweepEnd) => void;
}

export type JobEvent =
  | { state: 'claimed'; job: TrialJob }
  | { state: 'done'; job: TrialJob; trialId: number; f1: number; recorded: boolean }
  | { state: 'failed'; job: TrialJob; error: string }
  | { state: 'skipped'; job: TrialJob; trialId: number; status: string }
  /** Stopped (Ctrl-C) while running: the job is back in the queue and its trial pending. */
  | { state: 'released'; job: TrialJob };

/** Runs jobs until stopped (or idle, with `exitWhenIdle`); returns how many jobs it ended (released ones not counted). */
export async function runWorker(o: WorkerOptions): Promise<number> {
  if (!(o.store instanceof PostgresStore)) {
    throw new Error('a worker needs a PostgreSQL store: the queue lives in the same database');
  }
  const store = o.store;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const runner = await openTrialRunner({ workers: concurrency, ...(o.signal && { signal: o.signal }) });
  const trials = new QueuedTrials({
    store,
    cacheDir: o.cacheDir,
    artifactsDir: o.artifactsDir,
    runner,
    ...(o.signal && { signal: o.signal }),
  });
  let finished = 0;
  const lane = async () => {
    while (!o.signal?.aborted) {
      if (o.until && (await o.until())) return;
      const job = await o.queue.fetch();
      if (!job) {
        if (o.exitWhenIdle && (await o.queue.unfinished()) === 0) return;
        await sleep(o.pollMs ?? 1000);
        continue;
      }
      o.onJob?.({ state: 'claimed', job });
      if (!(await runJob(store, o.queue, trials, job, o.onJob, o.signal))) continue;
      finished++;
      // After the job's own commit, so that the worker ending a sweep's last job sees all the others ended.
      const end = await finishIfDrained(store, o.queue, job.data.sweepId).catch((err: unknown) => {
        process.stderr.write(`sweep ${job.data.sweepId}: could not finish its row: ${(err as Error).message}\n`);
        return null;
      });
      if (end?.endedNow) o.onSweep?.(end);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await runner.close();
  }
  return finished;
}

/**
 * Runs one job to its end: completed (done, dropped or skipped) or failed, and true; or, stopped
 * mid-trial, given back to the queue, and false.
 */
async function runJob(
  store: PostgresStore,
  queue: TrialQueue,
  trials: QueuedTrials,
  job: TrialJob,
  onJob: WorkerOptions['onJob'],
  signal: AbortSignal | undefined,
): Promise<boolean> {
  let trialId: number | null = null;
  try {
    const out = await trials.run(job.data);
    trialId = out.trialId;
    if (out.state === 'skipped') {
      await queue.complete(job.id);
      onJob?.({ state: 'skipped', job, trialId, status: out.claim.status });
      return true;
    }
    // A job of a sweep that had ended (its failed jobs put back by `bench queue retry`) ran: the
    // sweep is open again until its jobs have drained, and then ends anew.
    await store.reopenSweep(job.data.sweepId);
    const r = out.result;
    if (r.state === 'done') {
      const recorded = await store.completeTrial(
        trialId,
        { ...r, timings: [out.ingestTiming, ...r.timings] },
        { also: (c) => queue.completeIn(c, job.id) },
      );
      onJob?.({ state: 'done', job, trialId, f1: r.f1, recorded });
      return true;
    }
    // The trial's own code failed (fit, vectorizer, files). Seeds fix every choice, so another
    // attempt would fail the same way: the job fails for good, and `--retry-failed` or `bench queue
    // retry` runs it again once the cause is fixed. Attempts stay for what may pass next time: a
    // worker that died, the store, this machine's dataset.
    await store.failTrial(trialId, `${r.error}\n${r.stack}`);
    await queue.fail(job.id, r.error, { retry: false });
    onJob?.({ state: 'failed', job, error: r.error });
    return true;
  } catch (err) {
    if (signal?.aborted) {
      // Stopped mid-trial: nothing of it is stored; its trial goes back to pending and its job to
      // the queue. Every lane of this worker stops on the same signal and gives its own job back,
      // so releasing all of this process's running trials in the sweep takes none from a lane
      // still working; a lane that had its result already records it over the release.
      await store.releaseTrials(job.data.sweepId);
      await queue.release(job.id);
      onJob?.({ state: 'released', job });
      return false;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (trialId !== null) await store.failTrial(trialId, err instanceof Error ? (err.stack ?? message) : message);
    await queue.fail(job.id, message);
    onJob?.({ state: 'failed', job, error: message });
    return true;
  }
}
