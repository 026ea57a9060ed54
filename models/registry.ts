/**
 * The algorithms and the 14 variants users know from the pipeline we replace, as explicit entries —
 * no reflection (STYLE.md). An algorithm entry declares every option with its default in one place
 * and builds the detector (whose class validates the values); a variant is an algorithm with the
 * pipeline's settings, a default feature set and the pipeline's vectorizer settings
 * (docs/VARIANTS.md lists them with their source). Any algorithm can run on any feature set, so an
 * experiment can cross algorithms × feature sets.
 */
import { closest } from '../harness/errors/index.ts';
import { DecisionTree, type DecisionTreeOptions, defaultDecisionTreeOptions } from './algorithms/decision-tree.ts';
import {
  defaultGradientBoostingOptions,
  GradientBoosting,
  type GradientBoostingOptions,
} from './algorithms/gradient-boosting.ts';
import {
  defaultIsolationForestOptions,
  IsolationForest,
  type IsolationForestOptions,
} from './algorithms/isolation-forest.ts';
import { defaultKMeansOptions, KMeans, type KMeansOptions } from './algorithms/kmeans.ts';
import { defaultLinearSvmOptions, LinearSvm, type LinearSvmOptions } from './algorithms/linear-svm.ts';
import {
  defaultLocalOutlierFactorOptions,
  LocalOutlierFactor,
  type LocalOutlierFactorOptions,
} from './algorithms/lof.ts';
import {
  defaultLogisticRegressionOptions,
  LogisticRegression,
  type LogisticRegressionOptions,
} from './algorithms/logistic-regression.ts';
import { defaultOneClassSvmOptions, OneClassSvm, type OneClassSvmOptions } from './algorithms/one-class-svm.ts';
import { OovCount } from './algorithms/oov.ts';
import { defaultRandomForestOptions, RandomForest, type RandomForestOptions } from './algorithms/random-forest.ts';
import { defaultTokenRarityOptions, TokenRarity, type TokenRarityOptions } from './algorithms/rarity.ts';
import type { CsrMatrix, Detector, DetectorJSON } from './types.ts';
import { selectRows } from './vectorize/csr.ts';
import { isTokenPart, parseFeatureSet } from './vectorize/feature-sets.ts';
import { type ResolvedFeatureSpaceOptions, resolveFeatureSpaceOptions } from './vectorize/space.ts';
import type { TokenVectorizerOptions } from './vectorize/tokens.ts';

/** Option values are plain data (numbers, strings, booleans, null), so a configuration hashes and stores as JSON. */
export type OptionValue = number | string | boolean | null;

/** One algorithm: its options with their defaults, and how to build and restore its detector. */
export interface AlgorithmEntry<O extends object> {
  readonly name: string;
  /** Whether it learns from labels (false: unsupervised). */
  readonly supervised: boolean;
  /** Every option it takes, with its default. The seed is no option: each trial gives its own. */
  readonly defaults: Readonly<O>;
  /** Whether its matrix must end with the length column (FeatureSpaceOptions.length): OOV. */
  readonly needsLength: boolean;
  /** The `kind` tag of its detectors' toJSON, which `loadDetector` dispatches on. */
  readonly kind: string;
  /** A fresh, unfitted detector; the class validates the option values (TypeErrors naming the option). */
  create(seed: number, options: O): Detector;
  /** Restores a detector from its toJSON. */
  load(json: unknown): Detector;
}

/** An entry with its option type checked against the class's (the seed left out). */
const entry = <O extends object>(e: AlgorithmEntry<O>): AlgorithmEntry<O> => e;

