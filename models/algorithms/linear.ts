/**
 * Helpers shared by the linear models (logistic regression, linear SVM): class weights (by row
 * weight where rows carry counts) and their option check, and a fast seeded generator. Sparse products are in `sparse.ts`, the sigmoid in
 * `logistic.ts`, input and option checks in `checks.ts`.
 */
import seedrandom from 'seedrandom';

/**
 * Per-row class weights: 'balanced' is sklearn's n / (2 · n_class); 'none' is all ones. With row
 * weights, n and n_class count rows by their weights (n = Σw), as the expanded rows would.
 */
export function classWeights(
  labels: Uint8Array,
  mode: ClassWeight,
  weights?: Float64Array,
): { normal: number; anomaly: number } {
  if (mode === 'none') return { normal: 1, anomaly: 1 };
  let pos = 0;
  let n = labels.length;
  if (weights === undefined) {
    for (let i = 0; i < labels.length; i++) pos += labels[i]!;
  } else {
    n = 0;
    for (let i = 0; i < labels.length; i++) {
      n += weights[i]!;
      if (labels[i] === 1) pos += weights[i]!;
    }
  }
  return { normal: n / (2 * (n - pos)), anomaly: n / (2 * pos) };
}

/**
 * With row weights, both classes must keep a positive weight (the expanded rows must hold both,
 * as `checkLabels` asks of unweighted rows); throws a TypeError naming `model` otherwise.
 */
export function checkWeightedClasses(labels: Uint8Array, weights: Float64Array, model: string): void {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos += weights[i]!;
    else neg += weights[i]!;
  }
  if (!(pos > 0 && neg > 0)) {
    throw new TypeError(
      `${model}: both classes need a positive total row weight (normal ${neg}, anomaly ${pos}); ` +
        'rows of weight 0 count as absent',
    );
  }
}

/** How training rows are weighted by class (sklearn's `class_weight=None | 'balanced'`). */
export type ClassWeight = 'none' | 'balanced';

/** Throws a TypeError naming `name` unless `value` is 'none' or 'balanced'. */
export function checkClassWeight(value: unknown, name = 'classWeight'): ClassWeight {
  if (value !== 'none' && value !== 'balanced') {
    throw new TypeError(`${name} must be 'none' or 'balanced' (got ${String(value)})`);
  }
  return value;
}

/**
 * A fast seeded generator of uint32s (mulberry32, seeded through seedrandom). Coordinate descent
 * draws one number per row per pass; seedrandom's default ARC4 cost more than the descent itself.
 */
export function seededUint32(seed: string): () => number {
  let state = seedrandom(seed).int32() >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
