/**
 * Leaderboard columns: what each shows, how wide it is, how rows sort by it, and which columns fit a
 * given width. Shared by the Ink table and the plain-text table so both choose the same columns.
 */
import { scopeShort } from '../../harness/experiment/index.ts';
import { type MetricDef, metricDef, metricDefs } from '../../splits/eval/index.ts';
import { type BoardRow, entryMetric, type PrimaryMetric, shownMetrics } from '../index.ts';
import { FLAG_LABEL, fit, fmtMeanCi, fmtMetric, fmtMs, fmtRate } from './format.ts';

/** The columns that are not a metric's. */
type FixedColumnId =
  | 'rank'
  | 'variant'
  | 'featureSet'
  | 'flags'
  | 'fit'
  | 'throughput'
  | 'supervised'
  | 'seeds'
  | 'experiment'
  | 'scope';

/**
 * A column: a fixed one, or a rankable metric's (its id in camel case, `auc_pr` → `aucPr`; see
 * `metricColumnId`), one per metric of the registry (splits/eval `metricDefs`).
 */
export type ColumnId = FixedColumnId | (string & {});

/** Columns the board can sort by: every metric's and the fixed ones but the flags, counts and the experiment's facts. */
export type SortKey = Exclude<FixedColumnId, 'flags' | 'supervised' | 'seeds' | 'experiment' | 'scope'> | (string & {});

export interface ColumnSpec {
  id: ColumnId;
  title: string;
  /** Minimum width; fixed columns get exactly this. */
  width: number;
  /** Flexible columns (names) grow into leftover space up to this width. */
  max?: number;
  align: 'left' | 'right';
}

export interface LaidOutColumn extends ColumnSpec {
  /** Width given by `layoutColumns`, ≥ `width` for flexible columns. */
  size: number;
}

/** Width of the mean±CI text (`0.912±0.031`). */
const CI_WIDTH = 11;
/** Width of a ratio with three decimals (`0.912`). */
const RATIO_WIDTH = 5;

const FIXED: Record<FixedColumnId, ColumnSpec> = {
  rank: { id: 'rank', title: '#', width: 3, align: 'right' },
  variant: { id: 'variant', title: 'variant', width: 18, max: 24, align: 'left' },
  featureSet: { id: 'featureSet', title: 'feature set', width: 8, max: 16, align: 'left' },
  // Flags by short name (FLAG_LABEL), most serious first; the detail view gives the reasons.
  flags: { id: 'flags', title: 'flags', width: 13, max: 22, align: 'left' },
  fit: { id: 'fit', title: 'fit', width: 6, align: 'right' },
  throughput: { id: 'throughput', title: 'thrpt', width: 8, align: 'right' },
  supervised: { id: 'supervised', title: 'sup', width: 5, align: 'left' },
  seeds: { id: 'seeds', title: 'seeds', width: 5, align: 'right' },
  experiment: { id: 'experiment', title: 'experiment', width: 10, max: 16, align: 'left' },
  scope: { id: 'scope', title: 'scope', width: 14, max: 19, align: 'left' },
};

/** The board column of metric `id`: its id in camel case (`precision_at_k` → `precisionAtK`). */
export const metricColumnId = (id: string): ColumnId => id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The metric whose column `column` is, or undefined for a fixed column. */
export function columnMetric(column: ColumnId): MetricDef | undefined {
  if (column in FIXED) return undefined;
  return metricDefs().find((d) => d.rankable && metricColumnId(d.id) === column);
}

/** A metric's column: its short label, as wide as its values (the headline metric's carry ±CI). */
function metricSpec(def: MetricDef): ColumnSpec {
  const always = def.interval === 'always';
  return {
    id: metricColumnId(def.id),
    title: always ? `${def.short} ±CI` : def.short,
    width: always ? CI_WIDTH : Math.max(RATIO_WIDTH, def.short.length),
    align: 'right',
  };
}

/** The metrics with a column: `metrics` when given, else every rankable sequence-level one and the primary. */
function columnMetrics(metrics: readonly string[] | undefined, primary: PrimaryMetric): MetricDef[] {
  const defs = metrics === undefined ? shownMetrics([], primary) : metrics.flatMap((id) => metricDef(id) ?? []);
  return defs.filter((d) => d.rankable);
}

/** Left-to-right order on screen: names, then the metrics in registry order, then the rest. */
function displayOrder(metrics: readonly MetricDef[]): ColumnId[] {
  return [
    'rank',
    // Rows come grouped by experiment (ranked within it): its name leads the row.
    'experiment',
    'variant',
    'featureSet',
    ...metrics.map((d) => metricColumnId(d.id)),
    'flags',
    'scope',
    'fit',
    'throughput',
    'supervised',
    'seeds',
  ];
}

