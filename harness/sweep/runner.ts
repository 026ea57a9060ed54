/**
 * Where trials run: in a piscina pool of worker threads, or inline on the main thread. The sweep
 * chooses once (`openTrialRunner`) and its trial loop is the same code either way; a trial's result
 * depends only on its input, so the choice never changes a number.
 */
import { Piscina } from 'piscina';
import { bundledWorker } from '../workers/index.ts';
import { type TrialInput, type TrialResult, trialExecutor } from './trial.ts';

export interface TrialRunner {
  /**
   * Trials handed to it at once before the loop waits for one to be recorded: the pool queues them
   * all (its workers pick them up while the main thread vectorizes the next split), inline takes one.
   */
  readonly capacity: number;
  /**
   * One trial's result; a trial that fails is a result (`state: 'failed'`). Rejects when the trial
   * was stopped (the runner's signal) or its worker died.
   */
  run(input: TrialInput): Promise<TrialResult>;
  /** Stops the workers; running trials are abandoned. */
  close(): Promise<void>;
}

export interface TrialRunnerOptions {
  /** Worker threads; 0 or 1 runs trials on the main thread. */
  workers: number;
  /** Aborting stops the pool's queued and running trials (an inline trial runs to its end). */
  signal?: AbortSignal;
}

export async function openTrialRunner(o: TrialRunnerOptions): Promise<TrialRunner> {
  return o.workers > 1 ? pooledRunner(o.workers, o.signal) : inlineRunner();
}

/** Trials on the main thread, one at a time. */
export function inlineRunner(): TrialRunner {
  const execute = trialExecutor();
  return {
    capacity: 1,
    run: async (input) => execute(input),
    close: async () => {},
  };
}

/** Trials in `workers` worker threads running the bundled trial-worker.ts. */
export async function pooledRunner(workers: number, signal?: AbortSignal): Promise<TrialRunner> {
  const pool = new Piscina({
    filename: await bundledWorker(new URL('./trial-worker.ts', import.meta.url)),
    minThreads: workers,
    maxThreads: workers,
    execArgv: [],
  });
  // A trial stopped just as its worker posted the result: piscina has dropped the task and reports
  // the late message as an 'error' event, which unheard would end the process. Expected once the
  // runner is stopped; any other 'error' stays fatal, as piscina makes it.
  pool.on('error', (err: unknown) => {
    if (!signal?.aborted) throw err;
  });
  return {
    capacity: Number.POSITIVE_INFINITY,
    run: (input) => pool.run(input, signal ? { signal } : {}) as Promise<TrialResult>,
    close: () => pool.destroy(),
  };
}
