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

/** Start of each column of x̃ (x plus the constant column) in a column-major copy of its entries. */
function columnStarts(x: CsrMatrix): Int32Array {
  const p = x.nCols;
  const n = x.nRows;
  const indices = x.indices;
  const nnz = x.indptr[n]!;
  const colPtr = new Int32Array(p + 2);
  for (let k = 0; k < nnz; k++) colPtr[indices[k]! + 1]!++;
  for (let j = 0; j < p; j++) colPtr[j + 1]! += colPtr[j]!;
  colPtr[p + 1] = colPtr[p]! + n;
  return colPtr;
}

/**
 * The columns of x̃ with each entry multiplied by the row's label ±1: row indices and values at
 * the `colPtr` positions. Each loop sits in its own function, as in the solver below.
 */
function signedColumns(x: CsrMatrix, y: Float64Array, colPtr: Int32Array, rows: Int32Array, vals: Float64Array) {
  const p = x.nCols;
  const n = x.nRows;
  const { indptr, indices, data } = x;
  const fill = colPtr.slice(0, p + 1);
  for (let i = 0; i < n; i++) {
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) {
      const at = fill[indices[k]!]!++;
      rows[at] = i;
      vals[at] = y[i]! * data[k]!;
    }
    rows[colPtr[p]! + i] = i;
    vals[colPtr[p]! + i] = y[i]!;
  }
}

/**
 * The coordinate's loss gradient and curvature halves over the rows with positive slack:
 * out[0] = −Σ C_i·v·b_i, out[1] = Σ C_i·v² (the caller doubles both).
 */
function columnGradient(
  start: number,
  end: number,
  rows: Int32Array,
  vals: Float64Array,
  b: Float64Array,
  c: Float64Array,
  out: Float64Array,
): void {
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
  out[0] = gLoss;
  out[1] = h;
}

/** b_i += step · v over one column's rows. */
function shiftSlack(start: number, end: number, rows: Int32Array, vals: Float64Array, b: Float64Array, step: number) {
  for (let k = start; k < end; k++) b[rows[k]!]! += step * vals[k]!;
}

/**
 * Moves b by step·v and returns Σ C_i·max(0, b_i)² over the column’s rows; with `lossOld`
 * set, out[0] receives the same sum before the move.
 */
function shiftedLoss(
  start: number,
  end: number,
  rows: Int32Array,
  vals: Float64Array,
  b: Float64Array,
  c: Float64Array,
  step: number,
  lossOld: boolean,
  out: Float64Array,
): number {
  let old = 0;
  let lossNew = 0;
  for (let k = start; k < end; k++) {
    const i = rows[k]!;
    if (lossOld && b[i]! > 0) old += c[i]! * b[i]! * b[i]!;
    const bNew = b[i]! + step * vals[k]!;
    b[i] = bNew;
    if (bNew > 0) lossNew += c[i]! * bNew * bNew;
  }
  if (lossOld) out[0] = old;
  return lossNew;
}

/**
 * The backtracking line search from w_j along d, keeping b in step with the trial point; returns
 * the number of halvings (MAX_LINE_SEARCH when it gave up) and leaves the accepted step in out[1].
 */
function lineSearch(
  wj: number,
  d: number,
  gLoss: number,
  xjSq: number,
  start: number,
  end: number,
  rows: Int32Array,
  vals: Float64Array,
  b: Float64Array,
  c: Float64Array,
  out: Float64Array,
): number {
  let delta = Math.abs(wj + d) - Math.abs(wj) + gLoss * d;
  let dOld = 0;
  let lossOld = 0;
  let steps = 0;
  for (; steps < MAX_LINE_SEARCH; steps++) {
    const dDiff = dOld - d;
    let cond = Math.abs(wj + d) - Math.abs(wj) - SIGMA * delta;
    // The cheap sufficient-decrease test on an upper bound of the loss change (liblinear's appxcond).
    if (xjSq * d * d + gLoss * d + cond <= 0) {
      shiftSlack(start, end, rows, vals, b, dDiff);
      break;
    }
    const lossNew = shiftedLoss(start, end, rows, vals, b, c, dDiff, steps === 0, out);
    if (steps === 0) lossOld = out[0]!;
    cond += lossNew - lossOld;
    if (cond <= 0) break;
    dOld = d;
    d *= 0.5;
    delta *= 0.5;
  }
  out[1] = d;
  return steps;
}

/** b = 1 − ỹ·X̃·w from scratch, after a failed line search left it drifted. */
function rebuildSlack(w: Float64Array, colPtr: Int32Array, rows: Int32Array, vals: Float64Array, b: Float64Array) {
  b.fill(1);
  for (let q = 0; q < w.length; q++) {
    if (w[q] === 0) continue;
    for (let k = colPtr[q]!; k < colPtr[q + 1]!; k++) b[rows[k]!]! -= w[q]! * vals[k]!;
  }
}

/** liblinear's shuffle of the first `active` entries, uniform in [s, active) like `s + rand() % (active − s)`. */
function shuffle(index: Int32Array, active: number, next: () => number): void {
  for (let s = 0; s < active; s++) {
    const r = s + Math.floor(next() * 2.3283064365386963e-10 * (active - s));
    const t = index[s]!;
    index[s] = index[r]!;
    index[r] = t;
  }
}

/**
 * One coordinate step on column j: its subgradient violation, then the Newton step with line
 * search (w_j and b updated). Returns the violation, or −1 when w_j = 0 sits more than `bound`
 * inside the subdifferential (shrinking: the caller sets the column aside, nothing is changed).
 */
