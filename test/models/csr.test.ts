import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertCsr,
  CsrBuilder,
  csrFromDense,
  emptyCsr,
  hstack,
  nnz,
  rowNorms,
  selectRows,
  sliceRows,
  toDense,
} from '../../models/vectorize/index.ts';

const dense = (x: Parameters<typeof toDense>[0]) => toDense(x).map((r) => [...r]);

describe('CSR helpers', () => {
  const a = csrFromDense([
    [0, 2, 0],
    [0, 0, 0],
    [1, 0, 3],
  ]);

  it('builds from dense rows without storing zeros', () => {
    assert.deepEqual([...a.indptr], [0, 1, 1, 3]);
    assert.deepEqual([...a.indices], [1, 0, 2]);
    assert.deepEqual([...a.data], [2, 1, 3]);
    assert.equal(nnz(a), 3);
    assert.deepEqual(dense(a), [
      [0, 2, 0],
      [0, 0, 0],
      [1, 0, 3],
    ]);
    assertCsr(a);
  });

  it('the builder grows past its hints and rejects unordered or out-of-range columns', () => {
    const b = new CsrBuilder(5, 1, 1);
    b.push([0, 1, 2, 3, 4], [1, 2, 3, 4, 5]);
    b.push([], []);
    b.push([4], [9]);
    const m = b.finish();
    assert.deepEqual([...m.indptr], [0, 5, 5, 6]);
    assert.deepEqual([...m.data], [1, 2, 3, 4, 5, 9]);
    assert.throws(() => b.push([2, 1], [1, 1]), /row 3: column 1 is out of order or outside \[0, 5\)/);
    assert.throws(() => b.push([5], [1]), /column 5 is out of order or outside/);
    assert.throws(() => new CsrBuilder(-1), { name: 'TypeError', message: 'nCols must be an integer ≥ 0 (got -1)' });
  });

  it('hstack offsets the columns of later blocks and keeps rows ascending', () => {
    const b = csrFromDense([[5], [0], [6]]);
    const h = hstack([a, b, a]);
    assert.equal(h.nCols, 7);
    assert.deepEqual(dense(h), [
      [0, 2, 0, 5, 0, 2, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [1, 0, 3, 6, 1, 0, 3],
    ]);
    assertCsr(h);
    assert.throws(() => hstack([a, csrFromDense([[1]])]), /hstack: matrix 1 has 1 rows, expected 3/);
    assert.throws(() => hstack([]), /at least one matrix/);
  });

  it('selects and slices rows', () => {
    assert.deepEqual(dense(selectRows(a, [2, 0, 2])), [
      [1, 0, 3],
      [0, 2, 0],
      [1, 0, 3],
    ]);
    assert.deepEqual(dense(sliceRows(a, 1)), [
      [0, 0, 0],
      [1, 0, 3],
    ]);
    const s = sliceRows(a, 2, 3);
    assert.deepEqual([...s.indptr], [0, 2]);
    assertCsr(s);
    assert.throws(() => selectRows(a, [3]), /row 3 is outside \[0, 3\)/);
    assert.throws(() => sliceRows(a, 2, 1), /not a row range/);
  });

  it('computes L2 row norms', () => {
    const n = rowNorms(a);
    assert.deepEqual([...n], [2, 0, Math.sqrt(10)]);
  });

  it('assertCsr catches broken invariants', () => {
    assertCsr(emptyCsr(2, 4));
    const bad = { ...a, indices: Int32Array.from([1, 2, 0]) };
    assert.throws(() => assertCsr(bad, 'x'), { message: 'x: not a valid CSR matrix: row 2 has columns out of order' });
    const wide = { ...a, nCols: 2 };
    assert.throws(() => assertCsr(wide), /row 2 has column 2 outside \[0, 2\)/);
  });
});
