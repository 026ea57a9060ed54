/**
 * LO2 v1's start-up leakage: correct always ran first, so start-up and first-use lines (status.yml,
 * `registered for`, …) mark the normal class; with LogLead's `case` labels every file of an error
 * case counts as anomalous although most carry no trace of the fault. Compare with
 * experiments/leakage-shuffled.ts: the same runs, detectors and labels in v2's shuffled order.
 * v1 files are unthinned (≈ 16k lines each), hence 40 runs.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'leakage-v1',
  dataset: { source: 'synthetic', preset: 'standard', runs: 40, seed: 1, order: 'v1' },
  labels: 'case',
  seeds: [1, 2, 3],
  variants: ['event_lr_words', 'event_dt_trigrams', 'event_rf_words', 'event_oov_words', 'isolation_forest'],
});