/** The algorithms behind the variants. */
export const ALGORITHMS = {
  'logistic-regression': entry<Required<LogisticRegressionOptions>>({
    name: 'logistic-regression',
    supervised: true,
    defaults: defaultLogisticRegressionOptions,
    needsLength: false,
    kind: 'logistic-regression',
    create: (_seed, o) => new LogisticRegression(o),
    load: LogisticRegression.load,
  }),
  'linear-svm': entry<Required<Omit<LinearSvmOptions, 'seed'>>>({
    name: 'linear-svm',
    supervised: true,
    defaults: defaultLinearSvmOptions,
    needsLength: false,
    kind: 'linear-svm',
    create: (seed, o) => new LinearSvm({ ...o, seed }),
    load: LinearSvm.load,
  }),
  'decision-tree': entry<Required<Omit<DecisionTreeOptions, 'seed'>>>({
    name: 'decision-tree',
    supervised: true,
    defaults: defaultDecisionTreeOptions,
    needsLength: false,
    kind: 'decision-tree',
    create: (seed, o) => new DecisionTree({ ...o, seed }),
    load: DecisionTree.load,
  }),
  'random-forest': entry<Required<Omit<RandomForestOptions, 'seed'>>>({
    name: 'random-forest',
    supervised: true,
    defaults: defaultRandomForestOptions,
    needsLength: false,
    kind: 'random-forest',
    create: (seed, o) => new RandomForest({ ...o, seed }),
    load: RandomForest.load,
  }),
  'gradient-boosting': entry<Required<Omit<GradientBoostingOptions, 'seed'>>>({
    name: 'gradient-boosting',
    supervised: true,
    defaults: defaultGradientBoostingOptions,
    needsLength: false,
    kind: 'gradient-boosting',
    create: (seed, o) => new GradientBoosting({ ...o, seed }),
    load: GradientBoosting.load,
  }),
  'isolation-forest': entry<Required<Omit<IsolationForestOptions, 'seed'>>>({
    name: 'isolation-forest',
    supervised: false,
    defaults: defaultIsolationForestOptions,
    needsLength: false,
    kind: 'isolation-forest',
    create: (seed, o) => new IsolationForest({ ...o, seed }),
    load: IsolationForest.load,
  }),
  lof: entry<Required<LocalOutlierFactorOptions>>({
    name: 'lof',
    supervised: false,
    defaults: defaultLocalOutlierFactorOptions,
    needsLength: false,
    kind: 'local-outlier-factor',
    create: (_seed, o) => new LocalOutlierFactor(o),
    load: LocalOutlierFactor.load,
  }),
  'one-class-svm': entry<Required<OneClassSvmOptions>>({
    name: 'one-class-svm',
    supervised: false,
    defaults: defaultOneClassSvmOptions,
    needsLength: false,
    kind: 'one-class-svm',
    create: (_seed, o) => new OneClassSvm(o),
    load: OneClassSvm.load,
  }),
  kmeans: entry<Required<Omit<KMeansOptions, 'seed'>>>({
    name: 'kmeans',
    supervised: false,
    defaults: defaultKMeansOptions,
    needsLength: false,
    kind: 'kmeans',
    create: (seed, o) => new KMeans({ ...o, seed }),
    load: KMeans.load,
  }),
  rarity: entry<Required<TokenRarityOptions>>({
    name: 'rarity',
    supervised: false,
    defaults: defaultTokenRarityOptions,
    needsLength: false,
    kind: 'token-rarity',
    create: (_seed, o) => new TokenRarity(o),
    load: TokenRarity.load,
  }),
  oov: entry<Record<string, never>>({
    name: 'oov',
    supervised: false,
    defaults: Object.freeze({}),
    needsLength: true,
    kind: 'oov',
    create: () => new OovCount(),
    load: OovCount.load,
  }),
} as const;

export type Algorithm = keyof typeof ALGORITHMS;
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as Algorithm[];

/** The options of an algorithm, every one with a value. */
export type OptionsOf<A extends Algorithm> = (typeof ALGORITHMS)[A] extends AlgorithmEntry<infer O> ? O : never;

type AnyEntry = AlgorithmEntry<Record<string, unknown>>;
const entryOf = (algorithm: string): AnyEntry | undefined =>
  Object.hasOwn(ALGORITHMS, algorithm) ? (ALGORITHMS[algorithm as Algorithm] as unknown as AnyEntry) : undefined;

