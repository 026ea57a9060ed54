/** Does a detector generalise to failure types it has not seen? Test error cases never occur in train. */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'unseen-errors',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled' },
  labels: 'target-service',
  split: { strategy: 'unseen-errors' },
  seeds: [1, 2, 3, 4, 5],
  variants: 'all',
});
