/**
 * Threshold selection. Thresholds are chosen on VALIDATION scores only and then applied unchanged
 * to test scores; the decision everywhere is `score >= threshold` ⇒ anomaly.
 */
import { tieTable } from './ranking.ts';
import { quantileSorted } from './stats.ts';
import type { ThresholdChoice, ThresholdOptions } from './types.ts';
import { checkOpenUnit, checkScored, checkScores } from './validate.ts';

/** Default rule of `chooseThreshold`. */
export const defaultThresholdOptions: Readonly<ThresholdOptions> = Object.freeze({ rule: 'max-f1' });

/**
 * The threshold maximising F1 on (validation) scores. Every distinct score t is a candidate for
 * `score >= t`, so every achievable set of flagged items is considered exactly once.
 *
 * - Ties in F1 go to the HIGHER threshold: fewer alarms for the same F1.
 * - F1 is compared as 2·tp / (P + predicted), a single division of integers, so equal F1 values
 *   compare equal (2·p·r/(p + r) would round differently and break ties by noise).
 * - All scores equal: the one candidate flags everything (F1 = 2P/(P + n)).
 * - No positives: F1 is 0 everywhere and max-F1 is undefined. Falls back to `+Infinity` (predict
 *   nothing) with `fallback: 'no-validation-positives'`, so a caller can report it.
 */
export function maxF1Threshold(scores: Float64Array, labels: Uint8Array): ThresholdChoice {
  checkScored(scores, labels);
  if (scores.length === 0)
    throw new TypeError('scores must not be empty (no validation data to choose a threshold on)');
  const t = tieTable(scores, labels);
  if (t.nPos === 0) {
    return {
      threshold: Number.POSITIVE_INFINITY,
      rule: 'max-f1',
      f1OnValidation: 0,
      fallback: 'no-validation-positives',
    };
  }
  let best = -1;
  let bestThreshold = Number.POSITIVE_INFINITY;
  let tp = 0;
  let predicted = 0;
  // Groups come highest score first, so a strict `>` keeps the higher threshold on ties.
  for (let g = 0; g < t.values.length; g++) {
    tp += t.pos[g]!;
    predicted += t.pos[g]! + t.neg[g]!;
    const f1 = (2 * tp) / (t.nPos + predicted);
    if (f1 > best) {
      best = f1;
      bestThreshold = t.values[g]!;
    }
  }
  return { threshold: bestThreshold, rule: 'max-f1', f1OnValidation: best, fallback: null };
}

/**
 * The (1 − contamination) quantile of the scores, linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy's default `np.quantile`; sklearn's IsolationForest sets its offset
 * the same way). Needs no labels. With distinct scores about a `contamination` fraction ends up
 * `>= threshold`; ties at the cut can flag more.
 */
export function contaminationThreshold(scores: Float64Array, contamination: number): number {
  checkScores(scores);
  checkOpenUnit(contamination, 'contamination');
  if (scores.length === 0)
    throw new TypeError('scores must not be empty (no validation data to choose a threshold on)');
  return quantileSorted(Float64Array.from(scores).sort(), 1 - contamination);
}

/** F1 of `score >= threshold` with zero_division = 0. */
function f1At(scores: Float64Array, labels: Uint8Array, threshold: number): number {
  let tp = 0;
  let predicted = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    const y = labels[i]!;
    positives += y;
    if (scores[i]! >= threshold) {
      predicted++;
      tp += y;
    }
  }
  return positives + predicted === 0 ? 0 : (2 * tp) / (positives + predicted);
}

/**
 * Chooses the decision threshold on validation data by `options.rule` (default max-F1; see
 * `maxF1Threshold` and `contaminationThreshold` for ties and edge cases) and reports the F1 it
 * reaches on that same validation data.
 */
export function chooseThreshold(
  scores: Float64Array,
  labels: Uint8Array,
  options: ThresholdOptions = defaultThresholdOptions,
): ThresholdChoice {
  const rule = options?.rule;
  switch (rule) {
    case 'max-f1':
      return maxF1Threshold(scores, labels);
    case 'contamination': {
      checkScored(scores, labels);
      const threshold = contaminationThreshold(scores, options.contamination);
      return { threshold, rule, f1OnValidation: f1At(scores, labels, threshold), fallback: null };
    }
    default:
      throw new TypeError(`rule must be 'max-f1' or 'contamination' (got ${String(rule)})`);
  }
}
