/**
 * Two-stage (hierarchical) bootstrap over split seeds, then units within each seed: an interval of
 * a mean over seeds that carries both sources of spread the issue names, which split was drawn and
 * which test runs it holds. The fitted models stay fixed: refitting per resample would cost a fit
 * per draw, and split-to-split spread already includes what refitting on other runs changes.
 *
 * Known biases, documented in docs/PROTOCOL.md: resampling units within a chosen seed on top of
 * the seeds' own spread counts within-seed noise twice (the interval errs wide on that side), while
 * treating seeds as independent draws ignores that their training sets overlap (it errs narrow);
 * with five seeds the percentile interval can reach at most the spread of five values plus noise.
 */
import seedrandom from 'seedrandom';
import { SINGLE_SEED_REASON } from './corrected-t.ts';
import { bootstrapPValue, percentileInterval, resolveBootstrap } from './resampling.ts';
import type {
  BootstrapOptions,
  HierarchicalResult,
  PairedHierarchicalResult,
  SeedStatistic,
  SeedUnits,
} from './types.ts';
import { checkFiniteArray, checkInteger } from './validate.ts';

function unitCounts(perSeed: readonly SeedUnits[]): number[] {
  if (!Array.isArray(perSeed) || perSeed.length === 0) throw new TypeError('perSeed must be a non-empty array');
  return perSeed.map((s, i) => {
    if (s !== null && typeof s === 'object' && 'values' in s) {
      checkFiniteArray(s.values, `perSeed[${i}].values`);
      if (s.values.length === 0) throw new TypeError(`perSeed[${i}].values must not be empty`);
      return s.values.length;
    }
    if (s !== null && typeof s === 'object' && 'units' in s) return checkInteger(s.units, `perSeed[${i}].units`, 1);
    throw new TypeError(`perSeed[${i}] must be { values: number[] } or { units: number }`);
  });
}

function meanOfValues(perSeed: readonly SeedUnits[]): SeedStatistic {
  const values = perSeed.map((s, i) => {
    if (!('values' in s)) {
      throw new TypeError(`perSeed[${i}] has no values: the 'mean' statistic needs them (or pass a statistic)`);
    }
    return s.values;
  });
  return (seed, units) => {
    const v = values[seed]!;
    let sum = 0;
    for (let j = 0; j < units.length; j++) sum += v[units[j]!]!;
    return sum / units.length;
  };
}

function checkStatistic(statistic: unknown, name: string): void {
  if (typeof statistic !== 'function') throw new TypeError(`${name} must be a function`);
}

/**
 * Draws `resamples` two-stage resamples and returns, for each, the mean over the k drawn seeds of
 * `evaluate`; and the same mean on the seeds and units as they are. The generator is consumed in
 * one fixed order (a seed, then its units, for each of the k draws), so a seed reproduces a run.
 */
function twoStage(
  counts: readonly number[],
  evaluate: SeedStatistic,
  seed: string,
  resamples: number,
): { estimate: number; means: Float64Array } {
  const k = counts.length;
  let total = 0;
  for (let s = 0; s < k; s++)
    total += evaluate(
      s,
      Int32Array.from({ length: counts[s]! }, (_, j) => j),
    );
  const buffers = counts.map((n) => new Int32Array(n));
  const rng = seedrandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const s = Math.floor(rng() * k);
      const n = counts[s]!;
      const units = buffers[s]!;
      for (let j = 0; j < n; j++) units[j] = Math.floor(rng() * n);
      sum += evaluate(s, units);
    }
    means[r] = sum / k;
  }
  return { estimate: total / k, means };
}

function finiteSd(values: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
  }
  if (n < 2) return Number.NaN;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / (n - 1));
}

/**
 * Hierarchical percentile bootstrap of the mean over seeds of a per-seed statistic. Each resample
 * draws k seeds with replacement and, for each drawn seed, its units with replacement (as many as
 * it has); the resample's value is the mean over the k drawn seeds of `statistic(seed, units)`.
 *
 * `statistic` is `'mean'` (the mean of the seed's resampled `values`) or a function of the drawn
 * unit indices, so a pooled metric can be recomputed: for F1 over test runs, sum the drawn runs'
 * tp, fp and fn, then 2·tp / (2·tp + fp + fn).
 *
 * Resamples whose value is not finite are counted in `invalidResamples` and left out. One seed
 * gives a `single-seed` result: resampling its units alone would describe test-run noise of one
 * split, not split variability (`bootstrapCI` over its runs does that, under that name).
 * Same seed and inputs → identical result.
 */
export function hierarchicalBootstrap(
  perSeed: readonly SeedUnits[],
  statistic: SeedStatistic | 'mean',
  options: BootstrapOptions,
): HierarchicalResult {
  const o = resolveBootstrap(options);
  const counts = unitCounts(perSeed);
  const evaluate = statistic === 'mean' ? meanOfValues(perSeed) : statistic;
  checkStatistic(evaluate, 'statistic');
  const { estimate, means } = twoStage(counts, evaluate, o.seed, counts.length === 1 ? 0 : o.resamples);
  if (counts.length === 1) return { state: 'single-seed', estimate, k: 1, reason: SINGLE_SEED_REASON };
  const { lo, hi, invalid } = percentileInterval(means, o.confidence);
  return {
    state: 'interval',
    estimate,
    lo,
    hi,
    se: finiteSd(means),
    confidence: o.confidence,
    resamples: o.resamples,
    invalidResamples: invalid,
    k: counts.length,
  };
}

/**
 * Paired hierarchical bootstrap of two variants evaluated on the same splits (seed s means the
 * same split, hence the same test units, for both): every resample draws seeds and units once and
 * evaluates both statistics on that draw, so the spread they share cancels in statA − statB.
 * The value is the mean over drawn seeds of statA − statB; p is `bootstrapPValue`:
 * 2 · (1 + #{values on the far side of 0}) / (valid resamples + 1), capped at 1.
 */
export function pairedHierarchicalBootstrap(
  perSeed: readonly SeedUnits[],
  statA: SeedStatistic,
  statB: SeedStatistic,
  options: BootstrapOptions,
): PairedHierarchicalResult {
  const o = resolveBootstrap(options);
  const counts = unitCounts(perSeed);
  checkStatistic(statA, 'statA');
  checkStatistic(statB, 'statB');
  const diff: SeedStatistic = (s, units) => statA(s, units) - statB(s, units);
  const { estimate, means } = twoStage(counts, diff, o.seed, counts.length === 1 ? 0 : o.resamples);
  if (counts.length === 1) return { state: 'single-seed', meanDiff: estimate, k: 1, reason: SINGLE_SEED_REASON };
  let below = 0;
  let above = 0;
  for (const m of means) {
    if (m <= 0) below++;
    if (m >= 0) above++;
  }
  const { lo, hi, invalid } = percentileInterval(means, o.confidence);
  const valid = o.resamples - invalid;
  return {
    state: 'interval',
    meanDiff: estimate,
    ci: [lo, hi],
    pValue: bootstrapPValue(below, above, valid),
    se: finiteSd(means),
    confidence: o.confidence,
    resamples: o.resamples,
    invalidResamples: invalid,
    k: counts.length,
  };
}
