/**
 * `<Board>`: the one stateful component. It keeps a `BoardState`, turns keys into reducer actions,
 * carries out the reducer's effects against a `BoardSource`, follows terminal resizes, and hands plain
 * props to the presentational views.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BoardSource, PrimaryMetric } from '../index.ts';
import { footerText, headerText } from './chrome.ts';
import { layoutColumns, metricShort } from './columns.ts';
import { CompareView } from './compare.tsx';
import { DetailView } from './detail.tsx';
import { Help } from './help.tsx';
import { keyToAction } from './keys.ts';
import { bannerLines, usableRows } from './layout.ts';
import { Lines } from './lines.tsx';
import {
  type Action,
  type BoardState,
  columnMetrics,
  type Effect,
  initialEffect,
  initialState,
  perform as performEffect,
  selectedRow,
  tablePage,
  update,
  visibleRows,
} from './state.ts';
import { GUTTER, Table } from './table.tsx';

/** Shown instead of the table when the database has no done trials. */
export const EMPTY_MESSAGE = 'no finished trials yet — run `bench run experiments/quickstart.ts`';

export interface BoardProps {
  readonly data: BoardSource;
  /** Metric that ranks the rows at start. @default 'f1' */
  readonly primary?: PrimaryMetric;
  /** Experiment filter at start. @default undefined (all experiments) */
  readonly experiment?: string;
}

export function Board({ data, primary, experiment }: BoardProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  // Non-TTY streams (and test doubles) may lack a size: assume the classic 80×24.
  const size = useCallback(() => ({ width: stdout.columns || 80, height: stdout.rows || 24 }), [stdout]);
  const [state, setState] = useState<BoardState>(() =>
    initialState({ ...(primary && { primary }), ...(experiment !== undefined && { experiment }), ...size() }),
  );
  // Keys can arrive faster than React re-renders: reduce from the latest state, not a stale closure.
  const latest = useRef(state);
  // Ranking the leaderboard runs on the next tick, after a frame that says so: by AUC it takes
  // seconds on a few dozen trials, and a blank or frozen screen for that long looks like a hang.
  // Details and comparisons are quick enough to load in place.
  const pending = useRef<NodeJS.Timeout | null>(null);
  // Each reload is numbered: a ranking that arrives after a newer one was asked for is dropped.
  const reloads = useRef(0);
  const mounted = useRef(true);
  const perform = useCallback(
    (first: Effect) => {
      const ticket = first.kind === 'reload' ? ++reloads.current : 0;
      // Each outcome is reduced into the state as it is when it arrives (keys may have come meanwhile).
      const run = async () => {
        pending.current = null;
        let effect: Effect | null = first;
        while (effect) {
          const action = await performEffect(effect, data, () => exit());
          if (!action || !mounted.current || (effect.kind === 'reload' && ticket !== reloads.current)) return;
          const next = update(latest.current, action);
          latest.current = next.state;
          setState(next.state);
          effect = next.effect;
        }
      };
      if (first.kind !== 'reload') {
        void run();
        return;
      }
      latest.current = { ...latest.current, loaded: false };
      setState(latest.current);
      // A newer ranking replaces one not started yet (m pressed twice quickly computes once).
      if (pending.current) clearTimeout(pending.current);
      pending.current = setTimeout(() => void run(), 0);
    },
    [data, exit],
  );
  // Quitting while a ranking waits to start or runs: the store is about to close, leave it alone.
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (pending.current) clearTimeout(pending.current);
    };
  }, []);
  const dispatch = useCallback(
    (action: Action) => {
      const { state: next, effect } = update(latest.current, action);
      latest.current = next;
      setState(next);
      if (effect) perform(effect);
    },
    [perform],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first load happens once, at mount.
  useEffect(() => perform(initialEffect(latest.current)), []);

  useEffect(() => {
    const onResize = () => dispatch({ type: 'resize', ...size() });
    stdout.on('resize', onResize);
    // A resize between the first render and this subscription would otherwise be missed.
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, dispatch, size]);

  useInput((input, key) => {
    const action = keyToAction(input, key, latest.current);
    if (action) dispatch(action);
  });

  const footer = footerText(state);
  return (
    <Box flexDirection="column" width={state.width}>
      <Text inverse wrap="truncate">
        {headerText(state)}
      </Text>
      <Box flexDirection="column" height={usableRows(state.height) - 2} overflow="hidden">
        <Body state={state} />
      </Box>
      <Text wrap="truncate" {...(footer.notice ? { color: 'yellow' } : { dimColor: true })}>
        {footer.text}
      </Text>
    </Box>
  );
}

function Body({ state }: { readonly state: BoardState }) {
  if (state.help) return <Help width={state.width} />;
  if (state.view === 'detail' && state.detail) {
    return <DetailView detail={state.detail} width={state.width} height={state.height} scroll={state.detailScroll} />;
  }
  if (state.view === 'compare' && state.comparison) {
    const { a, b, result } = state.comparison;
    return <CompareView a={a} b={b} result={result} width={state.width} height={state.height} />;
  }
  if (!state.loaded) return <Text>{`ranking by ${metricShort(state.primary)}…`}</Text>;
  if (state.rows.length === 0) {
    return (
      <Box flexDirection="column">
        <Text>{EMPTY_MESSAGE}</Text>
        <Text dimColor>q quits</Text>
      </Box>
    );
  }
  const rows = visibleRows(state);
  const banner = bannerLines(state, state.width);
  if (rows.length === 0) {
    return (
      <Box flexDirection="column">
        <Lines lines={banner} />
        <Text>no rows match the filters (f, u, / or Esc change them)</Text>
      </Box>
    );
  }
  const window = rows.slice(state.scroll, state.scroll + tablePage(state));
  const several = new Set(state.rows.map((r) => r.experiment)).size > 1;
  return (
    <Box flexDirection="column">
      <Lines lines={banner} />
      <Table
        rows={window}
        columns={layoutColumns(state.width - GUTTER, {
          primary: state.primary,
          sort: state.sort.key,
          experiments: several,
          metrics: columnMetrics(state),
        })}
        primary={state.primary}
        sort={state.sort}
        selectedKey={selectedRow(state)?.key}
        markedKey={state.marked}
      />
    </Box>
  );
}
