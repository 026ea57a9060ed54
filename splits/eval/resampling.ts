/**
 * Resampling: seeded percentile bootstraps over whole groups (runs, folds, trials), never single
 * sequences — sequences of one run are correlated, so resampling them would make intervals look
 * tighter than the data allow. Randomness comes only from seedrandom with a caller-given seed.
 *
 * - `bootstrapCI`, `pairedBootstrap`: resample a list of groups or of paired values.
 * - `pairedSplitsBootstrap`: trials compared on the same splits, resampling each split's test runs.
 *   A trial's test part is prepared once (`prepareSplit`); a resample is then a weight per run (how
 *   often it was drawn), and every metric is one pass over precomputed tables — confusion counts per
 *   run for F1, rows sorted by score with their tie blocks for the ranking metrics (weighted tie
 *   tables, so ties count exactly as in `metricsAt`). Several seeds are handled by stratifying: each
 *   resample redraws every seed's runs.
 * The two-stage bootstrap over seeds and their units is in hierarchical.ts, on the same primitives.
 */
import seedrandom from 'seedrandom';
import { aucRoc, averagePrecision, precisionAtK, type TieTable } from './ranking.ts';
import { finiteMean, quantileSorted } from './stats.ts';
import type {
  BootstrapOptions,
  BootstrapResult,
  PairedBootstrapResult,
  PairedSplitsBootstrapResult,
  PreparedSplit,
  RankMetric,
  ScoredGroup,
  SplitPredictions,
} from './types.ts';
import { checkFiniteArray, checkInteger, checkLabels, checkOpenUnit, checkScores } from './validate.ts';

/** Defaults of `BootstrapOptions` (the seed has none on purpose). */
export const defaultBootstrapOptions = Object.freeze({ resamples: 2000, confidence: 0.95 });

/**
 * Two-sided bootstrap p-value for "difference = 0" from the resampled values at or below 0 and at or
 * above 0 among `valid` ones: 2 · (1 + the smaller count) / (valid + 1), capped at 1 (NaN when no
 * resample is valid). The +1 keeps a finite bootstrap from claiming p = 0.
 */
export function bootstrapPValue(atOrBelow: number, atOrAbove: number, valid: number): number {
  return valid === 0 ? Number.NaN : Math.min(1, (2 * (1 + Math.min(atOrBelow, atOrAbove))) / (valid + 1));
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
  return { meanDiff: total / n, ci: [lo, hi], pValue: bootstrapPValue(atOrBelow, atOrAbove, o.resamples), n };
}

/** A trial's test part, prepared once for `weightedMetric` under any number of run weightings. */
export function prepareSplit(p: SplitPredictions): PreparedSplit {
  const test: number[] = [];
  for (let i = 0; i < p.part.length; i++) if (p.part[i] === 'test') test.push(i);
  const runs = [...new Set(test.map((i) => p.run[i]!))].sort();
  const runIndex = new Map(runs.map((r, k) => [r, k]));
  const tp = new Float64Array(runs.length);
  const fp = new Float64Array(runs.length);
  const fn = new Float64Array(runs.length);
  for (const i of test) {
    const g = runIndex.get(p.run[i]!)!;
    const counts = p.anomaly[i] === 1 ? (p.predicted[i] === 1 ? tp : fn) : p.predicted[i] === 1 ? fp : null;
    if (counts) counts[g] = counts[g]! + 1;
  }
  const order = [...test].sort((a, b) => p.score[b]! - p.score[a]! || a - b);
  const block = new Int32Array(order.length);
  const values: number[] = [];
  order.forEach((i, k) => {
    // `===` keeps −0 and +0 in one block, as the tie tables of ranking.ts do.
    if (k === 0 || p.score[i] !== p.score[order[k - 1]!]) values.push(p.score[i]!);
    block[k] = values.length - 1;
  });
  return {
    runs,
    tp,
    fp,
    fn,
    block,
    group: Int32Array.from(order, (i) => runIndex.get(p.run[i]!)!),
    label: Uint8Array.from(order, (i) => p.anomaly[i]!),
    values: Float64Array.from(values),
  };
}

/** The metric of a split with run weights `w` (all ones: the split as it is). */
export function weightedMetric(s: PreparedSplit, w: Float64Array, metric: RankMetric): number {
  if (metric === 'f1') {
    let tp = 0;
    let other = 0;
    for (let g = 0; g < w.length; g++) {
      tp += w[g]! * s.tp[g]!;
      other += w[g]! * (s.fp[g]! + s.fn[g]!);
    }
    return 2 * tp + other === 0 ? 0 : (2 * tp) / (2 * tp + other);
  }
  const pos = new Float64Array(s.values.length);
  const neg = new Float64Array(s.values.length);
  let nPos = 0;
  let nNeg = 0;
  for (let k = 0; k < s.block.length; k++) {
    const x = w[s.group[k]!]!;
    if (x === 0) continue;
    if (s.label[k] === 1) {
      pos[s.block[k]!]! += x;
      nPos += x;
    } else {
      neg[s.block[k]!]! += x;
      nNeg += x;
    }
  }
  const t: TieTable = { values: s.values, pos, neg, nPos, nNeg };
  return metric === 'auc_pr' ? averagePrecision(t) : metric === 'auc_roc' ? aucRoc(t) : precisionAtK(t, nPos);
}

/** Run weights of one bootstrap resample: n draws with replacement. */
export function drawWeights(n: number, rng: () => number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[Math.floor(rng() * n)]!++;
  return w;
}

/**
 * The p-quantile of the finite values. Not `percentileInterval`: its tail (1 − confidence)/2 is a
 * float next to 0.025, and this interval is at 0.025 and 0.975 exactly.
 */
function quantile(values: Float64Array, p: number): number {
  const f = values.filter(Number.isFinite).sort();
  return f.length === 0 ? Number.NaN : quantileSorted(f, p);
}

/**
 * Paired bootstrap of metric(b) − metric(a) over splits both were evaluated on (`a[i]` and `b[i]`
 * from the same split, so the same test runs): each resample draws the same runs for both, per split,
 * and averages the differences over splits. p-value: `bootstrapPValue` over the finite resamples.
 */
export function pairedSplitsBootstrap(
  a: readonly PreparedSplit[],
  b: readonly PreparedSplit[],
  metric: RankMetric,
  options: { resamples: number; seed: string },
): PairedSplitsBootstrapResult {
  if (a.length !== b.length || a.length === 0) throw new TypeError('a and b must hold the same splits (at least one)');
  a.forEach((x, i) => {
    if (x.runs.join('\n') !== b[i]!.runs.join('\n'))
      throw new TypeError(`split ${i}: a and b have different test runs`);
  });
  const rng = seedrandom(options.seed);
  const diffs = new Float64Array(options.resamples);
  let below = 0;
  let above = 0;
  let valid = 0;
  const diffWith = (ws: Float64Array[]) =>
    finiteMean(a.map((x, i) => weightedMetric(b[i]!, ws[i]!, metric) - weightedMetric(x, ws[i]!, metric)));
  for (let r = 0; r < options.resamples; r++) {
    const d = diffWith(a.map((x) => drawWeights(x.runs.length, rng)));
    diffs[r] = d;
    if (!Number.isFinite(d)) continue;
    valid++;
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  return {
    meanDiff: diffWith(a.map((x) => new Float64Array(x.runs.length).fill(1))),
    ci: [quantile(diffs, 0.025), quantile(diffs, 0.975)],
    pValue: bootstrapPValue(below, above, valid),
    n: a.length,
    runs: a.reduce((s, x) => s + x.runs.length, 0),
  };
}
