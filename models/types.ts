/**
 * Types shared by the model registry: the sparse matrix every model reads, and the one Detector
 * interface all 14 variants implement (STYLE.md: fit, score → Float64Array, explain?, toJSON/load).
 */

/** Compressed sparse rows: row i's entries are `indices/data[indptr[i] .. indptr[i+1])`, columns ascending. */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/** Which training rows a detector learns from. */
export type TrainsOn = 'all' | 'normal';

/** Per-row feature contributions to a score, for the reports (SHAP values or similar). */
export interface Explanation {
  /** Contribution of each column to row's score (sparse: only non-zero entries). */
  rows: { columns: Int32Array; values: Float64Array; base: number }[];
  method: 'linear-shap' | 'tree-shap' | 'kernel-shap' | 'permutation' | 'token-weights';
}

export interface DetectorJSON {
  kind: string;
  version: number;
  [key: string]: unknown;
}

/**
 * How an iterative fit ended, for solvers with an iteration limit: a fit that used all its
 * iterations stopped there, not at its tolerance, and its numbers may move with a higher limit.
 */
export interface FitConvergence {
  /** Iterations the fit used (L-BFGS steps, coordinate-descent passes). */
  iterations: number;
  /** The solver's limit (`maxIter`). */
  maxIterations: number;
  /**
   * What the stopping rule tests, at the end: max |∂F/∂θ| for logistic regression, the spread of the
   * projected dual gradient (max PG − min PG) for the linear SVM.
   */
  finalGradient: number;
  /** The bound the stopping rule wants `finalGradient` at or below (`tol`). */
  tolerance: number;
}

/** One algorithm, fitted on a CSR matrix; scores are continuous, higher = more anomalous. */
export interface Detector {
  readonly kind: string;
  /** LOF, OneClassSVM, OOV and IsolationForest learn from normal rows only; the caller filters. */
  readonly trainsOn: TrainsOn;
  /**
   * `labels[i]` = 1 for an anomalous row (ignored by unsupervised detectors). `weights[i]` ≥ 0 is how
   * many identical rows row i stands for (distinct event rows with their counts); omitted, every
   * row counts once. Only a detector with `rowWeights: 'exact'` accepts it: its fit on distinct rows
   * with counts is the fit on the rows expanded (grouped, each row's copies adjacent), same seed.
   */
  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void;
  /**
   * 'exact': `fit` takes row weights, exactly equivalent to repeating rows. 'none': it does not (LOF,
   * OneClassSVM); the caller must fit such a detector on expanded rows or say it did not.
   */
  readonly rowWeights?: 'exact' | 'none';
  score(x: CsrMatrix): Float64Array;
  explain?(x: CsrMatrix): Explanation;
  /** How the last `fit` ended, for iterative solvers; null for a loaded or unfitted model. */
  convergence?(): FitConvergence | null;
  toJSON(): DetectorJSON;
}
