import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../harness/store/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

describe('bench split (real CLI, real SQLite)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const env = { ...process.env, BENCH_HOME: join(dir, 'home') };
  const bench = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  const tree = join(dir, 'tree');

  it('splits a synthetic tree by run, stores it, and audits each feature set', async () => {
    const synth = bench('data', 'synth', '--preset', 'tiny', '--runs', '12', '--out', tree);
    assert.equal(synth.status, 0, synth.stderr);
    const r = bench('split', tree, '--seed', '5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.manifest.strategy, 'random-runs');
    assert.equal(report.audits.length, 3);
    assert.deepEqual(
      report.audits.map((a: { featureSet: string }) => a.featureSet),
      ['words', 'trigrams', 'drain'],
    );
    const db = new Database(join(dir, 'home', 'bench.db'), { readonly: true });
    const parts = db
      .prepare('SELECT part, COUNT(*) AS n FROM split_members WHERE split_id = ? GROUP BY part ORDER BY part')
      .all(report.splitId);
    assert.deepEqual(parts, [
      { part: 'test', n: report.manifest.parts.test.length },
      { part: 'train', n: report.manifest.parts.train.length },
      { part: 'val', n: report.manifest.parts.val.length },
    ]);
    const audits = db
      .prepare('SELECT feature_set FROM leakage_audits WHERE split_id = ? ORDER BY feature_set')
      .all(report.splitId);
    assert.deepEqual(audits, [{ feature_set: 'drain' }, { feature_set: 'trigrams' }, { feature_set: 'words' }]);
    db.close();
    const store = await openStore(join(dir, 'home', 'bench.db'));
    try {
      assert.deepEqual(await store.leakCheck(), []);
      assert.deepEqual(
        (await store.audits([report.splitId])).map((a) => a.featureSet),
        ['drain', 'trigrams', 'words'],
      );
    } finally {
      await store.close();
    }
    // Same seed again: same manifest, same split row.
    const again = JSON.parse(bench('split', tree, '--seed', '5', '--json').stdout);
    assert.equal(again.splitId, report.splitId);
    assert.equal(again.manifest.hash, report.manifest.hash);
  });

  it('exits 2 naming a bad option', () => {
    const r = bench('split', tree, '--feature-sets', 'words,bigrams');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--feature-sets: unknown feature set 'bigrams'/);
    const s = bench('split', tree, '--strategy', 'random');
    assert.equal(s.status, 2);
    assert.match(s.stderr, /split.strategy must be one of/);
  });
});
