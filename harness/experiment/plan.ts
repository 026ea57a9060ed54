/**
 * The planner: an experiment expands into trials (split seed × variant × feature set). Each trial
 * has a key from everything that determines its result, so identical work is never redone.
 */

import { VARIANT_NAMES, VARIANTS, type VariantName } from '../../models/index.ts';
import { DEFAULT_SCOPE, isDefaultScope, type SequenceScope } from '../../splits/index.ts';
import { hashKey } from '../data/index.ts';
import type { Experiment } from './schema.ts';

export interface PlannedTrial {
  variant: VariantName;
  featureSet: string;
  /** Split seed (fold index for group-k-fold); also the model's seed. */
  seed: number;
}

export function planTrials(e: Experiment): PlannedTrial[] {
  const variants = e.variants === 'all' ? VARIANT_NAMES : e.variants;
  const trials: PlannedTrial[] = [];
  for (const seed of e.seeds) {
    for (const variant of variants) {
      for (const featureSet of e.featureSets ?? [VARIANTS[variant].featureSet])
        trials.push({ variant, featureSet, seed });
    }
  }
  return trials;
}

/** The sequence scope an experiment's trials see. */
export const scopeOf = (e: Pick<Experiment, 'labels' | 'seqBy'>): SequenceScope => ({
  labels: e.labels,
  seqBy: e.seqBy,
});

/**
 * The resume key: dataset, split manifest, sequence scope, variant, feature set, parameters and seed.
 * The default scope stays out of the hashed inputs, so trials recorded before scopes existed keep
 * their key (and are not rerun).
 */
export function trialKey(
  datasetHash: string,
  manifestHash: string,
  t: PlannedTrial,
  params: unknown,
  scope: SequenceScope = DEFAULT_SCOPE,
): string {
  return hashKey({
    datasetHash,
    manifestHash,
    ...(!isDefaultScope(scope) && { scope }),
    variant: t.variant,
    featureSet: t.featureSet,
    seed: t.seed,
    params,
  });
}
