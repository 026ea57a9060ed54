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

/** One algorithm, fitted on a CSR matrix; scores are continuous, higher = more anomalous. */
export interface Detector {
  readonly kind: string;
  /** LOF, OneClassSVM, OOV and IsolationForest learn from normal rows only; the caller filters. */
  readonly trainsOn: TrainsOn;
  /** `labels[i]` = 1 for an anomalous row (ignored by unsupervised detectors). */
  fit(x: CsrMatrix, labels: Uint8Array): void;
  score(x: CsrMatrix): Float64Array;
  explain?(x: CsrMatrix): Explanation;
  toJSON(): DetectorJSON;
}
