/** Cached feature matrices: checked against their recorded sha256 on every use, rebuilt when they do not match. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { STALE_TEMP_MS } from '../../harness/data/cache.ts';
import { readMatrices, type SplitMatrices } from '../../harness/sweep/matrices.ts';
import { cachedMatrices } from '../../harness/sweep/matrix-cache.ts';
import type { CsrMatrix } from '../../models/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const csr = (v: number): CsrMatrix => ({
  nRows: 2,
  nCols: 3,
  indptr: Int32Array.of(0, 2, 3),
  indices: Int32Array.of(0, 2, 1),
  data: Float64Array.of(v, v + 1, v + 2),
});

describe('cached matrices are checked on use', () => {
  const { dir, cleanup } = tempDir('lo2-bench-cache-matrices-');
  after(cleanup);
  let builds = 0;
  const build = (): SplitMatrices => {
    builds++;
    return { matrices: { train: csr(1), val: csr(11), test: csr(21) }, columnNames: ['a', 'b', 'c'] };
  };

  it('records the files by name only, so the folder can move', () => {
    const { files } = cachedMatrices(dir, { dataset: 'd', split: 's', featureSet: 'words' }, build);
    const manifest = readFileSync(join(dirname(files.features), 'manifest.json'), 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(manifest).sha256).sort(), [
      'features.txt',
      'test.csr',
      'train.csr',
      'val.csr',
    ]);
    assert.ok(!manifest.includes(dir));
  });

  it('rebuilds, with a notice naming the folder, a set with one value changed', () => {
    const key = { dataset: 'd', split: 's', featureSet: 'trigrams' };
    const { files } = cachedMatrices(dir, key, build);
    const bytes = readFileSync(files.parts.train);
    // The last float64 of the data: one value of the matrix, the file still well-formed.
    bytes.writeDoubleLE(42, bytes.length - 8);
    writeFileSync(files.parts.train, bytes);
    assert.equal(readMatrices(files).train.data[2], 42);
    const notices: string[] = [];
    const before = builds;
    const r = cachedMatrices(dir, key, build, { onNotice: (m) => notices.push(m) });
    assert.equal(r.cacheHit, false);
    assert.equal(builds, before + 1);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /train\.csr: sha256 differs/);
    assert.ok(notices[0]!.includes(dirname(files.features)), notices[0]);
    assert.deepEqual([...readMatrices(r.files).train.data], [1, 2, 3]);
    assert.equal(cachedMatrices(dir, key, build, { onNotice: (m) => notices.push(m) }).cacheHit, true);
    assert.equal(notices.length, 1);
  });

  it('rebuilds a set with a file missing or no manifest', () => {
    for (const lose of ['val.csr', 'manifest.json']) {
      const key = { dataset: 'd', split: lose, featureSet: 'words' };
      const { files } = cachedMatrices(dir, key, build);
      rmSync(join(dirname(files.features), lose));
      const notices: string[] = [];
      assert.equal(cachedMatrices(dir, key, build, { onNotice: (m) => notices.push(m) }).cacheHit, false, lose);
      assert.match(notices[0] ?? '', lose === 'manifest.json' ? /incomplete/ : /val\.csr: missing/);
      assert.deepEqual([...readMatrices(files).val.data], [11, 12, 13]);
    }
  });

  it('removes the temporary files a killed build left, once their process is gone', () => {
    const key = { dataset: 'd', split: 's', featureSet: 'drain' };
    const { files } = cachedMatrices(dir, key, build);
    const folder = dirname(files.features);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
    const stale = join(folder, `train.csr.${dead}.tmp`);
    const young = join(folder, `val.csr.${dead}.tmp`);
    const mine = join(folder, `other.csr.${process.pid}.tmp`); // not a name this build writes itself
    for (const f of [stale, young, mine]) writeFileSync(f, 'half');
    const old = (Date.now() - STALE_TEMP_MS - 5_000) / 1000;
    for (const f of [stale, mine]) utimesSync(f, old, old);
    rmSync(join(folder, 'manifest.json'));
    cachedMatrices(dir, key, build, { onNotice: () => {} });
    assert.equal(existsSync(stale), false);
    assert.ok(existsSync(young) && existsSync(mine), readdirSync(folder).join(', '));
  });
});
