/**
 * Experiment files: `export default defineExperiment({...})`, validated with zod. Validation errors
 * name the file and the field (`experiments/x.ts: variants[2]: unknown variant 'event_nb_words'`).
 */
import { z } from 'zod';
import { LEVELS, parseFeatureSet } from '../../models/index.ts';
import { LABEL_SCOPES, SEQ_BY, SPLIT_STRATEGIES } from '../../splits/index.ts';
import { ON_BAD_FILE, SERVICES } from '../data/index.ts';
import { closest, configError } from '../errors/index.ts';
import { experimentVariants, isSafeName, type VariantEntry, VariantFieldError } from './variants.ts';

const featureSetName = z.string().superRefine((v, ctx) => {
  try {
    parseFeatureSet(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/**
 * A registry name, or a variant defined in the file (harness/experiment/variants.ts): names, options,
 * levels and grids are checked there, after the shapes here, so each error names its field.
 */
const variantEntry = z.union([
  z.string(),
  z.strictObject({
    name: z.string(),
    algorithm: z.string().optional(),
    from: z.string().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    featureSet: featureSetName.optional(),
    level: z.string().optional(),
    vectorizer: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/** A string enum whose error lists the allowed values and what was given (`hint` says what they mean). */
function choice<const T extends readonly [string, ...string[]]>(values: T, hint: string) {
  return z.enum(values, {
    error: (issue) =>
      `must be one of ${values.map((v) => `'${v}'`).join(', ')} (got ${JSON.stringify(issue.input)}); ${hint}`,
  });
}

/** What labels event rows get: their sequence's, or the generator's fault flag (see `eventLabels`). */
export const EVENT_LABELS = ['sequence', 'fault'] as const;
export type EventLabels = (typeof EVENT_LABELS)[number];

const dataset = z.discriminatedUnion('source', [
  z.strictObject({
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
  z.strictObject({
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

export const experimentSchema = z.strictObject({
  /** Name shown in listings and reports, and the default folder name of its report. */
  name: z
    .string()
    .min(1)
    .refine(isSafeName, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} cannot name an experiment (no '/', '\\', control characters, or only dots); use e.g. 'standard-v2'`,
    }),
  dataset,
  /** Loader options. */
  ingest: z
    .strictObject({
      trimLines: z.number().int().min(0).default(100),
      /** Continuation lines (stack frames): merged into the event above, dropped, or kept as events. */
      continuation: z.enum(['merge', 'drop', 'keep']).default('merge'),
      services: z.array(z.enum(SERVICES)).min(1).optional(),
      runs: z.number().int().min(0).optional(),
      errorsPerRun: z.number().int().min(-1).optional(),
      seed: z.number().int().optional(),
      /**
       * Log files the ingest could not read (badFilesError): `fail` stops the run naming them, `skip`
       * runs without them.
       */
      onBadFile: choice(
        ON_BAD_FILE,
        "'fail' stops the run on a log file that cannot be read, 'skip' runs without such files",
      ).default('fail'),
    })
    .default({ trimLines: 100, continuation: 'merge', onBadFile: 'fail' }),
  split: z
    .object({
      strategy: z.enum(SPLIT_STRATEGIES).default('random-runs'),
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
  seeds: z
    .array(z.number().int())
    .min(1)
    .refine((seeds) => new Set(seeds).size === seeds.length, {
      error: (issue) =>
        `seed ${duplicateOf(issue.input as number[])} is listed twice (a seed gives one trial per variant × feature set; list each once)`,
    })
    .default([1]),
  /**
   * Variants to run, or 'all' for the 14: registry names, inline variants `{ name, algorithm, options,
   * featureSet, level, vectorizer }`, and registry variants with settings overridden `{ name, from, options }`.
   */
  variants: z.union([z.literal('all'), z.array(variantEntry).min(1)]).default('all'),
  /**
   * Tuning grids by variant name: `{ event_rf_words: { maxDepth: [6, 12] } }`. A tuned variant is one
   * trial per seed and feature set that fits every grid point on train and keeps the best on
   * validation (F1 at the threshold rule, ties → AUC-PR, then grid order); test never chooses.
   */
  tune: z.record(z.string(), z.record(z.string(), z.array(z.unknown()))).optional(),
  /** Feature sets crossed with the variants; omitted: each variant's own default. */
  featureSets: z.array(featureSetName).min(1).optional(),
  /**
   * Levels crossed with the registry variants: 'sequence' (a row per sequence) and 'event' (a row per
   * log line with its message's tokens, scored back to its sequence by the maximum of its events).
   * A registry variant at event level is named `<variant>@event`.
   */
  levels: z
    .array(choice(LEVELS, "'event' trains and scores one row per log line"))
    .min(1)
    .refine((levels) => new Set(levels).size === levels.length, {
      error: 'a level is listed twice; list each once',
    })
    .default(['sequence']),
  /**
   * The label of an event row: its sequence's (`sequence`), or — synthetic data only — whether the
   * injected fault caused it (`fault`, the generator's ground truth). Sequence-view metrics always use
   * the sequences' labels.
   */
  eventLabels: choice(
    EVENT_LABELS,
    "'fault' labels each event by the generator's ground truth (synthetic datasets only)",
  ).default('sequence'),
  /** Threshold rule on validation. */
  threshold: z
    .discriminatedUnion('rule', [
      z.strictObject({ rule: z.literal('max-f1') }),
      z.strictObject({ rule: z.literal('contamination'), contamination: z.number().gt(0).lt(1) }),
    ])
    .default({ rule: 'max-f1' }),
  /** Explanation files per trial (see harness/sweep/explain.ts); false writes none. */
  explain: z
    .union([
      z.literal(false),
      z.strictObject({
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
      z.strictObject({
        timeMs: z.number().min(0).default(50),
        samples: z.number().int().min(1).default(5),
        rows: z.number().int().min(1).default(256),
      }),
    ])
    .default({ timeMs: 50, samples: 5, rows: 256 }),
});

export type ExperimentInput = z.input<typeof experimentSchema>;
export type Experiment = z.output<typeof experimentSchema> & { variants: VariantEntry[] | 'all' };

/** Declares an experiment (identity at runtime; types and validation come from the schema). */
export function defineExperiment(config: ExperimentInput): ExperimentInput {
  return config;
}

function duplicateOf(xs: readonly number[]): number | undefined {
  return xs.find((x, i) => xs.indexOf(x) !== i);
}

/** The keys an object of the schema at `path` knows (for "did you mean"), or none. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let node: z.ZodType = experimentSchema;
  for (const p of path) {
    node = unwrap(node);
    // A union (e.g. `variants`: 'all' or a list of names and objects): the option the path goes through.
    if (node instanceof z.ZodUnion) {
      const options = (node.options as z.ZodType[]).map(unwrap);
      node = options.find((o) => (typeof p === 'number' ? o instanceof z.ZodArray : o instanceof z.ZodObject)) ?? node;
    }
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(p)] ?? node;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
  }
  node = unwrap(node);
  if (node instanceof z.ZodObject) return Object.keys(node.shape);
  if (node instanceof z.ZodDiscriminatedUnion || node instanceof z.ZodUnion) {
    return [
      ...new Set(
        node.options.flatMap((o) =>
          unwrap(o as z.ZodType) instanceof z.ZodObject
            ? Object.keys((unwrap(o as z.ZodType) as z.ZodObject).shape)
            : [],
        ),
      ),
    ];
  }
  return [];
}

function unwrap(node: z.ZodType): z.ZodType {
  let n = node;
  while (n instanceof z.ZodDefault || n instanceof z.ZodOptional) n = n.unwrap() as z.ZodType;
  return n;
}

/** Validates an experiment; errors name `file` and the field path (an unknown key: the key, and the nearest known one). */
export function parseExperiment(input: unknown, file: string): Experiment {
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const guess = closest(key, knownKeys(issue.path));
      const where = [...issue.path, key];
      const field = where
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      throw configError(`${file}: ${field}: unknown key${guess === null ? '' : ` — did you mean '${guess}'?`}`, {
        file,
        field,
        hint: `known keys here: ${knownKeys(issue.path).join(', ')}`,
      });
    }
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
  const e = result.data as Experiment;
  try {
    experimentVariants(e.variants, e.tune);
  } catch (err) {
    if (!(err instanceof VariantFieldError)) throw err;
    throw configError(`${file}: ${err.field}: ${err.message}`, {
      file,
      field: err.field,
      hint: 'docs/VARIANTS.md lists the algorithms, their options and the registry variants',
    });
  }
  if (e.eventLabels === 'fault' && (e.dataset.source !== 'synthetic' || e.dataset.faults === 'none')) {
    throw configError(
      `${file}: eventLabels: 'fault' needs the ground truth of a synthetic dataset with its faults injected`,
      {
        file,
        field: 'eventLabels',
        hint: "use eventLabels: 'sequence' (each event gets its sequence's label) for this dataset",
      },
    );
  }
  return e;
}
