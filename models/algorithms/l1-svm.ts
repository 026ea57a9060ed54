/**
 * The L1-penalised linear SVM with the squared hinge loss, solved in the primal as liblinear's
 * `solve_l1r_l2_svc` does (the solver behind scikit-learn's `LinearSVC(penalty='l1', dual=False)`):
 * coordinate descent over the columns with a Newton step per coordinate and a backtracking line
 * search (Yuan, Chang, Hsieh & Lin, JMLR 2010, "CDN"), shrinking of the columns whose weight stays at
 * zero, and liblinear's stopping rule.
 *
 *     min_w ‖w̃‖₁ + Σ_i C_i · max(0, 1 − y_i·w̃·x̃_i)²,   x̃_i = [x_i, 1]
 *
 * The intercept is the weight of a constant column, penalised like every other weight (liblinear's
 * `bias = 1`, sklearn's `intercept_scaling=1`). Stop when the sum over columns of the minimum-norm
 * subgradient's size falls to ε times its value after the first pass (then once more over all
 * columns if some were shrunk), or after `maxIter` passes, where ε = tol · max(min(#pos, #neg), 1) / n
 * (liblinear's `primal_solver_tol`: the eps a user gives is scaled by the minority class's share).
 * Each pass visits the active columns in a seeded random order (liblinear shuffles with rand()).
 *
 * Row weights (checked by the caller; any finite value ≥ 0) multiply C_i, and n, #pos and #neg count
 * rows by their weights. The solver's order is over columns, so on distinct rows with weights it
 * takes the very steps it takes on the expanded rows: each sum over a column's rows holds w_i·t_i
 * where the expanded rows hold w_i copies of t_i, and the fits differ only by that rounding.
 */
import type { CsrMatrix } from '../types.ts';
import { seededUint32 } from './linear.ts';

/** What the solver needs besides the data: per-class C, the stopping rule and the seed. */
export interface L1SvmProblem {
  /** C of normal rows and of anomalous rows (C times the class weight). */
  cNormal: number;
  cAnomaly: number;
  /** liblinear's eps, before the class-share scaling of the module comment. */
  tol: number;
  maxIter: number;
  seed: string | number;
}

export interface L1SvmFit {
  /** Weights of the p columns. */
  weights: Float64Array;
  intercept: number;
  /** Passes over the columns. */
  iterations: number;
  /** True when the stopping rule held on all columns before maxIter ran out. */
  converged: boolean;
  /** The last pass's subgradient sum relative to the first pass's. */
  relativeGradient: number;
  /** What the rule compares `relativeGradient` with: tol scaled by the minority class's share. */
  tolerance: number;
}

const SIGMA = 0.01;
const MAX_LINE_SEARCH = 20;

/** The columns of x̃ (x plus the constant column) with each entry multiplied by the row's label ±1. */
function signedColumns(x: CsrMatrix, y: Float64Array) {
  const p = x.nCols;
  const n = x.nRows;
  const nnz = x.indptr[n]!;
  const colPtr = new Int32Array(p + 2);
  for (let k = 0; k < nnz; k++) colPtr[x.indices[k]! + 1]!++;
  for (let j = 0; j < p; j++) colPtr[j + 1]! += colPtr[j]!;
  colPtr[p + 1] = colPtr[p]! + n;
  const rows = new Int32Array(nnz + n);
  const vals = new Float64Array(nnz + n);
  const fill = colPtr.slice(0, p + 1);
  for (let i = 0; i < n; i++) {
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const at = fill[x.indices[k]!]!++;
      rows[at] = i;
      vals[at] = y[i]! * x.data[k]!;
    }
    rows[colPtr[p]! + i] = i;
    vals[colPtr[p]! + i] = y[i]!;
  }
  return { colPtr, rows, vals };
}

/**
 * Fits the L1-penalised squared-hinge SVM; labels 1 = anomaly (y = +1), 0 = normal (y = −1);
 * `weights` (optional) are the rows' counts.
 */
