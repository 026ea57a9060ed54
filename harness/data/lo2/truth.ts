/**
 * Ground truth of a generated tree (contract in constants.ts: TRUTH_MANIFEST, faultLinesFileOf):
 * the manifest at the root, the fault-lines file beside each log, and which events those lines make
 * fault events. The truth only labels events for evaluation; nothing here is, or feeds, a feature.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataError } from '../../errors/index.ts';
import { TRUTH_FORMAT, TRUTH_MANIFEST } from './constants.ts';

export type TruthFaults = 'injected' | 'none';

/** What the manifest says: the tree's faults were injected, or left out (the null dataset). */
export interface TruthManifest {
  path: string;
  faults: TruthFaults;
}

const REGENERATE =
  'regenerate the tree with `bench data synth`, or delete the manifest to read it as a real tree (no truth)';

/** The tree's truth manifest, or null when the tree has none (real LO2). */
export function readTruthManifest(root: string): TruthManifest | null {
  const path = join(root, TRUTH_MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw dataError(`cannot read the ground-truth manifest ${path}: ${code ?? (err as Error).message}`, {
      file: path,
      hint: 'give the user running bench read permission on it',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw dataError(`${path}: not valid JSON (${(err as Error).message})`, { file: path, hint: REGENERATE });
  }
  const o = (json ?? {}) as { format?: unknown; faults?: unknown };
  if (o.format !== TRUTH_FORMAT) {
    throw dataError(`${path}: format ${JSON.stringify(o.format)}, expected "${TRUTH_FORMAT}"`, {
      file: path,
      field: 'format',
      hint: REGENERATE,
    });
  }
  if (o.faults !== 'injected' && o.faults !== 'none') {
    throw dataError(`${path}: faults ${JSON.stringify(o.faults)}, expected "injected" or "none"`, {
      file: path,
      field: 'faults',
      hint: REGENERATE,
    });
  }
  return { path, faults: o.faults };
}

/** A fault-lines file that cannot be used, with what to do about it. */
export class BadTruth extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly hint: string = REGENERATE,
  ) {
    super(message);
  }
}

/**
 * The physical line numbers of a fault-lines file: positive integers, one per line, strictly
 * ascending, the last line ending in a newline or not; an empty file lists none. Throws BadTruth.
 */
export function parseFaultLines(text: string, path: string): Int32Array {
  const rows = text.split('\n');
  if (rows.at(-1) === '') rows.pop();
  const out = new Int32Array(rows.length);
  let last = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!/^[1-9][0-9]{0,9}$/.test(row) || Number(row) > 0x7fffffff) {
      throw new BadTruth(
        path,
        `${path}:${i + 1}: ${JSON.stringify(row.slice(0, 40))} is not a line number (expected a positive integer per line)`,
      );
    }
    const n = Number(row);
    if (n <= last)
      throw new BadTruth(path, `${path}:${i + 1}: line ${n} after ${last} (line numbers must be strictly ascending)`);
    out[i] = n;
    last = n;
  }
  return out;
}

/** Reads and parses a fault-lines file; throws BadTruth. */
export function readFaultLines(path: string): Int32Array {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadTruth(
      path,
      `cannot read the fault-lines file ${path}: ${code ?? (err as Error).message}`,
      code === 'ENOENT' ? REGENERATE : 'give the user running bench read permission on it',
    );
  }
  return parseFaultLines(text, path);
}

/**
 * Indices of the events whose first physical line is listed in `faultLines`: `lineNos` holds each
 * event's first line number, strictly ascending (each line starts at most one event), and both lists
 * are sorted, so one binary search per listed line finds them.
 */
export function faultEventsOf(lineNos: Int32Array, faultLines: Int32Array): Int32Array {
  const out: number[] = [];
  let lo = 0;
  for (let f = 0; f < faultLines.length; f++) {
    const line = faultLines[f]!;
    let hi = lineNos.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lineNos[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    if (lo < lineNos.length && lineNos[lo] === line) out.push(lo);
  }
  return Int32Array.from(out);
}
