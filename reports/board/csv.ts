/**
 * The leaderboard as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds
 * a comma, a quote or a line break, quotes doubled): the rows the plain table shows, every number
 * at full precision, for spreadsheets and scripts. A missing or non-finite number is an empty field.
 */
import type { BoardRow, Leaderboard } from '../index.ts';

/** One CSV column: its header and its field of a row. */
interface CsvColumn {
  name: string;
  value: (row: BoardRow, board: Leaderboard) => string | number | boolean | null;
}

const COLUMNS: readonly CsvColumn[] = [
  { name: 'experiment', value: (r) => r.experiment },
  { name: 'rank', value: (r) => r.rank },
  { name: 'tied_with_above', value: (r) => r.tied },
  { name: 'variant', value: (r) => r.variant },
  { name: 'feature_set', value: (r) => r.featureSet },
  { name: 'algorithm', value: (r) => r.algorithm },
  { name: 'supervised', value: (r) => r.supervised },
  { name: 'label_scope', value: (r) => r.scope.labels },
  { name: 'seq_by', value: (r) => r.scope.seqBy },
  { name: 'faults', value: (r) => r.scope.faults },
  { name: 'seeds', value: (r) => r.seeds },
  { name: 'ranked_by', value: (_, b) => b.primaryMetric },
  { name: 'primary_mean', value: (r) => r.primary.mean },
  { name: 'primary_lo', value: (r) => r.primary.lo },
  { name: 'primary_hi', value: (r) => r.primary.hi },
  { name: 'f1_mean', value: (r) => r.f1.mean },
  { name: 'f1_lo', value: (r) => r.f1.lo },
  { name: 'f1_hi', value: (r) => r.f1.hi },
  { name: 'f1_interval', value: (r) => r.f1.interval },
  { name: 'auc_pr', value: (r) => r.aucPr },
  { name: 'auc_roc', value: (r) => r.aucRoc },
  { name: 'precision_at_k', value: (r) => r.precisionAtK },
  { name: 'fit_ms', value: (r) => r.fitMs },
  { name: 'sequences_per_s', value: (r) => r.throughputPerS },
  { name: 'false_positives', value: (r) => r.falsePositives },
  { name: 'flags', value: (r) => r.flags.map((f) => f.flag).join(' ') },
  { name: 'flag_reasons', value: (r) => r.flags.map((f) => `${f.flag}: ${f.reason}`).join('; ') },
  { name: 'trials', value: (r) => r.trials.join(' ') },
  { name: 'failed_trials', value: (r) => r.failed },
];

/** The CSV header, in column order. */
export const CSV_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name);

/** One field, quoted when RFC 4180 asks for it. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The board's rows as CSV: a header line, then one line per row in the board's order, each ending in CRLF. */
export function renderCsv(board: Leaderboard): string {
  const lines = [
    CSV_COLUMNS.map(csvField).join(','),
    ...board.rows.map((r) => COLUMNS.map((c) => csvField(c.value(r, board))).join(',')),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}
