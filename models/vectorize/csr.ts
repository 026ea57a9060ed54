/**
 * Helpers over the CSR matrices every model reads: building one row at a time on growable typed
 * arrays, checking the invariants, stacking side by side, selecting rows, norms, and a dense view
 * for small tests. Memory is O(nnz + nRows); nothing here builds a dense matrix except `toDense`.
 */
import type { CsrMatrix } from '../types.ts';

/**
 * Appends rows to a CSR matrix with a known column count. Arrays grow by doubling, so building
 * costs amortised O(nnz); `finish()` trims them to size.
 */
export class CsrBuilder {
  readonly #nCols: number;
  #indptr: Int32Array;
  #indices: Int32Array;
  #data: Float64Array;
  #nRows = 0;
  #nnz = 0;

  /** `nnzHint`: expected non-zeros, to avoid regrowing when the caller knows it. */
  constructor(nCols: number, nnzHint = 1024, rowsHint = 64) {
    if (!Number.isSafeInteger(nCols) || nCols < 0) throw new TypeError(`nCols must be an integer ≥ 0 (got ${nCols})`);
    this.#nCols = nCols;
    this.#indptr = new Int32Array(Math.max(1, rowsHint) + 1);
    this.#indices = new Int32Array(Math.max(1, nnzHint));
    this.#data = new Float64Array(Math.max(1, nnzHint));
  }

  /** Adds a row; `columns` must be strictly ascending and in range. Zero values are left out. */
  push(columns: ArrayLike<number>, values: ArrayLike<number>): void {
    if (columns.length !== values.length) {
      throw new RangeError(`row ${this.#nRows}: ${columns.length} columns but ${values.length} values`);
    }
    this.#reserve(this.#nnz + columns.length);
    let previous = -1;
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k]!;
      if (!(c > previous && c < this.#nCols) || !Number.isInteger(c)) {
        throw new RangeError(`row ${this.#nRows}: column ${c} is out of order or outside [0, ${this.#nCols})`);
      }
      previous = c;
      const v = values[k]!;
      if (v === 0) continue;
      this.#indices[this.#nnz] = c;
      this.#data[this.#nnz++] = v;
    }
    if (this.#nRows + 2 > this.#indptr.length) {
      const grown = new Int32Array(this.#indptr.length * 2);
      grown.set(this.#indptr);
      this.#indptr = grown;
    }
    this.#indptr[++this.#nRows] = this.#nnz;
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#indices.length) return;
    let size = this.#indices.length;
    while (size < capacity) size *= 2;
    const indices = new Int32Array(size);
    indices.set(this.#indices.subarray(0, this.#nnz));
    const data = new Float64Array(size);
    data.set(this.#data.subarray(0, this.#nnz));
    this.#indices = indices;
    this.#data = data;
  }

  /** The matrix so far, with arrays trimmed to their used length (copies, so the builder may go on). */
  finish(): CsrMatrix {
    return {
      nRows: this.#nRows,
      nCols: this.#nCols,
      indptr: this.#indptr.slice(0, this.#nRows + 1),
      indices: this.#indices.slice(0, this.#nnz),
      data: this.#data.slice(0, this.#nnz),
    };
  }
}

/** A matrix with no stored entries. */
export function emptyCsr(nRows: number, nCols: number): CsrMatrix {
  return { nRows, nCols, indptr: new Int32Array(nRows + 1), indices: new Int32Array(0), data: new Float64Array(0) };
}

/** Builds a CSR matrix from dense rows (for tests and tiny inputs); zeros are not stored. */
export function csrFromDense(rows: readonly (readonly number[])[], nCols = rows[0]?.length ?? 0): CsrMatrix {
  const b = new CsrBuilder(nCols);
  for (const [i, row] of rows.entries()) {
    if (row.length !== nCols) throw new RangeError(`row ${i} has ${row.length} values, expected ${nCols}`);
    b.push(
      row.map((_, c) => c),
      row,
    );
  }
  return b.finish();
}

/** Dense rows of `x` (one Float64Array per row); only for small matrices. */
export function toDense(x: CsrMatrix): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < x.nRows; i++) {
    const row = new Float64Array(x.nCols);
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) row[x.indices[k]!] = x.data[k]!;
    out.push(row);
  }
  return out;
}

/** Number of stored entries. */
export function nnz(x: CsrMatrix): number {
  return x.indptr[x.nRows] ?? 0;
}

