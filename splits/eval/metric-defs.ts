/**
 * The metrics registry: one definition per metric a trial stores (the `metrics.name` column), from
 * which every user of metrics derives what it lists — the leaderboard's ranking metrics and board
 * columns, `bench board|report --metric`, `bench compare` and `bench show`, the report's tables and
 * charts, the CSV export, and how a row's seeds combine. A new metric is computed where its
 * evaluation lives (`metrics.ts`, or the event-level trial) and defined here; nothing else lists it.
 *
 * Registry order is the order everything shows metrics in (columns left to right, compare's lines).
 * The built-ins are fixed; `registerMetric` appends one at run time (an extension or a test), so
 * consumers read the registry when they run, never a copy taken at load.
 */
import type { Metrics } from './types.ts';

/** Which way is better. */
export type MetricDirection = 'higher' | 'lower';

/**
 * What a metric is computed over: `sequence` (the trial's main metrics, one score per sequence) or
 * `event` (one score per log line, stored as `event_<metric>` by event-level trials only).
 */
export type MetricLevel = 'sequence' | 'event';

/**
 * How a leaderboard row's per-seed values combine: `mean` — mean of the finite values with its 95 %
 * corrected resampled t-interval over split seeds; `median` — median of the finite values, no
 * interval (for a metric whose seeds' values are heavy-tailed).
 */
export type MetricAggregate = 'mean' | 'median';

/** How a value prints: `ratio` — a number in its range with three decimals. */
export type MetricFormat = 'ratio';

/** The parts of a split a metric can be stored for. */
export type MetricPart = 'train' | 'val' | 'test';

/** One metric, everything its users need to show, rank and combine it. */
export interface MetricDef {
  /** The stored name (`metrics.name`), the `--metric` value and the CSV column: lower snake case. */
  id: string;
  /** Name in sentences, charts and the report (`AUC-PR`, `precision@k`). */
  label: string;
  /** Name in narrow places: board column titles, the board's status line (`P@k`). */
  short: string;
  /** One line: what it measures and when it is undefined. */
  description: string;
  direction: MetricDirection;
  /**
   * The leaderboard can be ranked by it (`--metric`, the board's `m` key), and it has a column on the
   * board, in the CSV export and in the report's leaderboard table.
   */
  rankable: boolean;
  /**
   * Where its interval over seeds shows: `always` (the headline metric: its column always carries
   * ±CI) or `primary` (only while it ranks the board).
   */
  interval: 'always' | 'primary';
  /** Smallest and largest possible values. */
  range: readonly [number, number];
  format: MetricFormat;
  aggregate: MetricAggregate;
  /** Parts a trial stores it for. */
  parts: readonly MetricPart[];
  level: MetricLevel;
}

const ALL_PARTS: readonly MetricPart[] = Object.freeze(['train', 'val', 'test']);
const UNIT: readonly [number, number] = Object.freeze([0, 1]) as readonly [number, number];

/** A sequence-level ratio in [0, 1], over every part, averaged over seeds: what most metrics are. */
function ratio(
  id: keyof Metrics,
  label: string,
  short: string,
  description: string,
  more: Partial<MetricDef> = {},
): MetricDef {
  return {
    id,
    label,
    short,
    description,
    direction: 'higher',
    rankable: false,
    interval: 'primary',
    range: UNIT,
    format: 'ratio',
    aggregate: 'mean',
    parts: ALL_PARTS,
    level: 'sequence',
    ...more,
  };
}

/** The sequence-level metrics, in the order they show (`metricsAt` computes them; DESIGN.md names them). */
const SEQUENCE_METRICS: readonly MetricDef[] = Object.freeze(
  [
    ratio(
      'f1',
      'F1',
      'F1',
      'F1 at the validation threshold: 2·tp / (2·tp + fp + fn); 0 when nothing is predicted or positive',
      {
        rankable: true,
        interval: 'always',
      },
    ),
    ratio('precision', 'precision', 'prec', 'tp / (tp + fp) at the validation threshold; 0 when nothing is flagged'),
    ratio('recall', 'recall', 'rec', 'tp / (tp + fn) at the validation threshold; undefined without anomalies'),
    ratio('auc_pr', 'AUC-PR', 'AUC-PR', 'average precision over all thresholds; undefined without anomalies', {
      rankable: true,
    }),
    ratio('auc_roc', 'AUC-ROC', 'AUC-ROC', 'area under the ROC curve, ties counted ½; undefined with one class', {
      rankable: true,
    }),
    ratio(
      'precision_at_k',
      'precision@k',
      'P@k',
      'precision among the k highest scores (k = the number of anomalies by default)',
      { rankable: true },
    ),
    ratio(
      'fpr_at_alpha',
      'FPR@recall α',
      'FPR@α',
      'false-positive rate at the highest threshold reaching recall ≥ α (0.9); undefined with one class',
      { direction: 'lower' },
    ),
    ratio('accuracy', 'accuracy', 'acc', '(tp + tn) / n at the validation threshold'),
  ].map((d) => Object.freeze(d)),
);

