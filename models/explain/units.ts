/**
 * The unit of each algorithm's scores, and so of its SHAP values: SHAP values add up to the
 * explained model output, so they carry that output's unit, which differs per algorithm. The trial's
 * charts label their axes with it and the report says what the values add up to.
 */

/** The unit of an algorithm's SHAP values: a short form for axes and headers, and a sentence. */
export interface ShapUnit {
  /** E.g. `log-odds`, `probability`, `isolation score`. */
  unit: string;
  /** What the values add up to, for the reader. */
  meaning: string;
}

/** By algorithm (models/registry.ts ALGORITHMS), after what each model's `explain` or score returns. */
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

/** Detector kinds (`Detector.kind`) that are not their algorithm's name. */
const ALGORITHM_OF_KIND: Readonly<Record<string, string>> = {
  'local-outlier-factor': 'lof',
  'token-rarity': 'rarity',
};

/** The unit of the SHAP values of a detector of `kind` (its `Detector.kind`). */
export function shapUnitOfKind(kind: string): ShapUnit {
  return shapUnit(ALGORITHM_OF_KIND[kind] ?? kind);
}
