/**
 * The standard synthetic dataset, recorded as LO2 v2 was (shuffled cases of 20–180 s, 1 line in 20
 * kept; 200 runs × correct + 2 error cases × 3 services), all 14 variants, 5 split seeds.
 * Labels: the target-service scope — an error case's files of services its request never reaches
 * are normal traffic and are left out, so a score measures fault detection, not run order or
 * label noise. experiments/null.ts runs the same dataset without the faults: every row there must
 * sit at chance.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'standard',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled' },
  labels: 'target-service',
  split: { strategy: 'random-runs' },
  seeds: [1, 2, 3, 4, 5],
  variants: 'all',
});
