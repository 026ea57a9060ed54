/**
 * The metrics registry is the single source of what metrics exist: every consumer (board columns,
 * sort keys, CSV, `--metric`, compare, `bench show`, the report) lists exactly its metrics, and one
 * definition registered at run time — plus its stored values — reaches all of them with no other
 * change, over a real sweep in a real SQLite file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../harness/store/index.ts';
import { layoutColumns, metricColumnId, sortDescending, sortKeys } from '../../reports/board/columns.ts';
import { csvColumns, renderCsv, renderStaticTable } from '../../reports/board/index.ts';
import { buildReportModel, comparedMetrics, leaderboard, loadBoardData, shownMetrics } from '../../reports/index.ts';
import { renderHtml, renderMarkdown } from '../../reports/page/index.ts';
import {
  BUILTIN_METRICS,
  checkMetricDef,
  type MetricDef,
  metricDefs,
  metricIds,
  metricsAt,
  rankableMetricIds,
  registerMetric,
} from '../../splits/eval/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/bench.mjs');

/** Matthews correlation: a metric the harness does not compute, defined the way a new one would be. */
const MCC: MetricDef = {
  id: 'mcc',
  label: 'Matthews correlation',
  short: 'MCC',
  description: '(tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)) at the validation threshold',
  direction: 'higher',
  rankable: true,
  interval: 'primary',
  range: [-1, 1],
  format: 'ratio',
  aggregate: 'mean',
  parts: ['test'],
  level: 'sequence',
};

/** False discovery rate: lower is better, so it ranks and sorts ascending. */
const FDR: MetricDef = {
  ...MCC,
  id: 'fdr',
  label: 'false discovery rate',
  short: 'FDR',
  description: 'fp / (tp + fp) at the validation threshold',
  direction: 'lower',
  range: [0, 1],
};

const mcc = (tp: number, fp: number, tn: number, fn: number) => {
  const d = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return d === 0 ? 0 : (tp * tn - fp * fn) / d;
};
const fdr = (tp: number, fp: number) => (tp + fp === 0 ? 0 : fp / (tp + fp));

const metricColumnsOf = (ids: readonly string[]) => ids.map(metricColumnId);

describe('metrics registry', () => {
  it('defines each metric once and well-formed; the sequence-level ones are what metricsAt computes', () => {
    const ids = metricIds();
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    for (const d of metricDefs()) assert.doesNotThrow(() => checkMetricDef(d), d.id);
    const computed = Object.keys(
      metricsAt(Float64Array.from([0.1, 0.9, 0.4, 0.8]), Uint8Array.from([0, 1, 0, 1]), 0.5),
    );
    for (const d of BUILTIN_METRICS.filter((x) => x.level === 'sequence')) {
      assert.ok(computed.includes(d.id), `${d.id} is computed by metricsAt`);
    }
    for (const d of BUILTIN_METRICS.filter((x) => x.level === 'event')) {
      assert.match(d.id, /^event_/);
      assert.deepEqual([...d.parts], ['test']);
    }
  });

  it('every consumer lists exactly the registry’s metrics, in its order', () => {
    const rankable = rankableMetricIds();
    const sequence = metricDefs().filter((d) => d.rankable && d.level === 'sequence');
    assert.deepEqual(
      comparedMetrics(),
      metricDefs()
        .filter((d) => d.parts.includes('test'))
        .map((d) => d.id),
    );
    // Board: a column and a sort key per rankable sequence-level metric (event-level ones where rows have them).
    const columns = layoutColumns(1000).map((c) => c.id);
    const metricCols = metricColumnsOf(sequence.map((d) => d.id));
    assert.deepEqual(
      columns.filter((c) => metricCols.includes(c)),
      metricCols,
    );
    assert.deepEqual(
      sortKeys().filter((k) => metricCols.includes(k)),
      metricCols,
    );
    // CSV: every rankable metric, whatever the rows hold.
    const csv = csvColumns();
    for (const id of rankable) {
      assert.ok(csv.includes(id) || csv.includes(`${id}_mean`), `CSV column of ${id}`);
    }
    assert.deepEqual(
      shownMetrics([]).map((d) => d.id),
      sequence.map((d) => d.id),
    );
  });

  it('refuses a malformed or second definition, naming the field', () => {
    assert.throws(() => registerMetric({ ...MCC, id: 'f1' }), /metric 'f1' is already defined/);
    assert.throws(() => registerMetric({ ...MCC, id: 'Bad-Id' }), /id must be lower snake case/);
    assert.throws(
      () => registerMetric({ ...MCC, direction: 'up' as 'higher' }),
      /direction must be one of higher, lower/,
    );
    assert.throws(() => registerMetric({ ...MCC, range: [1, 0] }), /range must be \[lo, hi\]/);
    assert.throws(() => registerMetric({ ...MCC, id: 'f2', level: 'event' }), /starts with 'event_'/);
    assert.ok(!metricIds().includes('f2'), 'a refused definition is not registered');
  });
});

