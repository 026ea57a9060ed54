/**
 * Bootstrap over test runs for comparisons of trials on one split. A trial's test part is prepared once
 * (`prepareSplit`); a resample is then a weight per run (how often it was drawn), and every metric is
 * one pass over precomputed tables — confusion counts per run for F1, rows sorted by score with their
 * tie blocks for the ranking metrics (weighted tie tables, so ties count exactly as in `metricsAt`).
 * Several seeds are handled by stratifying: each resample redraws every seed's runs.
 */
import seedrandom from 'seedrandom';
import { quantileSorted } from '../splits/eval/index.ts';
import { aucRoc, averagePrecision, precisionAtK, type TieTable } from '../splits/eval/ranking.ts';
import { type Predictions, rowsOf } from './predictions.ts';

/** Metrics the bootstrap computes (the ones a leaderboard ranks by). */
export type RankMetric = 'f1' | 'auc_pr' | 'auc_roc' | 'precision_at_k';

/** One split's test part of a trial, prepared for the bootstrap. */
export interface PreparedSplit {
  runs: string[];
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  /** Per row in descending score order: its tie block, its run, its label. */
  block: Int32Array;
  group: Int32Array;
  label: Uint8Array;
  /** Distinct scores, descending (one per block). */
  values: Float64Array;
}

export function prepareSplit(p: Predictions): PreparedSplit {
  const test = rowsOf(p, 'test');
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
    // `===` keeps −0 and +0 in one block, as the tie tables of splits/eval do.
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

export const finiteMean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length === 0 ? Number.NaN : f.reduce((s, x) => s + x, 0) / f.length;
};

function quantile(values: Float64Array, p: number): number {
  const f = values.filter(Number.isFinite).sort();
  return f.length === 0 ? Number.NaN : quantileSorted(f, p);
}

/**
 * Paired bootstrap of metric(b) − metric(a) over splits both were evaluated on (`a[i]` and `b[i]`
 * from the same split, so the same test runs): each resample draws the same runs for both, per split,
 * and averages the differences over splits. p-value as in `pairedBootstrap` (splits/eval).
 */
export function pairedSplitsBootstrap(
  a: readonly PreparedSplit[],
  b: readonly PreparedSplit[],
  metric: RankMetric,
  options: { resamples: number; seed: string },
): { meanDiff: number; ci: [number, number]; pValue: number; n: number; runs: number } {
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
    pValue: valid === 0 ? Number.NaN : Math.min(1, (2 * (1 + Math.min(below, above))) / (valid + 1)),
    n: a.length,
    runs: a.reduce((s, x) => s + x.runs.length, 0),
  };
}
