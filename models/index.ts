/** Model registry: the 14 variants, their algorithms, the sparse vectorizer. */

export * from './explain/index.ts';
export {
  ALGORITHM_NAMES,
  ALGORITHMS,
  type Algorithm,
  type AlgorithmEntry,
  fitDetector,
  LEVELS,
  type Level,
  loadDetector,
  makeDetector,
  type OptionsOf,
  type OptionValue,
  resolveAlgorithmOptions,
  resolveVariant,
  trainingRows,
  VARIANT_NAMES,
  VARIANTS,
  type VariantConfig,
  type VariantName,
  type VariantOverrides,
  type VariantSpec,
  type VectorizerSettings,
} from './registry.ts';
export type { CsrMatrix, Detector, DetectorJSON, Explanation, FitConvergence, TrainsOn } from './types.ts';
export * from './vectorize/index.ts';
