/** Piscina worker of the ingest: reads one service log per task (bundled to JS, see workers/bundle.ts). */
import { type FileResult, type FileTask, readLogFile } from './lo2/read-file.ts';

export default function readTask(task: FileTask): Promise<FileResult> {
  return readLogFile(task);
}
