/**
 * Sparse products over CSR matrices shared by the models: X·w and Xᵀ·r (linear models), column means,
 * and `RowDots`, every row's dot product with one query row through the transpose (LOF). Each
 * costs one pass over the non-zeros it reads. Row norms, row selection and the other structural CSR
 * helpers are in `../vectorize/csr.ts`.
 */
import type { CsrMatrix } from '../types.ts';

/** z = X·w + b, written into `out` (length nRows). One pass over the non-zeros. */
export function csrMatVec(x: CsrMatrix, w: Float64Array, b: number, out: Float64Array): Float64Array {
  const { indptr, indices, data, nRows } = x;
  for (let i = 0; i < nRows; i++) {
    let s = b;
    const end = indptr[i + 1]!;
    for (let k = indptr[i]!; k < end; k++) s += data[k]! * w[indices[k]!]!;
    out[i] = s;
  }
  return out;
}

/** out = Xᵀ·r (out is zeroed first; length nCols). One pass over the non-zeros, scattering by column. */
export function csrTMatVec(x: CsrMatrix, r: Float64Array, out: Float64Array): Float64Array {
  const { indptr, indices, data, nRows } = x;
  out.fill(0);
  for (let i = 0; i < nRows; i++) {
    const ri = r[i]!;
    if (ri === 0) continue;
    const end = indptr[i + 1]!;
    for (let k = indptr[i]!; k < end; k++) out[indices[k]!]! += ri * data[k]!;
  }
  return out;
}

/** Column means of X (implicit zeros included), length nCols. */
export function columnMeans(x: CsrMatrix): Float64Array {
  const means = new Float64Array(x.nCols);
  const { indices, data } = x;
  const nnz = x.indptr[x.nRows]!;
  for (let k = 0; k < nnz; k++) means[indices[k]!]! += data[k]!;
  if (x.nRows > 0) for (let j = 0; j < means.length; j++) means[j]! /= x.nRows;
  return means;
}

/**
 * Dot products of one sparse row with every row of a fixed CSR matrix, through its transpose:
 * costs O(n + Σ_{j ∈ row} df_j) instead of O(n · nnz(row)). Used by LOF; the one-class SVM keeps
 * its kernel rows in rbf-kernel.ts.
 */
export class RowDots {
  readonly nRows: number;
  /** ‖row_t‖² of every stored row. */
  readonly normsSq: Float64Array;
  readonly #colPtr: Int32Array;
  readonly #rowIdx: Int32Array;
  readonly #vals: Float64Array;

  constructor(x: CsrMatrix) {
    const nnz = x.indptr[x.nRows]!;
    const colPtr = new Int32Array(x.nCols + 1);
    for (let q = 0; q < nnz; q++) colPtr[x.indices[q]! + 1]!++;
    for (let j = 0; j < x.nCols; j++) colPtr[j + 1]! += colPtr[j]!;
    const fill = colPtr.slice(0, x.nCols);
    const rowIdx = new Int32Array(nnz);
    const vals = new Float64Array(nnz);
    const normsSq = new Float64Array(x.nRows);
    for (let i = 0; i < x.nRows; i++) {
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
        const at = fill[x.indices[q]!]!++;
        rowIdx[at] = i;
        vals[at] = x.data[q]!;
        normsSq[i]! += x.data[q]! * x.data[q]!;
      }
    }
    this.nRows = x.nRows;
    this.normsSq = normsSq;
    this.#colPtr = colPtr;
    this.#rowIdx = rowIdx;
    this.#vals = vals;
  }

  /** out[t] = (row i of `q`) · (stored row t); returns ‖row i of q‖². `out` is overwritten. */
  dots(q: CsrMatrix, i: number, out: Float64Array): number {
    out.fill(0);
    let self = 0;
    for (let k = q.indptr[i]!; k < q.indptr[i + 1]!; k++) {
      const j = q.indices[k]!;
      const v = q.data[k]!;
      self += v * v;
      if (j >= this.#colPtr.length - 1) continue;
      for (let a = this.#colPtr[j]!; a < this.#colPtr[j + 1]!; a++) out[this.#rowIdx[a]!]! += v * this.#vals[a]!;
    }
    return self;
  }
}
