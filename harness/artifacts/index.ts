/**
 * A trial's files under `<artifacts>/<trial id>/`: one writer and one reader per kind, each file
 * registered in SQLite with its sha256 so a reader can tell the file from a later overwrite. The
 * sweep writes them (what they hold is computed in models/explain and harness/sweep); reports, `bench
 * show` and `bench export` read them. Paths and formats here are what users and scripts rely on.
 */
export {
  BUNDLE_FILES,
  BUNDLE_META,
  type BundleContents,
  type BundleInfo,
  type BundleMeta,
  type BundleThreshold,
  type LoadedBundle,
  loadBundle,
  readBundle,
  writeBundle,
} from './bundle.ts';
export { parseCsvLine } from './csv.ts';
export {
  type FalsePositive,
  type FalsePositiveLine,
  readFalsePositives,
  writeFalsePositives,
} from './false-positives.ts';
export { type ArtifactRow, readArtifact, readJsonArtifact } from './file.ts';
export { readModel, writeModel } from './model.ts';
export {
  type FeatureValue,
  type NearestNormalMapping,
  type NearestNormalRow,
  readNearestNormal,
  writeNearestNormal,
} from './nearest-normal.ts';
export {
  exportPredictions,
  PREDICTION_EXPORT_FORMATS,
  type PredictionExportFormat,
  type PredictionPart,
  type Predictions,
  readPredictions,
  rowsOf,
  writePredictions,
} from './predictions.ts';
export {
  SCORE_FILE_FORMATS,
  type ScoredSequence,
  type ScoreFileFormat,
  scoreFileFormat,
  type TopFeature,
  writeScores,
} from './scores.ts';
export {
  readShapPoints,
  readShapSummary,
  type ShapExplanation,
  type ShapFeature,
  type ShapFeaturePoints,
  type ShapPoints,
  writeShap,
} from './shap.ts';
export { readTuning, writeTuning } from './tuning.ts';
