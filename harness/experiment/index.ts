/** Experiments: the schema users write against, loading, and planning into trials. */
export { loadExperiment } from './load.ts';
export { type PlannedTrial, planTrials, trialKey } from './plan.ts';
export {
  defineExperiment,
  type Experiment,
  type ExperimentInput,
  experimentSchema,
  parseExperiment,
} from './schema.ts';
