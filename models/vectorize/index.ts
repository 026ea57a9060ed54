/** Sparse feature matrices: token and numeric vectorizers fit on train only, feature sets, svmlight export. */

export {
  assertCsr,
  CsrBuilder,
  csrFromDense,
  emptyCsr,
  hstack,
  nnz,
  rowNorms,
  selectRows,
  sliceRows,
  toDense,
} from './csr.ts';
export { distinctEventRows, EventFeatureSpace, type EventRows, type MessageBags } from './events.ts';
export { FEATURE_PARTS, type FeaturePart, isTokenPart, parseFeatureSet, type TokenPart } from './feature-sets.ts';
export { columnIdf } from './idf.ts';
export {
  defaultNumericScalerOptions,
  NumericScaler,
  type NumericScalerJSON,
  type NumericScalerOptions,
  type NumericTable,
  resolveNumericScalerOptions,
} from './numeric.ts';
export {
  type FeatureSource,
  FeatureSpace,
  type FeatureSpaceJSON,
  type FeatureSpaceOptions,
  type ResolvedFeatureSpaceOptions,
  readFeatureSource,
  resolveFeatureSpaceOptions,
  type SequenceRef,
} from './space.ts';
export {
  type FeatureSpaceFile,
  featureSpaceFileText,
  parseFeatureSpaceFile,
  type SavedFeatureSpace,
  type SequenceRecipe,
} from './space-file.ts';
export { exportSvmlight, type LabelledMatrix, writeSvmlight } from './svmlight.ts';
export {
  defaultTokenVectorizerOptions,
  resolveTokenVectorizerOptions,
  type TokenBag,
  TokenVectorizer,
  type TokenVectorizerJSON,
  type TokenVectorizerOptions,
} from './tokens.ts';
