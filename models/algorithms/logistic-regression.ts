/**
 * L2-regularised logistic regression with an unregularised intercept on sparse CSR input, the
 * model of scikit-learn's `LogisticRegression(penalty='l2', solver='lbfgs')`, fitted with our own
 * L-BFGS (`lbfgs.ts`), and its exact linear SHAP values.
 *
 * Objective (y ∈ {0, 1}, z_i = w·x_i + b, s_i the class weight of row i):
 *
 *     F(w, b) = Σ_i s_i · [log(1 + e^{z_i}) − y_i·z_i] + ‖w‖² / (2C)
 *
 * i.e. C·Σ log-loss + ½‖w‖² divided by C. That is the scale sklearn 1.2 hands to scipy's L-BFGS-B,
 * so `tol` means what sklearn's does: the bound on max |∂F/∂θ|.
 *
 * Row weights (distinct rows with their counts, any finite value ≥ 0, fractional too) multiply s_i:
 * F is then the expanded rows' F term for term, so both fits minimise the same function and reach
 * the same optimum; they differ only by rounding in the sums (and where that moves the iteration the
 * solver stops at, by what `tol` allows). The SHAP background means are weighted means.
 *
 * `logisticObjective` (logistic-objective.ts) evaluates F over the distinct feature vectors of the
 * training rows, the rows sharing one merged into a single term.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation, FitConvergence } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkPositive, checkTag, loadVector } from './checks.ts';
import { type LbfgsStop, minimizeLbfgs } from './lbfgs.ts';
import { type ClassWeight, checkClassWeight, checkWeightedClasses } from './linear.ts';
import { sigmoid } from './logistic.ts';
import { logisticObjective } from './logistic-objective.ts';
import { checkRowWeights } from './row-weights.ts';
import { columnMeans, csrMatVec } from './sparse.ts';

/** The objective F(θ) of the module comment, exported for the gradient check in the tests. */
export { logisticObjective };

/** Options of `LogisticRegression`. */
export interface LogisticRegressionOptions {
  /**
   * Inverse regularisation strength (sklearn's `C`); larger = weaker L2 penalty.
   * @default 1
   */
  C?: number;
  /**
   * Maximum number of L-BFGS iterations.
   * @default 1000
   */
  maxIter?: number;
  /**
   * Stop when max |∂F/∂θ| ≤ tol (the projected-gradient test of L-BFGS-B, on the scale above).
   * The solver also stops, like scipy, when F decreases by a relative 2.2e-9 or less in one step.
   * @default 1e-6
   */
  tol?: number;
  /**
   * 'balanced' weights each row by n / (2 · n_class), as sklearn's `class_weight='balanced'`.
   * @default 'none'
   */
  classWeight?: ClassWeight;
}

/** Defaults of `LogisticRegressionOptions`. */
export const defaultLogisticRegressionOptions: Readonly<Required<LogisticRegressionOptions>> = Object.freeze({
  C: 1,
  maxIter: 1000,
  tol: 1e-6,
  classWeight: 'none',
});

/** Resolves and validates options once; the result is frozen. */
export function resolveLogisticRegressionOptions(
  options: LogisticRegressionOptions = {},
): Readonly<Required<LogisticRegressionOptions>> {
  const o = { ...defaultLogisticRegressionOptions, ...options };
  return Object.freeze({
    C: checkPositive(o.C, 'C'),
    maxIter: checkInteger(o.maxIter, 'maxIter', 1),
    tol: checkPositive(o.tol, 'tol'),
    classWeight: checkClassWeight(o.classWeight),
  });
}

/** How the last fit ended (not serialised: a loaded model reports the fit it was saved from). */
export interface LogisticRegressionFitInfo {
  iterations: number;
  evaluations: number;
  stop: LbfgsStop;
  objective: number;
  gradMax: number;
}

/** Column means of X over rows weighted by `weights` (Σ_i w_i·x_ij / Σw; 0 for a total weight of 0). */
function weightedColumnMeans(x: CsrMatrix, weights: Float64Array): Float64Array {
  const means = new Float64Array(x.nCols);
  const { indptr, indices, data } = x;
  let total = 0;
  for (let i = 0; i < x.nRows; i++) {
    const wi = weights[i]!;
    total += wi;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) means[indices[k]!]! += wi * data[k]!;
  }
  if (total > 0) for (let j = 0; j < means.length; j++) means[j]! /= total;
  return means;
}

const KIND = 'logistic-regression';
const VERSION = 1;

/**
 * Logistic regression detector. `score` returns the decision function w·x + b (the log-odds of the
 * anomaly class): monotone in the probability, unbounded, and the space its SHAP values add up in.
 */
