/**
 * The board's state and its pure reducer. Components only render a `BoardState`; every key becomes an
 * `Action`, and `update` returns the next state plus at most one `Effect` (reload, detail, compare,
 * quit) for the container to carry out against a `BoardSource` — so all behaviour is testable without Ink.
 */
import type { ExperimentScope } from '../../harness/experiment/index.ts';
import type { SelectorComparison } from '../index.ts';
import {
  type BoardRow,
  type BoardSource,
  type Leaderboard,
  type PrimaryMetric,
  type RowDetail,
  shownMetrics,
} from '../index.ts';
import { type SortKey, sortDescending, sortKeys, sortRows } from './columns.ts';
import { bannerLines, detailLayout, tableBodyRows } from './layout.ts';

export type View = 'table' | 'detail' | 'compare';
export type Supervision = 'all' | 'supervised' | 'unsupervised';
const SUPERVISION: readonly Supervision[] = ['all', 'supervised', 'unsupervised'];

export interface BoardState {
  view: View;
  help: boolean;
  primary: PrimaryMetric;
  /** Experiment filter; null = all experiments. */
  experiment: string | null;
  experiments: readonly string[];
  /** Rows as loaded, in rank order. */
  rows: readonly BoardRow[];
  /** Scopes of the loaded rows' experiments, by name. */
  scopes: Readonly<Record<string, ExperimentScope>>;
  /** Leak warnings of the loaded leaderboard: shown above the table, always. */
  warnings: readonly string[];
  /** False until the first leaderboard arrived. */
  loaded: boolean;
  /** Feature-set filter; null = all. */
  featureSet: string | null;
  supervision: Supervision;
  /** Case-insensitive substring of the variant name; '' = none. */
  search: string;
  /** The `/` prompt is open and takes the keys. */
  searching: boolean;
  sort: { key: SortKey; descending: boolean };
  /** Index into `visibleRows(state)`. */
  selected: number;
  /** First visible row of the table window. */
  scroll: number;
  /** Terminal size. */
  width: number;
  height: number;
  /** Key of the row marked for comparison. */
  marked: string | null;
  detail: RowDetail | null;
  /** First visible line of the detail view's recall list. */
  detailScroll: number;
  comparison: { a: BoardRow; b: BoardRow; result: SelectorComparison } | null;
  /** One-line notice (errors, marking) shown in the footer until the next key. */
  message: string | null;
}

export type Action =
  | { type: 'move'; by: number }
  | { type: 'page'; by: 1 | -1 }
  | { type: 'top' }
  | { type: 'bottom' }
  | { type: 'sortNext' }
  | { type: 'sortPrev' }
  | { type: 'sortReverse' }
  | { type: 'cycleMetric' }
  | { type: 'cycleExperiment' }
  | { type: 'cycleFeatureSet' }
  | { type: 'cycleSupervision' }
  | { type: 'searchStart' }
  | { type: 'searchInput'; text: string }
  | { type: 'searchBackspace' }
  | { type: 'searchDone' }
  | { type: 'searchCancel' }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'mark' }
  | { type: 'toggleHelp' }
  | { type: 'quit' }
  | { type: 'resize'; width: number; height: number }
  | { type: 'loaded'; board: Leaderboard }
  | { type: 'detailLoaded'; detail: RowDetail }
  | { type: 'compareLoaded'; a: BoardRow; b: BoardRow; result: SelectorComparison }
  | { type: 'failed'; message: string };

/** What the container must do after an update. */
export type Effect =
  | { kind: 'reload'; primary: PrimaryMetric; experiment: string | undefined }
  | { kind: 'detail'; row: BoardRow }
  | { kind: 'compare'; a: BoardRow; b: BoardRow }
  | { kind: 'quit' };

export interface Update {
  state: BoardState;
  effect: Effect | null;
}

export interface InitialStateOptions {
  /** @default 'f1' */
  primary?: PrimaryMetric;
  /** Experiment filter. @default undefined (all) */
  experiment?: string;
  /** @default 80 */
  width?: number;
  /** @default 24 */
  height?: number;
}

/** The state before the first load; pair it with `initialEffect` to load. */
export function initialState(options: InitialStateOptions = {}): BoardState {
  return {
    view: 'table',
    help: false,
    primary: options.primary ?? 'f1',
    experiment: options.experiment ?? null,
    experiments: [],
    rows: [],
    scopes: {},
    warnings: [],
    loaded: false,
    featureSet: null,
    supervision: 'all',
    search: '',
    searching: false,
    sort: { key: 'rank', descending: false },
    selected: 0,
    scroll: 0,
    width: options.width ?? 80,
    height: options.height ?? 24,
    marked: null,
    detail: null,
    detailScroll: 0,
    comparison: null,
    message: null,
  };
}