describe('one registered metric reaches every consumer (real sweep, real SQLite)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const home = join(dir, 'home');
  const dbFile = join(home, 'bench.db');
  const env = { ...process.env, BENCH_HOME: home };
  let store: Store;
  /** Stored per-trial values of the two new metrics, by trial id. */
  const stored = new Map<number, { mcc: number; fdr: number }>();

  before(async () => {
    const file = join(dir, 'exp.ts');
    writeFileSync(
      file,
      `import { defineExperiment } from ${JSON.stringify(join(ROOT, 'harness/experiment/index.ts'))};
export default defineExperiment({
  name: 'metric-defs',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 16, seed: 3, order: 'shuffled' },
  ingest: { trimLines: 0 },
  seeds: [1, 2],
  variants: ['event_lr_words', 'event_oov_words'],
});
`,
    );
    const r = spawnSync(process.execPath, [BIN, 'run', file, '--workers', '0'], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    // What the evaluation computing the new metrics would have stored: one test row per trial each.
    const db = new Database(dbFile);
    try {
      const counts = db
        .prepare(
          `SELECT trial_id AS id,
                  MAX(CASE WHEN name = 'tp' THEN value END) AS tp, MAX(CASE WHEN name = 'fp' THEN value END) AS fp,
                  MAX(CASE WHEN name = 'tn' THEN value END) AS tn, MAX(CASE WHEN name = 'fn' THEN value END) AS fn
             FROM metrics WHERE part = 'test' AND slice = '' GROUP BY trial_id ORDER BY trial_id`,
        )
        .all() as { id: number; tp: number; fp: number; tn: number; fn: number }[];
      assert.equal(counts.length, 4, 'two variants × two seeds');
      const insert = db.prepare(`INSERT INTO metrics (trial_id, part, name, value) VALUES (?, 'test', ?, ?)`);
      for (const c of counts) {
        const v = { mcc: mcc(c.tp, c.fp, c.tn, c.fn), fdr: fdr(c.tp, c.fp) };
        stored.set(c.id, v);
        insert.run(c.id, 'mcc', v.mcc);
        insert.run(c.id, 'fdr', v.fdr);
      }
    } finally {
      db.close();
    }
    registerMetric(MCC);
    registerMetric(FDR);
    store = await openStore(dbFile);
  });
  after(async () => {
    await store?.close();
  });

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('ranks the leaderboard (in its direction), with a board column, a sort key and a CSV column', async () => {
    assert.deepEqual(rankableMetricIds().slice(-2), ['mcc', 'fdr']);
    const data = await loadBoardData(store);
    for (const [id, direction] of [
      ['mcc', 'higher'],
      ['fdr', 'lower'],
    ] as const) {
      const board = leaderboard(data, id);
      assert.equal(board.rows.length, 2);
      for (const r of board.rows) {
        const want = mean(r.trials.map((t) => stored.get(t)![id]));
        assert.ok(Math.abs(r.metrics[id]!.mean - want) < 1e-12, `${r.variant} ${id} mean over seeds`);
        assert.equal(r.primary, r.metrics[id]);
      }
      const [a, b] = board.rows.map((r) => r.primary.mean) as [number, number];
      assert.ok(direction === 'higher' ? a >= b : a <= b, `${id} ranks ${direction} first: ${a}, ${b}`);
      assert.equal(sortDescending(metricColumnId(id)), direction === 'higher');
      const shown = shownMetrics(board.rows, id).map((d) => d.id);
      assert.ok(sortKeys(shown, id).includes(metricColumnId(id)));
      const table = renderStaticTable(board, 200);
      const header = table.split('\n').find((l) => l.includes('variant'))!;
      assert.match(header, new RegExp(`\\b${id.toUpperCase()}\\b`), `${id} column on the board`);
      assert.match(table, new RegExp(`ranked by ${id.toUpperCase()}`));
    }
    const csvHeader = renderCsv(leaderboard(data, 'mcc')).split('\r\n')[0]!.split(',');
    assert.deepEqual(csvHeader, csvColumns());
    assert.ok(csvHeader.includes('mcc') && csvHeader.includes('fdr'));
  });

  it('passes `bench board|report --metric` and shows in `bench compare` and `bench show`', () => {
    // The CLI's own main with the registry extended, as an extension module would run it.
    const script = join(dir, 'cli-with-mcc.mts');
    writeFileSync(
      script,
      `import { registerMetric } from ${JSON.stringify(join(ROOT, 'splits/eval/index.ts'))};
import { main } from ${JSON.stringify(join(ROOT, 'harness/cli/main.ts'))};
registerMetric(${JSON.stringify(MCC)});
process.exitCode = await main(process.argv.slice(2));
`,
    );
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', env, cwd: ROOT });
    const board = cli('board', '--metric', 'mcc', '--json');
    assert.equal(board.status, 0, board.stderr);
    const json = JSON.parse(board.stdout);
    assert.equal(json.primaryMetric, 'mcc');
    assert.ok(json.rows.every((r: { metrics: Record<string, unknown> }) => 'mcc' in r.metrics));
    const typo = cli('board', '--metric', 'mcx');
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /--metric must be one of f1, .*mcc/);
    assert.match(typo.stderr, /did you mean 'mcc'/);
    const compare = cli('compare', 'event_lr_words', 'event_oov_words');
    assert.equal(compare.status, 0, compare.stderr);
    assert.match(compare.stdout, /^mcc\s+-?\d\.\d{3}/m);
    const show = cli('show', '1');
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^mcc\s+-?\d\.\d{3}$/m);
    // Without the definition, the plain CLI refuses the name: the registry is what lets it through.
    const plain = spawnSync(process.execPath, [BIN, 'board', '--metric', 'mcc'], { encoding: 'utf8', env });
    assert.equal(plain.status, 2);
    assert.doesNotMatch(plain.stderr, /mcc,|, mcc/);
  });

  it('shows in the report: ranked by it, and a leaderboard column in HTML and markdown', async () => {
    const model = await buildReportModel(store, 'metric-defs', { primary: 'fdr' });
    assert.equal(model.primaryMetric, 'fdr');
    const md = renderMarkdown(model, { chartPath: (n) => `charts/${n}.png` });
    assert.match(md, /Ranked by test false discovery rate/);
    const header = md.split('\n').find((l) => l.startsWith('| Rank'))!;
    assert.match(header, /\| MCC \|/);
    assert.match(header, /\| FDR \|/);
    const html = renderHtml(model);
    assert.match(html, /<th[^>]*>MCC<\/th>/);
    assert.match(html, /primary metric false discovery rate/);
  });
});
