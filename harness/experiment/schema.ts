/**
 * Experiment files: `export default defineExperiment({...})`, validated with zod. Validation errors
 * name the file and the field (`experiments/x.ts: variants[2]: unknown variant 'event_nb_words'`).
 */
import { z } from 'zod';
import { parseFeatureSet, VARIANT_NAMES, type VariantName } from '../../models/index.ts';
import { SERVICES } from '../data/lo2/constants.ts';
import { configError } from '../errors/index.ts';

const variantName = z.string().refine((v) => (VARIANT_NAMES as readonly string[]).includes(v), {
  error: (issue) => `unknown variant '${String(issue.input)}' (expected one of ${VARIANT_NAMES.join(', ')})`,
});

const featureSet = z.string().superRefine((v, ctx) => {
  try {
    parseFeatureSet(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const dataset = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('synthetic'),
    preset: z.enum(['tiny', 'standard', 'large']).default('standard'),
    seed: z.number().int().default(1),
    order: z.enum(['v1', 'shuffled']).default('v1'),
    runs: z.number().int().positive().optional(),
    errorsPerRun: z.number().int().min(0).optional(),
  }),
  z.object({ source: z.literal('lo2'), path: z.string().min(1) }),
]);

export const experimentSchema = z.object({
  /** Name shown in listings and reports. */
  name: z.string().min(1),
  dataset,
  /** Loader options. */
  ingest: z
    .object({
      trimLines: z.number().int().min(0).default(100),
      services: z.array(z.enum(SERVICES)).min(1).optional(),
      runs: z.number().int().min(0).optional(),
      errorsPerRun: z.number().int().min(-1).optional(),
      seed: z.number().int().optional(),
    })
    .default({ trimLines: 100 }),
  split: z
    .object({
      strategy: z.enum(['random-runs', 'temporal', 'unseen-errors', 'group-k-fold']).default('random-runs'),
      fractions: z.tuple([z.number(), z.number(), z.number()]).optional(),
      folds: z.number().int().min(3).optional(),
    })
    .default({ strategy: 'random-runs' }),
  /** Split seeds (for group-k-fold: fold indices); one trial per seed × variant × feature set. */
  seeds: z.array(z.number().int()).min(1).default([1]),
  /** Variants to run, or 'all' for the 14. */
  variants: z.union([z.literal('all'), z.array(variantName).min(1)]).default('all'),
  /** Feature sets crossed with the variants; omitted: each variant's own default. */
  featureSets: z.array(featureSet).min(1).optional(),
  /** Threshold rule on validation. */
  threshold: z
    .discriminatedUnion('rule', [
      z.object({ rule: z.literal('max-f1') }),
      z.object({ rule: z.literal('contamination'), contamination: z.number().gt(0).lt(1) }),
    ])
    .default({ rule: 'max-f1' }),
  /** Explanation files per trial (see harness/sweep/explain.ts); false writes none. */
  explain: z
    .union([
      z.literal(false),
      z.object({
        shap: z.enum(['own', 'all', 'none']).default('own'),
        budgetMs: z.number().min(0).default(2000),
        rows: z.number().int().min(1).default(128),
        topK: z.number().int().min(1).default(10),
      }),
    ])
    .default({ shap: 'own', budgetMs: 2000, rows: 128, topK: 10 }),
  /** Inference throughput per trial, timed with tinybench on the test matrix; false skips it. */
  throughput: z
    .union([
      z.literal(false),
      z.object({
        timeMs: z.number().min(0).default(50),
        samples: z.number().int().min(1).default(5),
        rows: z.number().int().min(1).default(256),
      }),
    ])
    .default({ timeMs: 50, samples: 5, rows: 256 }),
});

export type ExperimentInput = z.input<typeof experimentSchema>;
export type Experiment = z.output<typeof experimentSchema> & { variants: VariantName[] | 'all' };

/** Declares an experiment (identity at runtime; types and validation come from the schema). */
export function defineExperiment(config: ExperimentInput): ExperimentInput {
  return config;
}

/** Validates an experiment; errors name `file` and the field path. */
export function parseExperiment(input: unknown, file: string): Experiment {
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw configError(`${file}: ${path || '(experiment)'}: ${issue.message}`, {
      file,
      field: path,
      hint: 'see experiments/quickstart.ts for a valid experiment',
    });
  }
  return result.data as Experiment;
}
