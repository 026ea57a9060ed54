/** Experiments: the schema users write against, loading, and planning into trials. */
export { loadExperiment } from './load.ts';
export { configKey, type PlannedTrial, planTrials, scopeOf, trialExplain, trialKey } from './plan.ts';
export {
  defineExperiment,
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
