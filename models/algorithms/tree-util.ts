/**
 * Helpers shared by the tree models (decision tree, random forest, gradient boosting): the fitted
 * tree's flat arrays, prediction through a dense row buffer, the column-sorted (CSC) copy the
 * builder scans, the tree-only `maxDepth` check, and (de)serialisation of trees. Input and option
 * checks shared with the other models are in `checks.ts`.
 */
import type { CsrMatrix } from '../types.ts';
import { loadVector } from './checks.ts';

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
  for (let k = 0; k < nnz; k++) if (data[k] !== 0) colPtr[indices[k]! + 1]!++;
  for (let j = 0; j < nCols; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, nCols);
  const rows = new Int32Array(colPtr[nCols]!);
  const values = new Float64Array(colPtr[nCols]!);
  for (let i = 0; i < nRows; i++) {
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) {
      const v = data[k]!;
      if (v === 0) continue;
      const at = fill[indices[k]!]!++;
      rows[at] = i;
      values[at] = v;
    }
  }
  const posStart = new Int32Array(nCols);
  for (let j = 0; j < nCols; j++) {
    const start = colPtr[j]!;
    const end = colPtr[j + 1]!;
    let sorted = true;
    for (let k = start + 1; k < end && sorted; k++) sorted = values[k - 1]! <= values[k]!;
    if (!sorted) {
      // Entries were filled in row order and Array#sort is stable, so equal values stay by row.
      const order = Array.from({ length: end - start }, (_, t) => start + t).sort((a, b) => values[a]! - values[b]!);
      const r = order.map((k) => rows[k]!);
      const v = order.map((k) => values[k]!);
      rows.set(r, start);
      values.set(v, start);
    }
    let p = start;
    while (p < end && values[p]! < 0) p++;
    posStart[j] = p;
  }
  return { nRows, nCols, colPtr, rows, values, posStart, csr: x };
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
