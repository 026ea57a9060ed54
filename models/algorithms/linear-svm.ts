/**
 * Linear SVM on sparse CSR input: the model of scikit-learn's `LinearSVC` (liblinear), solved by
 * the dual coordinate descent of liblinear's `solve_l2r_l1l2_svc` (Hsieh et al., ICML 2008),
 * including its shrinking of the active set and its stopping rule.
 *
 * Primal (y_i ∈ {−1, +1}, +1 = anomaly; x̃_i = [x_i, 1] so the intercept is the weight of a
 * constant column, regularised like liblinear's `bias = 1` / sklearn's `intercept_scaling=1`):
 *
 *     min_w ½‖w̃‖² + C_i·Σ_i ξ(y_i·w̃·x̃_i),   ξ(m) = max(0, 1 − m)²  ('squared_hinge') or max(0, 1 − m)
 *
 * Each outer iteration visits the active rows in a seeded random order (liblinear shuffles with
 * rand(); we use a generator seeded through seedrandom), so results depend on `seed` only through the optimisation path.
 *
 * `penalty: 'l1'` replaces ½‖w̃‖² by ‖w̃‖₁ (sparse weights; sklearn's `LinearSVC(penalty='l1',
 * dual=False)`, squared hinge only) and is solved in the primal instead: see `l1-svm.ts`.
 *
 * Row weights (distinct rows with their counts; any finite value ≥ 0, fractional too) multiply each
 * row's C_i, which makes the primal the expanded rows' primal term for term, so the (unique) optimum
 * is the same. The dual solver visits distinct rows instead of copies, so its path differs: the two
 * fits agree as far as their stopping rule (`tol`) pins the optimum down. Rows of weight 0 drop out.
 * A pass over the distinct rows visits row i once where a pass over the expanded rows visits it w_i
 * times, and a heavy row's coordinate moves w_i times as far: the weighted dual needs about Σw/n
 * times as many passes, each n/Σw as long. So `maxIter` bounds row visits, as on the expanded rows:
 * the 'l2' solver may make up to ⌈maxIter · Σw / n⌉ passes over the n rows of positive weight
 * (never fewer than maxIter), which `fitInfo.maxIterations` and `convergence()` report.
 * The 'l1' primal solver visits columns, so with weights it follows the expanded rows' path up to
 * rounding (see `l1-svm.ts`).
 */
import type { CsrMatrix, Detector, DetectorJSON, FitConvergence } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkPositive, checkTag, loadVector } from './checks.ts';
import { solveL1Svm } from './l1-svm.ts';
import { type ClassWeight, checkClassWeight, checkWeightedClasses, classWeights, seededUint32 } from './linear.ts';
import { checkRowWeights } from './row-weights.ts';
import { csrMatVec } from './sparse.ts';
import { MemoryLayout, svmPassKernel } from './wasm/kernels.ts';

/** Loss of the linear SVM (sklearn's `loss`). */
export type SvmLoss = 'squared_hinge' | 'hinge';

/** Penalty on the weights (sklearn's `penalty`). */
export type SvmPenalty = 'l2' | 'l1';

/** Options of `LinearSvm`. */
export interface LinearSvmOptions {
  /** Seed of the row order of coordinate descent. Required (STYLE.md: seeds are never implicit). */
  seed: string | number;
  /**
   * Penalty weight of the loss term (sklearn's `C`).
   * @default 1
   */
  C?: number;
  /**
   * 'squared_hinge' is LinearSVC's default; 'hinge' is the classic SVM.
   * @default 'squared_hinge'
   */
  loss?: SvmLoss;
  /**
   * 'l2' is LinearSVC's default (the dual solver); 'l1' needs the squared hinge (the primal solver).
   * @default 'l2'
   */
  penalty?: SvmPenalty;
  /**
   * liblinear's eps. 'l2': stop when the spread of the projected dual gradient, max PG − min PG, is
   * ≤ tol. 'l1': stop when the summed subgradient violation is ≤ ε times the first pass's, ε = tol
   * scaled by the minority class's share of the rows (see `l1-svm.ts`).
   * @default 1e-4
   */
  tol?: number;
  /**
   * Maximum number of outer passes over the rows ('l2' with row weights: passes over the expanded
   * rows, counted in row visits; see the module comment).
   * @default 1000
   */
  maxIter?: number;
  /**
   * 'balanced' multiplies C by n / (2 · n_class) per row, as sklearn's `class_weight='balanced'`.
   * @default 'none'
   */
  classWeight?: ClassWeight;
}

/** Defaults of `LinearSvmOptions` (seed has none: it is required). */
export const defaultLinearSvmOptions: Readonly<Required<Omit<LinearSvmOptions, 'seed'>>> = Object.freeze({
  C: 1,
  loss: 'squared_hinge',
  penalty: 'l2',
  tol: 1e-4,
  maxIter: 1000,
  classWeight: 'none',
});

