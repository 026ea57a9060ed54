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

/** Runs jobs until stopped (or idle, with `exitWhenIdle`); returns how many jobs it finished. */
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
      await runJob(store, o.queue, trials, job, o.onJob, o.signal);
      finished++;
      // After the job's own commit, so that the worker ending a sweep's last job sees all the others ended.
      const end = await finishIfDrained(store, o.queue, job.data.sweepId).catch((err: unknown) => {
        process.stderr.write(`sweep ${job.data.sweepId}: could not finish its row: ${(err as Error).message}\n`);
        return null;
      });
      if (end) o.onSweep?.(end);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await runner.close();
  }
  return finished;
}

async function runJob(
  store: PostgresStore,
  queue: TrialQueue,
  trials: QueuedTrials,
  job: TrialJob,
  onJob: WorkerOptions['onJob'],
  signal: AbortSignal | undefined,
): Promise<void> {
  let trialId: number | null = null;
  try {
    const out = await trials.run(job.data);
    trialId = out.trialId;
    if (out.state === 'skipped') {
      await queue.complete(job.id);
      onJob?.({ state: 'skipped', job, trialId, status: out.claim.status });
      return;
    }
    const r = out.result;
    if (r.state === 'done') {
      const recorded = await store.completeTrial(
        trialId,
        { ...r, timings: [out.ingestTiming, ...r.timings] },
        { also: (c) => queue.completeIn(c, job.id) },
      );
      onJob?.({ state: 'done', job, trialId, f1: r.f1, recorded });
      return;
    }
    await store.failTrial(trialId, `${r.error}\n${r.stack}`);
    await queue.fail(job.id, r.error);
    onJob?.({ state: 'failed', job, error: r.error });
  } catch (err) {
    if (signal?.aborted) {
      // Stopped mid-trial: nothing of it is stored; its trial goes back to pending and its job to the queue.
      await store.releaseTrials(job.data.sweepId);
      await queue.release(job.id);
      onJob?.({ state: 'released', job });
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (trialId !== null) await store.failTrial(trialId, err instanceof Error ? (err.stack ?? message) : message);
    await queue.fail(job.id, message);
    onJob?.({ state: 'failed', job, error: message });
  }
}