/**
 * An algorithm's options: its defaults ← `given`. Throws a TypeError naming `owner` (a variant or
 * the algorithm) and the option: for an unknown option, with the nearest known name, or for a value
 * the algorithm's class refuses. Undefined values count as not given. The result is frozen plain data.
 */
export function resolveAlgorithmOptions(
  algorithm: Algorithm,
  given: Readonly<Record<string, unknown>> = {},
  owner: string = algorithm,
): Readonly<Record<string, OptionValue>> {
  const e = entryOf(algorithm);
  if (!e) throw new TypeError(`${owner}: unknown algorithm '${algorithm}' (known: ${ALGORITHM_NAMES.join(', ')})`);
  const known = Object.keys(e.defaults);
  const options: Record<string, unknown> = { ...e.defaults };
  for (const [key, value] of Object.entries(given)) {
    if (!known.includes(key)) {
      const near = closest(key, known);
      const takes = known.length > 0 ? `${algorithm} takes ${known.join(', ')}` : `${algorithm} takes no options`;
      throw new TypeError(`${owner}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; ${takes}`);
    }
    if (value !== undefined) options[key] = value;
  }
  try {
    // Building one is how the class validates its values (cheap: nothing is fitted).
    e.create(0, options);
  } catch (err) {
    if (err instanceof TypeError) throw new TypeError(`${owner}: ${err.message}`);
    throw err;
  }
  return Object.freeze(options) as Readonly<Record<string, OptionValue>>;
}

/** Settings of a variant's token vectorizers (scikit-learn's CountVectorizer min_df, max_features, …). */
export type VectorizerSettings = Readonly<Partial<TokenVectorizerOptions>>;

export interface VariantSpec {
  algorithm: Algorithm;
  /** The pipeline's settings, over the algorithm's defaults (only those that differ need be listed). */
  options: Readonly<Record<string, OptionValue>>;
  /** Default feature set (see models/vectorize feature-set names). */
  featureSet: string;
  /** The pipeline's vectorizer settings for this variant, over the defaults (empty where it has none). */
  vectorizer: VectorizerSettings;
  /**
   * Whether the variant exists for its SHAP explanations (the pipeline's `sequence_shap_lr_words`):
   * its trials write SHAP files even where the experiment turns explanations off (see trialExplain).
   */
  explain: boolean;
  /** The variant whose model this one is, configuration for configuration (it differs only in `explain`). */
  aliasOf?: string;
}

const LR = { maxIter: 4000, tol: 3e-4 } as const;
/** The pipeline's CountVectorizer settings for its tree models. */
const PRUNED = { maxFeatures: 40000, minDf: 5 } as const;

