/**
 * The objective of `LogisticRegression` (logistic-regression.ts) as an L-BFGS `Objective`, over a
 * compact copy of the training rows built once per fit:
 *
 * - rows with the same feature vector are merged. Row k of the copy stands for the rows i it
 *   merges, with total weight S_k = Σ s_i and anomalous weight P_k = Σ s_i·y_i (s_i = class weight
 *   × row weight). Their terms Σ s_i·[log(1 + e^z) − y_i·z] share z, so they are
 *   S_k·log(1 + e^z) − P_k·z, and their gradient S_k·σ(z) − P_k: one exp and one log1p per distinct
 *   vector instead of per row. Event rows are distinct (message, label) pairs, and messages that
 *   differ only in words outside the vocabulary share a vector. Rows of weight 0 are dropped.
 * - a column-compressed (CSC) copy serves Xᵀ·r: each column's sum is accumulated in a register in
 *   ascending row order (the order a CSR scatter adds in) instead of scattered through memory.
 */
import type { CsrMatrix } from '../types.ts';
import type { Objective } from './lbfgs.ts';
import { type ClassWeight, classWeights } from './linear.ts';
import { csrMatVec } from './sparse.ts';

/** Training rows with identical feature vectors merged, in the order of their first occurrence. */
export interface MergedRows {
  /** The distinct rows. */
  x: CsrMatrix;
  /** S_k: the summed weight of the rows merged into row k. */
  total: Float64Array;
  /** P_k: the part of S_k carried by anomalous rows. */
  positive: Float64Array;
}

/** Column-compressed copy of a CSR matrix; rows ascend within each column. */
interface CscMatrix {
  nCols: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
  vals: Float64Array;
}

/** A hash of row i's entries; equal rows hash equally (collisions are resolved by `sameRow`). */
function rowHash(x: CsrMatrix, i: number): number {
  const { indptr, indices, data } = x;
  let h = indptr[i + 1]! - indptr[i]!;
  for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
    h = Math.imul(h ^ indices[q]!, 0x9e3779b1);
    // Counts and tf-idf weights alike: the integer part and a few fractional bits are enough to spread.
    h = Math.imul(h ^ ((data[q]! * 1024) | 0), 0x85ebca6b);
  }
  return h;
}

function sameRow(x: CsrMatrix, a: number, b: number): boolean {
  const { indptr, indices, data } = x;
  const len = indptr[a + 1]! - indptr[a]!;
  if (indptr[b + 1]! - indptr[b]! !== len) return false;
  for (let q = 0; q < len; q++) {
    const qa = indptr[a]! + q;
    const qb = indptr[b]! + q;
    if (indices[qa] !== indices[qb] || data[qa] !== data[qb]) return false;
  }
  return true;
}

/**
 * Merges rows of x with identical entries (same columns in the same order, same values), summing
 * their weights `sw` into S and the anomalous rows' weights into P. Rows of weight 0 are left out.
 * Deterministic: distinct rows keep the order of their first occurrence, sums run in row order.
 */
export function mergeRows(x: CsrMatrix, labels: Uint8Array, sw: Float64Array): MergedRows {
  const { indptr, indices, data } = x;
  const firstOf = new Map<number, number>(); // hash → first distinct row (source row index)
  const nextSame = new Int32Array(x.nRows).fill(-1); // chains distinct rows sharing a hash
  const slotOf = new Int32Array(x.nRows); // source row of a distinct row → its index in the copy
  const sources: number[] = [];
  const total: number[] = [];
  const positive: number[] = [];
  for (let i = 0; i < x.nRows; i++) {
    const s = sw[i]!;
    if (s === 0) continue;
    const h = rowHash(x, i);
    let at = firstOf.get(h) ?? -1;
    let last = -1;
    while (at >= 0 && !sameRow(x, at, i)) {
      last = at;
      at = nextSame[at]!;
    }
    if (at < 0) {
      if (last < 0) firstOf.set(h, i);
      else nextSame[last] = i;
      slotOf[i] = sources.length;
      sources.push(i);
      total.push(s);
      positive.push(labels[i] === 1 ? s : 0);
    } else {
      const k = slotOf[at]!;
      total[k]! += s;
      if (labels[i] === 1) positive[k]! += s;
    }
  }
  const asIs = { x, total: Float64Array.from(total), positive: Float64Array.from(positive) };
  if (sources.length === x.nRows) return asIs; // every row distinct and weighted: no copy
  let nnz = 0;
  for (const i of sources) nnz += indptr[i + 1]! - indptr[i]!;
  const outPtr = new Int32Array(sources.length + 1);
  const outIdx = new Int32Array(nnz);
  const outData = new Float64Array(nnz);
  for (let k = 0; k < sources.length; k++) {
    const i = sources[k]!;
    const start = outPtr[k]!;
    outIdx.set(indices.subarray(indptr[i]!, indptr[i + 1]!), start);
    outData.set(data.subarray(indptr[i]!, indptr[i + 1]!), start);
    outPtr[k + 1] = start + indptr[i + 1]! - indptr[i]!;
  }
  return {
    ...asIs,
    x: { nRows: sources.length, nCols: x.nCols, indptr: outPtr, indices: outIdx, data: outData },
  };
}

