/**
 * Nadeau & Bengio's (2003) corrected resampled t-test over split seeds. Seeds of a random split
 * over one dataset share most of their training runs (and some test runs), so their results are
 * positively correlated; the plain t-test treats them as independent and its variance s²/k is too
 * small. The correction replaces 1/k by 1/k + nTest/nTrain, derived from the correlation
 * ρ ≈ nTest/(nTrain + nTest) between two splits' results.
 */
import { studentTQuantile, studentTTwoSidedP } from './distributions.ts';
import type { CorrectedTOptions, CorrectedTResult, SingleSeedReason } from './types.ts';
import { checkFiniteArray, checkOpenUnit } from './validate.ts';

/** Defaults of `CorrectedTOptions`. */
export const defaultCorrectedTOptions = Object.freeze({ alpha: 0.05 });

/** The reason a single-seed result carries instead of an interval. */
export const SINGLE_SEED_REASON: SingleSeedReason = '1 seed: no interval over splits';

function checkPositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number > 0 (got ${String(value)})`);
  }
  return value;
}

/**
 * Corrected resampled t-test over k split seeds (Nadeau & Bengio 2003).
 *
 * With `b`, the values are the paired differences a[i] − b[i] (the same seed's split for both);
 * without it, the values themselves, and the result is the interval of their mean. With mean d̄
 * and sample variance s² (k − 1 denominator) of the values:
 * - corrected variance v = s² · (1/k + nTest/nTrain), t = d̄ / √v, df = k − 1;
 * - p = two-sided tail of Student's t with df degrees of freedom;
 * - ci = d̄ ∓ t_{df, 1 − alpha/2} · √v.
 *
 * k = 1 gives a `single-seed` result (mean only): one split says nothing about split variability.
 *
 * Zero variance (every value equal) is reported as the limit of the formula rather than as NaN:
 * a non-zero mean gives t = ±Infinity, p = 0 and a zero-width ci at the mean; a zero mean (two
 * variants equal on every seed) gives t = 0, p = 1, ci = [0, 0]. Values that differ only by
 * rounding have a tiny non-zero variance and are tested as they are.
 */
export function correctedResampledT(values: readonly number[], options: CorrectedTOptions): CorrectedTResult;
export function correctedResampledT(
  a: readonly number[],
  b: readonly number[] | undefined,
  options: CorrectedTOptions,
): CorrectedTResult;
export function correctedResampledT(
  a: readonly number[],
  bOrOptions: readonly number[] | undefined | CorrectedTOptions,
  maybeOptions?: CorrectedTOptions,
): CorrectedTResult {
  const paired = Array.isArray(bOrOptions);
  const options = (paired || bOrOptions === undefined ? maybeOptions : bOrOptions) as CorrectedTOptions | undefined;
  if (options === undefined || typeof options !== 'object') {
    throw new TypeError('options { nTrain, nTest } are required: the correction depends on them');
  }
  const nTrain = checkPositive(options.nTrain, 'nTrain');
  const nTest = checkPositive(options.nTest, 'nTest');
  const alpha = checkOpenUnit(options.alpha ?? defaultCorrectedTOptions.alpha, 'alpha');

  checkFiniteArray(a, 'a');
  let d: readonly number[] = a;
  if (paired) {
    const b = bOrOptions as readonly number[];
    checkFiniteArray(b, 'b');
    if (a.length !== b.length) {
      throw new TypeError(`a and b must have the same length (got ${a.length} and ${b.length})`);
    }
    d = a.map((x, i) => x - b[i]!);
  }
  const k = d.length;
  if (k === 0) throw new TypeError('a must not be empty');

  let sum = 0;
  for (const x of d) sum += x;
  const mean = sum / k;
  if (k === 1) return { state: 'single-seed', mean, k: 1, reason: SINGLE_SEED_REASON };

  let ss = 0;
  for (const x of d) ss += (x - mean) * (x - mean);
  const variance = ss / (k - 1);
  const correction = 1 / k + nTest / nTrain;
  const se = Math.sqrt(variance * correction);
  const df = k - 1;
  const confidence = 1 - alpha;
  const base = { state: 'interval' as const, df, mean, sd: Math.sqrt(variance), se, correction, k, confidence };

  if (se === 0) {
    if (mean === 0) return { ...base, t: 0, p: 1, ci: [0, 0] };
    return { ...base, t: mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, p: 0, ci: [mean, mean] };
  }
  const t = mean / se;
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return { ...base, t, p: studentTTwoSidedP(t, df), ci: [mean - half, mean + half] };
}
