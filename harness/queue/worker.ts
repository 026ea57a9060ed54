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

export interface WorkerOptions {
  store: Store;
  queue: TrialQueue;
  cacheDir: string;
  artifactsDir: string;
  /** Trials run at once (worker threads; 1 runs them on the main thread). @default 1 */
  concurrency?: number;
  /** Stop once no job is waiting or running (a running one may still come back, expired). @default false */
  exitWhenIdle?: boolean;
  /** How long to wait between looks at an empty queue. @default 1000 */
  pollMs?: number;
  /** Stops taking jobs; running trials finish. */
  signal?: AbortSignal;
  onJob?: (e: JobEvent) => void;
}

export type JobEvent =
  | { state: 'claimed'; job: TrialJob }
  | { state: 'done'; job: TrialJob; trialId: number; f1: number; recorded: boolean }
  | { state: 'failed'; job: TrialJob; error: string }
  | { state: 'skipped'; job: TrialJob; trialId: number; status: string };

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
      const job = await o.queue.fetch();
      if (!job) {
        if (o.exitWhenIdle && (await o.queue.unfinished()) === 0) return;
        await sleep(o.pollMs ?? 1000);
        continue;
      }
      o.onJob?.({ state: 'claimed', job });
      await runJob(store, o.queue, trials, job, o.onJob);
      finished++;
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
    const message = err instanceof Error ? err.message : String(err);
    if (trialId !== null) await store.failTrial(trialId, err instanceof Error ? (err.stack ?? message) : message);
    await queue.fail(job.id, message);
    onJob?.({ state: 'failed', job, error: message });
  }
}