/** The CSC copy of x, walking rows (not the raw arrays): a row slice's indptr need not start at 0. */
function toCsc(x: CsrMatrix): CscMatrix {
  const colPtr = new Int32Array(x.nCols + 1);
  for (let q = x.indptr[0]!; q < x.indptr[x.nRows]!; q++) colPtr[x.indices[q]! + 1]!++;
  for (let j = 0; j < x.nCols; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, x.nCols);
  const rowIdx = new Int32Array(colPtr[x.nCols]!);
  const vals = new Float64Array(colPtr[x.nCols]!);
  for (let i = 0; i < x.nRows; i++) {
    for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
      const at = fill[x.indices[q]!]!++;
      rowIdx[at] = i;
      vals[at] = x.data[q]!;
    }
  }
  return { nCols: x.nCols, colPtr, rowIdx, vals };
}

/**
 * F(θ) = Σ_i s_i·[log(1 + e^{z_i}) − y_i·z_i] + ‖w‖²/(2C) over θ = [w_0 … w_{p−1}, b] as an
 * L-BFGS `Objective` (returns F, writes ∇F). `weights` (checked by the caller) multiply each row's
 * class weight. Each call is one X·w pass over the merged rows' non-zeros and one Xᵀ·r pass over
 * their CSC copy.
 */
export function logisticObjective(
  x: CsrMatrix,
  labels: Uint8Array,
  C: number,
  classWeight: ClassWeight,
  weights?: Float64Array,
): Objective {
  const cw = classWeights(labels, classWeight, weights);
  const sw = new Float64Array(x.nRows);
  for (let i = 0; i < x.nRows; i++) sw[i] = (labels[i] === 1 ? cw.anomaly : cw.normal) * (weights?.[i] ?? 1);
  const rows = mergeRows(x, labels, sw);
  const { total, positive } = rows;
  const csc = toCsc(rows.x);
  const n = rows.x.nRows;
  const p = x.nCols;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const invC = 1 / C;
  const sums = new Float64Array(2);
  return (theta: Float64Array, grad: Float64Array): number => {
    // θ itself serves as w: the CSR columns never reach index p, where b sits.
    csrMatVec(rows.x, theta, theta[p]!, z);
    rowTerms(z, total, positive, r, sums);
    const reg = gradientByColumn(csc, r, theta, invC, grad);
    grad[p] = sums[1]!;
    return sums[0]! + 0.5 * invC * reg;
  };
}

/**
 * Per distinct row k: its loss S_k·log(1 + e^z) − P_k·z and residual r_k = S_k·σ(z) − P_k.
 * Writes r, and the summed loss and Σr (the intercept's gradient) into `sums`.
 */
function rowTerms(
  z: Float64Array,
  total: Float64Array,
  positive: Float64Array,
  r: Float64Array,
  sums: Float64Array,
): void {
  let loss = 0;
  let gb = 0;
  for (let k = 0; k < z.length; k++) {
    const zk = z[k]!;
    // One exp per row serves both terms: log(1 + e^z) = max(z, 0) + log1p(e^−|z|), and
    // sigmoid(z) from the same e^−|z| (neither overflows for any z).
    const e = Math.exp(-Math.abs(zk));
    const sk = total[k]!;
    const pk = positive[k]!;
    loss += sk * (Math.max(zk, 0) + Math.log1p(e)) - pk * zk;
    const rk = sk * (zk >= 0 ? 1 / (1 + e) : e / (1 + e)) - pk;
    r[k] = rk;
    gb += rk;
  }
  sums[0] = loss;
  sums[1] = gb;
}

/** grad_j = (Xᵀ·r)_j + w_j/C for j < p, through the CSC copy; returns ‖w‖². */
function gradientByColumn(
  csc: CscMatrix,
  r: Float64Array,
  theta: Float64Array,
  invC: number,
  grad: Float64Array,
): number {
  const { colPtr, rowIdx, vals } = csc;
  let reg = 0;
  for (let j = 0; j < csc.nCols; j++) {
    let g = 0;
    const end = colPtr[j + 1]!;
    for (let q = colPtr[j]!; q < end; q++) g += r[rowIdx[q]!]! * vals[q]!;
    const wj = theta[j]!;
    reg += wj * wj;
    grad[j] = g + invC * wj;
  }
  return reg;
}
