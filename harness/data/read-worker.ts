/**
 * Piscina worker of the ingest: reads a batch of service logs per task and moves (not copies)
 * their column buffers back to the main thread. Bundled to JS by workers/bundle.ts.
 */
import { move } from 'piscina';
import { type FileResult, type FileTask, readLogFile } from './lo2/read-file.ts';

function buffersOf(result: FileResult): ArrayBuffer[] {
  if (result.state !== 'read') return [];
  const e = result.events;
  const cols = [e.thread, e.cId, e.logger, e.method, e.message];
  return [
    e.timeMs.buffer,
    e.level.buffer,
    e.charsLen.buffer,
    e.localMessageId.buffer,
    ...cols.flatMap((c) => [c.offsets.buffer, c.data.buffer]),
  ] as ArrayBuffer[];
}

export default async function readBatch(tasks: FileTask[]) {
  const results: FileResult[] = [];
  for (const task of tasks) results.push(await readLogFile(task));
  return move({
    [Symbol.for('Piscina.transferable')]: results.flatMap(buffersOf),
    [Symbol.for('Piscina.valueOf')]: results,
  } as never);
}
