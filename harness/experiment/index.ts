/** Experiments: the schema users write against, loading, and planning into trials. */
export { loadExperiment } from './load.ts';
export {
  configurationOf,
  fittedOptions,
  paramsLines,
  plannedParams,
  type TrialParams,
  type TunedPoint,
  type TuningRecord,
  trialParams,
} from './params.ts';
export {
  configKey,
  eventParams,
  levelVariantName,
  type PlannedTrial,
  planTrials,
  type RowWeighting,
  rowWeightingOf,
  scopeOf,
  trialExplain,
  trialKey,
} from './plan.ts';
export {
  defineExperiment,
  EVENT_LABELS,
  type EventLabels,
  type Experiment,
  type ExperimentInput,
  experimentSchema,
  parseExperiment,
} from './schema.ts';
export {
  type ExperimentScope,
  experimentScope,
  isNullDataset,
  leakWarning,
  NULL_AUC_LIMIT,
  scopeShort,
  scopeText,
} from './scope.ts';
export {
  configOn,
  type ExperimentVariant,
  experimentVariants,
  gridPoints,
  type OptionGrid,
  pointLabel,
  type VariantDefinition,
  type VariantEntry,
} from './variants.ts';
