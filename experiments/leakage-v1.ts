/**
 * LO2 v1's start-up leakage: correct always ran first, so start-up lines (status.yml, …) mark the
 * normal class. Compare with experiments/leakage-shuffled.ts (same detectors, v2-like order).
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'leakage-v1',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'v1' },
  seeds: [1, 2, 3],
  variants: ['event_lr_words', 'event_dt_trigrams', 'event_rf_words', 'event_oov_words', 'isolation_forest'],
});
