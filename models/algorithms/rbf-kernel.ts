/**
 * The RBF kernel K(a, b) = exp(−γ‖a − b‖²) between sparse query rows and the rows of a fixed CSR
 * matrix, for the one-class SVM: its training rows (kernel rows for the solver) and its support
 * vectors (the decision function).
 *
 * Dot products go through the stored matrix's transpose, so a query row costs O(n + Σ_{j ∈ row}
 * df_j). Every product a·b sums a's entries times b's over their common columns in ascending
 * column order, whichever of the two is the query; with CSR's ascending columns, a·b and b·a are
 * therefore the same double, and so are K(a, b) and K(b, a): a kernel row may copy the entries it
 * shares with rows already computed instead of computing them again.
 */
import type { CsrMatrix } from '../types.ts';

/**
 * out[t] += q_i · (stored row t) for the stored entries from `from[j]` to the end of each column j
 * of q's row i; returns ‖q_i‖². Columns of q beyond the stored matrix's are skipped. The one hot
 * loop of both fit and score, so it is optimised once for both.
 */
function scatterDots(
  colPtr: Int32Array,
  from: Int32Array,
  rowIdx: Int32Array,
  vals: Float64Array,
  q: CsrMatrix,
  i: number,
  out: Float64Array,
): number {
  const { indptr, indices, data } = q;
  const nCols = colPtr.length - 1;
  const end = indptr[i + 1]!;
  let self = 0;
  for (let k = indptr[i]!; k < end; k++) {
    const j = indices[k]!;
    const v = data[k]!;
    self += v * v;
    if (j >= nCols) continue;
    const stop = colPtr[j + 1]!;
    for (let a = from[j]!; a < stop; a++) out[rowIdx[a]!]! += v * vals[a]!;
  }
  return self;
}

/** Where each column's entries start in the transpose of `x` (length nCols + 1). */
function columnPointers(x: CsrMatrix): Int32Array {
  const { indices, nCols } = x;
  const nnz = x.indptr[x.nRows]!;
  const colPtr = new Int32Array(nCols + 1);
  for (let q = 0; q < nnz; q++) colPtr[indices[q]! + 1]!++;
  for (let j = 0; j < nCols; j++) colPtr[j + 1]! += colPtr[j]!;
  return colPtr;
}

/** The transpose's entries: row index and value, rows ascending within each column. */
function fillColumns(x: CsrMatrix, colPtr: Int32Array, rowIdx: Int32Array, vals: Float64Array): void {
  const { indptr, indices, data, nRows } = x;
  const fill = colPtr.slice(0, colPtr.length - 1);
  for (let i = 0; i < nRows; i++) {
    const end = indptr[i + 1]!;
    for (let q = indptr[i]!; q < end; q++) {
      const at = fill[indices[q]!]!++;
      rowIdx[at] = i;
      vals[at] = data[q]!;
    }
  }
}

/** ‖row_i‖², summed in the row's column order, as `scatterDots` sums a query's own norm. */
function rowNormsSq(x: CsrMatrix): Float64Array {
  const { indptr, data, nRows } = x;
  const out = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let s = 0;
    const end = indptr[i + 1]!;
    for (let q = indptr[i]!; q < end; q++) s += data[q]! * data[q]!;
    out[i] = s;
  }
  return out;
}

/** The RBF kernel between query rows and the rows of a fixed CSR matrix, through its transpose. */
export class RbfKernel {
  readonly nRows: number;
  readonly gamma: number;
  /** ‖row_t‖² of every stored row. */
  readonly normsSq: Float64Array;
  readonly #colPtr: Int32Array;
  /** Rows of each column's entries, ascending (filled in row order). */
  readonly #rowIdx: Int32Array;
  readonly #vals: Float64Array;

  constructor(x: CsrMatrix, gamma: number) {
    const colPtr = columnPointers(x);
    const rowIdx = new Int32Array(colPtr[x.nCols]!);
    const vals = new Float64Array(rowIdx.length);
    fillColumns(x, colPtr, rowIdx, vals);
    this.nRows = x.nRows;
    this.gamma = gamma;
    this.normsSq = rowNormsSq(x);
    this.#colPtr = colPtr;
    this.#rowIdx = rowIdx;
    this.#vals = vals;
  }

