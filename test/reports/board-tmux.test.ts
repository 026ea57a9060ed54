/**
 * Drives the real board in a real terminal: tmux on a private socket, 80×24, keys sent with
 * `send-keys`, the screen read with `capture-pane`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { entryMetrics } from '../helpers/board-fixture.ts';
import { tempDir } from '../helpers/fixtures.ts';

const REPO = join(import.meta.dirname, '../..');
const SOCKET = `lo2bench-test-${process.pid}`;
const SESSION = `board-${process.pid}`;

const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

const VARIANTS: readonly [string, string, boolean][] = [
  ['event_lr_words', 'words', true],
  ['event_lsvm_words', 'words', true],
  ['event_dt_trigrams', 'trigrams', true],
  ['event_rf_words', 'words', true],
  ['event_xgb_words', 'words', true],
  ['sequence_lr_words', 'words', true],
  ['sequence_shap_lr_words', 'words', true],
  ['sequence_lr_numeric', 'numeric', true],
  ['isolation_forest', 'numeric', false],
  ['event_lof_words', 'words', false],
  ['event_oneclass_svm_words', 'words', false],
  ['event_kmeans_words', 'words', false],
  ['event_rarity_words', 'words', false],
  ['event_oov_words', 'words', false],
];

const SCOPE = { labels: 'case', seqBy: 'file', source: 'synthetic', order: 'shuffled', faults: 'injected' };

/** Rows (unranked: the script ranks them by the requested metric), one detail and one comparison. */
function fixture() {
  const rows = VARIANTS.map(([variant, featureSet, supervised], i) => {
    const f1 = 0.93 - i * 0.05;
    const means = {
      f1: { mean: f1, lo: f1 - 0.02, hi: f1 + 0.02, interval: 'corrected-t' as const },
      // Reversed order under AUC-PR, so `m` visibly re-ranks.
      aucPr: 0.5 + i * 0.03,
      aucRoc: 0.8 + (i % 5) * 0.03,
      precisionAtK: 0.6 + (i % 4) * 0.05,
    };
    return {
      key: `quickstart|${variant}|${featureSet}`,
      experiment: 'quickstart',
      variant,
      featureSet,
      algorithm: variant.replace(/^(event|sequence)_|_(words|trigrams|numeric)$/g, ''),
      supervised,
      seeds: 3,
      trials: [i * 3 + 1, i * 3 + 2, i * 3 + 3],
      failed: 0,
      falsePositives: 5 + i,
      ...means,
      metrics: entryMetrics(means),
      fitMs: 200 + i * 1500,
      throughputPerS: 1500 + i * 2300,
      withinTrivialReach: i === 6,
      scope: SCOPE,
      leak: false,
      flags: i === 6 ? [{ flag: 'trivial', reason: 'test F1 within 0.02 of the trivial rule "sequence length"' }] : [],
      faultSlices: null,
    };
  });
  const detail = {
    confusion: { tp: 321, fp: 9, tn: 8800, fn: 44 },
    recallByCase: Array.from({ length: 40 }, (_, i) => ({
      testCase: `error_case_${String(i).padStart(2, '0')}`,
      recall: i / 40,
      detected: i,
      total: 40,
    })),
    topFeatures: [{ feature: 'w:expired', meanAbs: 0.4 }],
    timings: [{ stage: 'fit', wallMs: 1200 }],
    leakageWarnings: [],
    trivialF1: 0.38,
  };
  return { experiments: ['quickstart'], rows, detail, scope: SCOPE };
}

/** The app the pane runs: runBoard over the fixture file, loaded and called the way `bench board` does. */
const SCRIPT = `
import { readFileSync } from 'node:fs';
const { loadTerminalBoard } = await import(process.argv[2]);
const { runBoard } = await loadTerminalBoard();
const fx = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const value = { f1: (r) => r.f1.mean, auc_pr: (r) => r.aucPr, auc_roc: (r) => r.aucRoc, precision_at_k: (r) => r.precisionAtK };
const data = {
  leaderboard(primary, experiment) {
    const v = value[primary];
    const rows = fx.rows
      .filter((r) => experiment === undefined || r.experiment === experiment)
      .sort((a, b) => v(b) - v(a))
      .map((r, i, all) => ({
        ...r,
        rank: i + 1,
        tied: i > 0 && v(all[i - 1]) - v(r) < 0.01,
        primary: { mean: v(r), lo: v(r) - 0.02, hi: v(r) + 0.02, interval: 'corrected-t' },
      }));
    return { primaryMetric: primary, experiments: fx.experiments, rows, scopes: { quickstart: fx.scope }, warnings: [] };
  },
  detail: (row) => ({ ...fx.detail, row }),
  compare() {
    throw new Error('not used here');
  },
};
await runBoard(data);
`;

