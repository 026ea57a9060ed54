/**
 * A queued sweep's row: one open sweep per experiment and dataset, whichever machine submits it,
 * and finished by whichever worker completes its last job.
 *
 * The jobs of a sweep name its id, and a job submitted twice is one job (its id is the trial's
 * key), so a resubmission must name the same sweep as the jobs it finds queued: it reuses the
 * experiment's open (`running`) sweep on the same dataset instead of starting one that no job would
 * ever point at.
 */
import type { PostgresStore, QueuedSweep, SweepEnv, SweepStatus } from '../store/index.ts';
import type { TrialQueue } from './boss.ts';

/**
 * The experiment's open sweep on `datasetHash` (status `running`), else a new one. Under an advisory
 * lock per experiment, so two machines submitting at once share one sweep.
 */
export function openQueuedSweep(
  store: PostgresStore,
  experimentId: number,
  env: SweepEnv,
  datasetHash: string,
): Promise<QueuedSweep> {
  return store.openQueuedSweep(experimentId, env, datasetHash);
}

/**
 * Opens a sweep again before jobs are submitted to it: a worker may have finished it between its
 * planning and the submission (its last job done), and the new jobs' last completion finishes it
 * again.
 */
export function reopenSweep(store: PostgresStore, sweepId: number): Promise<void> {
  return store.reopenSweep(sweepId);
}

export interface SweepEnd {
  sweepId: number;
  /** As stored: the status it ended with, whenever that was. */
  status: Exclude<SweepStatus, 'running'>;
  /** True when this call ended the sweep; false when it had ended already (its row kept as it was). */
  endedNow: boolean;
  /** The sweep's trials by status. */
  counts: Record<string, number>;
  /** Why it failed: its failed trials' first error lines (at most 5). */
  errors: { trialId: number; error: string }[];
}

/**
 * Finishes a sweep once none of its jobs is waiting or running: `failed` when one of its trials
 * failed (the trials' errors are the cause), `interrupted` when some are still pending (their jobs
 * were cancelled), else `done`. Returns null while jobs remain (or when the sweep is gone). Every
 * worker calls it after each job it ends, outside the job's transaction: the worker that commits
 * the sweep's last job sees every other job ended, so the sweep is finished whoever completes it.
 * A sweep ends once: later looks (another worker's late job, `bench run` summing up a sweep a
 * worker ended) get its row as stored, with `endedNow` false, and write nothing.
 */
export async function finishIfDrained(
  store: PostgresStore,
  queue: TrialQueue,
  sweepId: number,
): Promise<SweepEnd | null> {
  if ((await queue.unfinished(sweepId)) > 0) return null;
  const { counts, errors } = await store.sweepTrialStates(sweepId, 5);
  const end = await store.finishQueuedSweep(sweepId, endStatus(counts));
  if (!end) return null;
  return { sweepId, status: end.status, endedNow: end.ended, counts, errors };
}

/** How a drained sweep ends, from its trials by status. */
function endStatus(counts: Record<string, number>): SweepEnd['status'] {
  if ((counts.failed ?? 0) > 0) return 'failed';
  return (counts.pending ?? 0) + (counts.running ?? 0) > 0 ? 'interrupted' : 'done';
}
