import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { type MetricRow, openStore, type Store } from '../../harness/store/index.ts';
import { renderStaticTable } from '../../reports/board/index.ts';
import { compareSelectors } from '../../reports/compare.ts';
import { leaderboard, loadBoardData, rowDetail } from '../../reports/leaderboard.ts';
import { renderMarkdown } from '../../reports/page/index.ts';
import { buildReportModel } from '../../reports/report-model.ts';
import { type LeakageAudit, makeSplit, type SequenceMeta } from '../../splits/index.ts';
import { correctAndErrorRuns, tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

/**
 * Ten runs of one correct and one error sequence: the default 60/20/20 split gives 6 training, 2
 * validation and 2 test runs, so nTest/nTrain = 2/8 = 0.25 — the standard experiment's 40/160, and
 * the worked example of docs/PROTOCOL.md.
 */
const META: SequenceMeta[] = correctAndErrorRuns(10);

interface RowSpec {
  variant: string;
  /** Test F1 per seed (in seed order). */
  f1: number[];
  /** Test confusion counts, the same on every seed. @default 3 of each (half the sequences flagged) */
  confusion?: [tp: number, fp: number, tn: number, fn: number];
  /** Solver records per seed: [iterations, max_iterations, final_gradient]. */
  solver?: [number, number, number][];
}

/** A words audit whose best one-token rule is `rule` at test F1 `f1`, sequence length at 0.5. */
function audit(rule: string, f1: number): LeakageAudit {
  return {
    version: 2,
    splitHash: 'x',
    featureSet: 'words',
    runOverlap: [],
    duplicateBags: { count: 0, share: 0, examples: [] },
    separatingFeatures: [],
    strongestFeatures: [],
    baselines: [{ name: 'seq_len', direction: 1, threshold: 10, aucTest: 0.6, f1Test: 0.5 }],
    tokenRules: [
      {
        kind: 'token',
        literals: [{ token: rule.slice(rule.indexOf("'") + 1, -1), present: rule.startsWith('contains') }],
        name: rule,
        f1Val: f1,
        f1Test: f1,
        aucTest: 0.8,
      },
    ],
    bestTrivialF1: f1,
    warnings: [],
  };
}

/**
 * Records an experiment the way a sweep does (experiment row, sweep, splits with their words audit,
 * trials claimed by key and completed) with chosen numbers. A key already done is only claimed,
 * as a sweep does with another experiment's trial: it joins this experiment's plan.
 */
async function record(
  store: Store,
  name: string,
  seeds: number[],
  rows: readonly RowSpec[],
  keyPrefix = 'std',
  datasetHash = 'honest-data',
): Promise<void> {
  const e = parseExperiment(
    { name, dataset: { source: 'synthetic', preset: 'tiny', seed: 1 }, labels: 'case', seeds },
    'fixture.ts',
  );
  const experimentId = await store.upsertExperiment({ name: e.name, file: `experiments/${name}.ts`, config: e });
  const sweepId = await store.startSweep(experimentId, { gitSha: null, env: { datasetHash } });
  const datasetId = await store.upsertDataset({
    hash: datasetHash,
    source: 'fixture',
    nRuns: 10,
    nSequences: META.length,
    nEvents: 0,
    options: {},
  });
  for (const seed of seeds) {
    const splitId = await store.saveSplit(
      datasetId,
      makeSplit(META, { seed, scope: { labels: e.labels, seqBy: e.seqBy } }),
    );
    // Seed 5's split picks another token on its validation part: the rule's name says so.
    await store.saveAudit(splitId, 'words', audit(seed === 5 ? "contains 'timeout'" : "lacks 'status.yml'", 0.78));
    for (const r of rows) {
      const claim = await store.claimTrial(
        {
          sweepId,
          splitId,
          variant: r.variant,
          featureSet: 'words',
          seed,
          params: {},
          key: `${keyPrefix}:${r.variant}:${seed}`,
        },
        { failed: false },
      );
      if (claim.resumed) continue;
      const [tp, fp, tn, fn] = r.confusion ?? [3, 3, 3, 3];
      const metrics: MetricRow[] = [
        { part: 'test', name: 'f1', value: r.f1[seeds.indexOf(seed)]! },
        { part: 'test', name: 'auc_roc', value: 0.5 },
        { part: 'test', name: 'tp', value: tp },
        { part: 'test', name: 'fp', value: fp },
        { part: 'test', name: 'tn', value: tn },
        { part: 'test', name: 'fn', value: fn },
      ];
      const solver = r.solver?.[seeds.indexOf(seed)];
      if (solver) {
        metrics.push(
          { part: 'train', name: 'iterations', value: solver[0] },
          { part: 'train', name: 'max_iterations', value: solver[1] },
          { part: 'train', name: 'final_gradient', value: solver[2] },
        );
      }
      await store.completeTrial(claim.id, { metrics, timings: [], artifacts: [], throughput: null });
    }
  }
  await store.finishSweep(sweepId, 'done');
}

/** The leaderboard of the store as it is now, ranked by F1 (of one experiment, or all). */
async function board(store: Store, experiment?: string) {
  return leaderboard(await loadBoardData(store), 'f1', experiment === undefined ? {} : { experiment });
}

// docs/PROTOCOL.md's worked example: a = xgb, b = rf.
const XGB = [0.8, 0.82, 0.78, 0.85, 0.81];
const RF = [0.78, 0.8, 0.79, 0.8, 0.77];
const STANDARD: RowSpec[] = [
  { variant: 'event_xgb_words', f1: XGB },
  { variant: 'event_rf_words', f1: RF },
  {
    variant: 'event_lr_words',
    f1: [0.7, 0.72, 0.69, 0.71, 0.7],
    solver: [
      [150, 1000, 8e-7],
      [1000, 1000, 3.2e-3],
      [140, 1000, 9e-7],
      [160, 1000, 5e-7],
      [155, 1000, 7e-7],
    ],
  },
  // Threshold 0: every test sequence flagged, precision = the anomaly share, F1 = 2/3.
  { variant: 'event_oov_words', f1: Array(5).fill(2 / 3), confusion: [5, 5, 0, 0] },
];

const close = (x: number, y: number, eps = 5e-4) => Math.abs(x - y) <= eps;

describe('honest statistics on the board: corrected t-intervals, ties, flags, shared trials', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const path = join(dir, 'bench.db');
  const env = { ...process.env, BENCH_HOME: join(dir, 'home') };
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args, '--db', path], { encoding: 'utf8', env });
  let store: Store;
  before(async () => {
    store = await openStore(path);
    await record(store, 'std', [1, 2, 3, 4, 5], STANDARD);
    // A smaller experiment whose plan is a subset of std's: its trials have the same keys.
    await record(store, 'subset', [1, 2, 3], STANDARD.slice(0, 2));
    await record(store, 'single', [1], [{ variant: 'event_xgb_words', f1: [0.8] }], 'single');
    // An experiment whose only trial failed, on std's first split.
    const id = await store.upsertExperiment({ name: 'broken', file: 'experiments/broken.ts', config: {} });
    const sweepId = await store.startSweep(id, { gitSha: null, env: {} });
    const [first] = await store
      .findDoneTrials({ variant: 'event_xgb_words', experiment: 'std' })
      .then((t) => t.slice(-1));
    const claim = await store.claimTrial(
      {
        sweepId,
        splitId: first!.splitId,
        variant: 'event_lr_words',
        featureSet: 'words',
        seed: 1,
        params: {},
        key: 'broken:1',
      },
      { failed: false },
    );
    await store.failTrial(claim.id, 'boom');
    await store.finishSweep(sweepId, 'failed');
  });
  after(() => store?.close());

  it('gives each row the mean and its 95 % corrected resampled t-interval over its seeds', async () => {
    const xgb = (await board(store, 'std')).rows.find((r) => r.variant === 'event_xgb_words')!;
    // PROTOCOL.md: 0.812 [0.764, 0.860] (s² = 0.00067, se = √(s² · (1/5 + 2/8)), t_{4, 0.975} = 2.776).
    assert.equal(xgb.f1.interval, 'corrected-t');
    assert.ok(close(xgb.f1.mean, 0.812, 1e-12));
    assert.ok(close(xgb.f1.lo, 0.76379, 1e-5) && close(xgb.f1.hi, 0.86021, 1e-5), `${xgb.f1.lo} ${xgb.f1.hi}`);
    assert.deepEqual(xgb.primary, xgb.f1);
    // The plain t-interval would be √(0.2/0.45) = 0.67 as wide: the correction is in.
    const plainHalf = 2.776445 * Math.sqrt(0.00067 / 5);
    assert.ok((xgb.f1.hi - xgb.f1.lo) / 2 > 1.49 * plainHalf);
  });

  it('ranks within the experiment and marks ties by the corrected t-test (p ≥ 0.05) only', async () => {
    assert.deepEqual(
      (await board(store, 'std')).rows.map((r) => [r.rank, r.variant, r.tied]),
      [
        [1, 'event_xgb_words', false],
        // rf − xgb over 5 seeds: t = −1.554, p = 0.195 (a paired t-test would give 0.080).
        [2, 'event_rf_words', true],
        // lr − rf: t = −10.98, p = 0.0004; oov − lr: t = −4.88, p = 0.008 (scipy).
        [3, 'event_lr_words', false],
        [4, 'event_oov_words', false],
      ],
    );
  });

  it('flags degenerate, trivial and not-converged rows with their reasons, naming the rule', async () => {
    const flags = Object.fromEntries((await board(store, 'std')).rows.map((r) => [r.variant, r.flags]));
    const rule = `one token of words: lacks 'status.yml' (4 seeds), contains 'timeout' (1 seed)`;
    assert.deepEqual(flags.event_xgb_words, [], '0.812 > 0.78 + 0.02');
    assert.deepEqual(flags.event_rf_words, [
      { flag: 'trivial', reason: `test F1 0.788 is within 0.02 of the trivial rule "${rule}" (F1 0.780)` },
    ]);
    assert.deepEqual(flags.event_oov_words, [
      { flag: 'degenerate', reason: 'flags 100 % of test sequences on every seed (5 seeds)' },
      { flag: 'trivial', reason: `test F1 0.667 is within 0.02 of the trivial rule "${rule}" (F1 0.780)` },
    ]);
    assert.deepEqual(flags.event_lr_words!.at(-1), {
      flag: 'not-converged',
      reason: 'hit the iteration limit on 1 of 5 seeds (seed 2: 1000/1000 iterations, final gradient 3.20e-3)',
    });
    const data = await loadBoardData(store, { experiment: 'std' });
    const detail = rowDetail(data, leaderboard(data, 'f1').rows.find((r) => r.variant === 'event_rf_words')!);
    assert.ok(close(detail.trivialF1!, 0.78, 1e-12));
    assert.equal(detail.trivialRule?.name, rule);
  });

  it('says a single-seed row has no interval over splits', async () => {
    const [row] = (await board(store, 'single')).rows;
    assert.equal(row!.f1.interval, 'single-seed');
    assert.equal(row!.f1.reason, '1 seed: no interval over splits');
    assert.ok(Number.isNaN(row!.f1.lo) && Number.isNaN(row!.f1.hi));
    const md = renderMarkdown(await buildReportModel(store, 'single'), { chartPath: (n) => n });
    assert.match(md, /\| 0\.800 \(1 seed: no interval over splits\) \|/);
  });

  it('shows every trial of a plan in each experiment that planned it, whichever computed it', async () => {
    const data = await loadBoardData(store);
    const subset = leaderboard(data, 'f1', { experiment: 'subset' });
    assert.deepEqual(
      subset.rows.map((r) => [r.variant, r.seeds]),
      [
        ['event_xgb_words', 3],
        ['event_rf_words', 3],
      ],
    );
    const std = leaderboard(data, 'f1', { experiment: 'std' });
    assert.deepEqual(subset.rows[0]!.trials, std.rows[0]!.trials.slice(0, 3), 'the same trials, not copies');
    // Seeds 1–3 of the worked example: [0.734, 0.866] and [0.757, 0.823].
    assert.ok(close(subset.rows[0]!.f1.lo, 0.73428) && close(subset.rows[0]!.f1.hi, 0.86572));
    assert.ok(close(subset.rows[1]!.f1.lo, 0.75714) && close(subset.rows[1]!.f1.hi, 0.82286));
    const ls = JSON.parse(bench('ls', '--experiment', 'subset', '--json').stdout) as {
      experiment: string;
      computed_by: string;
    }[];
    assert.equal(ls.length, 6);
    assert.ok(ls.every((t) => t.experiment === 'subset' && t.computed_by === 'std'));
    assert.match(bench('ls', '--experiment', 'subset').stdout, /event_rf_words .*\(computed by std\)/);
    const cmp = await compareSelectors(
      store,
      { variant: 'event_xgb_words', experiment: 'subset' },
      { variant: 'event_rf_words', experiment: 'subset' },
    );
    assert.equal(cmp.pairs.length, 3);
    assert.equal((await buildReportModel(store, 'subset', {}, data)).leaderboard.length, 2);
  });

  it('groups the all-experiments board by experiment, ranks within each, and never ties across them', async () => {
    const all = await board(store);
    assert.deepEqual(
      all.rows.map((r) => `${r.experiment} ${r.rank}${r.tied ? '≈' : ''}`),
      ['single 1', 'std 1', 'std 2≈', 'std 3', 'std 4', 'subset 1', 'subset 2≈'],
    );
    const text = renderStaticTable(all, 140);
    assert.match(text, /# experiment\s+variant/);
    assert.match(text, /^\s+1 std\s+event_xgb_words/m);
  });

  it('tells an experiment without finished trials what to do: never "run it" when its trials are done', () => {
    const broken = bench('board', '--experiment', 'broken', '--width', '200');
    assert.equal(broken.status, 0, broken.stderr);
    assert.match(
      broken.stdout,
      /experiment 'broken' has no finished trials — its 1 trials failed: see bench ls --experiment broken --status failed, then bench run experiments\/broken\.ts --retry-failed/,
    );
    const report = bench('report', 'broken', '--out', join(dir, 'r'));
    assert.equal(report.status, 2);
    assert.match(report.stderr, /--retry-failed/);
    assert.doesNotMatch(bench('board', '--experiment', 'subset').stdout, /no finished trials|run it/);
  });

  it('bench board --json says which interval each number carries and lists the flags', () => {
    const r = bench('board', '--experiment', 'std', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout).rows as {
      variant: string;
      f1: { interval: string; lo: number };
      flags: { flag: string; reason: string }[];
    }[];
    assert.ok(rows.every((x) => x.f1.interval === 'corrected-t'));
    assert.deepEqual(
      rows.map((x) => [x.variant, x.flags.map((f) => f.flag)]),
      [
        ['event_xgb_words', []],
        ['event_rf_words', ['trivial']],
        ['event_lr_words', ['trivial', 'not-converged']],
        ['event_oov_words', ['degenerate', 'trivial']],
      ],
    );
    const plain = bench('board', '--experiment', 'std', '--width', '140').stdout;
    assert.match(plain, /event_oov_words .*⚠ degen trivial/);
    assert.match(plain, /event_lr_words .*⚠ trivial noconv/);
    assert.match(plain, /^± 95 % corrected resampled t-interval/m);
  });

  it('bench compare over seeds: the corrected resampled t-test is the headline, Wilcoxon a side note', () => {
    const r = bench('compare', 'event_xgb_words', 'event_rf_words:words', '--experiment', 'std', '--json');
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    // b − a = rf − xgb: PROTOCOL.md's d with the sign turned.
    assert.equal(c.corrected_t.state, 'interval');
    assert.ok(close(c.corrected_t.t, -1.55406, 1e-5), String(c.corrected_t.t));
    assert.equal(c.corrected_t.df, 4);
    assert.ok(close(c.corrected_t.p, 0.19514, 1e-5), String(c.corrected_t.p));
    assert.ok(close(c.corrected_t.ci[0], -0.06688, 1e-5) && close(c.corrected_t.ci[1], 0.01888, 1e-5));
    assert.deepEqual([c.corrected_t.nTrain, c.corrected_t.nTest], [8, 2]);
    assert.equal(c.tied, true);
    assert.equal(c.bootstrap, null, 'no test-run bootstrap over seeds');
    assert.equal(c.wilcoxon.n, 5);
    const text = bench('compare', 'event_xgb_words', 'event_lr_words', '--experiment', 'std').stdout;
    // lr − xgb: t = −8.370, p = 0.0011 (scipy).
    assert.match(text, /t = -8\.370, df = 4, p = 0\.001\n {2}corrected resampled t-test over 5 split seeds/);
    assert.match(text, /→ different: a is better on F1/);
    assert.match(text, /side note — Wilcoxon signed-rank over seeds: p = 0\.063 \(exact, n = 5\)/);
  });

  it('follows an experiment to its new dataset: trials of the old data leave its rows instead of doubling its seeds', async () => {
    // The same experiment rerun (so far on seed 1 only) after its data, or the code ingesting it,
    // changed: new keys, new splits. Seed 2 of the old data must not join seed 1 of the new.
    await record(store, 'moved', [1, 2], [{ variant: 'event_rf_words', f1: [0.5, 0.6] }], 'moved-old');
    await record(store, 'moved', [1], [{ variant: 'event_rf_words', f1: [0.7] }], 'moved-new', 'honest-data-2');
    const [row] = (await board(store, 'moved')).rows;
    assert.deepEqual([row!.seeds, row!.f1.mean, row!.f1.interval], [1, 0.7, 'single-seed']);
    assert.equal(JSON.parse(bench('ls', '--experiment', 'moved', '--json').stdout).length, 1);
  });
});
