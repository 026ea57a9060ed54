/**
 * Piscina worker of the ingest: reads a task's service logs and moves (not copies) their columns,
 * packed into one buffer, back to the main thread. Bundled to JS by workers/bundle.ts.
 */
import { move } from 'piscina';
import type { FileTask } from './lo2/read-file.ts';
import { readTask } from './lo2/read-task.ts';

export default async function readBatch(tasks: FileTask[]) {
  const result = await readTask(tasks);
  return move({
    [Symbol.for('Piscina.transferable')]: [result.buffer],
    [Symbol.for('Piscina.valueOf')]: result,
  } as never);
}
