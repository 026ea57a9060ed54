/**
 * The leaderboard as plain text (no ANSI) for non-TTY output: the same columns as the board, chosen
 * for the given width, every line at most that wide.
 */
import type { Leaderboard } from '../leaderboard.ts';
import { headerLine, layoutColumns, METRIC_LABEL, rowLine } from './columns.ts';
import { truncate } from './format.ts';

/** Same wording as the board's empty screen. */
export const EMPTY_TEXT = 'no finished trials yet — run `bench run experiments/quickstart.ts`';

/**
 * Renders `board` as a text table `width` columns wide (ranked order, `≈` before tied ranks).
 * @param width terminal or page width. @default 100
 */
export function renderStaticTable(board: Leaderboard, width = 100): string {
  if (board.rows.length === 0) return `${truncate(EMPTY_TEXT, width)}\n`;
  const columns = layoutColumns(width, { primary: board.primaryMetric });
  const trivial = board.rows.filter((r) => r.withinTrivialReach).length;
  const title =
    `leaderboard · ranked by ${METRIC_LABEL[board.primaryMetric]} · ${board.rows.length} rows` +
    (trivial > 0 ? ` · ${trivial} within reach of a trivial rule` : '');
  const lines = [
    title,
    headerLine(columns, null),
    ...board.rows.map((r) => rowLine(r, columns, board.primaryMetric)),
  ].map((l) => truncate(l.trimEnd(), width));
  return `${lines.join('\n')}\n`;
}
