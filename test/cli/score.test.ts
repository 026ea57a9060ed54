/**
 * `bench score` and `bench export --format bundle` through the real CLI: a tiny sweep, then new logs
 * scored by its trials and by their bundles, checked against what the trials stored.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import Database from 'better-sqlite3';
import { parquetReadObjects } from 'hyparquet';
import { benchCli, benchOk, tempDir, writeExperiment } from '../helpers/fixtures.ts';

interface Row {
  seqId: string;
  run: string;
  testCase: string;
  service: string;
  anomaly: boolean;
  score: number;
  flagged: boolean;
  unseenTokens: number;
  topFeatures: { feature: string; value: number; importance: number }[];
}
interface Scored {
  source: { trial?: number; bundle?: string };
  trial: { id: number; variant: string; featureSet: string };
  threshold: number;
  topFeatures: string;
  sequences: number;
  flagged: number;
  rows: Row[];
}

// One variant per way of naming top features: linear SHAP (words), linear SHAP over standardised
// numeric columns, and value × idf for a model without weights (LOF).
const VARIANTS = ['event_lr_words', 'sequence_lr_numeric', 'event_lof_words'];

describe('bench score and bench export --format bundle', () => {
  const { dir, cleanup } = tempDir('score-');
  after(cleanup);
  const home = join(dir, 'home');
  const bench = benchCli(home);
  const cli = benchOk(bench);
  const ok = cli.ok;
  const json = (...args: string[]) => cli.json<Scored>(...args);
  const fresh = join(dir, 'fresh');
  /** trial id → variant */
  const trials = new Map<number, string>();

  before(() => {
    const file = writeExperiment(
      dir,
      'score-tiny',
      `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  labels: 'target-service',
  ingest: { trimLines: 0 },
  seeds: [1],
  variants: ${JSON.stringify(VARIANTS)},
  throughput: false,`,
    );
    ok('run', file, '--workers', '0');
    ok('data', 'synth', '--preset', 'tiny', '--runs', '4', '--seed', '7', '--out', fresh);
    const db = new Database(join(home, 'bench.db'), { readonly: true });
    try {
      for (const t of db.prepare('SELECT id, variant FROM trials ORDER BY id').all() as {
        id: number;
        variant: string;
      }[])
        trials.set(t.id, t.variant);
    } finally {
      db.close();
    }
    assert.deepEqual([...trials.values()].sort(), [...VARIANTS].sort());
  });

  const idOf = (variant: string) => [...trials].find(([, v]) => v === variant)![0];
  // Each trial's scores of the fresh tree, asked once (every CLI call costs a process start).
  const freshScores = new Map<number, Scored>();
  const scoredFresh = (id: number) => {
    if (!freshScores.has(id)) freshScores.set(id, json('score', String(id), fresh));
    return freshScores.get(id)!;
  };
  /** trial id → its first bundle's folder */
  const bundles = new Map<number, string>();

  it('prints the flagged sequences of a fresh tree, and --json has every sequence with its score and flag', () => {
    const id = idOf('event_lr_words');
    const r = scoredFresh(id);
    assert.deepEqual(r.source, { trial: id });
    assert.equal(r.trial.variant, 'event_lr_words');
    assert.equal(r.rows.length, r.sequences);
    assert.ok(r.sequences > 0);
    assert.equal(new Set(r.rows.map((x) => x.seqId)).size, r.sequences, 'one row per sequence');
    // Target-service scope: an error case keeps only its target service's file.
    const errorFiles = r.rows.filter((x) => x.testCase !== 'correct').map((x) => `${x.run}/${x.testCase}`);
    assert.ok(errorFiles.length > 0);
    assert.equal(new Set(errorFiles).size, errorFiles.length);
    for (const x of r.rows) {
      assert.equal(typeof x.score, 'number');
      assert.equal(x.flagged, x.score >= r.threshold, x.seqId);
      if (!x.flagged) assert.deepEqual(x.topFeatures, []);
    }
    assert.equal(r.flagged, r.rows.filter((x) => x.flagged).length);
    assert.equal(r.topFeatures, 'linear-shap');
    const text = ok('score', String(id), fresh);
    assert.match(text, new RegExp(`^trial ${id}: event_lr_words × words × seed 1, threshold `, 'm'));
    assert.match(text, new RegExp(`^${r.sequences} sequences of .*: ${r.flagged} flagged$`, 'm'));
    for (const x of r.rows.filter((y) => y.flagged)) {
      assert.match(text, new RegExp(`^${x.run}\\s+${x.testCase}\\s+${x.service}\\s`, 'm'), x.seqId);
      assert.ok(x.topFeatures.length > 0 && x.topFeatures.length <= 5);
      assert.ok(x.topFeatures.every((f) => f.importance > 0 && f.feature.startsWith('words:')));
    }
  });

  it("scores the trial's own test runs exactly as the trial did", () => {
    const tree = readdirSync(join(home, 'cache', 'synth')).map((k) => join(home, 'cache', 'synth', k, 'tree'))[0]!;
    for (const [id] of trials) {
      const db = new Database(join(home, 'bench.db'), { readonly: true });
      const { path } = db.prepare("SELECT path FROM artifacts WHERE trial_id = ? AND kind = 'predictions'").get(id) as {
        path: string;
      };
      db.close();
      const stored = tableFromIPC(readFileSync(resolve(home, path))); // stored relative to the database's folder
      const test = new Map<string, number>();
      const runs = new Set<string>();
      for (let i = 0; i < stored.numRows; i++) {
        if (stored.getChild('part')!.get(i) !== 'test') continue;
        test.set(String(stored.getChild('seq_id')!.get(i)), Number(stored.getChild('score')!.get(i)));
        runs.add(String(stored.getChild('run')!.get(i)));
      }
      // A new tree holding only the test runs: its own ingest, vocabulary and Drain templates.
      const own = join(dir, `test-runs-${id}`);
      for (const run of runs) cpSync(join(tree, run), join(own, run), { recursive: true });
      const r = json('score', String(id), own);
      assert.deepEqual(r.rows.map((x) => x.seqId).sort(), [...test.keys()].sort(), `trial ${id}: the same sequences`);
      for (const x of r.rows) {
        assert.ok(Math.abs(x.score - test.get(x.seqId)!) <= 1e-12, `trial ${id} ${x.seqId}: ${x.score} vs stored`);
      }
    }
  });

  it('exports a bundle byte-identical across exports, and the bundle scores as the trial does', () => {
    for (const [id, variant] of trials) {
      const a = join(dir, `bundle-${id}-a`);
      bundles.set(id, a);
      const listed = JSON.parse(ok('export', String(id), '--format', 'bundle', '--out', a, '--json')) as {
        files: string[];
      };
      const names = readdirSync(a).sort();
      assert.deepEqual(names, ['bundle.json', 'feature-space.json', 'model.json', 'threshold.json']);
      assert.deepEqual(listed.files.map((f) => f.slice(a.length + 1)).sort(), names);
      if (variant === 'event_lr_words') {
        const b = join(dir, `bundle-${id}-b`);
        ok('export', String(id), '--format', 'bundle', '--out', b);
        for (const n of names) assert.ok(readFileSync(join(a, n)).equals(readFileSync(join(b, n))), `${n} differs`);
      }

      const meta = JSON.parse(readFileSync(join(a, 'bundle.json'), 'utf8'));
      assert.equal(meta.trial.id, id);
      assert.equal(meta.trial.variant, variant);
      // The trial's params: the threshold rule and the configuration it fitted.
      assert.deepEqual(meta.trial.params.threshold, { rule: 'max-f1' });
      assert.equal(meta.trial.params.level, 'sequence');
      assert.equal(meta.experiment.name, 'score-tiny');
      assert.equal(meta.experiment.config.labels, 'target-service');
      assert.match(meta.dataset.hash, /^[0-9a-f]{32}$/);
      assert.equal(meta.split.seed, 1);
      assert.equal(meta.split.runs.train + meta.split.runs.val + meta.split.runs.test, 12);
      assert.ok(meta.training.rows > 0 && meta.training.rows <= meta.training.sequences);
      assert.equal(meta.training.trainsOn === 'normal', variant === 'event_lof_words');
      for (const p of ['train', 'val', 'test']) assert.equal(typeof meta.metrics[p].f1, 'number');
      assert.ok('commit' in meta.git);
      assert.equal(meta.lo2Bench, JSON.parse(readFileSync('package.json', 'utf8')).version);
      assert.ok(!JSON.stringify(meta).match(/created|exportedAt/i), 'no timestamp');
      const threshold = JSON.parse(readFileSync(join(a, 'threshold.json'), 'utf8'));
      assert.equal(threshold.threshold, meta.metrics.val.threshold);
      const space = JSON.parse(readFileSync(join(a, 'feature-space.json'), 'utf8'));
      assert.equal(space.featureSet, meta.trial.featureSet);
      assert.deepEqual(space.recipe.scope, { labels: 'target-service', seqBy: 'file' });
      assert.equal(space.recipe.trimLines, 0);

      const byTrial = scoredFresh(id);
      const byBundle = json('score', a, fresh);
      assert.deepEqual(byBundle.source, { bundle: a });
      assert.deepEqual(byBundle.rows, byTrial.rows, `trial ${id}: bundle and trial score alike`);
      assert.equal(byBundle.threshold, byTrial.threshold);
      if (variant === 'event_lof_words') assert.equal(byBundle.topFeatures, 'value × idf');
    }
  });

  it('--out writes the scores as Parquet or CSV by extension', async () => {
    const id = idOf('sequence_lr_numeric');
    const r = scoredFresh(id);
    const pq = join(dir, 'scores.parquet');
    const csv = join(dir, 'scores.csv');
    ok('score', String(id), fresh, '--out', pq);
    ok('score', String(id), fresh, '--out', csv);
    const buf = readFileSync(pq);
    const rows = (await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    })) as Record<string, unknown>[];
    assert.equal(rows.length, r.sequences);
    assert.deepEqual(
      rows.map((x) => [x.seq_id, x.score, x.flagged, x.threshold]),
      r.rows.map((x) => [x.seqId, x.score, x.flagged ? 1 : 0, r.threshold]),
    );
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'seq_id,run,test_case,service,anomaly,score,threshold,flagged,unseen_tokens,top_features');
    assert.equal(lines.length, r.sequences + 1);
    const bad = bench('score', String(id), fresh, '--out', join(dir, 'scores.txt'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: --out .*scores\.txt: unknown file type '\.txt'/m);
  });

  it('refuses a bundle whose model was altered', () => {
    const b = join(dir, 'bundle-altered');
    cpSync(bundles.get(idOf('event_lr_words'))!, b, { recursive: true });
    const model = join(b, 'model.json');
    writeFileSync(
      model,
      readFileSync(model, 'utf8').replace(/\d\./, (d) => `${(Number(d[0]) + 1) % 10}.`),
    );
    const r = bench('score', b, fresh);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^error: bundle .*bundle-altered: model\.json changed since it was exported \(sha256 differs\)$/m,
    );
  });

  // Last: it changes the cached ingest, which the tests above read.
  it('refuses to score or export from a cached ingest whose files changed', () => {
    const id = idOf('event_lr_words');
    const shown = JSON.parse(ok('show', String(id), '--json')) as { dataset: { hash: string } };
    const file = join(home, 'cache', 'ingest', shown.dataset.hash, 'sequences.arrow');
    const bytes = readFileSync(file);
    bytes[bytes.length - 64] = bytes[bytes.length - 64]! ^ 0x01;
    writeFileSync(file, bytes);
    for (const args of [
      ['score', String(id), fresh],
      ['export', String(id), '--format', 'svmlight', '--out', join(dir, 'svm-corrupt')],
    ]) {
      const r = bench(...args);
      assert.equal(r.status, 1, `bench ${args.join(' ')}: ${r.stderr}`);
      assert.match(
        r.stderr,
        /^error: the ingest of dataset \w+ cannot be used: it is corrupt \(sequences\.arrow: sha256 differs\)/m,
        args.join(' '),
      );
      assert.match(r.stderr, /rerun its experiment/);
    }
  });
});
