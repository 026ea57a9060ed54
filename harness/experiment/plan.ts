/**
 * The planner: an experiment expands into trials (split seed × variant × feature set × level), each with its
 * variant resolved to a configuration (algorithm, options, feature set, vectorizer, level). Each
 * trial has a key from everything that determines its result, so identical work is never redone.
 */

import { type Level, makeDetector, resolveVariant, type VariantConfig } from '../../models/index.ts';
import { DEFAULT_SCOPE, isDefaultScope, type SequenceScope } from '../../splits/index.ts';
import { hashKey } from '../hash/index.ts';
import type { EventLabels, Experiment } from './schema.ts';
import { configOn, experimentVariants, type OptionGrid } from './variants.ts';

export interface PlannedTrial {
  /** A registry name or one the experiment file gives (with `@event` when crossed to event level). */
  variant: string;
  featureSet: string;
  /** Split seed (fold index for group-k-fold); also the model's seed. */
  seed: number;
  /** The variant resolved on this feature set: what the trial fits, on which matrices. */
  config: VariantConfig;
  /** The variant's tuning grid: the trial fits every point and keeps the best on validation. */
  tune?: OptionGrid;
}

export function planTrials(e: Experiment): PlannedTrial[] {
  const variants = experimentVariants(e.variants, e.tune);
  const levels: readonly Level[] = e.levels ?? ['sequence'];
  // Resolved once per (variant, feature set, level): every seed runs the same configuration.
  const configs = new Map<string, VariantConfig>();
  const configOf = (v: (typeof variants)[number], featureSet: string, level: Level) => {
    const id = `${v.name}\n${featureSet}\n${level}`;
    let c = configs.get(id);
    if (!c) {
      c = configOn({ ...v, overrides: { level, ...v.overrides } }, featureSet);
      configs.set(id, c);
    }
    return c;
  };
  const trials: PlannedTrial[] = [];
  for (const seed of e.seeds) {
    for (const v of variants) {
      for (const featureSet of e.featureSets ?? [v.featureSet]) {
        // A variant that names its own level runs at that level only, under its own name.
        const own = v.overrides.level;
        for (const level of own ? [own] : levels) {
          const config = configOf(v, featureSet, level);
          // The level comes from the configuration, so variants that carry their own level plan alike.
          const variant = own ? v.name : levelVariantName(v.name, config.level);
          trials.push({ variant, featureSet, seed, config, ...(v.tune && { tune: v.tune }) });
        }
      }
    }
  }
  return trials;
}

/**
 * The name a registry variant's trials carry at a level: its own at sequence level, `<variant>@event`
 * at event level, so that the two levels of one variant are two rows of the board (which makes one
 * row per name) and two trial keys.
 */
export function levelVariantName(variant: string, level: Level): string {
  return level === 'sequence' ? variant : `${variant}@${level}`;
}

/** How an event-level trial's detector saw the training events: weighted by counts, or not. */
export type RowWeighting = 'counts' | 'distinct-unweighted';

/**
 * 'counts' when the variant's detector takes row weights exactly (its fit on distinct rows equals
 * the fit on every event); 'distinct-unweighted' otherwise (LOF, OneClassSVM): such a detector
 * sees each distinct (message, label) row once, which its trials' params say.
 */
export function rowWeightingOf(config: Pick<VariantConfig, 'algorithm' | 'options'>): RowWeighting {
  return makeDetector(config.algorithm, 0, config.options).rowWeights === 'exact' ? 'counts' : 'distinct-unweighted';
}

/** What an event-level trial adds to its params (and so to its key); nothing at sequence level. */
export function eventParams(
  config: Pick<VariantConfig, 'algorithm' | 'options' | 'level'>,
  eventLabels: EventLabels,
): { level: 'event'; eventLabels: EventLabels; rowWeighting: RowWeighting } | Record<string, never> {
  if (config.level !== 'event') return {};
  return { level: 'event', eventLabels, rowWeighting: rowWeightingOf(config) };
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
 * inputs), the variant's name, its tuning grid, parameters and seed. The default scope and an absent
 * grid stay out of the hashed inputs (the keys of untuned trials are what they were before grids).
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
  t: Pick<PlannedTrial, 'variant' | 'featureSet' | 'seed' | 'tune'> & { config?: VariantConfig },
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
    ...(t.tune && { tune: t.tune }),
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
