/**
 * The leaderboard as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds
 * a comma, a quote or a line break, quotes doubled): the rows the plain table shows, every number
 * at full precision, for spreadsheets and scripts. A missing or non-finite number is an empty field.
 */
import { metricDefs } from '../../splits/eval/index.ts';
import { type BoardRow, entryMetric, type Leaderboard } from '../index.ts';

/** One CSV column: its header and its field of a row. */
interface CsvColumn {
  name: string;
  value: (row: BoardRow, board: Leaderboard) => string | number | boolean | null;
}

/**
 * Every rankable metric of the registry, in its order, whether or not the board shows it (a script's
 * columns do not move with the rows): the headline metric with its interval, the others' means.
 */
function metricColumns(): CsvColumn[] {
  return metricDefs()
    .filter((d) => d.rankable)
    .flatMap((d): CsvColumn[] =>
      d.interval === 'always'
        ? [
            { name: `${d.id}_mean`, value: (r) => entryMetric(r, d.id).mean },
            { name: `${d.id}_lo`, value: (r) => entryMetric(r, d.id).lo },
            { name: `${d.id}_hi`, value: (r) => entryMetric(r, d.id).hi },
            { name: `${d.id}_interval`, value: (r) => entryMetric(r, d.id).interval },
          ]
        : [{ name: d.id, value: (r) => entryMetric(r, d.id).mean }],
    );
}

/** The columns in order, the metrics' as the registry has them now. */
const columns = (): CsvColumn[] => [
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
  ...metricColumns(),
  { name: 'fit_ms', value: (r) => r.fitMs },
  { name: 'sequences_per_s', value: (r) => r.throughputPerS },
  { name: 'false_positives', value: (r) => r.falsePositives },
  { name: 'flags', value: (r) => r.flags.map((f) => f.flag).join(' ') },
  { name: 'flag_reasons', value: (r) => r.flags.map((f) => `${f.flag}: ${f.reason}`).join('; ') },
  { name: 'trials', value: (r) => r.trials.join(' ') },
  { name: 'failed_trials', value: (r) => r.failed },
];

/** The CSV header, in column order. */
export const csvColumns = (): string[] => columns().map((c) => c.name);

/** One field, quoted when RFC 4180 asks for it. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The board's rows as CSV: a header line, then one line per row in the board's order, each ending in CRLF. */
export function renderCsv(board: Leaderboard): string {
  const cols = columns();
  const lines = [
    cols.map((c) => csvField(c.name)).join(','),
    ...board.rows.map((r) => cols.map((c) => csvField(c.value(r, board))).join(',')),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}
