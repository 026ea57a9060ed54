/** Which representation wins: LR, decision tree, random forest and boosting × words, trigrams, Drain templates, numeric. */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'feature-sets',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled' },
  labels: 'target-service',
  split: { strategy: 'random-runs' },
  seeds: [1, 2, 3],
  variants: ['event_lr_words', 'event_dt_trigrams', 'event_rf_words', 'event_xgb_words'],
  featureSets: ['words', 'trigrams', 'drain', 'numeric'],
});