/** The 14 registry variants, by the names of DESIGN.md, with the pipeline's settings (docs/VARIANTS.md). */
export const VARIANTS = {
  isolation_forest: {
    algorithm: 'isolation-forest',
    options: { nEstimators: 200 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_lr_words: {
    algorithm: 'logistic-regression',
    options: LR,
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_lsvm_words: {
    algorithm: 'linear-svm',
    options: { penalty: 'l1', loss: 'squared_hinge', C: 1, tol: 0.1, maxIter: 4000 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_dt_trigrams: {
    algorithm: 'decision-tree',
    options: { maxDepth: 8, minSamplesLeaf: 10, minSamplesSplit: 20, maxLeafNodes: 256, maxFeatures: 0.3 },
    featureSet: 'trigrams',
    vectorizer: PRUNED,
    explain: false,
  },
  event_rf_words: {
    algorithm: 'random-forest',
    options: {
      nEstimators: 150,
      maxDepth: 12,
      minSamplesLeaf: 10,
      minSamplesSplit: 20,
      maxFeatures: 0.3,
      bootstrap: true,
    },
    featureSet: 'words',
    vectorizer: PRUNED,
    explain: false,
  },
  event_xgb_words: {
    algorithm: 'gradient-boosting',
    options: {
      nEstimators: 120,
      learningRate: 0.1,
      maxDepth: 8,
      minChildWeight: 5,
      subsample: 0.7,
      colsampleBytree: 0.6,
      maxLeaves: 256,
    },
    featureSet: 'words',
    vectorizer: PRUNED,
    explain: false,
  },
  event_lof_words: {
    algorithm: 'lof',
    options: { nNeighbors: 20 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_oneclass_svm_words: {
    algorithm: 'one-class-svm',
    options: { maxIter: 1000 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_kmeans_words: {
    algorithm: 'kmeans',
    // n_init='auto' is one k-means++ run.
    options: { k: 2, nInit: 1 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_rarity_words: {
    algorithm: 'rarity',
    options: { commonThreshold: 0.01 },
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  event_oov_words: { algorithm: 'oov', options: {}, featureSet: 'words', vectorizer: {}, explain: false },
  sequence_lr_numeric: {
    algorithm: 'logistic-regression',
    options: LR,
    featureSet: 'numeric',
    vectorizer: {},
    explain: false,
  },
  sequence_lr_words: {
    algorithm: 'logistic-regression',
    options: LR,
    featureSet: 'words',
    vectorizer: {},
    explain: false,
  },
  sequence_shap_lr_words: {
    algorithm: 'logistic-regression',
    options: LR,
    featureSet: 'words',
    vectorizer: {},
    explain: true,
    aliasOf: 'sequence_lr_words',
  },
} as const satisfies Record<string, VariantSpec>;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

const specOf = (name: string): VariantSpec | undefined =>
  Object.hasOwn(VARIANTS, name) ? VARIANTS[name as VariantName] : undefined;

/**
 * Granularity of a trial's rows: one row per sequence, or one per event (log line) with its
 * message's token bag, scored back to sequences by the maximum of their events' scores.
 */
export type Level = 'sequence' | 'event';
export const LEVELS = ['sequence', 'event'] as const satisfies readonly Level[];

/** A variant resolved to everything that determines its model: what a trial runs. */
export interface VariantConfig {
  readonly algorithm: Algorithm;
  /** Every option of the algorithm, defaults ← the variant's ← the caller's. */
  readonly options: Readonly<Record<string, OptionValue>>;
  readonly featureSet: string;
  /** Every option of the feature space its matrices are built with (the length column included). */
  readonly vectorizer: ResolvedFeatureSpaceOptions;
  readonly level: Level;
  /** The variant's `explain` flag (SHAP files whatever the experiment says). */
  readonly explain: boolean;
}

/** What an experiment may override of a variant. */
export interface VariantOverrides {
  featureSet?: string;
  options?: Readonly<Record<string, unknown>>;
  vectorizer?: VectorizerSettings;
  /** Rows of its trials: per sequence (default) or per event (token feature sets only). */
  level?: Level;
}

/**
 * A registry variant (or a bare algorithm name, with the algorithm's defaults and the `words`
 * feature set) resolved to its configuration. Throws a TypeError naming the variant for an unknown
 * name, option or feature set, for an algorithm that needs the length column on a feature set
 * with a numeric part, and for level 'event' on a feature set with a numeric part.
 */
export function resolveVariant(name: string, overrides: VariantOverrides = {}): VariantConfig {
  const spec = specOf(name);
  const algorithm = (spec?.algorithm ?? name) as Algorithm;
  const e = entryOf(algorithm);
  if (!e) {
    const near = closest(name, [...VARIANT_NAMES, ...ALGORITHM_NAMES]);
    throw new TypeError(
      `unknown variant or algorithm '${name}'${near ? ` (did you mean '${near}'?)` : ''} ` +
        `(variants: ${VARIANT_NAMES.join(', ')}; algorithms: ${ALGORITHM_NAMES.join(', ')})`,
    );
  }
  const owner = spec ? `${name} (${algorithm})` : algorithm;
  const given = Object.entries(overrides.options ?? {}).filter(([, v]) => v !== undefined);
  const options = resolveAlgorithmOptions(algorithm, { ...spec?.options, ...Object.fromEntries(given) }, owner);
  const featureSet = overrides.featureSet ?? spec?.featureSet ?? 'words';
  const parts = parseFeatureSet(featureSet);
  const level = overrides.level ?? 'sequence';
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(`${owner}: unknown level '${String(level)}' (expected ${LEVELS.join(' or ')})`);
  }
  // An event's features are its message's tokens: numeric columns describe whole sequences.
  if (level === 'event' && !parts.every(isTokenPart)) {
    throw new TypeError(
      `${owner}: level 'event' needs a feature set of token parts only (words, trigrams, drain; got '${featureSet}')`,
    );
  }
  if (e.needsLength && !parts.every(isTokenPart)) {
    throw new TypeError(
      `${owner}: needs the token-length column, so its feature set must have token parts only (got '${featureSet}')`,
    );
  }
  let vectorizer: ResolvedFeatureSpaceOptions;
  try {
    vectorizer = resolveFeatureSpaceOptions({
      tokens: { ...spec?.vectorizer, ...overrides.vectorizer },
      length: e.needsLength,
    });
  } catch (err) {
    throw err instanceof TypeError ? new TypeError(`${owner}: vectorizer ${err.message}`) : err;
  }
  return Object.freeze({
    algorithm,
    options,
    featureSet,
    vectorizer,
    level,
    explain: spec?.explain ?? false,
  });
}

/**
 * A fresh, unfitted detector of a variant (or of a bare algorithm name) with the given seed; its
 * options are the algorithm's defaults ← the variant's ← `options`.
 */
export function makeDetector(
  name: VariantName | Algorithm,
  seed: number,
  options: Readonly<Record<string, unknown>> = {},
): Detector {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be an integer (got ${seed})`);
  const { algorithm, options: resolved } = resolveVariant(name, { options });
  return entryOf(algorithm)!.create(seed, resolved);
}

/** Restores any detector from its `toJSON()`, dispatching on the kind tag. */
export function loadDetector(json: unknown): Detector {
  const kind = (json as DetectorJSON | null)?.kind;
  const e = ALGORITHM_NAMES.map(entryOf).find((x) => x?.kind === kind);
  if (!e) {
    throw new TypeError(
      `cannot load a detector of kind ${JSON.stringify(kind)} (known: ${ALGORITHM_NAMES.map((a) => entryOf(a)!.kind).join(', ')})`,
    );
  }
  return e.load(json);
}

/**
 * The training rows a detector learns from: all of them, or — for LOF, OneClassSVM, OOV, rarity and
 * IsolationForest (`trainsOn: 'normal'`) — the normal ones only; row weights follow their rows.
 */
export function trainingRows(
  detector: Detector,
  x: CsrMatrix,
  labels: Uint8Array,
  weights?: Float64Array,
): { x: CsrMatrix; labels: Uint8Array; weights?: Float64Array } {
  if (detector.trainsOn === 'all') return { x, labels, ...(weights && { weights }) };
  const normal = [...labels.keys()].filter((i) => labels[i] === 0);
  return {
    x: selectRows(x, normal),
    labels: new Uint8Array(normal.length),
    ...(weights && { weights: Float64Array.from(normal, (i) => weights[i]!) }),
  };
}

/**
 * Fits a detector on the rows it trains on (see `trainingRows`). With `weights` (distinct rows and
 * their counts), the detector must take them exactly (`rowWeights: 'exact'`); a TypeError otherwise,
 * so no caller fits a weightless detector on distinct rows believing it saw every row.
 */
export function fitDetector(detector: Detector, x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
  if (weights && detector.rowWeights !== 'exact') {
    throw new TypeError(`${detector.kind}: does not take row weights; fit it on the expanded rows`);
  }
  const rows = trainingRows(detector, x, labels, weights);
  if (rows.weights) detector.fit(rows.x, rows.labels, rows.weights);
  else detector.fit(rows.x, rows.labels);
}