/** The load that fills an initial state. */
export const initialEffect = (s: BoardState): Effect => reload(s);

const reload = (s: BoardState): Effect => ({
  kind: 'reload',
  primary: s.primary,
  experiment: s.experiment ?? undefined,
});

/** Feature sets present in the loaded rows, sorted. */
export const featureSetsOf = (s: BoardState): string[] => [...new Set(s.rows.map((r) => r.featureSet))].sort();

/** Ids of the metrics with a board column for the loaded rows (`shownMetrics`). */
export function columnMetrics(s: Pick<BoardState, 'rows' | 'primary'>): string[] {
  return shownMetrics(s.rows, s.primary).map((d) => d.id);
}

/** Rows after the filters, in the chosen sort order: what the table shows. */
export function visibleRows(s: BoardState): BoardRow[] {
  const needle = s.search.toLowerCase();
  const rows = s.rows.filter(
    (r) =>
      (s.featureSet === null || r.featureSet === s.featureSet) &&
      (s.supervision === 'all' || r.supervised === (s.supervision === 'supervised')) &&
      (needle === '' || r.variant.toLowerCase().includes(needle)),
  );
  return sortRows(rows, s.sort.key, s.sort.descending);
}

/** The selected row, if any row is visible. */
export const selectedRow = (s: BoardState): BoardRow | undefined => visibleRows(s)[s.selected];