function capture(): string {
  const r = tmux('capture-pane', '-p', '-t', SESSION);
  return r.status === 0 ? r.stdout : '';
}

/** Polls the pane until `predicate` holds; fails with the last screen after `timeoutMs`. */
async function waitForPane(predicate: (screen: string) => boolean, what: string, timeoutMs = 10_000) {
  const start = Date.now();
  let screen = '';
  while (Date.now() - start < timeoutMs) {
    screen = capture();
    if (predicate(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}; the pane shows:\n${screen}`);
}

const sessionAlive = () => tmux('has-session', '-t', SESSION).status === 0;

describe('bench board in tmux', { skip: hasTmux ? false : 'tmux not found on PATH' }, () => {
  const tmp = tempDir('lo2-bench-board-tmux-');
  let socketPath = '';

  before(() => {
    writeFileSync(join(tmp.dir, 'fixture.json'), JSON.stringify(fixture()));
    writeFileSync(join(tmp.dir, 'board.mjs'), SCRIPT);
    const entry = pathToFileURL(join(REPO, 'reports/board/terminal.ts')).href;
    // With CI set, Ink draws only the final frame unless the loader keeps it out of CI mode: set it
    // whatever this test's own environment is, so the pane checks that too.
    const command = [
      'env CI=true',
      'node --import tsx',
      JSON.stringify(join(tmp.dir, 'board.mjs')),
      JSON.stringify(entry),
      JSON.stringify(join(tmp.dir, 'fixture.json')),
    ].join(' ');
    const r = tmux('new-session', '-d', '-s', SESSION, '-x', '80', '-y', '24', '-c', REPO, command);
    assert.equal(r.status, 0, `tmux new-session failed: ${r.stderr}`);
    socketPath = tmux('display-message', '-p', '-t', SESSION, '#{socket_path}').stdout.trim();
  });

  after(() => {
    if (sessionAlive()) tmux('kill-session', '-t', SESSION);
    // The private server would exit with its last session anyway; make sure nothing lingers.
    tmux('kill-server');
    // A server that exits with its last session can leave its socket file behind.
    if (socketPath !== '') rmSync(socketPath, { force: true });
    tmp.cleanup();
  });

  it('shows the table at 80×24, opens a detail, re-ranks, follows a resize and quits on q', async () => {
    let screen = await waitForPane((s) => s.includes('F1 ±CI') && s.includes('event_lr_words'), 'the table');
    const lines = screen.split('\n');
    assert.match(lines[0]!, /exp all · metric F1 · sort rank/);
    assert.match(screen, /14\/14 rows/);
    assert.match(screen, /⚠ trivial/);
    assert.match(screen, /q quit {2}\? help .* \/ find/, 'every key hint fits 80 columns');
    assert.doesNotMatch(screen, /thrpt/, 'no throughput column at 80 columns');
    for (const l of lines) assert.ok([...l].length <= 80, `${JSON.stringify(l)} fits 80 columns`);

    tmux('send-keys', '-t', SESSION, 'Down', 'Enter');
    screen = await waitForPane((s) => s.includes('recall by error case'), 'the detail view');
    // Row 2 by F1 is the second variant.
    assert.match(screen, /event_lsvm_words · words · quickstart/);
    assert.match(screen, /actual anomaly\s+tp\s+321\s+fn\s+44/);
    assert.match(screen, /1–\d+ of 40/);

    tmux('send-keys', '-t', SESSION, 'Escape');
    screen = await waitForPane((s) => s.includes('F1 ±CI') && !s.includes('recall by error case'), 'the table again');

    tmux('send-keys', '-t', SESSION, 'm');
    screen = await waitForPane((s) => s.includes('metric AUC-PR') && !s.includes('ranking by'), 'the AUC-PR ranking');
    // Under the header, the experiment's scope line and the column titles.
    assert.match(screen.split('\n')[1] ?? '', /^quickstart: labels case · seqBy file · order shuffled/);
    const firstRow = screen.split('\n')[3] ?? '';
    assert.match(firstRow, /1 event_oov_words/, 'the best AUC-PR row is ranked first');

    tmux('resize-window', '-t', SESSION, '-x', '120', '-y', '30');
    screen = await waitForPane((s) => s.includes('thrpt'), 'the throughput column after widening');
    assert.match(screen, /thrpt sup\b/, 'the supervision column appears too');
    assert.match(screen, /event_oneclass_svm_words/, 'names are no longer cut');

    tmux('send-keys', '-t', SESSION, 'q');
    const start = Date.now();
    while (sessionAlive() && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(sessionAlive(), false, 'the session ended after q');
  });
});
