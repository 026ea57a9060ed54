import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseCsvLine, readPredictions, rowsOf } from '../../harness/artifacts/index.ts';
import { openStore, type Store } from '../../harness/store/index.ts';
import { precisionRecallCurve } from '../../reports/curves.ts';
import { leaderboard, loadBoardData, rowDetail, summarizeFaultSlices } from '../../reports/leaderboard.ts';
import { buildReportModel, topKStability } from '../../reports/report-model.ts';
import { metricsAt, prepareSplit, weightedMetric } from '../../splits/eval/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const IMPORT = JSON.stringify(join(import.meta.dirname, '../../harness/experiment/index.ts'));

describe('leaderboard, explanations and report over a real sweep', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const home = join(dir, 'home');
  const env = { ...process.env, BENCH_HOME: home };
  const bench = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  let store: Store;
  // The file itself, for facts of its tables.
  let db: Database.Database;
  const trial = async (id: number) => (await store.getTrial(id))!;
  before(async () => {
    const file = join(dir, 'lb.ts');
    writeFileSync(
      file,
      `import { defineExperiment } from ${IMPORT};
export default defineExperiment({
  name: 'lb-test',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 16, seed: 3, order: 'shuffled' },
  ingest: { trimLines: 0 },
  seeds: [1, 2],
  variants: ['event_lr_words', 'sequence_lr_words', 'event_rf_words', 'event_oov_words'],
  throughput: { timeMs: 5, samples: 3 },
});
`,
    );
    const r = bench('run', file, '--workers', '2');
    assert.equal(r.status, 0, r.stderr);
    store = await openStore(join(home, 'bench.db'));
    db = new Database(join(home, 'bench.db'), { readonly: true });
  });
  after(async () => {
    db?.close();
    await store?.close();
  });

  it('weighted metrics equal metricsAt on the split, and on a split with a run drawn twice', async () => {
    const t = await trial(1);
    const p = readPredictions(t.artifacts.find((a) => a.kind === 'predictions')!);
    const s = prepareSplit(p);
    const test = rowsOf(p, 'test');
    const scores = Float64Array.from(test, (i) => p.score[i]!);
    const labels = Uint8Array.from(test, (i) => p.anomaly[i]!);
    const m = metricsAt(scores, labels, t.metrics.test.threshold!);
    const ones = new Float64Array(s.runs.length).fill(1);
    for (const k of ['f1', 'auc_pr', 'auc_roc', 'precision_at_k'] as const) {
      assert.ok(Math.abs(weightedMetric(s, ones, k) - m[k]) < 1e-12, k);
    }
    // Run 0 twice, run 1 dropped: the same as metricsAt on that multiset of rows.
    const w = new Float64Array(s.runs.length).fill(1);
    w[0] = 2;
    w[1] = 0;
    const rows = test.flatMap((i) => (p.run[i] === s.runs[0] ? [i, i] : p.run[i] === s.runs[1] ? [] : [i]));
    const m2 = metricsAt(
      Float64Array.from(rows, (i) => p.score[i]!),
      Uint8Array.from(rows, (i) => p.anomaly[i]!),
      t.metrics.test.threshold!,
    );
    for (const k of ['f1', 'auc_pr', 'auc_roc', 'precision_at_k'] as const) {
      assert.ok(Math.abs(weightedMetric(s, w, k) - m2[k]) < 1e-12, `${k} with weights`);
    }
  });

  it('ranks rows by the primary metric over seeds, with intervals and ties', async () => {
    const data = await loadBoardData(store);
    const board = leaderboard(data, 'f1');
    assert.equal(board.rows.length, 4);
    assert.deepEqual(board.experiments, ['lb-test']);
    for (const [i, r] of board.rows.entries()) {
      assert.equal(r.rank, i + 1);
      assert.equal(r.seeds, 2);
      const f1s = await Promise.all(r.trials.map(async (id) => (await trial(id)).metrics.test.f1!));
      assert.ok(Math.abs(r.f1.mean - (f1s[0]! + f1s[1]!) / 2) < 1e-12);
      assert.ok(r.f1.lo <= r.f1.mean + 1e-12 && r.f1.mean <= r.f1.hi + 1e-12, `${r.variant} interval`);
      assert.equal(r.f1.interval, 'corrected-t');
      if (i > 0) assert.ok(board.rows[i - 1]!.primary.mean >= r.primary.mean);
      assert.ok(r.throughputPerS !== null && r.throughputPerS > 0);
    }
    // Two names for one model (LR on words): identical scores, so tied with each other.
    const lr = board.rows.filter((r) => r.variant === 'event_lr_words' || r.variant === 'sequence_lr_words');
    assert.equal(Math.abs(lr[0]!.rank - lr[1]!.rank), 1);
    assert.ok(board.rows[Math.max(lr[0]!.rank, lr[1]!.rank) - 1]!.tied);
    const auc = leaderboard(data, 'auc_roc');
    assert.equal(auc.primaryMetric, 'auc_roc');
    auc.rows.forEach((r, i) => {
      if (i > 0) assert.ok(auc.rows[i - 1]!.aucRoc >= r.aucRoc);
    });
    const detail = rowDetail(data, board.rows[0]!);
    let tp = 0;
    for (const id of board.rows[0]!.trials) tp += (await trial(id)).metrics.test.tp!;
    assert.equal(detail.confusion.tp, tp);
    assert.ok(detail.recallByCase.length > 0);
    for (let i = 1; i < detail.recallByCase.length; i++) {
      assert.ok(detail.recallByCase[i - 1]!.recall! <= detail.recallByCase[i]!.recall!);
    }
    assert.ok(detail.timings.some((t) => t.stage === 'fit'));
  });

  it('takes intervals from the stored per-seed metrics and the split sizes, not from prediction files', async () => {
    const row = async (s: Store) =>
      leaderboard(await loadBoardData(s), 'f1').rows.find((r) => r.variant === 'event_rf_words')!;
    const before = await row(store);
    assert.equal(before.f1.interval, 'corrected-t');
    // By hand: two seeds, df = 1, t_{1, 0.975} = tan(0.475π); nTrain = train + val runs, nTest = test runs.
    const f1s = [(await trial(before.trials[0]!)).metrics.test.f1!, (await trial(before.trials[1]!)).metrics.test.f1!];
    const runs = (id: number, parts: string) =>
      (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM split_members WHERE split_id = (SELECT split_id FROM trials WHERE id = ?) AND part IN (${parts})`,
          )
          .get(id) as { n: number }
      ).n;
    const nTrain = before.trials.reduce((s, id) => s + runs(id, "'train', 'val'"), 0) / 2;
    const nTest = before.trials.reduce((s, id) => s + runs(id, "'test'"), 0) / 2;
    const mean = (f1s[0]! + f1s[1]!) / 2;
    const variance = (f1s[0]! - f1s[1]!) ** 2 / 2;
    const half = Math.tan(0.475 * Math.PI) * Math.sqrt(variance * (1 / 2 + nTest / nTrain));
    // Cut to F1's range [0, 1] (PROTOCOL.md): two seeds make a wide interval.
    const [lo, hi] = [Math.max(0, mean - half), Math.min(1, mean + half)];
    assert.ok(
      Math.abs(before.f1.lo - lo) < 1e-9 && Math.abs(before.f1.hi - hi) < 1e-9,
      `[${before.f1.lo}, ${before.f1.hi}]`,
    );
    // A copy of the database without the forest's predictions gives the same row.
    const copy = join(dir, 'without-predictions.db');
    db.exec(`VACUUM INTO '${copy}'`);
    const edit = new Database(copy);
    edit
      .prepare(
        "DELETE FROM artifacts WHERE kind = 'predictions' AND trial_id IN (SELECT id FROM trials WHERE variant = 'event_rf_words')",
      )
      .run();
    edit.close();
    const other = await openStore(copy);
    try {
      const after = await row(other);
      assert.deepEqual([after.f1.lo, after.f1.hi, after.tied], [before.f1.lo, before.f1.hi, before.tied]);
    } finally {
      await other.close();
    }
  });

  it('writes SHAP, nearest-normal and false-positive files for a trial', async () => {
    const lr = db.prepare("SELECT id FROM trials WHERE variant = 'event_lr_words' ORDER BY id LIMIT 1").get() as {
      id: number;
    };
    const t = await trial(lr.id);
    const kinds = t.artifacts.map((a) => a.kind).sort();
    for (const k of [
      'false-positives',
      'model',
      'nearest-normal',
      'predictions',
      'shap',
      'shap-bar-chart',
      'shap-points',
      'shap-summary-plot',
    ]) {
      assert.ok(kinds.includes(k), k);
    }
    const path = (k: string) => t.artifacts.find((a) => a.kind === k)!.path;
    const shap = readFileSync(path('shap'), 'utf8').trimEnd().split('\n').slice(1).map(parseCsvLine);
    for (let i = 1; i < shap.length; i++)
      assert.ok(Number(shap[i - 1]![1]) >= Number(shap[i]![1]), 'sorted by mean |SHAP|');
    assert.match(readFileSync(path('shap-bar-chart'), 'utf8'), /^<svg/);
    const nn = JSON.parse(readFileSync(path('nearest-normal'), 'utf8'));
    const m = t.metrics.test;
    assert.equal(nn.asked, m.tp! + m.fn! + m.fp!, 'every test anomaly and false positive');
    for (const row of nn.rows) {
      assert.ok(row.anomaly || row.flagged);
      assert.ok(row.neighbour === null || row.neighbour.includes('__correct__'), 'neighbours are normal sequences');
      assert.ok(row.templates && Array.isArray(row.templates.onlyInSequence));
    }
    const fp = readFileSync(path('false-positives'), 'utf8').trimEnd().split('\n');
    assert.equal(fp[0], 'seq_id,score,threshold,top_features,unique_templates');
    assert.equal(fp.length - 1, m.fp);
    // An algorithm without its own explainer writes no SHAP by default, but still the mapping.
    const oov = db.prepare("SELECT id FROM trials WHERE variant = 'event_rf_words' LIMIT 1").get() as { id: number };
    assert.ok(
      (await trial(oov.id)).artifacts.some((a) => a.kind === 'shap'),
      'TreeSHAP for the forest',
    );
  });

  it('builds the report model and writes the page through the CLI', async () => {
    const model = await buildReportModel(store, 'lb-test');
    assert.equal(model.leaderboard.length, 4);
    assert.equal(model.prCurves.length, 4);
    assert.ok(model.prCurves.every((c) => c.points.length > 1));
    assert.equal(model.recallByCase.rows.length, 4);
    assert.ok(model.recallByCase.columns.length > 0);
    assert.ok(model.leakage.length >= 2, 'an audit per split');
    assert.ok(model.explanations && model.explanations.length >= 3);
    assert.match(model.explanations![0]!.note!, /stability across 2 seeds \(mean pairwise Jaccard\): (0|1)\.\d\d/);
    assert.equal(model.environment.datasetHash?.length, 32);
    assert.equal(model.environment.status, 'done', 'how the newest sweep ended');
    assert.equal(model.environment.error, undefined, 'no main-thread error to show');
    assert.equal(model.falsePositives?.length, 4, 'one list per row (first seed)');
    for (const fp of model.falsePositives!) {
      assert.ok(fp.rows.length <= Math.min(8, fp.total));
      for (let i = 1; i < fp.rows.length; i++) assert.ok(fp.rows[i - 1]!.score >= fp.rows[i]!.score);
    }
    const r = bench('report', 'lb-test', '--json');
    assert.equal(r.status, 0, r.stderr);
    const written = JSON.parse(r.stdout);
    assert.ok(existsSync(written.html));
    const html = readFileSync(written.html, 'utf8');
    assert.match(html, /event_rf_words/);
    assert.doesNotMatch(html, /https?:\/\//);
    const missing = bench('report', 'nope');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no experiment named 'nope'/);
  });

  it('bench board prints a static table without a terminal, and JSON with --json', () => {
    const r = bench('board', '--width', '120');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /event_lr_words/);
    assert.ok(r.stdout.split('\n').every((l) => l.length <= 120));
    const j = bench('board', '--json', '--metric', 'auc_pr');
    assert.equal(JSON.parse(j.stdout).primaryMetric, 'auc_pr');
    assert.equal(bench('board', '--metric', 'bogus').status, 2);
    const unknown = bench('board', '--experiment', 'nope');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no experiment named 'nope'.*\n.*experiments: lb-test/);
  });
});

describe('report helpers', () => {
  it('fault slices: recall pooled, F1 and AUC-ROC averaged over the seeds whose slice holds anomalies', () => {
    const s = summarizeFaultSlices([
      {
        visible: { tp: 3, fn: 1, f1: 0.8, auc_roc: 0.9 },
        hidden: { tp: 0, fn: 0, fp: 2, f1: 0, auc_roc: Number.NaN },
      },
      {
        visible: { tp: 1, fn: 1, f1: 0.6, auc_roc: 0.7 },
        hidden: { tp: 1, fn: 3, fp: 2, f1: 0.25, auc_roc: 0.6 },
      },
    ] as never);
    assert.ok(s !== null);
    assert.equal(s.visible.recall, 4 / 6);
    assert.ok(Math.abs(s.visible.f1 - 0.7) < 1e-12);
    assert.equal(s.visible.aucRoc, 0.8);
    // Seed 1 has no hidden anomaly: its F1 of 0 is no "missed everything", so only seed 2 counts.
    assert.equal(s.hidden.f1, 0.25);
    assert.equal(s.hidden.recall, 1 / 4);
    assert.deepEqual([s.hidden.detected, s.hidden.anomalies], [1, 4]);
  });

  it('precision–recall curve steps through tie blocks', () => {
    const pts = precisionRecallCurve(Float64Array.from([0.9, 0.8, 0.8, 0.1]), Uint8Array.from([1, 0, 1, 0]));
    assert.deepEqual(pts, [
      { recall: 0, precision: 1 },
      { recall: 0.5, precision: 1 },
      { recall: 1, precision: 2 / 3 },
      { recall: 1, precision: 0.5 },
    ]);
    assert.deepEqual(precisionRecallCurve(Float64Array.from([1]), Uint8Array.from([0])), []);
  });

  it('top-k stability is the mean pairwise Jaccard', () => {
    assert.equal(topKStability([['a', 'b']]), null);
    assert.equal(
      topKStability([
        ['a', 'b'],
        ['a', 'b'],
      ]),
      1,
    );
    assert.equal(
      topKStability([
        ['a', 'b'],
        ['b', 'c'],
        ['a', 'b'],
      ]),
      (1 / 3 + 1 + 1 / 3) / 3,
    );
  });
});
