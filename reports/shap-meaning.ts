/**
 * What a row's SHAP values mean: the unit they are in (SHAP values add up to the explained model
 * output, so they carry that output's unit, which differs per algorithm), and whether they explain
 * anything at all (a model that flags everything or scores everything alike gets a table of
 * identical numbers that reads like a finding).
 */
import { formatNumber } from '../harness/charts/index.ts';

/** The unit of an algorithm's SHAP values: a short form for axes and headers, and a sentence. */
export interface ShapUnit {
  /** E.g. `log-odds`, `probability`, `isolation score`. */
  unit: string;
  /** What the values add up to, for the reader. */
  meaning: string;
}

/** By algorithm (models/registry.ts), after what each model's `explain` or score returns. */
const UNITS: Readonly<Record<string, ShapUnit>> = {
  'logistic-regression': {
    unit: 'log-odds',
    meaning: 'log-odds of the anomaly class (linear SHAP: base + Σ SHAP = the logit w·x + b)',
  },
  'gradient-boosting': {
    unit: 'log-odds',
    meaning: 'log-odds of the anomaly class (TreeSHAP of the raw boosted score, whose sigmoid is the probability)',
  },
  'decision-tree': {
    unit: 'probability',
    meaning: 'anomaly probability (TreeSHAP of the leaf’s share of anomalous training rows)',
  },
  'random-forest': {
    unit: 'probability',
    meaning: 'anomaly probability (TreeSHAP of the trees’ mean leaf share of anomalous training rows)',
  },
  'linear-svm': { unit: 'SVM margin', meaning: 'score units: the decision function w·x + b, not a probability' },
  'isolation-forest': {
    unit: 'isolation score',
    meaning: 'score units: the isolation-forest score 2^(−E[h]/c) in (0, 1], not a probability',
  },
  lof: { unit: 'LOF', meaning: 'score units: the local outlier factor (≈ 1 typical), not a probability' },
  'one-class-svm': { unit: 'one-class SVM score', meaning: 'score units: ρ − Σ αK(sv, x), not a probability' },
  kmeans: { unit: 'centroid distance', meaning: 'score units: distance to the nearest centroid' },
  rarity: { unit: 'rarity score', meaning: 'score units: the mean (−ln share)³ of the sequence’s rare tokens' },
  oov: { unit: 'OOV tokens', meaning: 'score units: out-of-vocabulary tokens, each counting 1' },
};

const UNKNOWN: ShapUnit = { unit: 'score units', meaning: 'score units of the detector' };

/** The unit of `algorithm`'s SHAP values (`score units` for an algorithm this table does not know). */
export function shapUnit(algorithm: string): ShapUnit {
  return UNITS[algorithm] ?? UNKNOWN;
}

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