export function solveL1Svm(x: CsrMatrix, labels: Uint8Array, o: L1SvmProblem, weights?: Float64Array): L1SvmFit {
  const size = x.nCols + 1;
  const y = Float64Array.from(labels, (l) => (l === 1 ? 1 : -1));
  const c = Float64Array.from(labels, (l, i) => (l === 1 ? o.cAnomaly : o.cNormal) * (weights?.[i] ?? 1));
  // n and #pos as the expanded rows count them.
  let n = 0;
  let pos = 0;
  for (let i = 0; i < x.nRows; i++) {
    const wi = weights?.[i] ?? 1;
    n += wi;
    pos += labels[i] === 1 ? wi : 0;
  }
  const eps = (o.tol * Math.max(Math.min(pos, n - pos), 1)) / n;
  const { colPtr, rows, vals } = signedColumns(x, y);
  const w = new Float64Array(size);
  // b_i = 1 − y_i·w̃·x̃_i, the margin slack of each row (all 1 at w = 0).
  const b = new Float64Array(x.nRows).fill(1);
  const xjSq = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) xjSq[j]! += c[rows[k]!]! * vals[k]! * vals[k]!;
  }
  const index = Int32Array.from({ length: size }, (_, j) => j);
  const next = seededUint32(`l1-svm:${o.seed}`);
  let active = size;
  let gMaxOld = Number.POSITIVE_INFINITY;
  let gNormInit = -1;
  let gNormLast = Number.POSITIVE_INFINITY;
  let iter = 0;
  let converged = false;
  while (iter < o.maxIter) {
    let gMaxNew = 0;
    let gNormNew = 0;
    for (let s = 0; s < active; s++) {
      const r = s + Math.floor(next() * 2.3283064365386963e-10 * (active - s));
      const t = index[s]!;
      index[s] = index[r]!;
      index[r] = t;
    }
    for (let s = 0; s < active; s++) {
      const j = index[s]!;
      const start = colPtr[j]!;
      const end = colPtr[j + 1]!;
      let gLoss = 0;
      let h = 0;
      for (let k = start; k < end; k++) {
        const i = rows[k]!;
        if (b[i]! > 0) {
          const v = vals[k]!;
          const tmp = c[i]! * v;
          gLoss -= tmp * b[i]!;
          h += tmp * v;
        }
      }
      gLoss *= 2;
      const g = gLoss;
      h = Math.max(2 * h, 1e-12);
      const gp = g + 1;
      const gn = g - 1;
      const wj = w[j]!;
      let violation = 0;
      if (wj === 0) {
        if (gp < 0) violation = -gp;
        else if (gn > 0) violation = gn;
        else if (gp > gMaxOld / n && gn < -gMaxOld / n) {
          // Zero and comfortably inside the subdifferential: set aside until the next full check.
          active--;
          index[s] = index[active]!;
          index[active] = j;
          s--;
          continue;
        }
      } else violation = wj > 0 ? Math.abs(gp) : Math.abs(gn);
      gMaxNew = Math.max(gMaxNew, violation);
      gNormNew += violation;

      // The Newton direction of the coordinate's quadratic model plus |w_j|.
      let d = gp < h * wj ? -gp / h : gn > h * wj ? -gn / h : -wj;
      if (Math.abs(d) < 1e-12) continue;
      let delta = Math.abs(wj + d) - Math.abs(wj) + g * d;
      let dOld = 0;
      let lossOld = 0;
      let steps = 0;
      for (; steps < MAX_LINE_SEARCH; steps++) {
        const dDiff = dOld - d;
        let cond = Math.abs(wj + d) - Math.abs(wj) - SIGMA * delta;
        // The cheap sufficient-decrease test on an upper bound of the loss change (liblinear's appxcond).
        if (xjSq[j]! * d * d + gLoss * d + cond <= 0) {
          for (let k = start; k < end; k++) b[rows[k]!]! += dDiff * vals[k]!;
          break;
        }
        let lossNew = 0;
        for (let k = start; k < end; k++) {
          const i = rows[k]!;
          if (steps === 0 && b[i]! > 0) lossOld += c[i]! * b[i]! * b[i]!;
          const bNew = b[i]! + dDiff * vals[k]!;
          b[i] = bNew;
          if (bNew > 0) lossNew += c[i]! * bNew * bNew;
        }
        cond += lossNew - lossOld;
        if (cond <= 0) break;
        dOld = d;
        d *= 0.5;
        delta *= 0.5;
      }
      w[j] = wj + d;
      if (steps >= MAX_LINE_SEARCH) {
        // The line search gave up: b drifted through many partial updates, so rebuild it exactly.
        b.fill(1);
        for (let q = 0; q < size; q++) {
          if (w[q] === 0) continue;
          for (let k = colPtr[q]!; k < colPtr[q + 1]!; k++) b[rows[k]!]! -= w[q]! * vals[k]!;
        }
      }
    }
    if (iter === 0) gNormInit = gNormNew;
    iter++;
    gNormLast = gNormNew;
    if (gNormNew <= eps * gNormInit) {
      if (active === size) {
        converged = true;
        break;
      }
      // Converged on the active columns: check all of them again before stopping.
      active = size;
      gMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    gMaxOld = gMaxNew;
  }
  return {
    weights: w.slice(0, size - 1),
    intercept: w[size - 1]!,
    iterations: iter,
    converged,
    relativeGradient: gNormInit > 0 ? gNormLast / gNormInit : 0,
    tolerance: eps,
  };
}
