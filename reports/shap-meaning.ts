/**
 * What a row's SHAP values mean: the unit they are in (SHAP values add up to the explained model
 * output, so they carry that output's unit, which differs per algorithm), and whether they explain
 * anything at all (a model that flags everything or scores everything alike gets a table of
 * identical numbers that reads like a finding).
 */
import { formatNumber } from '../harness/charts/index.ts';
import { type ShapUnit, shapUnit } from '../models/index.ts';

export { type ShapUnit, shapUnit };

/** What decides whether a row's explanation says anything. */
export interface ExplanationFacts {
  /** Mean |SHAP| of the row's top features (over seeds). */
  meanAbs: readonly number[];
  /** The same per seed with SHAP, each seed's own top features. */
  perSeed: readonly (readonly number[])[];
  /** Every seed flags every test sequence (its threshold is at or below every test score). */
  flagsEverything: boolean;
  /** The first seed's test scores are all equal. */
  constantScores: boolean;
}

/** Relative tolerance under which two mean |SHAP| count as equal (they come from one CSV round trip). */
const EQUAL_REL = 1e-9;

function allEqual(values: readonly number[]): boolean {
  if (values.length < 2) return false;
  const max = Math.max(...values.map(Math.abs));
  const min = Math.min(...values.map(Math.abs));
  return max - min <= EQUAL_REL * max;
}

/**
 * Why no feature explains the row's scores, or null when its explanation is a real one: every top
 * feature with the same mean |SHAP| (over seeds, or on every seed alone) or constant scores (all SHAP
 * zero, or the scores themselves) make a degenerate explanation; that it flags everything is said too.
 */
export function degenerateExplanation(f: ExplanationFacts): string | null {
  const zero = f.meanAbs.length > 0 && f.meanAbs.every((v) => v === 0);
  const constant = f.constantScores || zero;
  const equalOverSeeds = !zero && allEqual(f.meanAbs);
  const equalEachSeed = !zero && f.perSeed.length > 0 && f.perSeed.every(allEqual);
  if (!constant && !equalOverSeeds && !equalEachSeed) return null;
  const reasons = [
    ...(f.flagsEverything ? ['it flags everything'] : []),
    ...(constant ? ['constant scores'] : []),
    ...(equalOverSeeds
      ? [`every top feature has the same mean |SHAP|, ${formatNumber(f.meanAbs[0], 4)}`]
      : equalEachSeed
        ? ['every top feature has the same mean |SHAP| on each seed']
        : []),
  ];
  return `No feature explains this model's scores (${reasons.join('; ')}).`;
}
