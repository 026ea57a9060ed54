/**
 * Event level against sequence level: the pipeline overview's event variants trained and scored one
 * row per log line (`<variant>@event`: each event with its file's label, its message's tokens; a
 * sequence scores the maximum of its events) beside the same variants at sequence level, on the
 * standard dataset with target-service labels. Both levels share the splits and the protocol, so
 * their rows on the board compare directly; event-level trials also store `event_*` metrics over the
 * test part's log lines. experiments/event-level-null.ts is its control on the null dataset.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'event-level',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled' },
  labels: 'target-service',
  split: { strategy: 'random-runs' },
  seeds: [1, 2, 3],
  variants: [
    'event_lr_words',
    'event_lsvm_words',
    'event_dt_trigrams',
    'event_rf_words',
    'event_xgb_words',
    'event_rarity_words',
    'event_oov_words',
    'isolation_forest',
    'event_lof_words',
    'event_oneclass_svm_words',
    'event_kmeans_words',
  ],
  levels: ['sequence', 'event'],
  explain: false,
});
