/**
 * Wilcoxon signed-rank test for two variants evaluated on the same splits (pairs a[i], b[i]), and
 * the "statistically tied" helper the leaderboard marks ranks with.
 */
import type { WilcoxonResult } from './types.ts';
import { checkFiniteArray, checkOpenUnit } from './validate.ts';

/**
 * Largest number of non-zero differences for which the exact null distribution is used (when
 * |differences| have no ties). 50 is scipy's 'auto' cut-off since 1.9; the subset counts stay
 * below 2^50, so they are exact in doubles.
 */
export const WILCOXON_EXACT_MAX_N = 50;

/** erfc(x) for x ≥ 0, to ~1e-13 relative: a positive-term series below 2.5, a continued fraction above. */
function erfc(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2^n x^(2n+1) / (1·3···(2n+1)): no alternating signs, no cancellation.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** Upper tail of the standard normal, P(Z > z), accurate in the far tail too. */
export function normalSf(z: number): number {
  return z >= 0 ? 0.5 * erfc(z / Math.SQRT2) : 1 - 0.5 * erfc(-z / Math.SQRT2);
}

/** Average ranks (1-based) of values, and the sizes of the tie groups. */
function averageRanks(values: Float64Array): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const avg = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let i = start; i < end; i++) ranks[order[i]!] = avg;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** P(R+ ≤ r) and P(R+ ≥ r) under H0 for n distinct ranks, by counting subsets with each rank sum. */
function exactTails(n: number, r: number): { less: number; greater: number } {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!;
  }
  const total = 2 ** n;
  let less = 0;
  let greater = 0;
  for (let s = 0; s <= max; s++) {
    if (s <= r) less += counts[s]!;
    if (s >= r) greater += counts[s]!;
  }
  return { less: less / total, greater: greater / total };
}

/**
 * Two-sided Wilcoxon signed-rank test of the differences a[i] − b[i].
 *
 * - Zero differences are dropped before ranking (scipy's default zero_method='wilcox'); `n` counts
 *   the rest. All differences zero → statistic 0, p = 1 (no evidence of a difference).
 * - |differences| are ranked with average ranks; statistic = min(R+, R−) as scipy reports.
 * - n ≤ `WILCOXON_EXACT_MAX_N` and no tied |differences| → exact p = 2·min(P(R+ ≤ r), P(R+ ≥ r)),
 *   capped at 1 (scipy method='exact').
 * - Otherwise the normal approximation with the tie correction of the variance and a continuity
 *   correction of ½ towards the mean (scipy method='approx', correction=True; note scipy's own
 *   default is correction=False).
 *
 * With few pairs the test cannot reach small p-values: the exact minimum is 2/2^n, so five seeds
 * never give p < 0.05.
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): WilcoxonResult {
  checkFiniteArray(a, 'a');
  checkFiniteArray(b, 'b');
  if (a.length !== b.length) throw new TypeError(`a and b must have the same length (got ${a.length} and ${b.length})`);

  const nonZero: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) nonZero.push(d);
  }
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, n: 0, method: 'exact' };

  const d = Float64Array.from(nonZero);
  const { ranks, tieSizes } = averageRanks(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) {
    if (d[i]! > 0) rPlus += ranks[i]!;
    else rMinus += ranks[i]!;
  }
  const statistic = Math.min(rPlus, rMinus);

  if (n <= WILCOXON_EXACT_MAX_N && tieSizes.length === 0) {
    const { less, greater } = exactTails(n, rPlus);
    return { statistic, pValue: Math.min(1, 2 * Math.min(less, greater)), n, method: 'exact' };
  }

  const mean = (n * (n + 1)) / 4;
  let variance = n * (n + 1) * (2 * n + 1);
  for (const t of tieSizes) variance -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(variance / 24);
  const z = (statistic - mean - 0.5 * Math.sign(statistic - mean)) / se;
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), n, method: 'normal' };
}

/**
 * Whether two variants' paired results (same seeds/folds, same order) are statistically tied:
 * the two-sided Wilcoxon signed-rank p-value is ≥ `alpha` (here a significance level).
 * @param alpha significance level in (0, 1) @default 0.05
 */
export function tiedWith(a: readonly number[], b: readonly number[], alpha = 0.05): boolean {
  checkOpenUnit(alpha, 'alpha');
  return wilcoxonSignedRank(a, b).pValue >= alpha;
}
