/**
 * Quickstart: the tiny synthetic preset with 30 runs (270 sequences), all 14 variants, one split
 * seed — seconds. The tiny preset's files are short, so nothing is trimmed (which leaves v1's
 * start-up lines in: supervised scores near 1.0 here are that leakage, see `bench split`).
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'quickstart',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 30, seed: 1 },
  ingest: { trimLines: 0 },
  split: { strategy: 'random-runs' },
  seeds: [1],
  variants: 'all',
});