/** Resolves and validates options once; the result is frozen. */
export function resolveLinearSvmOptions(options: LinearSvmOptions): Readonly<Required<LinearSvmOptions>> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with a seed');
  const o = { ...defaultLinearSvmOptions, ...options };
  if (typeof o.seed !== 'string' && typeof o.seed !== 'number') {
    throw new TypeError(`seed must be a string or a number (got ${String(o.seed)})`);
  }
  if (o.loss !== 'squared_hinge' && o.loss !== 'hinge') {
    throw new TypeError(`loss must be 'squared_hinge' or 'hinge' (got ${String(o.loss)})`);
  }
  if (o.penalty !== 'l2' && o.penalty !== 'l1') {
    throw new TypeError(`penalty must be 'l2' or 'l1' (got ${String(o.penalty)})`);
  }
  if (o.penalty === 'l1' && o.loss !== 'squared_hinge') {
    throw new TypeError("penalty 'l1' needs loss 'squared_hinge' (as sklearn's LinearSVC)");
  }
  return Object.freeze({
    seed: o.seed,
    C: checkPositive(o.C, 'C'),
    loss: o.loss,
    penalty: o.penalty,
    tol: checkPositive(o.tol, 'tol'),
    maxIter: checkInteger(o.maxIter, 'maxIter', 1),
    classWeight: checkClassWeight(o.classWeight),
  });
}

/** How the last fit ended. `converged` is false when the pass limit ran out first. */
export interface LinearSvmFitInfo {
  iterations: number;
  /** The pass limit: `maxIter`, scaled by Σw / n for the 'l2' solver with row weights. */
  maxIterations: number;
  converged: boolean;
  /**
   * What the stopping rule compares with `tol` after the last pass: max PG − min PG ('l2'), or the
   * summed subgradient violation relative to the first pass's ('l1').
   */
  finalGap: number;
  /** The bound `finalGap` is held to: `tol` ('l2'), tol scaled by the minority class's share ('l1'). */
  tolerance: number;
}

const KIND = 'linear-svm';
const VERSION = 1;

