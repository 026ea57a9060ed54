/**
 * The 14 variants users know from the pipeline we replace, as explicit entries — no reflection
 * (STYLE.md). A variant is an algorithm with defaults and a default feature set; any algorithm can
 * run on any feature set, so an experiment can cross algorithms × feature sets.
 */
import { DecisionTree } from './algorithms/decision-tree.ts';
import { GradientBoosting } from './algorithms/gradient-boosting.ts';
import { IsolationForest } from './algorithms/isolation-forest.ts';
import { KMeans } from './algorithms/kmeans.ts';
import { LinearSvm } from './algorithms/linear-svm.ts';
import { LocalOutlierFactor } from './algorithms/lof.ts';
import { LogisticRegression } from './algorithms/logistic-regression.ts';
import { OneClassSvm } from './algorithms/one-class-svm.ts';
import { OovCount } from './algorithms/oov.ts';
import { RandomForest } from './algorithms/random-forest.ts';
import { TokenRarity } from './algorithms/rarity.ts';
import type { CsrMatrix, Detector, DetectorJSON } from './types.ts';
import { selectRows } from './vectorize/csr.ts';

/** The algorithms behind the variants. */
export const ALGORITHMS = {
  'logistic-regression': { supervised: true, make: (_seed: number) => new LogisticRegression() },
  'linear-svm': { supervised: true, make: (seed: number) => new LinearSvm({ seed }) },
  'decision-tree': { supervised: true, make: (_seed: number) => new DecisionTree() },
  'random-forest': { supervised: true, make: (seed: number) => new RandomForest({ seed }) },
  'gradient-boosting': { supervised: true, make: (seed: number) => new GradientBoosting({ seed }) },
  'isolation-forest': { supervised: false, make: (seed: number) => new IsolationForest({ seed }) },
  lof: { supervised: false, make: (_seed: number) => new LocalOutlierFactor() },
  'one-class-svm': { supervised: false, make: (_seed: number) => new OneClassSvm() },
  kmeans: { supervised: false, make: (seed: number) => new KMeans({ seed }) },
  rarity: { supervised: false, make: (_seed: number) => new TokenRarity() },
  oov: { supervised: false, make: (_seed: number) => new OovCount() },
} as const satisfies Record<string, { supervised: boolean; make: (seed: number) => Detector }>;

export type Algorithm = keyof typeof ALGORITHMS;

export interface VariantSpec {
  algorithm: Algorithm;
  /** Default feature set (see models/vectorize feature-set names). */
  featureSet: string;
  /** Whether trials of this variant write SHAP explanations. */
  explain: boolean;
}

/** The 14 registry variants, by the names of DESIGN.md. */
export const VARIANTS = {
  isolation_forest: { algorithm: 'isolation-forest', featureSet: 'words', explain: false },
  event_lr_words: { algorithm: 'logistic-regression', featureSet: 'words', explain: false },
  event_lsvm_words: { algorithm: 'linear-svm', featureSet: 'words', explain: false },
  event_dt_trigrams: { algorithm: 'decision-tree', featureSet: 'trigrams', explain: false },
  event_rf_words: { algorithm: 'random-forest', featureSet: 'words', explain: false },
  event_xgb_words: { algorithm: 'gradient-boosting', featureSet: 'words', explain: false },
  event_lof_words: { algorithm: 'lof', featureSet: 'words', explain: false },
  event_oneclass_svm_words: { algorithm: 'one-class-svm', featureSet: 'words', explain: false },
  event_kmeans_words: { algorithm: 'kmeans', featureSet: 'words', explain: false },
  event_rarity_words: { algorithm: 'rarity', featureSet: 'words', explain: false },
  event_oov_words: { algorithm: 'oov', featureSet: 'words', explain: false },
  sequence_lr_numeric: { algorithm: 'logistic-regression', featureSet: 'numeric', explain: false },
  sequence_lr_words: { algorithm: 'logistic-regression', featureSet: 'words', explain: false },
  sequence_shap_lr_words: { algorithm: 'logistic-regression', featureSet: 'words', explain: true },
} as const satisfies Record<string, VariantSpec>;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** A fresh, unfitted detector of a variant (or of a bare algorithm name) with the given seed. */
export function makeDetector(name: VariantName | Algorithm, seed: number): Detector {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be an integer (got ${seed})`);
  const algorithm = name in VARIANTS ? VARIANTS[name as VariantName].algorithm : name;
  const entry = (ALGORITHMS as Record<string, (typeof ALGORITHMS)[Algorithm]>)[algorithm];
  if (!entry) {
    throw new TypeError(
      `unknown variant or algorithm '${name}' (variants: ${VARIANT_NAMES.join(', ')}; algorithms: ${Object.keys(ALGORITHMS).join(', ')})`,
    );
  }
  return entry.make(seed);
}

// Keyed by each class's `kind` tag (its toJSON), not by the algorithm names above.
const LOADERS: Record<string, (json: unknown) => Detector> = {
  'logistic-regression': LogisticRegression.load,
  'linear-svm': LinearSvm.load,
  'decision-tree': DecisionTree.load,
  'random-forest': RandomForest.load,
  'gradient-boosting': GradientBoosting.load,
  'isolation-forest': IsolationForest.load,
  'local-outlier-factor': LocalOutlierFactor.load,
  'one-class-svm': OneClassSvm.load,
  kmeans: KMeans.load,
  'token-rarity': TokenRarity.load,
  oov: OovCount.load,
};

/** Restores any detector from its `toJSON()`, dispatching on the kind tag. */
export function loadDetector(json: unknown): Detector {
  const kind = (json as DetectorJSON | null)?.kind;
  const load = typeof kind === 'string' ? LOADERS[kind] : undefined;
  if (!load)
    throw new TypeError(
      `cannot load a detector of kind ${JSON.stringify(kind)} (known: ${Object.keys(LOADERS).join(', ')})`,
    );
  return load(json);
}

/**
 * The training rows a detector learns from: all of them, or — for LOF, OneClassSVM, OOV and
 * IsolationForest (`trainsOn: 'normal'`) — the normal ones only.
 */
export function trainingRows(
  detector: Detector,
  x: CsrMatrix,
  labels: Uint8Array,
): { x: CsrMatrix; labels: Uint8Array } {
  if (detector.trainsOn === 'all') return { x, labels };
  const normal = [...labels.keys()].filter((i) => labels[i] === 0);
  return { x: selectRows(x, normal), labels: new Uint8Array(normal.length) };
}

/** Fits a detector on the rows it trains on (see `trainingRows`). */
export function fitDetector(detector: Detector, x: CsrMatrix, labels: Uint8Array): void {
  const rows = trainingRows(detector, x, labels);
  detector.fit(rows.x, rows.labels);
}
