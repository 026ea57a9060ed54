/**
 * Spread across seeds and folds: summaries, quantiles and seeded percentile bootstraps.
 *
 * The bootstrap resamples whole groups (runs, folds, trials), never single sequences: sequences of
 * one run are correlated, so resampling them would make intervals look tighter than the data
 * allow. Randomness comes only from seedrandom with a caller-given seed.
 */
import seedrandom from 'seedrandom';
import type { BootstrapOptions, BootstrapResult, PairedBootstrapResult, ScoredGroup, Summary } from './types.ts';
import { checkFiniteArray, checkInteger, checkLabels, checkOpenUnit, checkScores } from './validate.ts';

/** Defaults of `BootstrapOptions` (the seed has none on purpose). */
export const defaultBootstrapOptions = Object.freeze({ resamples: 2000, confidence: 0.95 });

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

/** Concatenates groups into one scored set: what a pooled statistic over resampled runs needs. */
export function concatGroups(groups: readonly ScoredGroup[]): ScoredGroup {
  let n = 0;
  for (const [i, g] of groups.entries()) {
    checkScores(g.scores, `groups[${i}].scores`);
    checkLabels(g.labels, `groups[${i}].labels`);
    if (g.scores.length !== g.labels.length) {
      throw new TypeError(
        `groups[${i}].scores and groups[${i}].labels must have the same length (got ${g.scores.length} and ${g.labels.length})`,
      );
    }
    n += g.scores.length;
  }
  const scores = new Float64Array(n);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const g of groups) {
    scores.set(g.scores, at);
    labels.set(g.labels, at);
    at += g.scores.length;
  }
  return { scores, labels };
}

export interface ResolvedBootstrap {
  seed: string;
  resamples: number;
  confidence: number;
}

export function resolveBootstrap(options: BootstrapOptions): ResolvedBootstrap {
  if (options === undefined || (typeof options.seed !== 'string' && typeof options.seed !== 'number')) {
    throw new TypeError('seed is required (a string or number) so the bootstrap is reproducible');
  }
  return {
    seed: String(options.seed),
    resamples: checkInteger(options.resamples ?? defaultBootstrapOptions.resamples, 'resamples', 1),
    confidence: checkOpenUnit(options.confidence ?? defaultBootstrapOptions.confidence, 'confidence'),
  };
}

/** Percentile interval of the finite values; counts the others. */
export function percentileInterval(
  values: Float64Array,
  confidence: number,
): { lo: number; hi: number; invalid: number } {
  const finite = values.filter(Number.isFinite).sort();
  if (finite.length === 0) return { lo: Number.NaN, hi: Number.NaN, invalid: values.length };
  const tail = (1 - confidence) / 2;
  return {
    lo: quantileSorted(finite, tail),
    hi: quantileSorted(finite, 1 - tail),
    invalid: values.length - finite.length,
  };
}

/**
 * Seeded percentile bootstrap over groups: each resample draws `groups.length` groups with
 * replacement and evaluates `statistic` on them; the interval is the (1 ∓ confidence)/2 quantiles
 * (type 7) of the finite resampled values. Resamples giving NaN (say, a pooled AUC over runs that
 * hold one class) are counted in `invalidResamples`, not silently folded in.
 *
 * For "F1 at a fixed threshold, bootstrap over runs", pass per-run `ScoredGroup`s and
 * `(s) => { const { scores, labels } = concatGroups(s); return metricsAt(scores, labels, t).f1; }`.
 * Same seed and inputs → identical result.
 */
export function bootstrapCI<G>(
  groups: readonly G[],
  statistic: (sample: readonly G[]) => number,
  options: BootstrapOptions,
): BootstrapResult {
  const o = resolveBootstrap(options);
  if (!Array.isArray(groups) || groups.length === 0) throw new TypeError('groups must be a non-empty array');
  if (typeof statistic !== 'function') throw new TypeError('statistic must be a function');
  const rng = seedrandom(o.seed);
  const n = groups.length;
  const stats = new Float64Array(o.resamples);
  const sample: G[] = new Array(n);
  for (let r = 0; r < o.resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = groups[Math.floor(rng() * n)]!;
    stats[r] = statistic(sample);
  }
  const { lo, hi, invalid } = percentileInterval(stats, o.confidence);
  return {
    estimate: statistic(groups),
    lo,
    hi,
    confidence: o.confidence,
    resamples: o.resamples,
    invalidResamples: invalid,
  };
}

/**
 * Paired bootstrap of two variants over the same splits (a[i] and b[i] from the same seed/fold):
 * resamples the pairs with replacement and reports the percentile interval of mean(a − b).
 *
 * p-value (two-sided, for mean difference 0): 2 · (1 + #{resampled means on the far side of 0})
 * / (resamples + 1), capped at 1, where the far side is the smaller of #{≤ 0} and #{≥ 0}. The +1
 * keeps a finite bootstrap from claiming p = 0. Identical inputs give p = 1.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions,
): PairedBootstrapResult {
  const o = resolveBootstrap(options);
  checkFiniteArray(a, 'a');
  checkFiniteArray(b, 'b');
  if (a.length !== b.length) throw new TypeError(`a and b must have the same length (got ${a.length} and ${b.length})`);
  const n = a.length;
  if (n === 0) throw new TypeError('a and b must not be empty');
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = a[i]! - b[i]!;
  const rng = seedrandom(o.seed);
  const means = new Float64Array(o.resamples);
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (let r = 0; r < o.resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[Math.floor(rng() * n)]!;
    const m = s / n;
    means[r] = m;
    if (m <= 0) atOrBelow++;
    if (m >= 0) atOrAbove++;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += diff[i]!;
  const { lo, hi } = percentileInterval(means, o.confidence);
  const pValue = Math.min(1, (2 * (1 + Math.min(atOrBelow, atOrAbove))) / (o.resamples + 1));
  return { meanDiff: total / n, ci: [lo, hi], pValue, n };
}
