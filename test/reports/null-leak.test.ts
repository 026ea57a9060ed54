import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { experimentScope, parseExperiment } from '../../harness/experiment/index.ts';
import { type MetricRow, openStore, type Store } from '../../harness/store/index.ts';
import { renderStaticTable } from '../../reports/board/index.ts';
import { leaderboard, loadBoardData } from '../../reports/leaderboard.ts';
import { renderHtml, renderMarkdown } from '../../reports/page/index.ts';
import { buildReportModel } from '../../reports/report-model.ts';
import { makeSplit, type SequenceMeta } from '../../splits/index.ts';
import { correctAndErrorRuns, tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

/** Six runs of one correct and one error sequence: enough for a split per seed. */
const META: SequenceMeta[] = correctAndErrorRuns(6);

interface RowSpec {
  variant: string;
  /** Test AUC-ROC per seed. */
  auc: number[];
  /** Test fault slices per seed, when the data had truth. */
  faults?: { visible: [tp: number, fn: number, auc: number]; hidden: [tp: number, fn: number, auc: number] };
}

/**
 * Records an experiment the way a sweep does (experiment row, sweep, splits, done trials with test
 * metrics), but with chosen numbers and no files.
 */
async function record(store: Store, config: unknown, rows: readonly RowSpec[], datasetHash: string): Promise<void> {
  const e = parseExperiment(config, 'fixture.ts');
  const experimentId = await store.upsertExperiment({ name: e.name, file: 'fixture.ts', config: e });
  const sweepId = await store.startSweep(experimentId, { gitSha: null, env: {} });
  const datasetId = await store.upsertDataset({
    hash: datasetHash,
    source: 'fixture',
    nRuns: 6,
    nSequences: META.length,
    nEvents: 0,
    options: {},
  });
  for (const [s, seed] of e.seeds.entries()) {
    const scope = { labels: e.labels, seqBy: e.seqBy };
    const splitId = await store.saveSplit(datasetId, makeSplit(META, { seed, scope }));
    for (const r of rows) {
      const t = { variant: r.variant, featureSet: 'words', seed };
      const claim = await store.claimTrial(
        { sweepId, splitId, ...t, params: {}, key: `${e.name}:${JSON.stringify(scope)}:${r.variant}:${seed}` },
        { failed: true },
      );
      const metrics: MetricRow[] = [
        { part: 'test', name: 'auc_roc', value: r.auc[s]! },
        { part: 'test', name: 'f1', value: 0.5 },
        { part: 'test', name: 'tp', value: 3 },
        { part: 'test', name: 'fp', value: 3 },
        { part: 'test', name: 'tn', value: 3 },
        { part: 'test', name: 'fn', value: 3 },
      ];
      for (const [slice, [tp, fn, auc]] of Object.entries(r.faults ?? {})) {
        for (const [name, value] of Object.entries({ tp, fn, auc_roc: auc, f1: (2 * tp) / (2 * tp + fn + 3) })) {
          metrics.push({ part: 'test', name, value, slice: `fault=${slice}` });
        }
      }
      await store.completeTrial(claim.id, { metrics, timings: [], artifacts: [], throughput: null });
    }
  }
  await store.finishSweep(sweepId, 'done');
}

/** The leaderboard of the store as it is now, ranked by F1 (of one experiment, or all). */
async function boardOf(store: Store, experiment?: string) {
  return leaderboard(await loadBoardData(store), 'f1', experiment === undefined ? {} : { experiment });
}

const NULL_CONFIG = {
  name: 'null',
  dataset: { source: 'synthetic', preset: 'tiny', seed: 1, order: 'shuffled', faults: 'none' },
  labels: 'target-service',
  seeds: [1, 2],
};

describe('null dataset: detectors above chance are reported as a leak', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const path = join(dir, 'bench.db');
  let store: Store;
  before(async () => {
    store = await openStore(path);
    // Means over the two seeds: 0.61 (just above the 0.60 limit), 0.575 (below), 0.80 (well above).
    await record(
      store,
      NULL_CONFIG,
      [
        { variant: 'event_rf_words', auc: [0.7, 0.52] },
        { variant: 'event_lr_words', auc: [0.65, 0.5] },
        { variant: 'event_xgb_words', auc: [0.8, 0.8] },
      ],
      'null-data',
    );
    // The same numbers with faults injected are results, not leaks.
    await record(
      store,
      { ...NULL_CONFIG, name: 'faulty', dataset: { ...NULL_CONFIG.dataset, faults: 'injected' } },
      [
        {
          variant: 'event_rf_words',
          auc: [0.95, 0.93],
          faults: { visible: [9, 1, 0.99], hidden: [1, 3, 0.58] },
        },
      ],
      'faulty-data',
    );
  });
  after(() => store?.close());

  it('flags exactly the rows whose mean test AUC-ROC over seeds is above 0.60, with a warning naming each', async () => {
    const board = await boardOf(store);
    const leak = Object.fromEntries(board.rows.map((r) => [`${r.experiment}|${r.variant}`, r.leak]));
    assert.deepEqual(leak, {
      'null|event_rf_words': true,
      'null|event_lr_words': false,
      'null|event_xgb_words': true,
      'faulty|event_rf_words': false,
    });
    assert.equal(board.warnings.length, 2);
    assert.ok(
      board.warnings.some((w) =>
        /^null dataset \(null\): event_rf_words on words has mean test AUC-ROC 0\.610 > 0\.60 — a detector above chance means the harness or generator leaks a label$/.test(
          w,
        ),
      ),
    );
    assert.ok(board.warnings.some((w) => /event_xgb_words on words has mean test AUC-ROC 0\.800/.test(w)));
    assert.ok(!board.warnings.some((w) => /event_lr_words/.test(w)));
    assert.deepEqual(board.scopes.null, experimentScope(parseExperiment(NULL_CONFIG, 'x.ts')));
    assert.equal(board.scopes.null!.faults, 'none');
    assert.equal(board.scopes.faulty!.faults, 'injected');
    const text = renderStaticTable(board, 120);
    assert.match(text, /^⚠ 2 LEAKING on a null dataset/);
    assert.equal((text.match(/⚠ LEAK/g) ?? []).length, 2 + 2, 'two warnings and two flagged rows');
  });

  it('summarises the fault slices where the data had truth: F1 and AUC-ROC averaged, recall pooled', async () => {
    const board = await boardOf(store, 'faulty');
    const f = board.rows[0]!.faultSlices!;
    assert.deepEqual([f.visible.detected, f.visible.anomalies, f.visible.recall], [18, 20, 0.9]);
    assert.deepEqual([f.hidden.detected, f.hidden.anomalies, f.hidden.recall], [2, 8, 0.25]);
    assert.equal(f.hidden.aucRoc, 0.58);
    assert.equal((await boardOf(store, 'null')).rows[0]!.faultSlices, null);
  });

  it('bench board --json carries the flags and the warnings; the plain board prints them', () => {
    const env = { ...process.env, BENCH_HOME: join(dir, 'home') };
    const json = spawnSync(process.execPath, [BIN, 'board', '--db', path, '--json'], { encoding: 'utf8', env });
    assert.equal(json.status, 0, json.stderr);
    const board = JSON.parse(json.stdout);
    assert.equal(board.warnings.length, 2);
    assert.deepEqual(
      board.rows
        .filter((r: { leak: boolean }) => r.leak)
        .map((r: { variant: string }) => r.variant)
        .sort(),
      ['event_rf_words', 'event_xgb_words'],
    );
    assert.equal(board.rows[0].scope.labels, 'target-service');
    const plain = spawnSync(process.execPath, [BIN, 'board', '--db', path, '--width', '100'], {
      encoding: 'utf8',
      env,
    });
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /⚠ LEAK null dataset \(null\): event_/);
  });

  it('the report says so at the top, and flags the rows', async () => {
    const model = await buildReportModel(store, 'null');
    assert.equal(model.warnings?.length, 2);
    assert.equal(model.scope, 'labels target-service · seqBy file · order shuffled · faults none (null dataset)');
    assert.deepEqual(
      model.leaderboard
        .filter((e) => e.leak)
        .map((e) => e.variant)
        .sort(),
      ['event_rf_words', 'event_xgb_words'],
    );
    const html = renderHtml(model);
    assert.ok(html.indexOf('role="alert"') < html.indexOf('<main>'), 'before the sections');
    assert.match(html, /event_xgb_words on words has mean test AUC-ROC 0\.800 &gt; 0\.60/);
    assert.match(renderMarkdown(model, { chartPath: (n) => n }), /^> - \*\*null dataset \(null\): event\\_/m);
    const cli = spawnSync(process.execPath, [BIN, 'report', 'null', '--db', path, '--out', join(dir, 'report')], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_HOME: join(dir, 'home') },
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal((cli.stderr.match(/^⚠ LEAK null dataset \(null\): /gm) ?? []).length, 2);
    const faulty = await buildReportModel(store, 'faulty');
    assert.equal(faulty.warnings, undefined);
    assert.match(renderHtml(faulty), /<section id="fault-slices">/);
  });

  it('leaves trials of an earlier scope of the experiment out of its rows', async () => {
    // The same name rerun with LogLead's scope: its row shows the new trials only.
    await record(
      store,
      { ...NULL_CONFIG, labels: 'case', seeds: [1] },
      [{ variant: 'event_rf_words', auc: [0.5] }],
      'null-data',
    );
    const board = await boardOf(store, 'null');
    assert.deepEqual(
      board.rows.map((r) => [r.variant, r.seeds, r.leak]),
      [['event_rf_words', 1, false]],
    );
    assert.equal(board.rows[0]!.scope.labels, 'case');
    assert.deepEqual(board.warnings, []);
  });
});
