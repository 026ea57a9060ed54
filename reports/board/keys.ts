/**
 * Keys → reducer actions, and the help text listing them. Which keys mean what depends on the view,
 * the help overlay and the `/` prompt, so the mapping reads the state (but never changes it).
 */
import type { Key } from 'ink';
import type { Line } from './layout.ts';
import type { Action, BoardState } from './state.ts';

/** The parts of Ink's `Key` the board reads; tests pass only what they press. */
export type KeyInfo = Partial<
  Pick<
    Key,
    | 'upArrow'
    | 'downArrow'
    | 'leftArrow'
    | 'rightArrow'
    | 'pageUp'
    | 'pageDown'
    | 'home'
    | 'end'
    | 'return'
    | 'escape'
    | 'backspace'
    | 'delete'
    | 'ctrl'
    | 'meta'
    | 'tab'
  >
>;

/** Every key of the board with what it does, as the help overlay lists them. */
export const KEY_HELP: readonly (readonly [keys: string, what: string])[] = [
  ['↑ ↓  j k', 'move the selection (scroll the recall list in the detail view)'],
  ['PgUp PgDn', 'move a page'],
  ['g G  Home End', 'first / last row'],
  ['s  >', 'sort by the next column (best first)'],
  ['<', 'sort by the previous column'],
  ['S', 'reverse the sort'],
  ['m', 'next primary metric (re-ranks, ties change)'],
  ['e', 'next experiment (all, then each one)'],
  ['f', 'next feature set filter'],
  ['u', 'supervised / unsupervised / all'],
  ['/', 'filter variants by name (Enter keeps, Esc clears)'],
  ['Enter', 'detail of the selected row'],
  ['space', 'mark a row; a second mark compares the two'],
  ['Esc  Backspace', 'back to the table; clear the mark or filter'],
  ['?', 'this help (any of ? Esc closes it)'],
  ['q  Ctrl-C', 'quit'],
];

/** What the table's marks mean, short enough for the help overlay (BOARD_LEGEND in full). */
export const MARK_HELP: readonly (readonly [mark: string, what: string])[] = [
  ['±', '95 % corrected resampled t-interval over split seeds (1 seed: none)'],
  ['≈', 'corrected t-test vs the row above: p ≥ 0.05 (same experiment)'],
  ['flags', 'LEAK null data · degen all/none flagged · trivial ≤ rule + 0.02 · noconv'],
];

/** The help overlay's lines: the keys, then what the marks mean (Enter on a row gives its flags' reasons). */
export function helpLines(width: number): Line[] {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length)) + 2;
  const entry = ([k, what]: readonly [string, string]) => ({ text: `${k.padEnd(keyWidth)}${what}`.slice(0, width) });
  return [
    { text: 'keys', tone: 'title' },
    ...KEY_HELP.map(entry),
    { text: 'marks', tone: 'title' },
    ...MARK_HELP.map(entry),
  ];
}

const printable = (text: string) => [...text].every((ch) => ch.codePointAt(0)! >= 0x20 && ch !== '\u007f');

/** The action a key press means in the current state, or null to ignore it. */
export function keyToAction(input: string, key: KeyInfo, s: BoardState): Action | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (s.searching) {
    if (key.return) return { type: 'searchDone' };
    if (key.escape) return { type: 'searchCancel' };
    if (key.backspace || key.delete) return { type: 'searchBackspace' };
    if (input !== '' && !key.ctrl && !key.meta && !key.tab && printable(input)) {
      return { type: 'searchInput', text: input };
    }
    return null;
  }
  if (input === 'q') return { type: 'quit' };
  if (s.help) return input === '?' || key.escape || key.backspace || key.delete ? { type: 'toggleHelp' } : null;
  if (input === '?') return { type: 'toggleHelp' };
  if (key.escape || key.backspace || key.delete) return { type: 'back' };
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', by: -1 };
  if (key.pageDown) return { type: 'page', by: 1 };
  if (key.home || input === 'g') return { type: 'top' };
  if (key.end || input === 'G') return { type: 'bottom' };
  if (s.view !== 'table') return null;
  if (key.return) return { type: 'open' };
  switch (input) {
    case ' ':
      return { type: 'mark' };
    case 's':
    case '>':
      return { type: 'sortNext' };
    case '<':
      return { type: 'sortPrev' };
    case 'S':
      return { type: 'sortReverse' };
    case 'm':
      return { type: 'cycleMetric' };
    case 'e':
      return { type: 'cycleExperiment' };
    case 'f':
      return { type: 'cycleFeatureSet' };
    case 'u':
      return { type: 'cycleSupervision' };
    case '/':
      return { type: 'searchStart' };
    default:
      return null;
  }
}