  /** out[t] = K(q_i, stored row t) for every t; `out` (length nRows) is overwritten. */
  row(q: CsrMatrix, i: number, out: Float64Array): Float64Array {
    out.fill(0);
    return this.rowFrom(q, i, this.#colPtr, 0, out);
  }

  /**
   * out[t] = K(q_i, stored row t) for the stored rows t ≥ `first`, when `from` holds each column's
   * first entry of such a row (see `columnStarts`, `passRow`); out[t ≥ first] must be 0 on entry,
   * out[t < first] is left as it is.
   */
  rowFrom(q: CsrMatrix, i: number, from: Int32Array, first: number, out: Float64Array): Float64Array {
    const self = scatterDots(this.#colPtr, from, this.#rowIdx, this.#vals, q, i, out);
    const { gamma, normsSq } = this;
    for (let t = first; t < out.length; t++) out[t] = Math.exp(-gamma * Math.max(self + normsSq[t]! - 2 * out[t]!, 0));
    return out;
  }

  /** Each column's first entry (`from` of `rowFrom` for first = 0), a fresh array to advance with `passRow`. */
  columnStarts(): Int32Array {
    return this.#colPtr.slice(0, this.#colPtr.length - 1);
  }

  /** Moves `from` past stored row p's entries: called for p = 0, 1, …, k − 1, it serves first = k. */
  passRow(x: CsrMatrix, p: number, from: Int32Array): void {
    const { indptr, indices } = x;
    const end = indptr[p + 1]!;
    for (let q = indptr[p]!; q < end; q++) from[indices[q]!]!++;
  }

  /** out[r] = Σ_t w_t K(q_r, stored row t) for every row r of q; `buf` (length nRows) is scratch. */
  weightedSums(q: CsrMatrix, w: Float64Array, out: Float64Array, buf: Float64Array): Float64Array {
    const { gamma, normsSq, nRows } = this;
    for (let r = 0; r < q.nRows; r++) {
      buf.fill(0);
      const self = scatterDots(this.#colPtr, this.#colPtr, this.#rowIdx, this.#vals, q, r, buf);
      let s = 0;
      for (let t = 0; t < nRows; t++) s += w[t]! * Math.exp(-gamma * Math.max(self + normsSq[t]! - 2 * buf[t]!, 0));
      out[r] = s;
    }
    return out;
  }
}

/** Kernel rows of a training matrix, as the solver asks for them. */
export interface KernelRows {
  /** 'kept': every row kept once computed; 'lru': a bounded cache, least recently used rows evicted. */
  readonly mode: 'kept' | 'lru';
  /** Row i of the kernel matrix, read-only. */
  row(i: number): Float64Array;
}

const NOT_YET = new Float64Array(0);

/**
 * Every row kept once computed (the cache holds them all). Rows 0 … prefix − 1 are all computed, so
 * a new row copies its first `prefix` entries from them (K is symmetric, to the bit) and computes
 * only the rest; the solver's start asks for rows 0, 1, … in order, which computes the upper
 * triangle of those rows alone.
 */
class KeptKernelRows implements KernelRows {
  readonly mode = 'kept' as const;
  readonly #kernel: RbfKernel;
  readonly #x: CsrMatrix;
  readonly #rows: Float64Array[];
  /** Each column's first entry of a row ≥ #prefix. */
  readonly #from: Int32Array;
  #prefix = 0;

  constructor(kernel: RbfKernel, x: CsrMatrix) {
    this.#kernel = kernel;
    this.#x = x;
    this.#rows = Array.from({ length: x.nRows }, () => NOT_YET);
    this.#from = kernel.columnStarts();
  }

  row(i: number): Float64Array {
    const rows = this.#rows;
    if (rows[i] !== NOT_YET) return rows[i]!;
    const out = new Float64Array(rows.length);
    const first = this.#prefix;
    for (let t = 0; t < first; t++) out[t] = rows[t]![i]!;
    rows[i] = this.#kernel.rowFrom(this.#x, i, this.#from, first, out);
    while (this.#prefix < rows.length && rows[this.#prefix] !== NOT_YET) {
      this.#kernel.passRow(this.#x, this.#prefix, this.#from);
      this.#prefix++;
    }
    return out;
  }
}

/** Rows computed on demand and kept up to `capacity`, the least recently used evicted first. */
class CachedKernelRows implements KernelRows {
  readonly mode = 'lru' as const;
  readonly #kernel: RbfKernel;
  readonly #x: CsrMatrix;
  readonly #capacity: number;
  /** A Map iterates in insertion order: its first key is the least recently used row. */
  readonly #cache = new Map<number, Float64Array>();

  constructor(kernel: RbfKernel, x: CsrMatrix, capacity: number) {
    this.#kernel = kernel;
    this.#x = x;
    this.#capacity = capacity;
  }

  row(i: number): Float64Array {
    const cache = this.#cache;
    const hit = cache.get(i);
    if (hit !== undefined) {
      cache.delete(i);
      cache.set(i, hit);
      return hit;
    }
    const r = this.#kernel.row(this.#x, i, new Float64Array(this.#x.nRows));
    if (cache.size >= this.#capacity) cache.delete(cache.keys().next().value!);
    cache.set(i, r);
    return r;
  }
}

/**
 * The solver's kernel rows of `x` (the matrix `kernel` was built on): all kept when n rows fit in
 * `cacheMb`, else an LRU cache of as many as fit (at least 2, the solver's pair). Both give the
 * same doubles.
 */
export function kernelRows(kernel: RbfKernel, x: CsrMatrix, cacheMb: number): KernelRows {
  const n = x.nRows;
  const capacity = Math.max(2, Math.floor((cacheMb * 2 ** 20) / (8 * n)));
  return capacity >= n ? new KeptKernelRows(kernel, x) : new CachedKernelRows(kernel, x, capacity);
}
