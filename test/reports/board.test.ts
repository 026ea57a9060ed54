import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { layoutColumns, type SortKey, sortKeys } from '../../reports/board/columns.ts';
import { fmtMeanCi, fmtMs, fmtRate, truncate } from '../../reports/board/format.ts';
import { renderStaticTable } from '../../reports/board/index.ts';
import { keyToAction } from '../../reports/board/keys.ts';
import { bannerLines, tableBodyRows } from '../../reports/board/layout.ts';
import { Board } from '../../reports/board/run-board.ts';
import {
  type BoardState,
  initialEffect,
  initialState,
  selectedRow,
  settle,
  tablePage,
  update,
  visibleRows,
} from '../../reports/board/state.ts';
import type { BoardRow, BoardSource, PrimaryMetric } from '../../reports/leaderboard.ts';
import {
  FIXTURE_SCOPE,
  fixtureData,
  fixtureRows,
  type RawRow,
  rank,
  rawRow,
  VARIANTS,
} from '../helpers/board-fixture.ts';

/** A loaded state over the fixture (or `raw`), as the board starts. */
async function loaded(options: Parameters<typeof initialState>[0] = {}, raw?: RawRow[]) {
  const { data, calls } = fixtureData(raw);
  const s0 = initialState(options);
  return { state: await settle(s0, { effect: initialEffect(s0) }, data, () => {}), data, calls };
}

const apply = (s: BoardState, ...types: Parameters<typeof update>[1][]) =>
  types.reduce((acc, a) => update(acc, a).state, s);

/** Sort value as the board defines it; null = missing. Ranks count within each experiment's group. */
function sortValueOf(r: BoardRow, key: SortKey): number | string | null {
  const map: Record<SortKey, number | string | null> = {
    rank: `${r.experiment}\u0000${String(r.rank).padStart(4, '0')}`,
    variant: r.variant,
    featureSet: r.featureSet,
    f1: r.f1.mean,
    aucPr: r.aucPr,
    aucRoc: r.aucRoc,
    precisionAtK: r.precisionAtK,
    fit: r.fitMs,
    throughput: r.throughputPerS,
  };
  assert.ok(key in map, `no sort value for ${key}`);
  return map[key]!;
}

function assertOrdered(rows: BoardRow[], key: SortKey, descending: boolean) {
  const present = rows.filter((r) => sortValueOf(r, key) !== null);
  const missing = rows.length - present.length;
  // Missing values sit at the end whatever the direction.
  assert.ok(
    rows.slice(rows.length - missing).every((r) => sortValueOf(r, key) === null),
    `${key}: missing last`,
  );
  for (let i = 1; i < present.length; i++) {
    const x = sortValueOf(present[i - 1]!, key)!;
    const y = sortValueOf(present[i]!, key)!;
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    assert.ok(descending ? c >= 0 : c <= 0, `${key} ${descending ? 'desc' : 'asc'} at ${i}: ${x} then ${y}`);
  }
}

const delay = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const DOWN = '\u001B[B';
const ENTER = '\r';