const UNSORTABLE = new Set<ColumnId>(['flags', 'supervised', 'seeds', 'experiment', 'scope']);

/**
 * Sortable columns in screen order: the order `s` / `>` cycles through them. `metrics` as in
 * `LayoutOptions`.
 */
export function sortKeys(metrics?: readonly string[], primary: PrimaryMetric = 'f1'): SortKey[] {
  return displayOrder(columnMetrics(metrics, primary)).filter((c) => !UNSORTABLE.has(c));
}

/**
 * Most important first: narrow terminals drop steps from the end of this list. The headline metric
 * (interval `always`) comes right after the names; flags after the first other metric, so a narrow
 * board still says whether a row can be trusted; then the other metrics. A `grow` step widens a
 * name column to its maximum, so full variant names come before fit time and throughput.
 */
function keepOrder(metrics: readonly MetricDef[]): (ColumnId | { grow: ColumnId })[] {
  const headline = metrics.filter((d) => d.interval === 'always').map((d) => metricColumnId(d.id));
  const others = metrics.filter((d) => d.interval !== 'always').map((d) => metricColumnId(d.id));
  return [
    'rank',
    'variant',
    ...headline,
    'experiment',
    'featureSet',
    ...others.slice(0, 1),
    'flags',
    ...others.slice(1),
    { grow: 'variant' },
    'scope',
    'fit',
    'throughput',
    'supervised',
    'seeds',
  ];
}

/** Short display name of a metric (`P@k`); the id itself for one the registry does not know. */
export const metricShort = (id: string): string => metricDef(id)?.short ?? id;

/** Name of a sort key in the board's header (`AUC-PR`, `fit time`). */
export function sortLabel(key: SortKey): string {
  const metric = columnMetric(key);
  if (metric) return metric.short;
  return key === 'featureSet' ? 'feature set' : key === 'fit' ? 'fit time' : key;
}

/** Natural direction of each sort key: best first (by the metric's direction, faster fits, more throughput); names A→Z. */
export function sortDescending(key: SortKey): boolean {
  const metric = columnMetric(key);
  if (metric) return metric.direction === 'higher';
  return key === 'throughput';
}

function sortValue(row: BoardRow, key: SortKey): number | string | null {
  const metric = columnMetric(key);
  if (metric) return entryMetric(row, metric.id).mean;
  switch (key) {
    case 'rank':
      return row.rank;
    case 'variant':
      return row.variant;
    case 'featureSet':
      return row.featureSet;
    case 'fit':
      return row.fitMs;
    case 'throughput':
      return row.throughputPerS;
    default:
      return null;
  }
}

const missing = (v: number | string | null) => v === null || (typeof v === 'number' && !Number.isFinite(v));

/**
 * Rows sorted by `key` (stable: equal values keep rank order). Missing values go last in either
 * direction, so reversing a sort never puts "–" on top. `rank` is the loaded order: ranks restart
 * in each experiment's group, and sorting by their numbers would interleave the groups.
 */
export function sortRows(rows: readonly BoardRow[], key: SortKey, descending: boolean): BoardRow[] {
  const sign = descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, v: key === 'rank' ? i : sortValue(row, key) }))
    .sort((x, y) => {
      const mx = missing(x.v);
      const my = missing(y.v);
      if (mx || my) return mx === my ? x.i - y.i : mx ? 1 : -1;
      const c =
        typeof x.v === 'string' || typeof y.v === 'string'
          ? String(x.v).localeCompare(String(y.v))
          : (x.v as number) - (y.v as number);
      return c === 0 ? x.i - y.i : sign * c;
    })
    .map((x) => x.row);
}

export interface LayoutOptions {
  /** Its column is always kept and shows the primary interval. @default 'f1' */
  primary?: PrimaryMetric;
  /** The sorted column is always kept. @default 'rank' */
  sort?: SortKey;
  /**
   * Rows of several experiments: show which experiment and scope each row belongs to (with one
   * experiment its scope is a line above the table). @default false
   */
  experiments?: boolean;
  /**
   * Ids of the metrics with a column, in order (`shownMetrics(rows, primary)`). @default every
   * rankable sequence-level metric and the primary
   */
  metrics?: readonly string[];
}

/**
 * Columns that fit in `width` (one space between columns): the rank, variant, primary and sorted
 * columns always, then others by importance while they fit; leftover space widens the names.
 */
