/**
 * Piscina worker of the ingest: reads a task's service logs and moves (not copies) their columns,
 * one buffer per file, back to the main thread. Bundled to JS by workers/bundle.ts. A pool lives
 * for one ingest, so this thread's message ids do too.
 */
import { move } from 'piscina';
import type { FileTask } from './lo2/read-file.ts';
import { type ReaderMessages, readTask } from './lo2/read-task.ts';
import { recycleColumnBuffers } from './wasm/log-file.ts';

const messages: ReaderMessages = new Map();

/** A task's files, and column buffers of earlier tasks (this reader's or another's) to reuse. */
export interface ReadRequest {
  tasks: FileTask[];
  spare: ArrayBuffer[];
}

export default function readBatch({ tasks, spare }: ReadRequest) {
  recycleColumnBuffers(spare);
  const result = readTask(tasks, messages);
  return move({
    [Symbol.for('Piscina.transferable')]: result.buffers,
    [Symbol.for('Piscina.valueOf')]: result,
  } as never);
}
