/**
 * Experiment files: `export default defineExperiment({...})`, validated with zod. Validation errors
 * name the file and the field (`experiments/x.ts: variants[2]: unknown variant 'event_nb_words'`).
 */
import { z } from 'zod';
import { parseFeatureSet, VARIANT_NAMES, type VariantName } from '../../models/index.ts';
import { LABEL_SCOPES, SEQ_BY } from '../../splits/index.ts';
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

/** A string enum whose error lists the allowed values and what was given (`hint` says what they mean). */
function choice<const T extends readonly [string, ...string[]]>(values: T, hint: string) {
  return z.enum(values, {
    error: (issue) =>
      `must be one of ${values.map((v) => `'${v}'`).join(', ')} (got ${JSON.stringify(issue.input)}); ${hint}`,
  });
}

const dataset = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('synthetic'),
    preset: z.enum(['tiny', 'standard', 'large']).default('standard'),
    seed: z.number().int().default(1),
    /** The generator's default: LO2 v2's shuffled case order (v1's fixed order leaks start-up lines into `correct`). */
    order: choice(['v1', 'shuffled'], "'shuffled' is LO2 v2's order, 'v1' the fixed order with correct first").default(
      'shuffled',
    ),
    /** `none`: the same runs, cases, labels and traffic without any fault-caused line — a null dataset. */
    faults: choice(['injected', 'none'], "'none' generates the null dataset (no fault-caused lines)").default(
      'injected',
    ),
    runs: z.number().int().positive().optional(),
    errorsPerRun: z.number().int().min(0).optional(),
  }),
  z.object({
    source: z.literal('lo2'),
    path: z.string().min(1),
    // A real tree has the faults it was recorded with: saying otherwise is a mistake worth an error.
    faults: z
      .undefined({
        error: 'applies to synthetic datasets only (a real LO2 tree has the faults it was recorded with); remove it',
      })
      .optional(),
  }),
]);

export const experimentSchema = z.object({
  /** Name shown in listings and reports. */
  name: z.string().min(1),
  dataset,
  /** Loader options. */
  ingest: z
    .object({
      trimLines: z.number().int().min(0).default(100),
      /** Continuation lines (stack frames): merged into the event above, dropped, or kept as events. */
      continuation: z.enum(['merge', 'drop', 'keep']).default('merge'),
      services: z.array(z.enum(SERVICES)).min(1).optional(),
      runs: z.number().int().min(0).optional(),
      errorsPerRun: z.number().int().min(-1).optional(),
      seed: z.number().int().optional(),
    })
    .default({ trimLines: 100, continuation: 'merge' }),
  split: z
    .object({
      strategy: z.enum(['random-runs', 'temporal', 'unseen-errors', 'group-k-fold']).default('random-runs'),
      fractions: z.tuple([z.number(), z.number(), z.number()]).optional(),
      folds: z.number().int().min(3).optional(),
    })
    .default({ strategy: 'random-runs' }),
  /**
   * Label scope: `case` (every file of an error case is anomalous, as LogLead) or `target-service`
   * (only the file of the service the case's request targets; the case's other files are left out).
   */
  labels: choice(
    LABEL_SCOPES,
    "'target-service' leaves out an error case's files of services it does not target",
  ).default('case'),
  /** What one sequence is: a (run, test case, service) `file`, or all services of one (run, `test_case`). */
  seqBy: choice(SEQ_BY, "'test_case' makes one sequence of all services' files of a (run, test case)").default('file'),
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
