/** `bench queue ls|retry|cancel` (with the worker's commands in worker.ts, which share its store checks). */
export { queueCommand } from './worker.ts';