function visitColumn(
  j: number,
  colPtr: Int32Array,
  rows: Int32Array,
  vals: Float64Array,
  b: Float64Array,
  c: Float64Array,
  w: Float64Array,
  xjSq: number,
  bound: number,
  out: Float64Array,
): number {
  const start = colPtr[j]!;
  const end = colPtr[j + 1]!;
  columnGradient(start, end, rows, vals, b, c, out);
  const g = 2 * out[0]!;
  const h = Math.max(2 * out[1]!, 1e-12);
  const gp = g + 1;
  const gn = g - 1;
  const wj = w[j]!;
  let violation = 0;
  if (wj === 0) {
    if (gp < 0) violation = -gp;
    else if (gn > 0) violation = gn;
    else if (gp > bound && gn < -bound) return -1;
  } else violation = wj > 0 ? Math.abs(gp) : Math.abs(gn);
  // The Newton direction of the coordinate's quadratic model plus |w_j|.
  const d = gp < h * wj ? -gp / h : gn > h * wj ? -gn / h : -wj;
  if (Math.abs(d) < 1e-12) return violation;
  const steps = lineSearch(wj, d, g, xjSq, start, end, rows, vals, b, c, out);
  w[j] = wj + out[1]!;
  // The line search gave up: b drifted through many partial updates, so rebuild it exactly.
  if (steps >= MAX_LINE_SEARCH) rebuildSlack(w, colPtr, rows, vals, b);
  return violation;
}

/**
 * Labels ±1 and C_i per row; out[0] = n and out[1] = #pos as the expanded rows count them.
 */
function rowCosts(
  labels: Uint8Array,
  o: L1SvmProblem,
  weights: Float64Array | undefined,
  y: Float64Array,
  c: Float64Array,
  out: Float64Array,
): void {
  let n = 0;
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = weights === undefined ? 1 : weights[i]!;
    const anomaly = labels[i] === 1;
    y[i] = anomaly ? 1 : -1;
    c[i] = (anomaly ? o.cAnomaly : o.cNormal) * wi;
    n += wi;
    pos += anomaly ? wi : 0;
  }
  out[0] = n;
  out[1] = pos;
}

/** Σ_i C_i·x̃_ij² per column: the curvature bound of liblinear's appxcond. */
function columnCurvature(
  colPtr: Int32Array,
  rows: Int32Array,
  vals: Float64Array,
  c: Float64Array,
  xjSq: Float64Array,
) {
  for (let j = 0; j < xjSq.length; j++) {
    for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) xjSq[j]! += c[rows[k]!]! * vals[k]! * vals[k]!;
  }
}

/**
 * One pass over the first `active` entries of `index` (already shuffled); returns the new active
 * count and leaves the largest and the summed violation in out[0] and out[1].
 */
function pass(
  index: Int32Array,
  active: number,
  bound: number,
  colPtr: Int32Array,
  rows: Int32Array,
  vals: Float64Array,
  b: Float64Array,
  c: Float64Array,
  w: Float64Array,
  xjSq: Float64Array,
  out: Float64Array,
): number {
  let gMax = 0;
  let gNorm = 0;
  for (let s = 0; s < active; s++) {
    const j = index[s]!;
    const violation = visitColumn(j, colPtr, rows, vals, b, c, w, xjSq[j]!, bound, out);
    if (violation < 0) {
      // Zero and comfortably inside the subdifferential: set aside until the next full check.
      active--;
      index[s] = index[active]!;
      index[active] = j;
      s--;
      continue;
    }
    gMax = Math.max(gMax, violation);
    gNorm += violation;
  }
  out[0] = gMax;
  out[1] = gNorm;
  return active;
}

/**
 * Fits the L1-penalised squared-hinge SVM; labels 1 = anomaly (y = +1), 0 = normal (y = −1);
 * `weights` (optional) are the rows' counts.
 */
export function solveL1Svm(x: CsrMatrix, labels: Uint8Array, o: L1SvmProblem, weights?: Float64Array): L1SvmFit {
  const size = x.nCols + 1;
  const nRows = x.nRows;
  // Every loop lives in a small function of its own, which V8 optimises within the first fit; one
  // large function waits for a long optimising compile and meanwhile runs unoptimised. `out` holds
  // their two-slot results.
  const out = new Float64Array(2);
  const y = new Float64Array(nRows);
  const c = new Float64Array(nRows);
  rowCosts(labels, o, weights, y, c, out);
  const n = out[0]!;
  const pos = out[1]!;
  const eps = (o.tol * Math.max(Math.min(pos, n - pos), 1)) / n;
  const colPtr = columnStarts(x);
  const rows = new Int32Array(colPtr[size]!);
  const vals = new Float64Array(colPtr[size]!);
  signedColumns(x, y, colPtr, rows, vals);
  const w = new Float64Array(size);
  // b_i = 1 − y_i·w̃·x̃_i, the margin slack of each row (all 1 at w = 0).
  const b = new Float64Array(nRows).fill(1);
  const xjSq = new Float64Array(size);
  columnCurvature(colPtr, rows, vals, c, xjSq);
  const index = new Int32Array(size);
  for (let j = 0; j < size; j++) index[j] = j;
  const next = seededUint32(`l1-svm:${o.seed}`);
  let active = size;
  let gMaxOld = Number.POSITIVE_INFINITY;
  let gNormInit = -1;
  let gNormLast = Number.POSITIVE_INFINITY;
  let iter = 0;
  let converged = false;
  while (iter < o.maxIter) {
    shuffle(index, active, next);
    active = pass(index, active, gMaxOld / n, colPtr, rows, vals, b, c, w, xjSq, out);
    const gMaxNew = out[0]!;
    const gNormNew = out[1]!;
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
