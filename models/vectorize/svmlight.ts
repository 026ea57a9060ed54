/**
 * svmlight / libsvm text, as scikit-learn's `load_svmlight_file` reads it: one line per row,
 * `label idx:value ...`, label 1 = anomaly and 0 = normal, feature indices 1-based and ascending,
 * values in shortest round-trip form (`String(value)`). Zeros are implicit, so an empty row is just
 * its label. `bench export` writes a folder of these (DESIGN.md, "Export").
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CsrMatrix } from '../types.ts';

// Rows are written in chunks of about this many characters: the text of a large matrix (tens of
// millions of entries) would not fit in one JavaScript string.
const CHUNK_CHARS = 1 << 20;

/** The svmlight lines of rows `[start, end)`, each ending in `\n`. */
function rowsText(x: CsrMatrix, labels: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) {
    let line = String(labels[i]);
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const v = x.data[k]!;
      if (v === 0) continue;
      line += ` ${x.indices[k]! + 1}:${String(v)}`;
    }
    text += `${line}\n`;
  }
  return text;
}

function check(x: CsrMatrix, labels: Uint8Array, what: string): void {
  if (labels.length !== x.nRows) throw new RangeError(`${what}: ${labels.length} labels for ${x.nRows} rows`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new RangeError(`${what}: label ${labels[i]} of row ${i} is not 0 or 1`);
  }
  for (let k = 0; k < x.data.length; k++) {
    if (!Number.isFinite(x.data[k]!)) throw new RangeError(`${what}: value ${x.data[k]} is not finite`);
  }
}

/** Writes `x` with `labels` (1 = anomaly, 0 = normal) to `path` in svmlight format. */
export function writeSvmlight(path: string, x: CsrMatrix, labels: Uint8Array): void {
  check(x, labels, path);
  const fd = openSync(path, 'w');
  try {
    let start = 0;
    while (start < x.nRows) {
      // Grow the chunk row by row until it holds about CHUNK_CHARS (≈ 8 chars per entry).
      let end = start;
      let budget = CHUNK_CHARS;
      while (end < x.nRows && budget > 0) {
        budget -= 4 + 8 * (x.indptr[end + 1]! - x.indptr[end]!);
        end++;
      }
      writeSync(fd, rowsText(x, labels, start, end));
      start = end;
    }
  } finally {
    closeSync(fd);
  }
}

/** One part of an export: its matrix and labels (row i of `x` has label `labels[i]`). */
export interface LabelledMatrix {
  readonly x: CsrMatrix;
  readonly labels: Uint8Array;
}

/**
 * Writes `train.svm`, `val.svm`, `test.svm`, `features.txt` (one column name per line, line i =
 * feature index i + 1; line breaks inside a name are written as `\n` / `\r`) and `meta.json` (`meta`
 * as given: trial, split manifest, seq_ids per row) into `dir`, creating it. Load a part in Python
 * with `load_svmlight_file(path, n_features=<lines of features.txt>)`: without n_features, a part
 * whose last columns are all zero would come back narrower.
 */
export function exportSvmlight(
  dir: string,
  parts: { readonly train: LabelledMatrix; readonly val: LabelledMatrix; readonly test: LabelledMatrix },
  columnNames: readonly string[],
  meta: unknown,
): void {
  for (const [name, part] of Object.entries(parts)) {
    if (part.x.nCols !== columnNames.length) {
      throw new RangeError(`export ${name}: ${part.x.nCols} columns but ${columnNames.length} column names`);
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const name of ['train', 'val', 'test'] as const)
    writeSvmlight(join(dir, `${name}.svm`), parts[name].x, parts[name].labels);
  const lines = columnNames.map((n) => n.replaceAll('\r', '\\r').replaceAll('\n', '\\n'));
  writeFileSync(join(dir, 'features.txt'), lines.length > 0 ? `${lines.join('\n')}\n` : '');
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
