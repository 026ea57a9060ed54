/**
 * Leaderboard columns: what each shows, how wide it is, how rows sort by it, and which columns fit a
 * given width. Shared by the Ink table and the plain-text table so both choose the same columns.
 */
import { scopeShort } from '../../harness/experiment/index.ts';
import type { BoardRow, PrimaryMetric } from '../index.ts';
import { FLAG_LABEL, fit, fmtMeanCi, fmtMetric, fmtMs, fmtRate } from './format.ts';

export type ColumnId =
  | 'rank'
  | 'variant'
  | 'featureSet'
  | 'f1'
  | 'aucPr'
  | 'aucRoc'
  | 'precisionAtK'
  | 'flags'
  | 'fit'
  | 'throughput'
  | 'supervised'
  | 'seeds'
  | 'experiment'
  | 'scope';

/** Columns the board can sort by (every column but the flags, counts and the experiment's facts). */
export type SortKey = Exclude<ColumnId, 'flags' | 'supervised' | 'seeds' | 'experiment' | 'scope'>;

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

const SPECS: Record<ColumnId, ColumnSpec> = {
  rank: { id: 'rank', title: '#', width: 3, align: 'right' },
  variant: { id: 'variant', title: 'variant', width: 18, max: 24, align: 'left' },
  featureSet: { id: 'featureSet', title: 'feature set', width: 8, max: 16, align: 'left' },
  f1: { id: 'f1', title: 'F1 ±CI', width: CI_WIDTH, align: 'right' },
  aucPr: { id: 'aucPr', title: 'AUC-PR', width: 6, align: 'right' },
  aucRoc: { id: 'aucRoc', title: 'AUC-ROC', width: 7, align: 'right' },
  precisionAtK: { id: 'precisionAtK', title: 'P@k', width: 5, align: 'right' },
  // Flags by short name (FLAG_LABEL), most serious first; the detail view gives the reasons.
  flags: { id: 'flags', title: 'flags', width: 13, max: 22, align: 'left' },
  fit: { id: 'fit', title: 'fit', width: 6, align: 'right' },
  throughput: { id: 'throughput', title: 'thrpt', width: 8, align: 'right' },
  supervised: { id: 'supervised', title: 'sup', width: 5, align: 'left' },
  seeds: { id: 'seeds', title: 'seeds', width: 5, align: 'right' },
  experiment: { id: 'experiment', title: 'experiment', width: 10, max: 16, align: 'left' },
  scope: { id: 'scope', title: 'scope', width: 14, max: 19, align: 'left' },
};

/** Left-to-right order on screen. */
const DISPLAY_ORDER: readonly ColumnId[] = [
  'rank',
  // Rows come grouped by experiment (ranked within it): its name leads the row.
  'experiment',
  'variant',
  'featureSet',
  'f1',
  'aucPr',
  'aucRoc',
  'precisionAtK',
  'flags',
  'scope',
  'fit',
  'throughput',
  'supervised',
  'seeds',
];

const isSortKey = (c: ColumnId): c is SortKey =>
  c !== 'flags' && c !== 'supervised' && c !== 'seeds' && c !== 'experiment' && c !== 'scope';
/** Sortable columns in screen order: the order `s` / `>` cycles through them. */
export const SORT_KEYS: readonly SortKey[] = DISPLAY_ORDER.filter(isSortKey);

/**
 * Most important first: narrow terminals drop steps from the end of this list. A `grow` step widens a
 * name column to its maximum, so full variant names come before fit time and throughput.
 */
const KEEP_ORDER: readonly (ColumnId | { grow: ColumnId })[] = [
  'rank',
  'variant',
  'f1',
  'experiment',
  'featureSet',
  'aucPr',
  'flags',
  'aucRoc',
  'precisionAtK',
  { grow: 'variant' },
  'scope',
  'fit',
  'throughput',
  'supervised',
  'seeds',
];

/** The column that shows each primary metric (with its CI when it is primary). */
export const PRIMARY_COLUMN: Record<PrimaryMetric, ColumnId> = {
  f1: 'f1',
  auc_pr: 'aucPr',
  auc_roc: 'aucRoc',
  precision_at_k: 'precisionAtK',
};

/** Short display names of the primary metrics. */
export const METRIC_LABEL: Record<PrimaryMetric, string> = {
  f1: 'F1',
  auc_pr: 'AUC-PR',
  auc_roc: 'AUC-ROC',
  precision_at_k: 'P@k',
};

export const SORT_LABEL: Record<SortKey, string> = {
  rank: 'rank',
  variant: 'variant',
  featureSet: 'feature set',
  f1: 'F1',
  aucPr: 'AUC-PR',
  aucRoc: 'AUC-ROC',
  precisionAtK: 'P@k',
  fit: 'fit time',
  throughput: 'throughput',
};

/** Natural direction of each sort key: best first (higher metrics, faster fits, more throughput). */
export const SORT_DESCENDING: Record<SortKey, boolean> = {
  rank: false,
  variant: false,
  featureSet: false,
  f1: true,
  aucPr: true,
  aucRoc: true,
  precisionAtK: true,
  fit: false,
  throughput: true,
};

function sortValue(row: BoardRow, key: SortKey): number | string | null {
  switch (key) {
    case 'rank':
      return row.rank;
    case 'variant':
      return row.variant;
    case 'featureSet':
      return row.featureSet;
    case 'f1':
      return row.f1.mean;
    case 'aucPr':
      return row.aucPr;
    case 'aucRoc':
      return row.aucRoc;
    case 'precisionAtK':
      return row.precisionAtK;
    case 'fit':
      return row.fitMs;
    case 'throughput':
      return row.throughputPerS;
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
}

/**
 * Columns that fit in `width` (one space between columns): the rank, variant, primary and sorted
 * columns always, then others by importance while they fit; leftover space widens the names.
 */
export function layoutColumns(width: number, options: LayoutOptions = {}): LaidOutColumn[] {
  const primary = options.primary ?? 'f1';
  const required = new Set<ColumnId>(['rank', 'variant', PRIMARY_COLUMN[primary]]);
  if (options.sort) required.add(options.sort);
  const spec = (id: ColumnId): ColumnSpec =>
    id === PRIMARY_COLUMN[primary] ? { ...SPECS[id], width: Math.max(SPECS[id].width, CI_WIDTH) } : SPECS[id];
  const cost = (id: ColumnId) => spec(id).width + 1;
  const size = new Map<ColumnId, number>([...required].map((id) => [id, spec(id).width]));
  let used = [...required].reduce((s, id) => s + cost(id), -1);
  const skip = (id: ColumnId) => !options.experiments && (id === 'experiment' || id === 'scope');
  for (const step of KEEP_ORDER) {
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
  const columns = DISPLAY_ORDER.filter((id) => size.has(id)).map((id) => ({ ...spec(id), size: size.get(id)! }));
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
  const isPrimary = PRIMARY_COLUMN[primary] === id;
  switch (id) {
    case 'rank':
      return `${row.tied ? '≈' : ''}${row.rank}`;
    case 'variant':
      return row.variant;
    case 'featureSet':
      return row.featureSet;
    case 'f1':
      return fmtMeanCi(row.f1);
    case 'aucPr':
      return isPrimary ? fmtMeanCi(row.primary) : fmtMetric(row.aucPr);
    case 'aucRoc':
      return isPrimary ? fmtMeanCi(row.primary) : fmtMetric(row.aucRoc);
    case 'precisionAtK':
      return isPrimary ? fmtMeanCi(row.primary) : fmtMetric(row.precisionAtK);
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
