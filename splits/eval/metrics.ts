/**
 * Metrics of one scored set at a threshold chosen elsewhere (on validation), overall and per slice.
 * Threshold metrics follow sklearn with zero_division=0 where sklearn defines them; the ranking
 * metrics come from `ranking.ts`. Everything is O(n log n).
 */
import { aucRoc, averagePrecision, fprAtRecall, precisionAtK, tieTable } from './ranking.ts';
import type { Metrics, MetricsOptions } from './types.ts';
import { checkInteger, checkOpenUnit, checkScored, checkThreshold } from './validate.ts';

/** Defaults of `MetricsOptions` (k has none: it defaults to the number of positives of each set). */
export const defaultMetricsOptions = Object.freeze({ alpha: 0.9 });

/** Confusion counts of `score >= threshold` ⇒ anomaly. */
interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Confusion counts at a threshold (inputs validated by the caller). */
function confusion(scores: Float64Array, labels: Uint8Array, threshold: number): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! >= threshold;
    if (labels[i] === 1) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  return { tp, fp, tn, fn };
}

function resolveOptions(options: MetricsOptions): { k: number | undefined; alpha: number } {
  return {
    k: options.k === undefined ? undefined : checkInteger(options.k, 'k', 1),
    alpha: checkOpenUnit(options.alpha ?? defaultMetricsOptions.alpha, 'alpha', true),
  };
}

function metricsResolved(
  scores: Float64Array,
  labels: Uint8Array,
  threshold: number,
  o: { k: number | undefined; alpha: number },
): Metrics {
  const { tp, fp, tn, fn } = confusion(scores, labels, threshold);
  const n = tp + fp + tn + fn;
  const t = tieTable(scores, labels);
  return {
    // 2tp/(2tp+fp+fn) is sklearn's F1 and is 0/0 only when nothing is predicted or positive.
    f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
    accuracy: n === 0 ? Number.NaN : (tp + tn) / n,
    auc_roc: aucRoc(t),
    auc_pr: averagePrecision(t),
    precision_at_k: precisionAtK(t, o.k ?? t.nPos),
    fpr_at_alpha: fprAtRecall(t, o.alpha),
    tp,
    fp,
    tn,
    fn,
    threshold,
  };
}

/**
 * All DESIGN.md metrics (except psi) of `scores` against `labels` at `threshold`
 * (`score >= threshold` ⇒ anomaly; ±Infinity allowed).
 *
 * Undefined values are NaN rather than a made-up number: recall with no positives, auc_roc with
 * one class, auc_pr with no positives, precision_at_k with k = 0, fpr_at_alpha with one class.
 * precision and f1 follow sklearn's zero_division=0 instead (0 when nothing is predicted).
 * See `Metrics` and `MetricsOptions` for each definition.
 */
export function metricsAt(
  scores: Float64Array,
  labels: Uint8Array,
  threshold: number,
  options: MetricsOptions = {},
): Metrics {
  checkScored(scores, labels);
  checkThreshold(threshold);
  return metricsResolved(scores, labels, threshold, resolveOptions(options));
}

/**
 * `metricsAt` per slice (service, error case, …): `sliceOf[i]` names item i's slice. Returns a Map
 * in sorted slice order. Each slice is scored on its own: precision_at_k's default k is the
 * slice's own positive count, and a slice without positives (say, a service with no anomalies)
 * reports recall = NaN, not 0 — "nothing to catch" is not "caught nothing".
 */
export function metricsBySlice(
  scores: Float64Array,
  labels: Uint8Array,
  threshold: number,
  sliceOf: readonly string[],
  options: MetricsOptions = {},
): Map<string, Metrics> {
  checkScored(scores, labels);
  checkThreshold(threshold);
  if (!Array.isArray(sliceOf) || sliceOf.length !== scores.length) {
    throw new TypeError(
      `sliceOf and scores must have the same length (got ${Array.isArray(sliceOf) ? sliceOf.length : 'no array'} and ${scores.length})`,
    );
  }
  const o = resolveOptions(options);
  const members = new Map<string, number[]>();
  for (let i = 0; i < sliceOf.length; i++) {
    const key = sliceOf[i];
    if (typeof key !== 'string') throw new TypeError(`sliceOf[${i}] is ${String(key)}; slice names must be strings`);
    let list = members.get(key);
    if (list === undefined) members.set(key, (list = []));
    list.push(i);
  }
  const out = new Map<string, Metrics>();
  for (const key of [...members.keys()].sort()) {
    const idx = members.get(key)!;
    const s = new Float64Array(idx.length);
    const y = new Uint8Array(idx.length);
    for (let j = 0; j < idx.length; j++) {
      s[j] = scores[idx[j]!]!;
      y[j] = labels[idx[j]!]!;
    }
    out.set(key, metricsResolved(s, y, threshold, o));
  }
  return out;
}
