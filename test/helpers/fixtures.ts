/** Small LO2-shaped trees written by tests into temporary folders. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** path (relative to the tree root) → file content. */
export type TreeSpec = Record<string, string | Uint8Array>;

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [rel, content] of Object.entries(spec)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'lo2-bench-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;
const CID = 'AbCdEfGhIjKlMnOpQrSt';

/** One well-formed LO2 line at the given time of day. */
export function line(time: string, message: string, level = 'DEBUG', logger = 'c.n.openapi.ApiNormalisedPath'): string {
  const cId = `${CID}${String(counter++ % 100).padStart(2, '0')}`;
  return `${time} [XNIO-1 task-1]  ${cId} ${level.padEnd(5)} ${logger} handle - ${message}`;
}

/**
 * The real 22,660-line LO2 sample, which lives in the shared folder beside the repository
 * (`LO2_SHARED` overrides where that folder is).
 */
export function realSamplePath(): string {
  const shared = process.env.LO2_SHARED ?? join(import.meta.dirname, '../../../shared');
  return join(shared, 'lo2/real/token-correct.log');
}
