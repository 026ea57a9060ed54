/**
 * The control of experiments/event-level.ts: the same variants at both levels on the null dataset
 * (the standard dataset without any fault-caused line; labels `case`, as experiments/null.ts says
 * why). Every row, event level included, must sit at chance.
 */
import { defineExperiment } from '../harness/experiment/index.ts';
import eventLevel from './event-level.ts';

export default defineExperiment({
  ...eventLevel,
  name: 'event-level-null',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled', faults: 'none' },
  labels: 'case',
});