/**
 * The event-level metrics event-level trials store (`event_<id>`, test part), each derived from its
 * sequence-level twin with `atEventLevel`, e.g. `atEventLevel(f1, { rankable: true })` where
 * `f1 = SEQUENCE_METRICS.find((d) => d.id === 'f1')!`.
 * Sequence-level rows have none: their board columns show only when some row has a value.
 */
const EVENT_METRICS: readonly MetricDef[] = Object.freeze(
  (
    [
      ['f1', { rankable: true }],
      ['precision', {}],
      ['recall', {}],
      ['auc_pr', { rankable: true }],
      ['auc_roc', {}],
    ] as const
  ).map(([id, more]) => Object.freeze(atEventLevel(SEQUENCE_METRICS.find((d) => d.id === id)!, more))),
);

/** The built-in metrics in the order they show: sequence level, then event level. */
export const BUILTIN_METRICS: readonly MetricDef[] = Object.freeze([...SEQUENCE_METRICS, ...EVENT_METRICS]);

/** Metrics registered at run time, after the built-ins. */
const registered: MetricDef[] = [];

/** Every metric, in registry order: the built-ins, then those registered. */
export function metricDefs(): readonly MetricDef[] {
  return [...BUILTIN_METRICS, ...registered];
}

/** The definition of metric `id`, or undefined. */
export function metricDef(id: string): MetricDef | undefined {
  return BUILTIN_METRICS.find((d) => d.id === id) ?? registered.find((d) => d.id === id);
}

/** Ids of the metrics that can rank the leaderboard (and have board columns), in registry order. */
export function rankableMetricIds(): string[] {
  return metricDefs()
    .filter((d) => d.rankable)
    .map((d) => d.id);
}

/** Ids of every metric, in registry order: what `bench compare` and `bench show` list. */
export function metricIds(): string[] {
  return metricDefs().map((d) => d.id);
}

const ID = /^[a-z][a-z0-9_]*$/;

/** Throws a TypeError naming the field when `def` is not a well-formed definition. */
export function checkMetricDef(def: MetricDef): MetricDef {
  const where = `metric '${String(def?.id)}'`;
  if (typeof def?.id !== 'string' || !ID.test(def.id)) {
    throw new TypeError(`${where}: id must be lower snake case ([a-z][a-z0-9_]*), as stored in metrics.name`);
  }
  for (const field of ['label', 'short', 'description'] as const) {
    if (typeof def[field] !== 'string' || def[field].length === 0) {
      throw new TypeError(`${where}: ${field} must be a non-empty string`);
    }
  }
  const oneOf = <T>(field: keyof MetricDef, allowed: readonly T[]) => {
    if (!allowed.includes(def[field] as T)) {
      throw new TypeError(`${where}: ${field} must be one of ${allowed.join(', ')} (got ${String(def[field])})`);
    }
  };
  oneOf('direction', ['higher', 'lower']);
  oneOf('interval', ['always', 'primary']);
  oneOf('format', ['ratio']);
  oneOf('aggregate', ['mean', 'median']);
  oneOf('level', ['sequence', 'event']);
  if (typeof def.rankable !== 'boolean') throw new TypeError(`${where}: rankable must be true or false`);
  const [lo, hi] = Array.isArray(def.range) ? def.range : [Number.NaN, Number.NaN];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo! < hi!)) {
    throw new TypeError(`${where}: range must be [lo, hi] with lo < hi, both finite`);
  }
  if (!Array.isArray(def.parts) || def.parts.length === 0 || def.parts.some((p) => !ALL_PARTS.includes(p))) {
    throw new TypeError(`${where}: parts must list some of ${ALL_PARTS.join(', ')}`);
  }
  if (def.level === 'event' && !def.id.startsWith('event_')) {
    throw new TypeError(`${where}: an event-level metric's id starts with 'event_' (event trials store it so)`);
  }
  return def;
}

/**
 * Adds a metric after those defined so far, so that the board, the CLI, compare and the report show
 * it. For a metric the harness computes itself, add it to `BUILTIN_METRICS` (or its level's list)
 * instead; this is for extensions and tests. A taken id is an error.
 */
export function registerMetric(def: MetricDef): void {
  checkMetricDef(def);
  if (metricDef(def.id) !== undefined) {
    throw new TypeError(`metric '${def.id}' is already defined; each metric has one definition`);
  }
  registered.push(Object.freeze({ ...def, parts: Object.freeze([...def.parts]) }));
}

/**
 * The event-level counterpart of a sequence-level metric: id `event_<id>`, labels prefixed with
 * "event", test part only. Rankable only when asked: a board column of a metric that sequence-level
 * trials never have would be empty for most rows.
 */
export function atEventLevel(def: MetricDef, more: Partial<MetricDef> = {}): MetricDef {
  return {
    ...def,
    id: `event_${def.id}`,
    label: `event ${def.label}`,
    short: `e${def.short}`,
    description: `per log line: ${def.description}`,
    rankable: false,
    interval: 'primary',
    parts: ['test'],
    level: 'event',
    ...more,
  };
}
