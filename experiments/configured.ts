/**
 * Variants configured in the experiment file (docs/VARIANTS.md, "Experiments configure variants"):
 * a registry variant as it is, an inline logistic regression with C = 0.01 (strong L2 penalty) at
 * sequence level and at event level, the registry's random forest with deeper trees, and the
 * registry's decision tree tuned over a small grid on validation (one trial per seed that fits
 * every point and keeps the best by validation F1; test never chooses). Standard preset,
 * target-service labels, split seeds 1–2.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'configured',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled' },
  labels: 'target-service',
  split: { strategy: 'random-runs' },
  seeds: [1, 2],
  variants: [
    'event_lr_words',
    { name: 'lr_c001', algorithm: 'logistic-regression', options: { C: 0.01 }, featureSet: 'words', level: 'sequence' },
    { name: 'rf_deep', from: 'event_rf_words', options: { maxDepth: 20 } },
    // One row per log line with its message's words, scored back to sequences by the maximum.
    { name: 'lr_c001_event', algorithm: 'logistic-regression', options: { C: 0.01 }, level: 'event' },
    'event_dt_trigrams',
  ],
  tune: { event_dt_trigrams: { maxDepth: [4, 8], minSamplesLeaf: [1, 10] } },
});
