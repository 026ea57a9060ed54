/**
 * The leaderboard as plain text (no ANSI) for non-TTY output: the same columns as the board, chosen
 * for the given width, every line at most that wide. Leak warnings come first and are wrapped, not
 * cut: on a null dataset they are the result.
 */
import { scopeText } from '../../harness/experiment/index.ts';
import type { Leaderboard } from '../leaderboard.ts';
import { headerLine, layoutColumns, METRIC_LABEL, rowLine } from './columns.ts';
import { truncate } from './format.ts';

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

/**
 * Renders `board` as a text table `width` columns wide (ranked order, `≈` before tied ranks), under
 * the leak warnings and each experiment's scope.
 * @param width terminal or page width. @default 100
 */
export function renderStaticTable(board: Leaderboard, width = 100): string {
  if (board.rows.length === 0) return `${truncate(EMPTY_TEXT, width)}\n`;
  const names = [...new Set(board.rows.map((r) => r.experiment))];
  const columns = layoutColumns(width, { primary: board.primaryMetric, experiments: names.length > 1 });
  const trivial = board.rows.filter((r) => r.withinTrivialReach).length;
  const title =
    (board.warnings.length > 0 ? `⚠ ${board.warnings.length} LEAKING on a null dataset · ` : '') +
    `leaderboard · ranked by ${METRIC_LABEL[board.primaryMetric]} · ${board.rows.length} rows` +
    (trivial > 0 ? ` · ${trivial} within reach of a trivial rule` : '');
  const scopes = names.flatMap((name) => {
    const scope = board.scopes[name] ?? board.rows.find((r) => r.experiment === name)!.scope;
    return wrap(`scope ${name}: ${scopeText(scope)}`, width);
  });
  const lines = [
    truncate(title, width),
    ...board.warnings.flatMap((w) => wrap(`⚠ LEAK ${w}`, width)),
    ...scopes,
    ...[headerLine(columns, null), ...board.rows.map((r) => rowLine(r, columns, board.primaryMetric))].map((l) =>
      truncate(l.trimEnd(), width),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
