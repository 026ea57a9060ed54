import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import seedrandom from 'seedrandom';
import type { TuningRecord } from '../../harness/experiment/index.ts';
import { executeTrial, type PartFacts, type TrialTask } from '../../harness/sweep/trial.ts';
import { type CsrMatrix, csrFromDense, resolveVariant } from '../../models/index.ts';
import type { Part } from '../../splits/index.ts';
import { benchCli, tempDir, writeExperiment } from '../helpers/fixtures.ts';

/** The grid point a reader would choose from the recorded scores: best val F1, then val AUC-PR, then the first. */
function bestRecorded(t: TuningRecord): number {
  let best = 0;
  t.points.forEach((p, i) => {
    const b = t.points[best]!;
    if (p.valF1 > b.valF1 || (p.valF1 === b.valF1 && p.valAucPr > b.valAucPr)) best = i;
  });
  return best;
}

describe('a tuned variant in a real sweep (tiny preset, CLI, SQLite)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const bench = benchCli(join(dir, 'home'));
  const file = writeExperiment(
    dir,
    'tuned',
    `  dataset: { source: 'synthetic', preset: 'tiny', runs: 16, seed: 3 },
  ingest: { trimLines: 0 },
  labels: 'target-service',
  seeds: [1, 2],
  variants: [
    { name: 'lr_c001', algorithm: 'logistic-regression', options: { C: 0.01 } },
    { name: 'dt_shallow', from: 'event_dt_trigrams', options: { maxFeatures: 1 } },
  ],
  tune: { dt_shallow: { maxDepth: [1, 2, 6], minSamplesLeaf: [1, 8] } },
  explain: false,
  throughput: false,`,
  );
  let db: Database.Database;
  let stdout = '';

  before(() => {
    const r = bench('run', file, '--workers', '0');
    assert.equal(r.status, 0, r.stderr);
    stdout = r.stdout;
    db = new Database(join(dir, 'home', 'bench.db'), { readonly: true });
  });
  after(() => db?.close());

  const trials = () =>
    db.prepare('SELECT id, variant, seed, params_json FROM trials ORDER BY id').all() as {
      id: number;
      variant: string;
      seed: number;
      params_json: string;
    }[];
  // Paths are stored relative to the database's folder.
  const artifact = (trial: number, kind: string) =>
    resolve(
      join(dir, 'home'),
      (db.prepare('SELECT path FROM artifacts WHERE trial_id = ? AND kind = ?').get(trial, kind) as { path: string })
        .path,
    );
  const metric = (trial: number, part: string, name: string) =>
    (
      db
        .prepare("SELECT value FROM metrics WHERE trial_id = ? AND part = ? AND name = ? AND slice = ''")
        .get(trial, part, name) as { value: number }
    ).value;

  it('runs one trial per seed and variant: 4 trials', () => {
    assert.equal((stdout.match(/^\[\d+\/4\] done /gm) ?? []).length, 4, stdout);
    assert.deepEqual(
      trials()
        .map((t) => `${t.variant}:${t.seed}`)
        .sort(),
      ['dt_shallow:1', 'dt_shallow:2', 'lr_c001:1', 'lr_c001:2'],
    );
  });

  it('chooses the grid point best on validation, by the scores it records for every point', () => {
    const tuned = trials().filter((t) => t.variant === 'dt_shallow');
    for (const t of tuned) {
      const tuning = JSON.parse(readFileSync(artifact(t.id, 'tuning'), 'utf8')) as TuningRecord;
      assert.equal(tuning.points.length, 6, 'every grid point is recorded');
      assert.deepEqual(
        tuning.points.map((p) => p.point),
        [1, 2, 6].flatMap((maxDepth) => [1, 8].map((minSamplesLeaf) => ({ maxDepth, minSamplesLeaf }))),
      );
      assert.equal(tuning.chosen, bestRecorded(tuning), `trial ${t.id}`);
      const chosen = tuning.points[tuning.chosen]!;
      // The recorded scores are validation scores: the chosen point's equal the trial's own val metrics.
      assert.ok(Math.abs(chosen.valF1 - metric(t.id, 'val', 'f1')) < 1e-12, `trial ${t.id}: val F1`);
      assert.ok(Math.abs(chosen.valAucPr - metric(t.id, 'val', 'auc_pr')) < 1e-12, `trial ${t.id}: val AUC-PR`);
      // The model evaluated on test is the chosen point's.
      const model = JSON.parse(readFileSync(artifact(t.id, 'model'), 'utf8'));
      assert.equal(model.options.maxDepth, chosen.point.maxDepth);
      assert.equal(model.options.minSamplesLeaf, chosen.point.minSamplesLeaf);
      assert.equal(model.options.maxFeatures, 1, 'the derived variant keeps its override');
      const params = JSON.parse(t.params_json);
      assert.deepEqual(params.tune, { grid: { maxDepth: [1, 2, 6], minSamplesLeaf: [1, 8] } });
      assert.equal(params.algorithm, 'decision-tree');
      assert.equal(params.level, 'sequence');
    }
    // The grid makes a difference on this data, so the check above can tell choices apart.
    const scores = tuned.flatMap((t) =>
      (JSON.parse(readFileSync(artifact(t.id, 'tuning'), 'utf8')) as TuningRecord).points.map((p) => p.valF1),
    );
    assert.ok(new Set(scores).size > 1, 'grid points differ on validation');
  });

  it('bench show prints the options, the grid and the chosen point', () => {
    const [lr] = trials().filter((t) => t.variant === 'lr_c001');
    const shown = bench('show', String(lr!.id));
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /configuration:\n {2}logistic-regression: C=0\.01, maxIter=1000/);
    assert.match(shown.stdout, /feature set words · level sequence/);
    const [dt] = trials().filter((t) => t.variant === 'dt_shallow');
    const tuning = JSON.parse(readFileSync(artifact(dt!.id, 'tuning'), 'utf8')) as TuningRecord;
    const c = tuning.points[tuning.chosen]!.point;
    const out = bench('show', String(dt!.id)).stdout;
    assert.match(
      out,
      new RegExp(`decision-tree: maxDepth=${c.maxDepth}, minSamplesSplit=20, minSamplesLeaf=${c.minSamplesLeaf}`),
    );
    assert.match(out, /tuned on validation over maxDepth ∈ \{1, 2, 6\} × minSamplesLeaf ∈ \{1, 8\}/);
    assert.match(out, new RegExp(`chosen on validation: maxDepth=${c.maxDepth}, minSamplesLeaf=${c.minSamplesLeaf}`));
    assert.equal((out.match(/val F1 .*, val AUC-PR/g) ?? []).length, 6, out);
  });

  it('the report has a configuration section with the tuning chart', () => {
    const r = bench('report', 'tuned', '--out', join(dir, 'report'));
    assert.equal(r.status, 0, r.stderr);
    const md = readFileSync(join(dir, 'report', 'report.md'), 'utf8');
    assert.match(md, /## Configurations and tuning/);
    assert.match(md, /charts\/tuning-dt-shallow-trigrams\.png/);
    assert.match(md, /`logistic-regression: C=0\.01/);
    assert.match(readFileSync(join(dir, 'report', 'charts', 'tuning-dt-shallow-trigrams.svg'), 'utf8'), /maxDepth/);
  });
});

describe('the choice cannot see test labels', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  /** A part of a noisy two-feature problem: anomalous rows have a larger first feature, with overlap. */
  function part(name: Part, n: number, rng: () => number): { x: CsrMatrix; facts: PartFacts } {
    const labels = Uint8Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0));
    const rows = [...labels].map((y) => [
      Math.round((y ? 3 : 1) + 3 * rng()),
      Math.round(4 * rng()),
      Math.round(2 * rng()),
    ]);
    return {
      x: csrFromDense(rows),
      facts: {
        seqIds: rows.map((_, i) => `${name}${i}`),
        labels,
        runs: rows.map((_, i) => `run${i % 10}`),
        services: rows.map(() => 'token'),
        testCases: [...labels].map((y) => (y ? 'error' : 'correct')),
        faultLines: rows.map(() => null),
      },
    };
  }

  function trial(flipTest: boolean, out: string) {
    const rng = seedrandom('tune-test');
    const parts = { train: part('train', 300, rng), val: part('val', 120, rng), test: part('test', 120, rng) };
    if (flipTest) parts.test.facts.labels = parts.test.facts.labels.map((y) => 1 - y);
    const task: TrialTask = {
      variant: 'dt',
      featureSet: 'words',
      seed: 1,
      config: resolveVariant('decision-tree'),
      tune: { maxDepth: [1, 2, 3, 8], minSamplesLeaf: [1, 30] },
      threshold: { rule: 'max-f1' },
      parts: { train: parts.train.facts, val: parts.val.facts, test: parts.test.facts },
      vectorizeMs: 0,
      artifactsDir: join(dir, out),
      throughput: false,
      explain: false,
      featuresFile: '',
      templatesFile: '',
    };
    const r = executeTrial(task, { train: parts.train.x, val: parts.val.x, test: parts.test.x });
    assert.equal(r.state, 'done', r.state === 'failed' ? r.stack : '');
    return {
      tuning: readFileSync(join(dir, out, 'tuning.json'), 'utf8'),
      model: readFileSync(join(dir, out, 'model.json'), 'utf8'),
      testF1: r.state === 'done' ? r.f1 : Number.NaN,
    };
  }

  it('flipping every test label changes the test F1 but not the grid search or the model', () => {
    const a = trial(false, 'a');
    const b = trial(true, 'b');
    assert.notEqual(a.testF1, b.testF1, 'the test labels matter to test metrics');
    assert.equal(b.tuning, a.tuning, 'the recorded validation scores and the choice');
    assert.equal(b.model, a.model, 'the chosen model');
    const tuning = JSON.parse(a.tuning) as TuningRecord;
    assert.ok(new Set(tuning.points.map((p) => p.valF1)).size > 1, 'the grid points differ on validation');
    assert.equal(tuning.chosen, bestRecorded(tuning));
  });
});
