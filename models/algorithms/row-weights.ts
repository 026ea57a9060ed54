/**
 * Row weights: how many identical training rows each distinct row stands for (event level fits on
 * distinct rows with their counts). A detector with `rowWeights: 'exact'` must fit on distinct rows
 * with weights exactly as on the rows expanded in grouped order (row i repeated w_i times,
 * adjacent); these helpers check the weights and map the expanded row space back to distinct rows,
 * so a randomised fit draws from it as it would from the expanded rows.
 */

/**
 * Checks `weights` (finite, ≥ 0, one per row; whole numbers when `whole`, for fits that draw rows
 * from the expanded row space) and returns it. Throws a TypeError naming `model`.
 */
export function checkRowWeights(weights: unknown, nRows: number, model: string, whole = false): Float64Array {
  if (!(weights instanceof Float64Array)) {
    throw new TypeError(`${model}: weights must be a Float64Array (one count per row of x)`);
  }
  if (weights.length !== nRows) {
    throw new TypeError(`${model}: weights must have one entry per row of x (got ${weights.length} for ${nRows} rows)`);
  }
  for (let i = 0; i < nRows; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w) || w < 0) {
      throw new TypeError(`${model}: weights[${i}] is ${w}; row weights must be finite and ≥ 0`);
    }
    if (whole && !Number.isInteger(w)) {
      throw new TypeError(
        `${model}: weights[${i}] is ${w}; this detector draws rows from the expanded row space, so its ` +
          'weights must be whole numbers (row counts)',
      );
    }
  }
  return weights;
}

/** Σ w_i, summed in row order (exact for whole-number counts below 2^53). */
export function totalWeight(weights: Float64Array): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i]!;
  return s;
}

/**
 * The expanded row space of n distinct rows with weights: position t ∈ [0, total) belongs to the
 * row i with cum_i ≤ t < cum_{i+1}, cum the running sum of the weights. Without weights it is the
 * identity (total = n, row ⌊t⌋), so an unweighted fit draws exactly as before.
 */
export class ExpandedRows {
  readonly total: number;
  readonly #cum: Float64Array | null;
  readonly #last: number;

  constructor(nRows: number, weights?: Float64Array) {
    if (weights === undefined) {
      this.#cum = null;
      this.total = nRows;
      this.#last = nRows - 1;
      return;
    }
    const cum = new Float64Array(nRows + 1);
    let last = -1;
    for (let i = 0; i < nRows; i++) {
      cum[i + 1] = cum[i]! + weights[i]!;
      if (weights[i]! > 0) last = i;
    }
    this.#cum = cum;
    this.total = cum[nRows]!;
    this.#last = last;
  }

  /** The distinct row that expanded position t (0 ≤ t < total) falls in. */
  row(t: number): number {
    const cum = this.#cum;
    if (cum === null) return Math.min(Math.floor(t), this.#last);
    // Smallest i with cum[i + 1] > t: rows of weight 0 own no position and are never returned.
    let lo = 0;
    let hi = this.#last;
    if (!(t < cum[hi + 1]!)) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid + 1]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
