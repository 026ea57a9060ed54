/** Which rows an explainer works on: explicit rows, a seeded sample, or all (shared by the explainers). */
import seedrandom from 'seedrandom';
import { checkInteger, checkSeed } from '../algorithms/checks.ts';

/** Which rows of x to explain; shared with `explainAny`. */
export interface RowChoice {
  /** Seed of the background and permutation draws (and of `sampleRows`). Required. */
  seed: number | string;
  /**
   * Explain only these rows of x (any order; explained in this order).
   * @default every row of x
   */
  rows?: ArrayLike<number>;
  /**
   * Explain a seeded random sample of this many rows (ascending); exclusive with `rows`.
   * @default undefined (no sampling)
   */
  sampleRows?: number;
}

/** The rows `options` asks for, validated: explicit `rows`, a seeded sample, or all rows. */
export function chooseRows(nRows: number, options: RowChoice): Int32Array {
  const seed = checkSeed(options.seed);
  if (options.rows !== undefined && options.sampleRows !== undefined) {
    throw new TypeError('rows and sampleRows are mutually exclusive');
  }
  if (options.rows !== undefined) {
    const rows = Int32Array.from(options.rows);
    for (let k = 0; k < options.rows.length; k++) {
      const i = options.rows[k];
      if (!(Number.isInteger(i) && (i as number) >= 0 && (i as number) < nRows)) {
        throw new TypeError(`rows[${k}] must be a row index in [0, ${nRows}) (got ${String(i)})`);
      }
    }
    return rows;
  }
  if (options.sampleRows !== undefined) {
    const n = checkInteger(options.sampleRows, 'sampleRows', 1);
    return sampleIndices(nRows, n, `${seed}:rows`);
  }
  return Int32Array.from({ length: nRows }, (_, i) => i);
}

/** min(k, n) distinct indices of [0, n), seeded partial Fisher–Yates, sorted ascending. */
export function sampleIndices(n: number, k: number, seed: string): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (k >= n) return all;
  const rng = seedrandom(seed);
  for (let a = 0; a < k; a++) {
    const b = a + Math.floor(rng() * (n - a));
    const t = all[a]!;
    all[a] = all[b]!;
    all[b] = t;
  }
  return all.slice(0, k).sort();
}
