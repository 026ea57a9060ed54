/**
 * Helpers shared by the tree models (decision tree, random forest, gradient boosting): the fitted
 * tree's flat arrays, prediction through a dense row buffer, the column-sorted (CSC) copy the
 * builder scans, the tree-only `maxDepth` check, and (de)serialisation of trees. Input and option
 * checks shared with the other models are in `checks.ts`.
 */
import type { CsrMatrix } from '../types.ts';
import { loadVector } from './checks.ts';
import { checkWeightedClasses } from './linear.ts';
import { checkRowWeights as checkRowCounts } from './row-weights.ts';

/**
 * One fitted tree as parallel arrays indexed by node id (root = 0). A row goes left iff
 * `x[feature] <= threshold`. `value` is the node's prediction (leaf or not: Saabas paths read the
 * internal ones), `cover` the node's weight (sample weight for Gini, hessian sum for Newton trees),
 * `gain` the split's decrease of the criterion (0 at leaves), summed per feature for importances.
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
  gain: Float64Array;
}

/** Leaf node id reached by the row held densely in `row`. */
export function leafOf(tree: TreeArrays, row: Float64Array): number {
  let node = 0;
  let f = tree.feature[0]!;
  while (f >= 0) {
    node = row[f]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
    f = tree.feature[node]!;
  }
  return node;
}

/** Depth of the deepest leaf (root alone = 0); children have larger ids than their parent. */
export function treeDepth(t: TreeArrays): number {
  const depth = new Int32Array(t.feature.length);
  let max = 0;
  for (let i = 0; i < depth.length; i++) {
    max = Math.max(max, depth[i]!);
    if (t.feature[i]! >= 0) depth[t.left[i]!] = depth[t.right[i]!] = depth[i]! + 1;
  }
  return max;
}

/**
 * Calls `visit(i, row)` with row i scattered into one reused dense buffer (zeros elsewhere), so tree
 * traversal reads features by index without a search. The buffer is cleared after each row.
 */
export function forEachDenseRow(x: CsrMatrix, visit: (i: number, row: Float64Array) => void): void {
  const row = new Float64Array(x.nCols);
  const { indptr, indices, data } = x;
  for (let i = 0; i < x.nRows; i++) {
    const start = indptr[i]!;
    const end = indptr[i + 1]!;
    for (let k = start; k < end; k++) row[indices[k]!] = data[k]!;
    visit(i, row);
    for (let k = start; k < end; k++) row[indices[k]!] = 0;
  }
}

/**
 * Column-major copy of a CSR matrix with each column's entries sorted by value (ties by row), explicit
 * zeros dropped: the one presort of a fit. `posStart[j]` is the first positive entry of column j, so
 * negatives are `[colPtr[j], posStart[j])` and positives `[posStart[j], colPtr[j+1])`.
 */
export interface SortedCsc {
  nRows: number;
  nCols: number;
  colPtr: Int32Array;
  rows: Int32Array;
  values: Float64Array;
  posStart: Int32Array;
  /** The row-major input it was built from (read-only). */
  csr: CsrMatrix;
}

/** Builds the presorted column copy of `x` (O(nnz log nnz) once per fit; shared by all trees of a fit). */
export function toSortedCsc(x: CsrMatrix): SortedCsc {
  const { nRows, nCols, indptr, indices, data } = x;
  const nnz = indptr[nRows]!;
  const colPtr = new Int32Array(nCols + 1);
  let whole = true;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < nnz; k++) {
    const v = data[k]!;
    if (v === 0) continue;
    colPtr[indices[k]! + 1]!++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v !== Math.floor(v)) whole = false;
  }
  for (let j = 0; j < nCols; j++) colPtr[j + 1]! += colPtr[j]!;
  const size = colPtr[nCols]!;
  const rows = new Int32Array(size);
  const values = new Float64Array(size);
  const posStart = new Int32Array(nCols);
  const fill = colPtr.slice(0, nCols);
  if (whole && size > 0 && hi - lo <= 2 * size + 1024) {
    scatterByValue(x, lo, hi - lo + 1, fill, rows, values);
  } else {
    for (let i = 0; i < nRows; i++) {
      for (let k = indptr[i]!; k < indptr[i + 1]!; k++) {
        const v = data[k]!;
        if (v === 0) continue;
        const at = fill[indices[k]!]!++;
        rows[at] = i;
        values[at] = v;
      }
    }
    let longest = 0;
    for (let j = 0; j < nCols; j++) longest = Math.max(longest, colPtr[j + 1]! - colPtr[j]!);
    const sorter = new ColumnSorter(longest);
    for (let j = 0; j < nCols; j++) {
      const start = colPtr[j]!;
      const end = colPtr[j + 1]!;
      let sorted = true;
      for (let k = start + 1; k < end && sorted; k++) sorted = values[k - 1]! <= values[k]!;
      if (!sorted) sorter.sort(rows, values, start, end);
    }
  }
  for (let j = 0; j < nCols; j++) {
    let p = colPtr[j]!;
    const end = colPtr[j + 1]!;
    while (p < end && values[p]! < 0) p++;
    posStart[j] = p;
  }
  return { nRows, nCols, colPtr, rows, values, posStart, csr: x };
}

