import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { readColumnNames, readMatrices, type SplitMatrices } from '../../harness/sweep/matrices.ts';
import { cachedMatrices } from '../../harness/sweep/matrix-cache.ts';
import type { CsrMatrix } from '../../models/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

/** A 2 × 3 CSR matrix whose values start at `v`. */
const csr = (v: number): CsrMatrix => ({
  nRows: 2,
  nCols: 3,
  indptr: Int32Array.of(0, 2, 3),
  indices: Int32Array.of(0, 2, 1),
  data: Float64Array.of(v, v + 1, v + 2),
});

describe('cached matrices', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const key = { dataset: 'd1', split: 's1', featureSet: 'words' };
  let builds = 0;
  const build = (v: number) => (): SplitMatrices => {
    builds++;
    return { matrices: { train: csr(v), val: csr(v + 10), test: csr(v + 20) }, columnNames: ['a', 'b\nc', 'd'] };
  };

  it('builds once per key, then serves the same files', () => {
    const first = cachedMatrices(dir, key, build(1));
    assert.equal(first.cacheHit, false);
    assert.equal(builds, 1);
    const second = cachedMatrices(dir, key, build(99));
    assert.equal(second.cacheHit, true);
    assert.equal(builds, 1, 'a cache hit does not build');
    assert.deepEqual(second.files, first.files);
    const m = readMatrices(second.files);
    assert.deepEqual([...m.test.data], [21, 22, 23]);
    assert.deepEqual(readColumnNames(second.files.features), ['a', 'b\nc', 'd']);
  });

  it('keys by dataset, split and feature set', () => {
    for (const other of [
      { ...key, dataset: 'd2' },
      { ...key, split: 's2' },
      { ...key, featureSet: 'trigrams' },
    ]) {
      const r = cachedMatrices(dir, other, build(5));
      assert.equal(r.cacheHit, false, JSON.stringify(other));
      assert.deepEqual([...readMatrices(r.files).train.data], [5, 6, 7]);
    }
  });

  it('rebuilds a set that was not completely written', () => {
    const { files } = cachedMatrices(dir, key, build(1));
    // An interrupted write leaves part files without the column names, which go in last.
    rmSync(files.features);
    writeFileSync(files.parts.test, 'half a matrix');
    const before = builds;
    const r = cachedMatrices(dir, key, build(1));
    assert.equal(r.cacheHit, false);
    assert.equal(builds, before + 1);
    assert.deepEqual([...readMatrices(r.files).test.data], [21, 22, 23]);
    assert.ok(readFileSync(r.files.features, 'utf8').length > 0);
  });
});
