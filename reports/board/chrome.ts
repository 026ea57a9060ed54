/**
 * The board's one-line header (filters, metric, sort, row count) and one-line footer (key hints or a
 * notice), each fitted to the terminal width.
 */
import { metricShort, sortLabel } from './columns.ts';
import { truncate } from './format.ts';
import { type BoardState, tablePage, visibleRows } from './state.ts';

/** `exp all · metric F1 · sort F1↓ · fs all · sup all · /lr` then the row count at the right edge. */
export function headerText(s: BoardState): string {
  const n = visibleRows(s).length;
  const page = tablePage(s);
  const window = n > page && s.view === 'table' ? `${s.scroll + 1}–${Math.min(n, s.scroll + page)} of ` : '';
  const count = `${window}${n}/${s.rows.length} rows`;
  const sort =
    s.sort.key === 'rank' && !s.sort.descending ? 'rank' : `${sortLabel(s.sort.key)}${s.sort.descending ? '↓' : '↑'}`;
  const parts = [
    `exp ${s.experiment ?? 'all'}`,
    `metric ${metricShort(s.primary)}`,
    `sort ${sort}`,
    `fs ${s.featureSet ?? 'all'}`,
    `sup ${s.supervision}`,
    ...(s.search !== '' || s.searching ? [`/${s.search}${s.searching ? '▏' : ''}`] : []),
  ];
  const left = truncate(parts.join(' · '), Math.max(0, s.width - count.length - 1));
  return `${left}${' '.repeat(Math.max(1, s.width - left.length - count.length))}${count}`.slice(0, s.width);
}

const HINTS = {
  // Fits 80 columns; narrower terminals lose hints from the right, so quit and help come first.
  table: 'q quit  ? help  ⏎ detail  ␣ mark  s/S sort  m metric  e exp  f fs  u sup  / find',
  detail: 'q quit  ? help  Esc back  ↑↓ scroll recall',
  compare: 'q quit  ? help  Esc back',
} as const;

/** A notice when there is one, else the prompt or the key hints of the view. */
export function footerText(s: BoardState): { text: string; notice: boolean } {
  if (s.message !== null) return { text: truncate(s.message, s.width), notice: true };
  if (s.searching)
    return { text: truncate(`find variant: ${s.search}▏  (Enter keeps, Esc clears)`, s.width), notice: false };
  if (s.help) return { text: truncate('? or Esc closes the help · q quit', s.width), notice: false };
  return { text: truncate(HINTS[s.view], s.width), notice: false };
}