/**
 * Throws (naming `what`) unless `x` is a well-formed CSR matrix with ascending columns per row.
 * The detectors use `checkCsr` (`../algorithms/checks.ts`) instead: a cheaper check of what they
 * need to index safely, with TypeErrors; the two messages differ and tests assert both.
 */
export function assertCsr(x: CsrMatrix, what = 'matrix'): void {
  const fail = (why: string) => {
    throw new RangeError(`${what}: not a valid CSR matrix: ${why}`);
  };
  if (x.indptr.length !== x.nRows + 1) fail(`indptr has ${x.indptr.length} entries for ${x.nRows} rows`);
  if (x.indptr[0] !== 0) fail('indptr[0] is not 0');
  if (x.indices.length !== x.data.length) fail('indices and data differ in length');
  if (x.indptr[x.nRows] !== x.indices.length) fail('indptr[nRows] is not the number of entries');
  for (let i = 0; i < x.nRows; i++) {
    const start = x.indptr[i]!;
    const end = x.indptr[i + 1]!;
    if (end < start) fail(`indptr decreases at row ${i}`);
    for (let k = start; k < end; k++) {
      const c = x.indices[k]!;
      if (c < 0 || c >= x.nCols) fail(`row ${i} has column ${c} outside [0, ${x.nCols})`);
      if (k > start && c <= x.indices[k - 1]!) fail(`row ${i} has columns out of order`);
    }
  }
}

/** Places matrices side by side (same rows; columns of the second follow the first's). */
export function hstack(matrices: readonly CsrMatrix[]): CsrMatrix {
  const first = matrices[0];
  if (!first) throw new RangeError('hstack needs at least one matrix');
  const nRows = first.nRows;
  const offsets: number[] = [];
  let nCols = 0;
  let total = 0;
  for (const [m, x] of matrices.entries()) {
    if (x.nRows !== nRows) throw new RangeError(`hstack: matrix ${m} has ${x.nRows} rows, expected ${nRows}`);
    offsets.push(nCols);
    nCols += x.nCols;
    total += nnz(x);
  }
  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(total);
  const data = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < nRows; i++) {
    // Blocks in order keep each row's columns ascending, because block m's columns are all below block m+1's.
    for (const [m, x] of matrices.entries()) {
      const offset = offsets[m]!;
      for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
        indices[at] = x.indices[k]! + offset;
        data[at++] = x.data[k]!;
      }
    }
    indptr[i + 1] = at;
  }
  return { nRows, nCols, indptr, indices, data };
}

/** The rows `rows` of `x`, in that order (repeats allowed). */
export function selectRows(x: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (!(Number.isInteger(i) && i >= 0 && i < x.nRows)) {
      throw new RangeError(`selectRows: row ${i} is outside [0, ${x.nRows})`);
    }
    total += x.indptr[i + 1]! - x.indptr[i]!;
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(total);
  const data = new Float64Array(total);
  let at = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const start = x.indptr[i]!;
    const end = x.indptr[i + 1]!;
    indices.set(x.indices.subarray(start, end), at);
    data.set(x.data.subarray(start, end), at);
    at += end - start;
    indptr[r + 1] = at;
  }
  return { nRows: rows.length, nCols: x.nCols, indptr, indices, data };
}

/** Rows `[start, end)` of `x`; copies, so the result does not pin `x`'s buffers. */
export function sliceRows(x: CsrMatrix, start: number, end = x.nRows): CsrMatrix {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= x.nRows)) {
    throw new RangeError(`sliceRows: [${start}, ${end}) is not a row range of a ${x.nRows}-row matrix`);
  }
  const base = x.indptr[start]!;
  const indptr = new Int32Array(end - start + 1);
  for (let i = start; i <= end; i++) indptr[i - start] = x.indptr[i]! - base;
  const stop = x.indptr[end]!;
  return {
    nRows: end - start,
    nCols: x.nCols,
    indptr,
    indices: x.indices.slice(base, stop),
    data: x.data.slice(base, stop),
  };
}

/** Squared Euclidean norm ‖x_i‖² of each row. */
export function rowNormsSq(x: CsrMatrix): Float64Array {
  const out = new Float64Array(x.nRows);
  for (let i = 0; i < x.nRows; i++) {
    let sum = 0;
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) sum += x.data[k]! * x.data[k]!;
    out[i] = sum;
  }
  return out;
}

/** Euclidean norm of each row. */
export function rowNorms(x: CsrMatrix): Float64Array {
  const out = rowNormsSq(x);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  return out;
}
