/**
 * The planner: an experiment expands into trials (split seed × variant × feature set), each with its
 * variant resolved to a configuration (algorithm, options, feature set, vectorizer, level). Each
 * trial has a key from everything that determines its result, so identical work is never redone.
 */

import { resolveVariant, VARIANT_NAMES, VARIANTS, type VariantConfig, type VariantName } from '../../models/index.ts';
import { DEFAULT_SCOPE, isDefaultScope, type SequenceScope } from '../../splits/index.ts';
import { hashKey } from '../hash/index.ts';
import type { Experiment } from './schema.ts';

export interface PlannedTrial {
  variant: VariantName;
  featureSet: string;
  /** Split seed (fold index for group-k-fold); also the model's seed. */
  seed: number;
  /** The variant resolved on this feature set: what the trial fits, on which matrices. */
  config: VariantConfig;
}

export function planTrials(e: Experiment): PlannedTrial[] {
  const variants = e.variants === 'all' ? VARIANT_NAMES : e.variants;
  // Resolved once per (variant, feature set): every seed runs the same configuration.
  const configs = new Map<string, VariantConfig>();
  const configOf = (variant: VariantName, featureSet: string) => {
    const id = `${variant}\n${featureSet}`;
    let c = configs.get(id);
    if (!c) {
      c = resolveVariant(variant, { featureSet });
      configs.set(id, c);
    }
    return c;
  };
  const trials: PlannedTrial[] = [];
  for (const seed of e.seeds) {
    for (const variant of variants) {
      for (const featureSet of e.featureSets ?? [VARIANTS[variant].featureSet])
        trials.push({ variant, featureSet, seed, config: configOf(variant, featureSet) });
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
 * What makes two trials of one split the same computation: algorithm, resolved options, feature set,
 * vectorizer options and level. Not the name (`event_lr_words` and `sequence_lr_words` are one
 * model at sequence level) and not the explanation flag (SHAP files do not change the model).
 */
export function configKey(c: VariantConfig): string {
  return hashKey({
    algorithm: c.algorithm,
    options: c.options,
    featureSet: c.featureSet,
    vectorizer: c.vectorizer,
    level: c.level,
  });
}

/**
 * The resume key: dataset, split manifest, sequence scope, the resolved configuration (configKey's
 * inputs), the variant's name, parameters and seed. The default scope stays out of the hashed inputs.
 *
 * The name stays in the key although configKey says which trials compute the same thing: the store
 * holds one variant name per trial and the board makes one row per name, so two names sharing a
 * trial would lose a row. Identical configurations therefore still run once per name; what they
 * share is the feature matrices (cached per split, feature set and vectorizer options). Changing a
 * variant's settings changes its key, so results of older settings are never resumed as current.
 */
export function trialKey(
  datasetHash: string,
  manifestHash: string,
  t: Pick<PlannedTrial, 'variant' | 'featureSet' | 'seed'> & { config?: VariantConfig },
  params: unknown,
  scope: SequenceScope = DEFAULT_SCOPE,
): string {
  const config = t.config ?? resolveVariant(t.variant, { featureSet: t.featureSet });
  return hashKey({
    datasetHash,
    manifestHash,
    ...(!isDefaultScope(scope) && { scope }),
    variant: t.variant,
    config: configKey(config),
    seed: t.seed,
    params,
  });
}

/** Explanation settings as the experiment gives them (`Experiment['explain']`'s shape). */
interface ExplainSetting {
  shap: 'own' | 'all' | 'none';
}

/**
 * What explanation files a trial writes: the experiment's setting, except for a variant declared
 * `explain` (the pipeline's `sequence_shap_lr_words`, whose reason to exist is its SHAP values): it
 * writes SHAP with the model's own explainer even where the experiment asks for none — from
 * `defaults` when the experiment turned explanations off, with `shap: 'own'` when it said 'none'.
 */
export function trialExplain<E extends ExplainSetting>(
  experiment: E | false,
  variantExplains: boolean,
  defaults: Readonly<E>,
): E | false {
  if (!variantExplains) return experiment;
  if (experiment === false) return { ...defaults, shap: 'own' };
  return experiment.shap === 'none' ? { ...experiment, shap: 'own' } : experiment;
}
