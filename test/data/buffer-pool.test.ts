import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool, Loan, sizeClass } from '../../harness/data/io/buffer-pool.ts';

describe('BufferPool', () => {
  it('sizes buffers in classes at most a quarter larger than asked, and a class is its own class', () => {
    for (const bytes of [0, 1, 4096, 4097, 5000, 8193, 65_535, 100_000, 3_500_000, 40_000_000]) {
      const size = sizeClass(bytes);
      assert.ok(size >= bytes, `${bytes} fits in ${size}`);
      if (bytes > 4096) assert.ok(size <= bytes * 1.25 + 1, `${bytes} → ${size}`);
      assert.equal(sizeClass(size), size);
    }
  });

  it('hands a given-back buffer to the next take of its class, and a fresh one otherwise', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(10_000);
    assert.equal(a.byteLength, sizeClass(10_000));
    pool.give(a);
    assert.equal(pool.bytes, a.byteLength);
    assert.equal(pool.take(9_500), a, 'same class: the same buffer');
    assert.equal(pool.bytes, 0);
    pool.give(a);
    assert.notEqual(pool.take(50_000), a, 'a larger class: a fresh buffer');
    assert.equal(pool.take(6_000), a, 'up to twice the size asked: a free buffer of a larger class');
    pool.give(a);
    assert.notEqual(pool.take(4_000), a, 'more than twice: a fresh buffer');
  });

  it('keeps at most maxBytes, and drops detached or foreign buffers', () => {
    const pool = new BufferPool(3 * 8192);
    const taken = [1, 2, 3, 4].map(() => pool.take(8192));
    for (const b of taken) pool.give(b);
    assert.equal(pool.bytes, 3 * 8192, 'the fourth one is left to the collector');
    pool.give(new ArrayBuffer(5000)); // not a class size
    const moved = pool.take(8192);
    structuredClone(moved, { transfer: [moved] }); // detached
    pool.give(moved);
    assert.equal(pool.bytes, 2 * 8192);
    pool.clear();
    assert.equal(pool.bytes, 0);
  });

  it('refuses a buffer given back twice, which would hand it to two users', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(8192);
    pool.give(a);
    assert.throws(() => pool.give(a), /given back twice/);
  });

  it('a Loan gives back every buffer it took, once', () => {
    const pool = new BufferPool(1 << 20);
    const loan = new Loan(pool);
    const lent = [loan.take(5000), loan.take(70_000), loan.take(5000)].reduce((a, b) => a + b.byteLength, 0);
    assert.equal(pool.bytes, 0);
    loan.giveBack();
    assert.equal(pool.bytes, lent);
    loan.giveBack();
    assert.equal(pool.bytes, lent);
  });
});
