/**
 * Quickstart: the tiny synthetic preset with 30 runs (270 sequences, LO2 v2's shuffled order), all
 * 14 variants, one split seed — seconds. The tiny preset's files are short, so nothing is trimmed.
 * Error cases count only in their target service (`labels: 'target-service'`).
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'quickstart',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 30, seed: 1 },
  labels: 'target-service',
  ingest: { trimLines: 0 },
  split: { strategy: 'random-runs' },
  seeds: [1],
  variants: 'all',
});