export function layoutColumns(width: number, options: LayoutOptions = {}): LaidOutColumn[] {
  const primary = options.primary ?? 'f1';
  const metrics = columnMetrics(options.metrics, primary);
  const primaryColumn = metricColumnId(primary);
  const specs = new Map<ColumnId, ColumnSpec>([
    ...Object.values(FIXED).map((c): [ColumnId, ColumnSpec] => [c.id, c]),
    ...metrics.map((d): [ColumnId, ColumnSpec] => [metricColumnId(d.id), metricSpec(d)]),
  ]);
  const required = new Set<ColumnId>(['rank', 'variant', primaryColumn].filter((id) => specs.has(id)));
  if (options.sort && specs.has(options.sort)) required.add(options.sort);
  const spec = (id: ColumnId): ColumnSpec => {
    const s = specs.get(id)!;
    return id === primaryColumn ? { ...s, width: Math.max(s.width, CI_WIDTH) } : s;
  };
  const cost = (id: ColumnId) => spec(id).width + 1;
  const size = new Map<ColumnId, number>([...required].map((id) => [id, spec(id).width]));
  let used = [...required].reduce((s, id) => s + cost(id), -1);
  const skip = (id: ColumnId) => !options.experiments && (id === 'experiment' || id === 'scope');
  for (const step of keepOrder(metrics)) {
    if (typeof step !== 'object' && skip(step)) continue;
    if (typeof step === 'object') {
      const now = size.get(step.grow);
      const max = spec(step.grow).max;
      if (now === undefined || max === undefined) continue;
      const grow = Math.max(0, Math.min(width - used, max - now));
      size.set(step.grow, now + grow);
      used += grow;
    } else if (!size.has(step) && used + cost(step) <= width) {
      size.set(step, spec(step).width);
      used += cost(step);
    }
  }
  const columns = displayOrder(metrics)
    .filter((id) => size.has(id))
    .map((id) => ({ ...spec(id), size: size.get(id)! }));
  // Leftover space widens the name columns up to their maximum.
  let spare = width - used;
  for (const c of columns) {
    if (c.max === undefined) continue;
    const grow = Math.max(0, Math.min(spare, c.max - c.size));
    c.size += grow;
    spare -= grow;
  }
  // Too narrow even for the required columns: the variant gives way (the caller still truncates lines).
  if (spare < 0) {
    const v = columns.find((c) => c.id === 'variant');
    if (v) v.size = Math.max(4, v.size + spare);
  }
  return columns;
}

/** The text of one cell, not yet padded. */
export function cellText(row: BoardRow, id: ColumnId, primary: PrimaryMetric): string {
  const metric = columnMetric(id);
  if (metric) {
    // The headline metric always shows its own interval; another shows the ranking's while it ranks.
    if (metric.interval === 'always') return fmtMeanCi(entryMetric(row, metric.id));
    return metric.id === primary ? fmtMeanCi(row.primary) : fmtMetric(entryMetric(row, metric.id).mean);
  }
  switch (id) {
    case 'rank':
      return `${row.tied ? '≈' : ''}${row.rank}`;
    case 'variant':
      return row.variant;
    case 'featureSet':
      return row.featureSet;
    case 'flags':
      return row.flags.length === 0 ? '' : `⚠ ${row.flags.map((f) => FLAG_LABEL[f.flag]).join(' ')}`;
    case 'fit':
      return fmtMs(row.fitMs);
    case 'throughput':
      return fmtRate(row.throughputPerS);
    case 'supervised':
      return row.supervised ? 'sup' : 'unsup';
    case 'seeds':
      return row.failed > 0 ? `${row.seeds}+${row.failed}f` : String(row.seeds);
    case 'experiment':
      return row.experiment;
    case 'scope':
      return scopeShort(row.scope);
    default:
      return '';
  }
}

/** Column titles, the sorted one with its direction arrow. */
export function headerLine(
  columns: readonly LaidOutColumn[],
  sort: { key: SortKey; descending: boolean } | null,
): string {
  return columns
    .map((c) => {
      // Rank order is the default, so only a reversed rank gets an arrow.
      const shown = sort && sort.key === c.id && (sort.key !== 'rank' || sort.descending);
      const arrow = shown ? (sort.descending ? '↓' : '↑') : '';
      return fit(c.title + arrow, c.size, c.align);
    })
    .join(' ');
}

/** One row's cells, padded to the column sizes. */
export function rowLine(row: BoardRow, columns: readonly LaidOutColumn[], primary: PrimaryMetric): string {
  return columns.map((c) => fit(cellText(row, c.id, primary), c.size, c.align)).join(' ');
}
