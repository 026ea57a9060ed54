/**
 * Folder creation that ends in an answer. Node's `mkdir(…, { recursive: true })` loops forever when
 * the kernel says ENOENT for a path whose parent exists (`/proc/x`); this walks down from the
 * nearest existing ancestor with plain `mkdir`, so every failure surfaces as a named error.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diskFullError } from './disk.ts';
import { BenchError } from './error.ts';

/** Creates `dir` and its missing parents; an `io` error names the folder and says why (`what`: e.g. "export folder"). */
export function ensureDir(dir: string, what = 'folder', hint = 'pass a writable folder'): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = kindOf(at);
    if (kind === 'dir') break;
    if (kind === 'other') {
      throw new BenchError('io', `cannot create ${what} ${target}: ${at} is a file, not a folder`, {
        file: at,
        hint,
      });
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST' && kindOf(d) === 'dir') continue;
      const full = diskFullError(e, { what, path: d, hint });
      if (full) throw full;
      throw new BenchError('io', `cannot create ${what} ${target}: ${e.code ?? e.message} at ${d}`, { file: d, hint });
    }
  }
  return target;
}

function kindOf(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}
