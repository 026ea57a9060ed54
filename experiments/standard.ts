/** The standard synthetic dataset (≈1,200 sequences), all 14 variants, 5 split seeds. */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'standard',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1 },
  split: { strategy: 'random-runs' },
  seeds: [1, 2, 3, 4, 5],
  variants: 'all',
});
