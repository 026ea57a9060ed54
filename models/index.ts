/** Model registry: the 14 variants, their algorithms, the sparse vectorizer. */

export * from './explain/index.ts';
export {
  ALGORITHMS,
  type Algorithm,
  fitDetector,
  loadDetector,
  makeDetector,
  trainingRows,
  VARIANT_NAMES,
  VARIANTS,
  type VariantName,
  type VariantSpec,
} from './registry.ts';
export type { CsrMatrix, Detector, DetectorJSON, Explanation, FitConvergence, TrainsOn } from './types.ts';
export * from './vectorize/index.ts';