/**
 * Whole-number values in a narrow range (token counts): one counting sort of all entries by value,
 * row-major so equal values stay by row, then each entry appended to its column in that order,
 * which leaves every column sorted by value, ties by row, in linear time.
 */
function scatterByValue(
  x: CsrMatrix,
  lo: number,
  range: number,
  fill: Int32Array,
  rows: Int32Array,
  values: Float64Array,
): void {
  const { nRows, indptr, indices, data } = x;
  const nnz = indptr[nRows]!;
  const start = new Int32Array(range + 1);
  for (let k = 0; k < nnz; k++) if (data[k] !== 0) start[((data[k]! - lo) | 0) + 1]!++;
  for (let b = 0; b < range; b++) start[b + 1]! += start[b]!;
  // Entries in value order, carried along so the pass into columns reads them in sequence.
  const orderCol = new Int32Array(rows.length);
  const orderRow = new Int32Array(rows.length);
  const orderVal = new Float64Array(rows.length);
  for (let i = 0; i < nRows; i++) {
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) {
      const v = data[k]!;
      if (v === 0) continue;
      const at = start[(v - lo) | 0]!++;
      orderCol[at] = indices[k]!;
      orderRow[at] = i;
      orderVal[at] = v;
    }
  }
  for (let t = 0; t < orderCol.length; t++) {
    const at = fill[orderCol[t]!]!++;
    rows[at] = orderRow[t]!;
    values[at] = orderVal[t]!;
  }
}

/**
 * Stable sort of one column's entries by value (entries arrive in row order, so equal values stay
 * by row). Token counts are whole numbers in a narrow range: a counting sort over the values.
 * Otherwise the values are sorted natively (no comparator), deduplicated, and the entries placed
 * by a counting sort over their value's rank.
 */
class ColumnSorter {
  readonly #keys: Float64Array;
  readonly #rank: Int32Array;
  readonly #rows: Int32Array;
  readonly #vals: Float64Array;
  #count: Int32Array;

  constructor(longest: number) {
    this.#keys = new Float64Array(longest);
    this.#rank = new Int32Array(longest);
    this.#rows = new Int32Array(longest);
    this.#vals = new Float64Array(longest);
    this.#count = new Int32Array(4 * longest + 66);
  }

  sort(rows: Int32Array, values: Float64Array, start: number, end: number): void {
    const m = end - start;
    const rank = this.#rank;
    let lo = values[start]!;
    let hi = lo;
    let whole = true;
    for (let k = start; k < end; k++) {
      const v = values[k]!;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
      if (v !== Math.floor(v)) whole = false;
    }
    let d: number;
    if (whole && hi - lo < 4 * m + 64) {
      d = hi - lo + 1;
      for (let t = 0; t < m; t++) rank[t] = values[start + t]! - lo;
    } else {
      d = this.#ranks(values, start, m);
    }
    const count = this.#count;
    count.fill(0, 0, d + 1);
    for (let t = 0; t < m; t++) count[rank[t]! + 1]!++;
    for (let q = 0; q < d; q++) count[q + 1]! += count[q]!;
    const r = this.#rows;
    const v = this.#vals;
    for (let t = 0; t < m; t++) {
      const at = count[rank[t]!]!++;
      r[at] = rows[start + t]!;
      v[at] = values[start + t]!;
    }
    rows.set(r.subarray(0, m), start);
    values.set(v.subarray(0, m), start);
  }

  /** Each entry's rank among the column's distinct values (into #rank); returns how many there are. */
  #ranks(values: Float64Array, start: number, m: number): number {
    const keys = this.#keys.subarray(0, m);
    keys.set(values.subarray(start, start + m));
    keys.sort();
    let d = 1;
    for (let t = 1; t < m; t++) if (keys[t] !== keys[d - 1]) keys[d++] = keys[t]!;
    const rank = this.#rank;
    for (let t = 0; t < m; t++) {
      const v = values[start + t]!;
      let lo = 0;
      let hi = d - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      rank[t] = lo;
    }
    return d;
  }
}