/** Linear SVM detector; `score` is the decision function w·x + b (signed margin, higher = anomaly). */
export class LinearSvm implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<LinearSvmOptions>>;
  #weights: Float64Array | null = null;
  #intercept = 0;
  #fitInfo: LinearSvmFitInfo | null = null;

  constructor(options: LinearSvmOptions) {
    this.options = resolveLinearSvmOptions(options);
  }

  /** Coefficients w (a copy, intercept excluded); throws before fit. */
  get weights(): Float64Array {
    return Float64Array.from(this.#fitted());
  }

  get intercept(): number {
    this.#fitted();
    return this.#intercept;
  }

  /** Solver diagnostics of the last `fit` (null for a loaded or unfitted model). */
  get fitInfo(): LinearSvmFitInfo | null {
    return this.#fitInfo;
  }

  convergence(): FitConvergence | null {
    const f = this.#fitInfo;
    if (f === null) return null;
    return {
      iterations: f.iterations,
      maxIterations: f.maxIterations,
      finalGradient: f.finalGap,
      tolerance: f.tolerance,
    };
  }

  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'linear classifier');
    if (weights !== undefined) {
      checkRowWeights(weights, x.nRows, KIND);
      checkWeightedClasses(labels, weights, KIND);
    }
    const { C, loss, tol, maxIter, classWeight, seed } = this.options;
    const cw = classWeights(labels, classWeight, weights);
    if (this.options.penalty === 'l1') {
      const problem = { cNormal: C * cw.normal, cAnomaly: C * cw.anomaly, tol, maxIter, seed };
      const fit = solveL1Svm(x, labels, problem, weights);
      this.#weights = fit.weights;
      this.#intercept = fit.intercept;
      this.#fitInfo = {
        iterations: fit.iterations,
        maxIterations: maxIter,
        converged: fit.converged,
        finalGap: fit.relativeGradient,
        tolerance: fit.tolerance,
      };
      return;
    }
    const n = x.nRows;
    const { indptr, indices, data } = x;
    const nnz = indptr[n]!;
    // Everything the pass touches lives in the kernel's memory (see wasm/svm-pass.wat): f64 arrays
    // first (8-byte aligned), then the i32 ones.
    const layout = new MemoryLayout();
    const oW = layout.f64(x.nCols);
    const oData = layout.f64(nnz);
    const oAlpha = layout.f64(n);
    const oY = layout.f64(n);
    const oShift = layout.f64(n);
    const oUpper = layout.f64(n);
    const oQd = layout.f64(n);
    const oState = layout.f64(3); // wb, pgMaxNew, pgMinNew
    const oIndex = layout.i32(n);
    const oIndptr = layout.i32(n + 1);
    const oIndices = layout.i32(nnz);
    const kernel = svmPassKernel(layout.bytes);
    const f64 = (offset: number, length: number) => new Float64Array(kernel.memory.buffer, offset, length);
    const i32 = (offset: number, length: number) => new Int32Array(kernel.memory.buffer, offset, length);
    f64(oData, nnz).set(data.subarray(0, nnz));
    i32(oIndptr, n + 1).set(indptr.subarray(0, n + 1));
    i32(oIndices, nnz).set(indices.subarray(0, nnz));
    // Per row: label ±1, the dual diagonal shift (½/C_i for squared hinge, 0 for hinge), alpha's
    // upper bound (∞ resp. C_i) and Q_ii = shift + ‖x̃_i‖² (the bias column's 1² included); C_i
    // carries the row's weight. Rows of weight 0 (C_i = 0) are left out of `index`: their alpha
    // stays 0, and ½/C_i would be infinite.
    const ys = f64(oY, n);
    const shift = f64(oShift, n);
    const upper = f64(oUpper, n);
    const qd = f64(oQd, n);
    const index = i32(oIndex, n);
    const state = f64(oState, 3);
    const squared = loss === 'squared_hinge';
    let rows = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const anomaly = labels[i] === 1;
      const ci = C * (anomaly ? cw.anomaly : cw.normal) * (weights?.[i] ?? 1);
      ys[i] = anomaly ? 1 : -1;
      if (ci === 0) continue;
      shift[i] = squared ? 0.5 / ci : 0;
      upper[i] = squared ? Number.POSITIVE_INFINITY : ci;
      let sq = 1;
      for (let k = indptr[i]!; k < indptr[i + 1]!; k++) sq += data[k]! * data[k]!;
      qd[i] = shift[i]! + sq;
      index[rows++] = i;
      total += weights?.[i] ?? 1;
    }
    // Row visits of maxIter passes over the expanded rows (exactly maxIter without weights).
    const passes = weights === undefined ? maxIter : Math.max(maxIter, Math.ceil((maxIter * total) / rows));
    const next = seededUint32(`linear-svm:${seed}`);
    let active = rows;
    let pgMaxOld = Number.POSITIVE_INFINITY;
    let pgMinOld = Number.NEGATIVE_INFINITY;
    let iter = 0;
    let converged = false;
    let finalGap = Number.POSITIVE_INFINITY;
    while (iter < passes) {
      for (let s = 0; s < active; s++) {
        // Uniform in [s, active) like liblinear's `s + rand() % (active − s)`, by scaling instead
        // of `%`: a uint32 above 2^31 is a double in V8, and a double `%` is a slow fmod call.
        const j = s + Math.floor(next() * 2.3283064365386963e-10 * (active - s));
        const t = index[s]!;
        index[s] = index[j]!;
        index[j] = t;
      }
      active = kernel.pass(
        active,
        pgMaxOld,
        pgMinOld,
        oIndex,
        oIndptr,
        oIndices,
        oData,
        oW,
        oAlpha,
        oY,
        oShift,
        oUpper,
        oQd,
        oState,
      );
      const pgMaxNew = state[1]!;
      const pgMinNew = state[2]!;
      iter++;
      finalGap = pgMaxNew - pgMinNew;
      if (pgMaxNew - pgMinNew <= tol) {
        if (active === rows) {
          converged = true;
          break;
        }
        // Converged on the active set: check again on all rows before stopping.
        active = rows;
        pgMaxOld = Number.POSITIVE_INFINITY;
        pgMinOld = Number.NEGATIVE_INFINITY;
        continue;
      }
      pgMaxOld = pgMaxNew <= 0 ? Number.POSITIVE_INFINITY : pgMaxNew;
      pgMinOld = pgMinNew >= 0 ? Number.NEGATIVE_INFINITY : pgMinNew;
    }
    const w = Float64Array.from(f64(oW, x.nCols));
    const wb = state[0]!;
    this.#weights = w;
    this.#intercept = wb;
    this.#fitInfo = { iterations: iter, maxIterations: passes, converged, finalGap, tolerance: tol };
  }

  /** Decision function w·x + b per row. */
  score(x: CsrMatrix): Float64Array {
    const w = this.#fitted();
    checkCsr(x, w.length);
    return csrMatVec(x, w, this.#intercept, new Float64Array(x.nRows));
  }

  toJSON(): DetectorJSON {
    const w = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      nCols: w.length,
      weights: Array.from(w),
      intercept: this.#intercept,
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): LinearSvm {
    const o = checkTag(json, KIND, VERSION);
    const model = new LinearSvm(o['options'] as LinearSvmOptions);
    const nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    model.#weights = loadVector(o['weights'], `${KIND}: weights`, nCols);
    const b = o['intercept'];
    if (typeof b !== 'number') throw new TypeError(`${KIND}: intercept must be a number`);
    model.#intercept = b;
    return model;
  }

  #fitted(): Float64Array {
    if (this.#weights === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#weights;
  }
}
