/**
 * Piscina worker of the ingest: reads a task's service logs and moves (not copies) their columns,
 * one buffer per file, back to the main thread. Bundled to JS by workers/bundle.ts. A pool lives
 * for one ingest, so this thread's message ids do too.
 */
import { move } from 'piscina';
import type { FileTask } from './lo2/read-file.ts';
import { type ReaderMessages, readTask } from './lo2/read-task.ts';

const messages: ReaderMessages = new Map();

export default function readBatch(tasks: FileTask[]) {
  const result = readTask(tasks, messages);
  return move({
    [Symbol.for('Piscina.transferable')]: result.buffers,
    [Symbol.for('Piscina.valueOf')]: result,
  } as never);
}
