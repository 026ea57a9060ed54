/**
 * A BENCH_HOME copied with `cp -a` (the original then moved out of the way) works from its new place
 * and reads only its own files: the database records trial files relative to its folder, and no
 * cache manifest names where the cache lives.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../harness/store/index.ts';
import { benchCli, doneMetrics as metrics, tempDir, writeExperiment } from '../helpers/fixtures.ts';

/** Every file under `root`, recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile());
}

describe('a moved BENCH_HOME', () => {
  const { dir, cleanup } = tempDir('lo2-bench-move-');
  after(cleanup);
  const original = join(dir, 'home');
  const copy = join(dir, 'copy');
  const gone = join(dir, 'home-moved-away');
  const bench = benchCli(copy);
  const file = writeExperiment(
    dir,
    'moving',
    `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: [1],
  variants: ['event_lr_words'],
  throughput: { timeMs: 5, samples: 3 },`,
  );
  let before_: unknown[];

  before(() => {
    const r = benchCli(original)('run', file);
    assert.equal(r.status, 0, r.stderr);
    before_ = metrics(join(original, 'bench.db'));
    assert.equal(spawnSync('cp', ['-a', original, copy]).status, 0);
    // Any read of the original's files now fails.
    renameSync(original, gone);
  });

  it('records trial files relative to the database’s folder', () => {
    const d = new Database(join(copy, 'bench.db'), { readonly: true });
    const paths = d.prepare('SELECT path FROM artifacts').pluck().all() as string[];
    d.close();
    assert.ok(paths.length > 0);
    for (const p of paths) assert.ok(!isAbsolute(p) && p.startsWith('artifacts/'), p);
  });

  it('shows, exports and reports from the copy, naming none of the original’s paths', () => {
    const show = bench('show', '1', '--json');
    assert.equal(show.status, 0, show.stderr);
    assert.ok(!show.stdout.includes(original), 'show --json names no path under the original');
    const t = JSON.parse(show.stdout) as { artifacts: { path: string }[] };
    for (const a of t.artifacts) assert.ok(a.path.startsWith(copy), a.path);
    for (const format of ['csv', 'svmlight']) {
      const r = bench('export', '1', '--format', format, '--out', join(dir, `export-${format}`));
      assert.equal(r.status, 0, r.stderr);
    }
    const report = bench('report', 'moving');
    assert.equal(report.status, 0, report.stderr);
  });

  it('runs the experiment again with --fresh on the copy’s cache, to the same metrics', () => {
    const r = bench('run', file, '--fresh');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /cache: /, 'the copied cache entries are whole and used');
    assert.deepEqual(metrics(join(copy, 'bench.db')), before_);
    for (const f of filesUnder(copy)) {
      if (f.endsWith('.db-wal') || f.endsWith('.db-shm')) continue;
      assert.ok(!readFileSync(f).includes(original), `${f} names the original home`);
    }
  });

  it('still reads an artifact recorded with an absolute path (an older database)', async () => {
    const db = join(copy, 'bench.db');
    const d = new Database(db);
    d.prepare(`UPDATE artifacts SET path = ? || '/' || path WHERE trial_id = 1 AND kind = 'predictions'`).run(copy);
    d.close();
    const store = await SqliteStore.open(db, { readonly: true });
    try {
      const t = await store.getTrial(1);
      assert.equal(
        t?.artifacts.find((a) => a.kind === 'predictions')?.path,
        join(copy, 'artifacts/1/predictions.arrow'),
      );
    } finally {
      await store.close();
    }
    const r = bench('export', '1', '--format', 'csv', '--out', join(dir, 'export-absolute'));
    assert.equal(r.status, 0, r.stderr);
  });
});