export class LogisticRegression implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<LogisticRegressionOptions>>;
  #weights: Float64Array | null = null;
  #intercept = 0;
  #means: Float64Array | null = null;
  #fitInfo: LogisticRegressionFitInfo | null = null;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = resolveLogisticRegressionOptions(options);
  }

  /** Coefficients w (a copy); throws before fit. */
  get weights(): Float64Array {
    return Float64Array.from(this.#fitted().weights);
  }

  get intercept(): number {
    this.#fitted();
    return this.#intercept;
  }

  /** Solver diagnostics of the last `fit` (null for a loaded or unfitted model). */
  get fitInfo(): LogisticRegressionFitInfo | null {
    return this.#fitInfo;
  }

  convergence(): FitConvergence | null {
    const f = this.#fitInfo;
    if (f === null) return null;
    return {
      iterations: f.iterations,
      maxIterations: this.options.maxIter,
      finalGradient: f.gradMax,
      tolerance: this.options.tol,
    };
  }

  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'linear classifier');
    if (weights !== undefined) {
      checkRowWeights(weights, x.nRows, KIND);
      checkWeightedClasses(labels, weights, KIND);
    }
    const { C, maxIter, tol, classWeight } = this.options;
    const objective = logisticObjective(x, labels, C, classWeight, weights);
    const p = x.nCols;
    const res = minimizeLbfgs(objective, new Float64Array(p + 1), { gtol: tol, maxIter });
    this.#weights = res.x.slice(0, p);
    this.#intercept = res.x[p]!;
    this.#means = weights === undefined ? columnMeans(x) : weightedColumnMeans(x, weights);
    this.#fitInfo = {
      iterations: res.iterations,
      evaluations: res.evaluations,
      stop: res.stop,
      objective: res.f,
      gradMax: res.gradMax,
    };
  }

  /** Decision function w·x + b per row (log-odds of the anomaly class). */
  score(x: CsrMatrix): Float64Array {
    const { weights } = this.#fitted();
    checkCsr(x, weights.length);
    return csrMatVec(x, weights, this.#intercept, new Float64Array(x.nRows));
  }

  /** P(anomaly | x) = sigmoid(score): the same order as `score`, for callers that want [0, 1]. */
  probability(x: CsrMatrix): Float64Array {
    const s = this.score(x);
    for (let i = 0; i < s.length; i++) s[i] = sigmoid(s[i]!);
    return s;
  }

  /**
   * Exact SHAP values of the linear model in log-odds space, features independent, background =
   * the training column means: φ_j = w_j·(x_j − mean_j), base = w·mean + b, so Σφ + base = score.
   *
   * Sparsity rule: a row lists EVERY column with φ_j ≠ 0, nothing is truncated (completeness holds
   * exactly). That is the row's non-zeros plus every column with w_j·mean_j ≠ 0 that the row
   * lacks (φ_j = −w_j·mean_j), so a row holds up to nnz(row) + |{j : w_j·mean_j ≠ 0}| entries.
   * Columns ascend within a row. Reports wanting a top-k sort by |φ| themselves.
   */
  explain(x: CsrMatrix): Explanation {
    const { weights, means } = this.#fitted();
    checkCsr(x, weights.length);
    let base = this.#intercept;
    // Columns whose absence from a row still contributes: −w_j·mean_j ≠ 0, ascending.
    const absentCols: number[] = [];
    const absentVals: number[] = [];
    for (let j = 0; j < weights.length; j++) {
      const wm = weights[j]! * means[j]!;
      base += wm;
      if (wm !== 0) {
        absentCols.push(j);
        absentVals.push(-wm);
      }
    }
    const { indptr, indices, data } = x;
    const rows: Explanation['rows'] = [];
    const cols = new Int32Array(weights.length);
    const vals = new Float64Array(weights.length);
    for (let i = 0; i < x.nRows; i++) {
      let len = 0;
      let a = 0;
      const end = indptr[i + 1]!;
      const push = (j: number, v: number): void => {
        if (v !== 0) {
          cols[len] = j;
          vals[len++] = v;
        }
      };
      // Merge the row's columns with the absent-contribution columns (both ascending).
      for (let k = indptr[i]!; k < end; k++) {
        const j = indices[k]!;
        while (a < absentCols.length && absentCols[a]! < j) push(absentCols[a]!, absentVals[a++]!);
        if (a < absentCols.length && absentCols[a] === j) a++;
        push(j, weights[j]! * (data[k]! - means[j]!));
      }
      while (a < absentCols.length) push(absentCols[a]!, absentVals[a++]!);
      rows.push({ columns: cols.slice(0, len), values: vals.slice(0, len), base });
    }
    return { rows, method: 'linear-shap' };
  }

  toJSON(): DetectorJSON {
    const { weights, means } = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      nCols: weights.length,
      weights: Array.from(weights),
      intercept: this.#intercept,
      means: Array.from(means),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): LogisticRegression {
    const o = checkTag(json, KIND, VERSION);
    const model = new LogisticRegression((o['options'] ?? {}) as LogisticRegressionOptions);
    const nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    model.#weights = loadVector(o['weights'], `${KIND}: weights`, nCols);
    model.#means = loadVector(o['means'], `${KIND}: means`, nCols);
    const b = o['intercept'];
    if (typeof b !== 'number') throw new TypeError(`${KIND}: intercept must be a number`);
    model.#intercept = b;
    return model;
  }

  #fitted(): { weights: Float64Array; means: Float64Array } {
    if (this.#weights === null || this.#means === null) throw new Error(`${KIND}: call fit() before using the model`);
    return { weights: this.#weights, means: this.#means };
  }
}