/**
 * Checks a fit's row weights (`Detector.fit`'s third argument: how many identical training rows
 * each row stands for): a Float64Array with one finite value ≥ 0 per row, whole numbers where
 * `whole` (the detector samples the expanded rows, so a fraction of a row has no meaning), and
 * both classes among the rows of weight > 0. Throws a TypeError naming `kind`.
 */
export function checkRowWeights(weights: unknown, labels: Uint8Array, kind: string, whole: boolean): Float64Array {
  const w = checkRowCounts(weights, labels.length, kind, whole);
  checkWeightedClasses(labels, w, kind);
  return w;
}

/**
 * Every row's values in one row-major dense block when it holds at most `budget` numbers, else
 * null. Trees then route training rows by reading `dense[i · nCols + f]`, without scattering each
 * sparse row into a buffer once per tree.
 */
export function denseRows(x: CsrMatrix, budget = 1 << 21): Float64Array | null {
  if (x.nRows * x.nCols > budget) return null;
  const dense = new Float64Array(x.nRows * x.nCols);
  const { indptr, indices, data } = x;
  for (let i = 0; i < x.nRows; i++) {
    const base = i * x.nCols;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) dense[base + indices[k]!] = data[k]!;
  }
  return dense;
}

/** Leaf node id reached by the row stored at `dense[offset …]` (see `denseRows`). */
export function leafOfDense(tree: TreeArrays, dense: Float64Array, offset: number): number {
  let node = 0;
  let f = tree.feature[0]!;
  while (f >= 0) {
    node = dense[offset + f]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
    f = tree.feature[node]!;
  }
  return node;
}

/** null (no limit) or a whole number ≥ 1. */
export function checkMaxDepth(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`maxDepth must be null or an integer ≥ 1 (got ${String(value)})`);
  }
  return value;
}

const TREE_FIELDS = ['feature', 'threshold', 'left', 'right', 'value', 'cover', 'gain'] as const;

/** A tree as plain arrays for JSON. */
export function treeToJSON(t: TreeArrays): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of TREE_FIELDS) out[f] = Array.from(t[f]);
  return out;
}

/** Restores a tree from `treeToJSON`, checking lengths and that child ids and features are in range. */
export function treeFromJSON(json: unknown, name: string, nCols: number): TreeArrays {
  if (typeof json !== 'object' || json === null) throw new TypeError(`${name} must be an object`);
  const o = json as Record<string, unknown>;
  const arr = (f: string): Float64Array => loadVector(o[f], `${name}.${f}`);
  const t: TreeArrays = {
    feature: Int32Array.from(arr('feature')),
    threshold: arr('threshold'),
    left: Int32Array.from(arr('left')),
    right: Int32Array.from(arr('right')),
    value: arr('value'),
    cover: arr('cover'),
    gain: arr('gain'),
  };
  const n = t.feature.length;
  if (n === 0 || TREE_FIELDS.some((f) => t[f].length !== n)) {
    throw new TypeError(`${name}: all node arrays must have the same non-zero length`);
  }
  for (let i = 0; i < n; i++) {
    const f = t.feature[i]!;
    // Children must point forward (the builder numbers them after their parent): no cycles on load.
    if (f >= 0 && (f >= nCols || !(t.left[i]! > i && t.left[i]! < n && t.right[i]! > i && t.right[i]! < n))) {
      throw new TypeError(`${name}: node ${i} has an out-of-range feature or child`);
    }
  }
  return t;
}

/** Restores an ensemble's `trees` field (a non-empty array of `treeToJSON` outputs); `kind` prefixes the messages. */
export function treesFromJSON(json: unknown, kind: string, nCols: number): TreeArrays[] {
  if (!Array.isArray(json) || json.length === 0) throw new TypeError(`${kind}: trees must be a non-empty array`);
  return json.map((t, i) => treeFromJSON(t, `${kind}: trees[${i}]`, nCols));
}

/** Mean-decrease-in-impurity importances of one tree: gain summed per feature, normalised to sum 1. */
export function treeImportances(t: TreeArrays, nCols: number): Float64Array {
  const imp = new Float64Array(nCols);
  for (let i = 0; i < t.feature.length; i++) if (t.feature[i]! >= 0) imp[t.feature[i]!]! += t.gain[i]!;
  return normalise(imp);
}

/** Divides by the sum (left all-zero when the sum is 0, e.g. a single-leaf tree). */
export function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]!;
  if (s > 0) for (let j = 0; j < v.length; j++) v[j]! /= s;
  return v;
}
