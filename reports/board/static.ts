/**
 * The leaderboard as plain text (no ANSI) for non-TTY output: the same columns as the board, chosen
 * for the given width, every line at most that wide. Leak warnings come first and are wrapped, not
 * cut: on a null dataset they are the result.
 */
import { scopeText } from '../../harness/experiment/index.ts';
import { type BoardRow, type Leaderboard, shownMetrics } from '../index.ts';
import { headerLine, layoutColumns, metricShort, rowLine } from './columns.ts';
import { BOARD_LEGEND, FLAG_LABEL, truncate } from './format.ts';

/** Same wording as the board's empty screen. */
export const EMPTY_TEXT = 'no finished trials yet — run `bench run experiments/quickstart.ts`';

/** `text` in lines of at most `width` columns, broken at spaces; continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent = '  '): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (current === '' || [...next].length <= width) current = next;
    else {
      lines.push(current);
      current = `${indent}${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines.map((l) => truncate(l, width));
}

/** `3 flagged (2 trivial, 1 degen)`, or '' when no row carries a flag. */
export function flagSummary(rows: readonly BoardRow[]): string {
  const flagged = rows.filter((r) => r.flags.length > 0).length;
  if (flagged === 0) return '';
  const counts = new Map<string, number>();
  for (const r of rows) for (const f of r.flags) counts.set(f.flag, (counts.get(f.flag) ?? 0) + 1);
  const parts = (Object.keys(FLAG_LABEL) as (keyof typeof FLAG_LABEL)[])
    .filter((f) => counts.has(f))
    .map((f) => `${counts.get(f)} ${FLAG_LABEL[f]}`);
  return `${flagged} flagged (${parts.join(', ')})`;
}

/**
 * Renders `board` as a text table `width` columns wide (grouped by experiment, ranked within it, `≈`
 * before tied ranks), under the leak warnings and each experiment's scope, over the legend of ±, ≈
 * and the flags. `empty` replaces the line shown when there are no rows.
 * @param width terminal or page width. @default 100
 */
export function renderStaticTable(board: Leaderboard, width = 100, empty = EMPTY_TEXT): string {
  if (board.rows.length === 0) return `${wrap(empty, width).join('\n')}\n`;
  const names = [...new Set(board.rows.map((r) => r.experiment))];
  const columns = layoutColumns(width, {
    primary: board.primaryMetric,
    experiments: names.length > 1,
    metrics: shownMetrics(board.rows, board.primaryMetric).map((d) => d.id),
  });
  const flagged = flagSummary(board.rows);
  const title =
    (board.warnings.length > 0 ? `⚠ ${board.warnings.length} LEAKING on a null dataset · ` : '') +
    `leaderboard · ranked by ${metricShort(board.primaryMetric)} · ${board.rows.length} rows` +
    (names.length > 1 ? ` of ${names.length} experiments (ranked within each)` : '') +
    (flagged ? ` · ${flagged}` : '');
  const scopes = names.flatMap((name) => {
    const scope = board.scopes[name] ?? board.rows.find((r) => r.experiment === name)!.scope;
    return wrap(`scope ${name}: ${scopeText(scope)}`, width);
  });
  const lines = [
    ...wrap(title, width),
    ...board.warnings.flatMap((w) => wrap(`⚠ LEAK ${w}`, width)),
    ...scopes,
    ...[headerLine(columns, null), ...board.rows.map((r) => rowLine(r, columns, board.primaryMetric))].map((l) =>
      truncate(l.trimEnd(), width),
    ),
    ...BOARD_LEGEND.flatMap((l) => wrap(l, width)),
  ];
  return `${lines.join('\n')}\n`;
}
