// Piscina worker for the ingest: reads one service log per task. Plain ESM so that Node 20 can
// start it without a TypeScript loader; the implementation is imported through tsx's API.
import { tsImport } from 'tsx/esm/api';

const { readLogFile } = await tsImport('./lo2/read-file.ts', import.meta.url);

export default function readTask(task) {
  return readLogFile(task);
}
