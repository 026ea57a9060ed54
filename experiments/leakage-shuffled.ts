/**
 * The same detectors and labels as experiments/leakage-v1.ts on LO2 v2's shuffled order (start-up
 * lines in whichever case runs first): the gap between the two is what v1's order gave away.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'leakage-shuffled',
  dataset: { source: 'synthetic', preset: 'standard', runs: 40, seed: 1, order: 'shuffled' },
  labels: 'case',
  seeds: [1, 2, 3],
  variants: ['event_lr_words', 'event_dt_trigrams', 'event_rf_words', 'event_oov_words', 'isolation_forest'],
});
