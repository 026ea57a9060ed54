/** Summaries of a set of values: n, mean, spread, quantiles (resampling is in resampling.ts). */
import type { Summary } from './types.ts';
import { checkFiniteArray } from './validate.ts';

/** n, mean, sample standard deviation (n − 1), min and max of finite values. */
export function summarize(values: readonly number[]): Summary {
  checkFiniteArray(values, 'values');
  const n = values.length;
  if (n === 0) throw new TypeError('values must not be empty');
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  // Two passes (mean first, then squared deviations) avoid the cancellation of Σx² − n·mean².
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN, min, max };
}

/**
 * The p-quantile of values sorted ascending, by linear interpolation between order statistics
 * (Hyndman & Fan type 7: position h = (n − 1)·p), computed exactly as numpy's default
 * `np.quantile(x, p)` so results match the Python tools users compare with.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new TypeError('sorted must not be empty');
  if (!(p >= 0 && p <= 1)) throw new TypeError(`p must be in [0, 1] (got ${p})`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, n - 1)]!;
  const t = h - lo;
  // numpy's _lerp: interpolate from the nearer end, so p = 1 returns exactly the maximum.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Mean of the finite values (NaN when there is none): a seed without a value does not drag the mean. */
export const finiteMean = (xs: readonly number[]): number => {
  const f = xs.filter(Number.isFinite);
  return f.length === 0 ? Number.NaN : f.reduce((s, x) => s + x, 0) / f.length;
};