function cycle<T>(options: readonly T[], current: T, by = 1): T {
  if (options.length === 0) return current;
  const i = options.indexOf(current);
  // An unknown current value (e.g. a filter no longer present) restarts at the first option.
  const next = i < 0 ? 0 : (((i + by) % options.length) + options.length) % options.length;
  return options[next] as T;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** Table rows that fit on screen under the banner (leak warnings, scope). */
export const tablePage = (s: BoardState): number => tableBodyRows(s.height, bannerLines(s, s.width).length);

/** Moves the window just enough to show the selected row. */
function fitWindow(s: BoardState): BoardState {
  const n = visibleRows(s).length;
  const page = tablePage(s);
  const selected = clamp(s.selected, 0, Math.max(0, n - 1));
  let scroll = s.scroll;
  if (selected < scroll) scroll = selected;
  if (selected >= scroll + page) scroll = selected - page + 1;
  scroll = clamp(scroll, 0, Math.max(0, n - page));
  return { ...s, selected, scroll };
}

/** After filters or sorting change, keep the same row selected when it is still visible. */
function keepSelection(before: BoardState, after: BoardState): BoardState {
  const key = selectedRow(before)?.key;
  const i = key === undefined ? -1 : visibleRows(after).findIndex((r) => r.key === key);
  return fitWindow({ ...after, selected: i >= 0 ? i : after.selected });
}

function moveBy(s: BoardState, by: number): BoardState {
  if (s.view === 'detail' && s.detail) {
    const max = Math.max(0, s.detail.recallByCase.length - detailLayout(s.detail, s.width, s.height).listRows);
    return { ...s, detailScroll: clamp(s.detailScroll + by, 0, max) };
  }
  if (s.view !== 'table') return s;
  return fitWindow({ ...s, selected: s.selected + by });
}

function pageSize(s: BoardState): number {
  if (s.view === 'detail' && s.detail) return detailLayout(s.detail, s.width, s.height).listRows;
  return tablePage(s);
}

const done = (state: BoardState, effect: Effect | null = null): Update => ({ state, effect });

/** The reducer: next state and the effect to run, if any. */
export function update(prev: BoardState, action: Action): Update {
  // A notice lasts until the next thing happens.
  const s: BoardState = action.type === 'resize' ? prev : { ...prev, message: null };
  switch (action.type) {
    case 'move':
      return done(moveBy(s, action.by));
    case 'page':
      return done(moveBy(s, action.by * pageSize(s)));
    case 'top':
      return done(moveBy(s, -Number.MAX_SAFE_INTEGER));
    case 'bottom':
      return done(moveBy(s, Number.MAX_SAFE_INTEGER));
    case 'sortNext':
    case 'sortPrev': {
      const key = cycle(sortKeys(columnMetrics(s), s.primary), s.sort.key, action.type === 'sortNext' ? 1 : -1);
      return done(keepSelection(s, { ...s, sort: { key, descending: sortDescending(key) } }));
    }
    case 'sortReverse':
      return done(keepSelection(s, { ...s, sort: { ...s.sort, descending: !s.sort.descending } }));
    case 'cycleMetric': {
      // The metrics with a column here: an event-level one only where some row has it.
      const next = { ...s, primary: cycle(columnMetrics(s), s.primary) };
      return done(next, reload(next));
    }
    case 'cycleExperiment': {
      const next = { ...s, experiment: cycle<string | null>([null, ...s.experiments], s.experiment) };
      return done(next, reload(next));
    }
    case 'cycleFeatureSet':
      return done(keepSelection(s, { ...s, featureSet: cycle([null, ...featureSetsOf(s)], s.featureSet) }));
    case 'cycleSupervision':
      return done(keepSelection(s, { ...s, supervision: cycle(SUPERVISION, s.supervision) }));
    case 'searchStart':
      return done({ ...s, searching: true });
    case 'searchInput':
      return done(keepSelection(s, { ...s, search: s.search + action.text }));
    case 'searchBackspace':
      return done(keepSelection(s, { ...s, search: [...s.search].slice(0, -1).join('') }));
    case 'searchDone':
      return done({ ...s, searching: false });
    case 'searchCancel':
      return done(keepSelection(s, { ...s, searching: false, search: '' }));
    case 'open': {
      const row = s.view === 'table' ? selectedRow(s) : undefined;
      return row ? done(s, { kind: 'detail', row }) : done(s);
    }
    case 'back':
      if (s.help) return done({ ...s, help: false });
      if (s.view !== 'table') return done({ ...s, view: 'table', detail: null, comparison: null, detailScroll: 0 });
      if (s.marked !== null) return done({ ...s, marked: null, message: 'comparison mark cleared' });
      if (s.search !== '') return done(keepSelection(s, { ...s, search: '' }));
      return done(s);
    case 'mark': {
      const row = s.view === 'table' ? selectedRow(s) : undefined;
      if (!row) return done(s);
      if (s.marked === null) {
        return done({ ...s, marked: row.key, message: `marked ${row.variant}: space on a second row compares them` });
      }
      if (s.marked === row.key) return done({ ...s, marked: null, message: 'comparison mark cleared' });
      const a = s.rows.find((r) => r.key === s.marked);
      if (!a) return done({ ...s, marked: row.key });
      return done({ ...s, marked: null }, { kind: 'compare', a, b: row });
    }
    case 'toggleHelp':
      return done({ ...s, help: !s.help });
    case 'quit':
      return done(s, { kind: 'quit' });
    case 'resize':
      return done(fitWindow(moveBy({ ...s, width: action.width, height: action.height }, 0)));
    case 'loaded': {
      const { board } = action;
      const sets = new Set(board.rows.map((r) => r.featureSet));
      const next: BoardState = {
        ...s,
        loaded: true,
        primary: board.primaryMetric,
        experiments: board.experiments,
        rows: board.rows,
        scopes: board.scopes,
        warnings: board.warnings,
        featureSet: s.featureSet !== null && sets.has(s.featureSet) ? s.featureSet : null,
        marked: board.rows.some((r) => r.key === s.marked) ? s.marked : null,
      };
      return done(keepSelection(s, next));
    }
    case 'detailLoaded':
      return done({ ...s, view: 'detail', help: false, detail: action.detail, detailScroll: 0 });
    case 'compareLoaded':
      return done({
        ...s,
        view: 'compare',
        help: false,
        comparison: { a: action.a, b: action.b, result: action.result },
      });
    case 'failed':
      return done({ ...s, message: action.message });
  }
}

/**
 * Applies `action` (or starts from `effect`) and carries out the effects it leads to against `source`,
 * until the state settles. `onQuit` runs for the quit effect. A failing `source` call becomes a
 * notice, so a broken row never takes the board down.
 */
export async function settle(
  state: BoardState,
  start: { action: Action } | { effect: Effect },
  source: BoardSource,
  onQuit: () => void,
): Promise<BoardState> {
  let s = state;
  let effect: Effect | null = 'effect' in start ? start.effect : null;
  if ('action' in start) ({ state: s, effect } = update(s, start.action));
  while (effect) {
    const next = await perform(effect, source, onQuit);
    if (!next) break;
    ({ state: s, effect } = update(s, next));
  }
  return s;
}

/** Carries out one effect against `source`: the action that reports its outcome, or null (quit). */
export async function perform(effect: Effect, source: BoardSource, onQuit: () => void): Promise<Action | null> {
  try {
    switch (effect.kind) {
      case 'reload':
        return { type: 'loaded', board: await source.leaderboard(effect.primary, effect.experiment) };
      case 'detail':
        return { type: 'detailLoaded', detail: await source.detail(effect.row) };
      case 'compare':
        return { type: 'compareLoaded', a: effect.a, b: effect.b, result: await source.compare(effect.a, effect.b) };
      case 'quit':
        onQuit();
        return null;
    }
  } catch (err) {
    const what = effect.kind === 'reload' ? 'loading the leaderboard' : effect.kind;
    return { type: 'failed', message: `${what} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
