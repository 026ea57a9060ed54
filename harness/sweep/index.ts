/**
 * Sweeps: an experiment's plan (split seeds × variants × feature sets) run as trials — inline or
 * in a piscina pool — with results written through a `Store` and files through harness/artifacts.
 */
export { IngestInputs } from './inputs.ts';
export { buildMatrices, type SplitMatrices } from './matrices.ts';
export {
  type PlannedQueue,
  planQueuedSweep,
  type QueuedOutcome,
  type QueuedTrial,
  type QueuedTrialOptions,
  QueuedTrials,
} from './queued.ts';
export { runSweep, type SweepOptions, type SweepResult, type TrialOutcome } from './run.ts';
export { inlineRunner, openTrialRunner, pooledRunner, type TrialRunner, type TrialRunnerOptions } from './runner.ts';
export type { TrialInput, TrialResult, TrialTask } from './trial.ts';
