/**
 * The job queue of a PostgreSQL store (pg-boss in the same database): a sweep's trials submitted as
 * jobs, and workers on any machine running them with the sweep's trial code.
 */
export { DEFAULT_QUEUE_OPTIONS, jobId, type QueueOptions, TRIAL_QUEUE, type TrialJob, TrialQueue } from './boss.ts';
export { finishIfDrained, openQueuedSweep, reopenSweep, type SweepEnd } from './sweeps.ts';
export { type JobEvent, runWorker, type WorkerOptions } from './worker.ts';
