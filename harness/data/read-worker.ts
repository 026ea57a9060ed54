/**
 * Piscina worker of the ingest: reads a task's service logs and moves (not copies) their columns,
 * one buffer per file, back to the main thread. Bundled to JS by workers/bundle.ts. A pool lives
 * for one ingest, so this thread's message ids and reader do too.
 */
import { move } from 'piscina';
import type { FileTask, LogReader, LogReaderKind } from './lo2/read-file.ts';
import { type ReaderMessages, readTask } from './lo2/read-task.ts';
import { openLogReader } from './log-reader.ts';

const messages: ReaderMessages = new Map();
let logs: LogReader | null = null;

/**
 * A task's files, which reader reads them, and column buffers of earlier tasks (this thread's or
 * another's) that the main thread is done with, for this thread's reader to reuse.
 */
export interface ReadRequest {
  tasks: FileTask[];
  reader: LogReaderKind;
  spare: ArrayBuffer[];
}

export default function readBatch({ tasks, reader, spare }: ReadRequest) {
  logs ??= openLogReader(reader);
  logs.release(spare);
  const result = readTask(tasks, messages, logs);
  return move({
    [Symbol.for('Piscina.transferable')]: result.buffers,
    [Symbol.for('Piscina.valueOf')]: result,
  } as never);
}
