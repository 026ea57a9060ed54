import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { readPredictions } from '../../harness/artifacts/index.ts';
import { targetService } from '../../harness/data/lo2/constants.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { scopeSequences } from '../../harness/sweep/scope.ts';
import { tempDir, writeExperiment } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

/** An experiment file on the tiny preset (generated with its fault ground truth) in `scope`. */
function experiment(dir: string, name: string, scope: string): string {
  return writeExperiment(
    dir,
    name,
    `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 4 },
  ingest: { trimLines: 0 },
  seeds: [1, 2],
  variants: ['event_lr_words', 'sequence_lr_numeric', 'event_oov_words'],
  explain: false,
  throughput: false,
  ${scope}`,
  );
}

describe('bench run in another sequence scope (real CLI, real SQLite, worker threads)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const home = join(dir, 'home');
  const bench = (h: string, ...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, BENCH_HOME: h } });
  const plain = experiment(dir, 'plain', '');
  const scoped = experiment(dir, 'scoped', "labels: 'target-service', seqBy: 'test_case',");
  let db: Database.Database;

  before(() => {
    for (const file of [plain, scoped]) {
      const r = bench(home, 'run', file, '--workers', '2');
      assert.equal(r.status, 0, r.stderr);
      // Nothing of the default-scope sweep is reused by the scoped one.
      if (file === scoped) assert.equal((r.stdout.match(/^\[\d+\/6\] done /gm) ?? []).length, 6, r.stdout);
    }
    db = new Database(join(home, 'bench.db'), { readonly: true });
  });
  after(() => db?.close());

  const trialsOf = (name: string) =>
    db
      .prepare(
        `SELECT t.id, t.split_id AS splitId, t.seed, t.variant, t.key FROM trials t JOIN sweeps w ON w.id = t.sweep_id
         JOIN experiments e ON e.id = w.experiment_id WHERE e.name = ? ORDER BY t.id`,
      )
      .all(name) as { id: number; splitId: number; seed: number; variant: string; key: string }[];

  it('gives each scope its own splits (same runs per part), trials and leakage audits', () => {
    const a = trialsOf('plain');
    const b = trialsOf('scoped');
    assert.equal(a.length, 6);
    assert.equal(b.length, 6);
    assert.equal(new Set([...a, ...b].map((t) => t.key)).size, 12);
    const splits = (ts: typeof a) => [...new Set(ts.map((t) => t.splitId))].sort();
    assert.equal(splits(a).filter((s) => splits(b).includes(s)).length, 0);
    const manifest = (id: number) =>
      JSON.parse(
        (db.prepare('SELECT manifest_json FROM splits WHERE id = ?').get(id) as { manifest_json: string })
          .manifest_json,
      );
    for (const seed of [1, 2]) {
      const ma = manifest(a.find((t) => t.seed === seed)!.splitId);
      const mb = manifest(b.find((t) => t.seed === seed)!.splitId);
      assert.equal(ma.scope, undefined);
      assert.deepEqual(mb.scope, { labels: 'target-service', seqBy: 'test_case' });
      assert.deepEqual(mb.parts, ma.parts, `seed ${seed}: splits remain over the same runs`);
    }
    for (const s of splits(b)) {
      const audits = db.prepare('SELECT feature_set FROM leakage_audits WHERE split_id = ?').all(s);
      assert.ok(audits.length > 0, `split ${s} audited in its own scope`);
    }
    const matrices = readdirSync(join(home, 'cache', 'matrices')).filter((f) => !f.startsWith('templates-'));
    // Three matrix sets (words, words with OOV's length column, numeric) × two seeds × two scopes.
    assert.equal(matrices.length, 12);
  });

  it('scores the scoped sequences: one per (run, test case), error cases reduced to their target file', () => {
    const ingest = join(home, 'cache', 'ingest');
    const [key] = readdirSync(ingest).filter((f) => !f.startsWith('.'));
    const raw = readSequenceMeta(join(ingest, key!));
    const expected = scopeSequences({ meta: raw }, { labels: 'target-service', seqBy: 'test_case' }).meta;
    const t = trialsOf('scoped').find((x) => x.variant === 'event_lr_words' && x.seed === 1)!;
    const artifact = db
      .prepare("SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? AND kind = 'predictions'")
      .get(t.id) as { kind: string; path: string; sha256: string };
    const p = readPredictions({ ...artifact, path: resolve(home, artifact.path) }); // stored relative to the database's folder
    assert.deepEqual([...p.seqId].sort(), expected.map((m) => m.seqId).sort());
    for (let i = 0; i < p.seqId.length; i++) {
      assert.equal(p.seqId[i], `${p.run[i]}__${p.testCase[i]}`);
      if (p.testCase[i] !== 'correct') assert.equal(p.service[i], targetService(p.testCase[i]!), p.seqId[i]);
    }
    assert.ok(raw.length > expected.length);
    // bench export rebuilds the same sequences from the split's recorded scope.
    const out = join(dir, 'export');
    const r = bench(home, 'export', String(t.id), '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    for (const part of ['train', 'val', 'test'] as const) {
      const rows = readFileSync(join(out, `${part}.svm`), 'utf8')
        .trimEnd()
        .split('\n')
        .filter(Boolean);
      const predicted = p.seqId.filter((_, i) => p.part[i] === part);
      assert.deepEqual(meta.seqIds[part], predicted, part);
      assert.equal(rows.length, predicted.length, part);
    }
  });

  it('stores the fault=visible and fault=hidden slices, with AUC-ROC, for the synthetic ground truth', () => {
    for (const name of ['plain', 'scoped']) {
      for (const t of trialsOf(name)) {
        const rows = db
          .prepare("SELECT slice, name FROM metrics WHERE trial_id = ? AND part = 'test' AND slice LIKE 'fault=%'")
          .all(t.id) as { slice: string; name: string }[];
        const slices = new Set(rows.map((r) => r.slice));
        assert.deepEqual([...slices].sort(), ['fault=hidden', 'fault=visible'], `${name} trial ${t.id}`);
        for (const n of ['recall', 'f1', 'auc_roc', 'tp', 'fn'])
          assert.ok(
            rows.some((r) => r.name === n),
            `${name} trial ${t.id}: ${n}`,
          );
      }
    }
    const board = JSON.parse(bench(home, 'board', '--json').stdout);
    const row = board.rows.find((r: { experiment: string }) => r.experiment === 'scoped');
    assert.deepEqual(
      [row.scope.labels, row.scope.seqBy, row.scope.faults],
      ['target-service', 'test_case', 'injected'],
    );
    assert.ok(row.faultSlices.visible.anomalies + row.faultSlices.hidden.anomalies > 0);
    assert.deepEqual(board.warnings, []);
  });

  it('gives the same metrics, slices included, with one worker as with two', () => {
    const other = join(dir, 'home1');
    const r = bench(other, 'run', scoped, '--workers', '1');
    assert.equal(r.status, 0, r.stderr);
    const q = `SELECT t.variant, t.seed, m.part, m.name, m.slice, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id
               JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
               WHERE e.name = 'scoped' ORDER BY 1, 2, 3, 4, 5`;
    const one = new Database(join(other, 'bench.db'), { readonly: true });
    try {
      const a = one.prepare(q).all();
      assert.ok(a.length > 0);
      assert.deepEqual(a, db.prepare(q).all());
    } finally {
      one.close();
    }
  });
});