describe('board state', () => {
  it('sorts by every column, best first, and S reverses', async () => {
    let { state } = await loaded();
    assert.equal(state.sort.key, 'rank');
    assertOrdered(visibleRows(state), 'rank', false);
    const natural: Record<SortKey, boolean> = {
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
    for (const key of sortKeys().slice(1)) {
      state = apply(state, { type: 'sortNext' });
      assert.equal(state.sort.key, key);
      assert.equal(state.sort.descending, natural[key]!, `${key} natural direction`);
      assertOrdered(visibleRows(state), key, natural[key]!);
      const reversed = apply(state, { type: 'sortReverse' });
      assert.equal(reversed.sort.descending, !natural[key]!);
      assertOrdered(visibleRows(reversed), key, !natural[key]!);
    }
    // Past the last column `s` wraps to rank; `<` goes the other way.
    assert.equal(apply(state, { type: 'sortNext' }).sort.key, 'rank');
    assert.equal(apply(state, { type: 'sortPrev' }).sort.key, 'fit');
    const { state: fresh } = await loaded();
    assert.equal(apply(fresh, { type: 'sortPrev' }).sort.key, 'throughput');
  });

  it('keeps the selected row selected when the sort changes', async () => {
    const { state } = await loaded();
    const s = apply(state, { type: 'move', by: 3 });
    const key = selectedRow(s)!.key;
    const sorted = apply(s, { type: 'sortNext' });
    assert.equal(sorted.sort.key, 'variant');
    assert.equal(selectedRow(sorted)!.key, key);
    assert.notEqual(sorted.selected, 3, 'the row moved in the new order');
    // A filter that hides the selected row falls back to a valid index.
    const hidden = apply(sorted, { type: 'cycleFeatureSet' });
    assert.ok(selectedRow(hidden), 'something is selected');
  });

  it('cycles the feature-set and supervision filters through all values and back', async () => {
    const { state } = await loaded();
    assert.equal(visibleRows(state).length, 18);
    const seen: (string | null)[] = [];
    let s = state;
    for (let i = 0; i < 5; i++) {
      s = apply(s, { type: 'cycleFeatureSet' });
      seen.push(s.featureSet);
      const rows = visibleRows(s);
      if (s.featureSet !== null) {
        assert.ok(rows.length > 0 && rows.every((r) => r.featureSet === s.featureSet), `only ${s.featureSet}`);
      } else assert.equal(rows.length, 18);
    }
    assert.deepEqual(seen, ['drain', 'numeric', 'trigrams', 'words', null]);

    const sup = apply(state, { type: 'cycleSupervision' });
    assert.equal(sup.supervision, 'supervised');
    assert.ok(visibleRows(sup).every((r) => r.supervised));
    const unsup = apply(sup, { type: 'cycleSupervision' });
    assert.equal(unsup.supervision, 'unsupervised');
    assert.deepEqual(
      visibleRows(unsup).map((r) => r.variant),
      visibleRows(state)
        .filter((r) => !r.supervised)
        .map((r) => r.variant),
    );
    assert.equal(apply(unsup, { type: 'cycleSupervision' }).supervision, 'all');
  });

  it('filters variants by the / text, case-insensitively, and Esc clears it', async () => {
    const { state } = await loaded();
    const s = apply(
      state,
      { type: 'searchStart' },
      { type: 'searchInput', text: 'L' },
      { type: 'searchInput', text: 'r_' },
      { type: 'searchDone' },
    );
    assert.equal(s.search, 'Lr_');
    assert.deepEqual(
      new Set(visibleRows(s).map((r) => r.variant)),
      new Set(['event_lr_words', 'sequence_lr_words', 'sequence_shap_lr_words', 'sequence_lr_numeric']),
    );
    assert.equal(apply(s, { type: 'back' }).search, '');
  });

  it('switching the metric requests a reload that re-ranks the rows', async () => {
    const { state, data, calls } = await loaded();
    const { state: next, effect } = update(state, { type: 'cycleMetric' });
    assert.equal(next.primary, 'auc_pr');
    assert.deepEqual(effect, { kind: 'reload', primary: 'auc_pr', experiment: undefined });

    const reloaded = await settle(state, { action: { type: 'cycleMetric' } }, data, () => {});
    assert.deepEqual(calls.leaderboard.at(-1), ['auc_pr', undefined]);
    const rows = visibleRows(reloaded);
    // Ranked within each experiment: the first group's rank 1 is its best AUC-PR.
    const best = Math.max(...rows.filter((r) => r.experiment === rows[0]!.experiment).map((r) => r.aucPr));
    assert.equal(rows[0]!.aucPr, best, 'rank 1 is the best AUC-PR now');
    assert.notEqual(rows[0]!.key, visibleRows(state)[0]!.key, 'the ranking changed');
    // Four metrics, then back to F1.
    const cycled = apply(state, ...Array.from({ length: 4 }, () => ({ type: 'cycleMetric' as const })));
    assert.equal(cycled.primary, 'f1');
  });

  it('cycling the experiment reloads with that experiment, then all again', async () => {
    const { state, data, calls } = await loaded();
    assert.deepEqual(state.experiments, ['quickstart', 'feature-sets']);
    const one = await settle(state, { action: { type: 'cycleExperiment' } }, data, () => {});
    assert.deepEqual(calls.leaderboard.at(-1), ['f1', 'quickstart']);
    assert.equal(visibleRows(one).length, 14);
    const two = await settle(one, { action: { type: 'cycleExperiment' } }, data, () => {});
    assert.deepEqual(calls.leaderboard.at(-1), ['f1', 'feature-sets']);
    assert.ok(visibleRows(two).every((r) => r.experiment === 'feature-sets'));
    const all = update(two, { type: 'cycleExperiment' });
    assert.deepEqual(all.effect, { kind: 'reload', primary: 'f1', experiment: undefined });
  });

  it('marking a second row requests a comparison of the two; the same row twice unmarks', async () => {
    const { state } = await loaded();
    const first = selectedRow(state)!;
    const marked = apply(state, { type: 'mark' });
    assert.equal(marked.marked, first.key);
    assert.deepEqual(update(marked, { type: 'mark' }).state.marked, null);

    const moved = apply(marked, { type: 'move', by: 2 });
    const second = selectedRow(moved)!;
    const { state: after, effect } = update(moved, { type: 'mark' });
    assert.deepEqual(effect, { kind: 'compare', a: first, b: second });
    assert.equal(after.marked, null);
  });

  it('keeps the selection inside the window at 24 rows while scrolling', async () => {
    const many = Array.from({ length: 40 }, (_, i) => {
      const [v, fs, a, s] = VARIANTS[i % VARIANTS.length]!;
      return rawRow(i, 'quickstart', `${v}_${i}`, fs, a, s);
    });
    const { state } = await loaded({ height: 24 }, many);
    assert.equal(tableBodyRows(24), 20);
    // One experiment: its scope is a line above the table.
    const page = tablePage(state);
    assert.equal(page, 19);
    const inWindow = (s: BoardState) => s.selected >= s.scroll && s.selected < s.scroll + page;
    let s = state;
    for (let i = 0; i < 39; i++) {
      s = apply(s, { type: 'move', by: 1 });
      assert.ok(inWindow(s), `after ${i + 1} downs: selected ${s.selected}, scroll ${s.scroll}`);
    }
    assert.equal(s.selected, 39);
    assert.equal(s.scroll, 40 - page);
    s = apply(s, { type: 'move', by: 1 });
    assert.equal(s.selected, 39, 'stops at the last row');
    s = apply(s, { type: 'page', by: -1 });
    assert.equal(s.selected, 39 - page);
    assert.ok(inWindow(s));
    s = apply(s, { type: 'top' });
    assert.deepEqual([s.selected, s.scroll], [0, 0]);
    s = apply(s, { type: 'bottom' }, { type: 'resize', width: 80, height: 10 });
    assert.ok(s.selected >= s.scroll && s.selected < s.scroll + tablePage(s), 'still visible after shrinking');
    assert.equal(apply(s, { type: 'top' }).scroll, 0);
  });

  it('maps keys to actions by view, and the / prompt takes letters as text', async () => {
    const { state } = await loaded();
    assert.deepEqual(keyToAction('j', {}, state), { type: 'move', by: 1 });
    assert.deepEqual(keyToAction('', { upArrow: true }, state), { type: 'move', by: -1 });
    assert.deepEqual(keyToAction('G', {}, state), { type: 'bottom' });
    assert.deepEqual(keyToAction('S', {}, state), { type: 'sortReverse' });
    assert.deepEqual(keyToAction('<', {}, state), { type: 'sortPrev' });
    assert.deepEqual(keyToAction(' ', {}, state), { type: 'mark' });
    assert.deepEqual(keyToAction('', { return: true }, state), { type: 'open' });
    assert.deepEqual(keyToAction('c', { ctrl: true }, state), { type: 'quit' });
    const searching = apply(state, { type: 'searchStart' });
    assert.deepEqual(keyToAction('q', {}, searching), { type: 'searchInput', text: 'q' });
    assert.deepEqual(keyToAction('', { escape: true }, searching), { type: 'searchCancel' });
    const help = apply(state, { type: 'toggleHelp' });
    assert.equal(keyToAction('j', {}, help), null, 'help swallows navigation');
    assert.deepEqual(keyToAction('', { escape: true }, help), { type: 'toggleHelp' });
  });

  it('turns a failing detail into a notice instead of crashing', async () => {
    const { state, data } = await loaded();
    const broken: BoardSource = {
      ...data,
      detail: () => {
        throw new Error('trial 7 has no predictions artifact');
      },
    };
    const s = await settle(state, { action: { type: 'open' } }, broken, () => {});
    assert.equal(s.view, 'table');
    assert.match(s.message ?? '', /detail failed: trial 7 has no predictions artifact/);
  });
});

describe('board layout', () => {
  it('drops the least important columns first and always keeps rank, variant and the primary metric', () => {
    const ids = (w: number, primary: PrimaryMetric = 'f1') => layoutColumns(w, { primary }).map((c) => c.id);
    const wide = ids(140);
    assert.ok(wide.includes('throughput') && wide.includes('supervised') && wide.includes('seeds'));
    const narrow = ids(78);
    assert.ok(!narrow.includes('throughput') && !narrow.includes('seeds'));
    assert.ok(narrow.includes('featureSet') && narrow.includes('flags') && narrow.includes('aucPr'));
    const tiny = ids(40, 'precision_at_k');
    assert.deepEqual(tiny.slice(0, 2), ['rank', 'variant']);
    assert.ok(tiny.includes('precisionAtK'), 'primary column kept');
    for (const w of [40, 60, 78, 98, 140]) {
      const total = layoutColumns(w).reduce((s, c) => s + c.size + 1, -1);
      assert.ok(total <= w, `layout at ${w} is ${total} wide`);
    }
  });

  it('formats numbers for the table', () => {
    assert.equal(fmtRate(12_345), '12.3k/s');
    assert.equal(fmtRate(850), '850/s');
    assert.equal(fmtRate(2_500_000), '2.5M/s');
    assert.equal(fmtRate(null), '–');
    assert.equal(fmtMs(850), '850ms');
    assert.equal(fmtMs(1234), '1.2s');
    assert.equal(fmtMs(185_000), '3m05s');
    assert.equal(fmtMeanCi({ mean: 0.9, lo: 0.85, hi: 0.92 }), '0.900±0.050');
    assert.equal(truncate('event_oneclass_svm_words', 10), 'event_one…');
  });

  it('renders the static table within the width, without ANSI, grouped by experiment, with ties, flags and legend', () => {
    const board = rank(fixtureRows(), 'f1', ['quickstart', 'feature-sets']);
    assert.ok(board.rows.some((r) => r.tied));
    for (const w of [60, 80, 100, 140]) {
      const text = renderStaticTable(board, w);
      const lines = text.trimEnd().split('\n');
      // Title, each experiment's scope (wrapped when narrow), column titles, rows, the legend.
      const header = lines.findIndex((l) => /^\s+#\s+(experiment\s+)?variant/.test(l));
      assert.ok(header >= 3, `${w}: scope lines above the column titles`);
      const legend = lines.findIndex((l) => l.startsWith('± 95 % corrected resampled t-interval'));
      assert.equal(legend, header + 1 + board.rows.length, `${w}: the legend follows the rows`);
      assert.ok(lines.slice(legend).some((l) => l.startsWith('≈ the corrected resampled t-test')));
      assert.ok(lines.slice(legend).some((l) => l.startsWith('flags: LEAK above chance')));
      for (const l of lines) assert.ok(l.length <= w, `${w}: ${JSON.stringify(l)} is ${l.length} wide`);
      assert.equal(stripVTControlCharacters(text), text);
    }
    const text = renderStaticTable(board);
    assert.match(
      text.replace(/\n\s+/g, ' '),
      /^leaderboard · ranked by F1 · 18 rows of 2 experiments \(ranked within each\) · 2 flagged \(2 trivial\)$/m,
    );
    assert.match(text, /≈\d+ /);
    assert.match(text, /⚠ trivial/);
    assert.match(text, /event_oneclass_svm_words/);
    assert.match(text, /^scope quickstart: labels case · seqBy file · order shuffled · faults injected$/m);
    assert.match(text, /^scope feature-sets: labels case /m);
    // Rows of two experiments: grouped, each row says which experiment (first) and its scope.
    const wide = renderStaticTable(board, 160).split('\n');
    const titles = wide.findIndex((l) => /^\s+#\s+experiment\s+variant/.test(l));
    assert.match(wide[titles]!, /flags\s+scope/);
    const rows = wide.slice(titles + 1, titles + 1 + board.rows.length);
    assert.ok(rows.some((l) => /^\s+1 feature-sets\s+event_lr_words\s+drain .* case\/file shuf/.test(l)));
    const groups = rows.map((l) => (l.includes('feature-sets') ? 'feature-sets' : 'quickstart'));
    assert.deepEqual(groups, [...groups].sort(), 'each experiment in one block');
    assert.equal(rows.filter((l) => /^\s+1 /.test(l)).length, 2, 'ranks restart in each experiment');
    assert.match(
      renderStaticTable({ primaryMetric: 'f1', experiments: [], rows: [], scopes: {}, warnings: [] }),
      /no finished trials yet/,
    );
    assert.equal(
      renderStaticTable({ primaryMetric: 'f1', experiments: [], rows: [], scopes: {}, warnings: [] }, 100, 'nothing'),
      'nothing\n',
    );
  });

  it('says loudly which rows leak on a null dataset: flag, banner and wrapped warnings', async () => {
    const nullScope = { ...FIXTURE_SCOPE, labels: 'target-service', faults: 'none' };
    const raw = VARIANTS.slice(0, 4).map(([v, fs, a, sup], i) => ({
      ...rawRow(i, 'null', v, fs, a, sup),
      scope: nullScope,
      leak: i === 1,
    }));
    const board = rank(raw, 'f1', ['null']);
    const leaking = board.rows.find((r) => r.leak)!;
    for (const w of [60, 100]) {
      const text = renderStaticTable(board, w);
      for (const l of text.trimEnd().split('\n')) assert.ok(l.length <= w, `${w}: ${JSON.stringify(l)}`);
      assert.match(text, /^⚠ 1 LEAKING on a null dataset/);
      // Wrapped, not cut: the whole warning is there.
      assert.match(text, /^⚠ LEAK null dataset \(null\)/m);
      assert.match(
        text.replace(/\n\s+/g, ' '),
        new RegExp(
          `${leaking.variant} on words has mean test AUC-ROC 0\\.\\d{3} > 0\\.60 — a detector above chance means the harness or generator leaks a label`,
        ),
      );
      assert.match(text.replace(/\n\s+/g, ' '), /order shuffled · faults none \(null dataset\)/);
    }
    const row = renderStaticTable(board, 100)
      .split('\n')
      .find((l) => l.includes(` ${leaking.variant} `))!;
    assert.match(row, /⚠ LEAK/);
    const { state } = await loaded({ width: 100, height: 24 }, raw);
    assert.deepEqual(state.warnings, board.warnings);
    const banner = bannerLines(state, 100);
    assert.equal(banner[0]!.tone, 'alarm');
    assert.match(banner[0]!.text, /^⚠ LEAK null dataset/);
    assert.match(banner.at(-1)!.text, /^null: labels target-service · seqBy file/);
    assert.equal(tablePage(state), tableBodyRows(24) - 2, 'warning and scope lines take table rows');
  });
});

/** Sets the test stdout's size (ink-testing-library fixes columns at 100) and tells Ink and the board. */
function resize(stdout: EventEmitter, columns: number, rows: number) {
  Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
  stdout.emit('resize');
}

const frameOf = (app: { lastFrame: () => string | undefined }) => stripVTControlCharacters(app.lastFrame() ?? '');

/** Polls the frame until `predicate` holds (the leaderboard loads on the tick after a frame). */
async function frameWhen(
  app: { lastFrame: () => string | undefined },
  predicate: (f: string) => boolean,
  what: string,
) {
  const start = Date.now();
  while (!predicate(frameOf(app))) {
    if (Date.now() - start > 3_000) assert.fail(`timed out waiting for ${what}; the frame shows:\n${frameOf(app)}`);
    await delay(10);
  }
  return frameOf(app);
}

/** Renders the board and waits until its leaderboard is loaded. */
async function mount(data: BoardSource) {
  const app = render(createElement(Board, { data }));
  await frameWhen(app, (f) => f.includes('rows') && !f.includes('ranking by'), 'the first load');
  await delay();
  return app;
}

describe('<Board>', () => {
  it('shows a header, the column titles and the rows, each line within 80 columns at 80×24', async () => {
    const { data } = fixtureData();
    const app = await mount(data);
    try {
      resize(app.stdout, 80, 24);
      await delay();
      const frame = frameOf(app);
      const lines = frame.split('\n');
      assert.match(lines[0]!, /exp all · metric F1 · sort rank/);
      assert.match(lines[0]!, /18\/18 rows$/);
      assert.match(lines[1]!, /#\s+experiment\s+variant\s+feature(?: set|…)\s+F1 ±CI\s+AUC-PR/);
      assert.match(frame, /event_lr_words/);
      assert.match(frame, /⚠ trivial/);
      assert.match(frame, /q quit {2}\? help .* \/ find/, 'every key hint fits 80 columns');
      assert.ok(lines.length <= 23, `${lines.length} lines fit in 24 rows`);
      for (const l of lines) assert.ok([...l].length <= 80, `${JSON.stringify(l)} is ${[...l].length} wide`);
      assert.doesNotMatch(frame, /thrpt/, 'throughput column dropped at 80');

      resize(app.stdout, 130, 30);
      await delay();
      assert.match(frameOf(app), /thrpt/, 'throughput column back at 130');
      assert.match(frameOf(app), /event_oneclass_svm_words/, 'long names no longer truncated');
    } finally {
      app.unmount();
    }
  });

  it('↓ then Enter opens the detail of the second row; Esc goes back', async () => {
    const { data, calls } = fixtureData();
    const second = (await data.leaderboard('f1')).rows[1]!;
    const app = await mount(data);
    try {
      app.stdin.write(DOWN);
      await delay();
      app.stdin.write(ENTER);
      await delay();
      assert.deepEqual(calls.detail, [second.key]);
      const frame = frameOf(app);
      assert.match(frame, new RegExp(`${second.variant} · ${second.featureSet} · ${second.experiment}`));
      assert.match(frame, /confusion\s+pred anomaly\s+pred normal/);
      assert.match(frame, /actual anomaly\s+tp\s+412\s+fn\s+37/);
      assert.match(frame, /recall by error case, worst first · 1–\d+ of 30/);
      app.stdin.write('\u001B');
      await delay();
      assert.match(frameOf(app), /F1 ±CI/);
      assert.doesNotMatch(frameOf(app), /recall by error case/);
    } finally {
      app.unmount();
    }
  });

  it('? toggles the help overlay listing the keys', async () => {
    const { data } = fixtureData();
    const app = await mount(data);
    try {
      app.stdin.write('?');
      await delay();
      assert.match(frameOf(app), /reverse the sort/);
      assert.match(frameOf(app), /mark a row; a second mark compares the two/);
      app.stdin.write('?');
      await delay();
      assert.doesNotMatch(frameOf(app), /reverse the sort/);
    } finally {
      app.unmount();
    }
  });

  it('m reloads the leaderboard ranked by AUC-PR', async () => {
    const { data, calls } = fixtureData();
    const app = await mount(data);
    try {
      assert.deepEqual(calls.leaderboard, [['f1', undefined]]);
      app.stdin.write('m');
      // The header switches at once and the body says what is being computed…
      await frameWhen(app, (f) => /metric AUC-PR/.test(f), 'the new metric in the header');
      // …until the ranking arrives.
      const frame = await frameWhen(app, (f) => !f.includes('ranking by'), 'the AUC-PR ranking');
      assert.deepEqual(calls.leaderboard.at(-1), ['auc_pr', undefined]);
      assert.match(frame, /metric AUC-PR/);
      assert.match(frame, /event_lr_words/);
    } finally {
      app.unmount();
    }
  });

  it('space on two rows compares them and shows the paired tests', async () => {
    const { data, calls } = fixtureData();
    const rows = (await data.leaderboard('f1')).rows;
    const app = await mount(data);
    try {
      app.stdin.write(' ');
      await delay();
      assert.match(frameOf(app), /marked event_lr_words/);
      app.stdin.write(DOWN);
      await delay();
      app.stdin.write(DOWN);
      await delay();
      app.stdin.write(' ');
      await delay();
      assert.deepEqual(calls.compare, [[rows[0]!.key, rows[2]!.key]]);
      const frame = frameOf(app);
      assert.match(
        frame,
        /corrected resampled t over 5 seeds, F1 b − a: −0\.\d{3} \[−0\.\d{3}, −0\.\d{3}\], t = -1\.20, df = 4, p = 0\.300/,
      );
      assert.match(frame, /tied: 5 seeds cannot order a and b \(p ≥ 0\.05; not evidence that they are equal\)/);
      assert.match(frame, /side note: Wilcoxon signed-rank on F1, p = 0\.063/);
      assert.match(frame, new RegExp(`b: ${rows[2]!.variant}`));
    } finally {
      app.unmount();
    }
  });

  it('shows leak warnings above the table, and scope and fault slices in the detail', async () => {
    const nullScope = { ...FIXTURE_SCOPE, labels: 'target-service', faults: 'none' };
    const slices = {
      visible: { f1: 0.8, recall: 0.9, aucRoc: 0.95, detected: 9, anomalies: 10 },
      hidden: { f1: 0.3, recall: 0.25, aucRoc: 0.61, detected: 1, anomalies: 4 },
    };
    const raw = VARIANTS.slice(0, 3).map(([v, fs, a, sup], i) => ({
      ...rawRow(i, 'null', v, fs, a, sup),
      scope: nullScope,
      leak: i === 0,
      faultSlices: slices,
    }));
    const { data } = fixtureData(raw);
    const app = await mount(data);
    try {
      resize(app.stdout, 120, 30);
      await delay();
      const lines = frameOf(app).split('\n');
      assert.match(lines[1]!, /^⚠ LEAK null dataset \(null\): event_lr_words on words has mean test AUC-ROC/);
      assert.match(lines[2]!, /^null: labels target-service · seqBy file · order shuffled · faults none/);
      assert.match(lines[3]!, /#\s+variant/);
      assert.match(frameOf(app), /event_lr_words .*⚠ LEAK/);
      app.stdin.write(ENTER);
      await delay();
      const detail = frameOf(app);
      assert.match(detail, /scope: labels target-service · seqBy file · order shuffled · faults none \(null dataset\)/);
      assert.match(detail, /⚠ LEAK: mean test AUC-ROC 0\.\d{3} on a null dataset/);
      assert.match(detail, /fault=visible recall 0\.900 \(9\/10\) · F1 0\.800 · AUC-ROC 0\.950/);
      assert.match(
        detail,
        /fault=hidden {2}recall 0\.250 \(1\/4\) · F1 0\.300 · AUC-ROC 0\.610 · caught without seeing the fault/,
      );
    } finally {
      app.unmount();
    }
  });

  it('tells an empty database how to get trials', async () => {
    const { data } = fixtureData([]);
    const app = await mount(data);
    try {
      await delay();
      assert.match(frameOf(app), /no finished trials yet — run `bench run experiments\/quickstart\.ts`/);
    } finally {
      app.unmount();
    }
  });
});
