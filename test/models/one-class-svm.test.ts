/**
 * The one-class SVM's kernel paths: every row kept (copying the entries shared with rows already
 * computed) and rows in an LRU cache must give the same doubles, and the scores must stay those of the
 * row-by-row solver they replaced (snapshot below).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { OneClassSvm, type OneClassSvmOptions } from '../../models/algorithms/one-class-svm.ts';
import { kernelRows, RbfKernel } from '../../models/algorithms/rbf-kernel.ts';
import type { CsrMatrix } from '../../models/types.ts';
import { csrFromDense } from '../../models/vectorize/index.ts';

/** Token-count-like rows, ~30 % dense, non-integer values (so summation order shows), an empty row every 37 and an empty column 7. */
function rows(rng: () => number, n: number, nCols: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: nCols }, (_, j) =>
      i % 37 === 5 || j === 7 || rng() > 0.3 ? 0 : Math.floor(1 + rng() * 20) * 0.37 + rng(),
    ),
  );
}

const rng = seedrandom('ocsvm-kernel');
const train = csrFromDense(rows(rng, 160, 40));
const test = csrFromDense(rows(rng, 30, 40));

function fitted(options: OneClassSvmOptions): OneClassSvm {
  const model = new OneClassSvm(options);
  model.fit(train, new Uint8Array(train.nRows));
  return model;
}

function sum(xs: Float64Array): number {
  return xs.reduce((a, b) => a + b, 0);
}

function denseRow(x: CsrMatrix, r: number): Float64Array {
  const out = new Float64Array(x.nCols);
  for (let q = x.indptr[r]!; q < x.indptr[r + 1]!; q++) out[x.indices[q]!] = x.data[q]!;
  return out;
}

/** exp(−γ‖a − b‖²) from dense rows, independently of the kernel's norms-and-dots route. */
function directRbf(a: Float64Array, b: Float64Array, gamma: number): number {
  let d2 = 0;
  for (let j = 0; j < a.length; j++) d2 += (a[j]! - b[j]!) ** 2;
  return Math.exp(-gamma * d2);
}

describe('RbfKernel', () => {
  const gamma = 0.004748224736502032;
  const kernel = new RbfKernel(train, gamma);
  const n = train.nRows;

  it('keeps rows that equal its own rows bit for bit, symmetric, and exp(−γ‖a − b‖²), in any request order', () => {
    const kept = kernelRows(kernel, train, 200);
    assert.equal(kept.mode, 'kept');
    // The start's order (0, 1, …), then jumps ahead of and behind the computed prefix, and repeats.
    const shuffled = Array.from({ length: n - 50 }, (_, k) => 50 + ((k * 67) % (n - 50)));
    const order = [...Array.from({ length: 50 }, (_, i) => i), 120, 51, 50, 130, 52, 3, ...shuffled];
    for (const i of order) {
      assert.deepEqual(kept.row(i), kernel.row(train, i, new Float64Array(n)), `row ${i}`);
    }
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < n; t++) {
        assert.equal(kept.row(i)[t], kept.row(t)[i], `K[${i}][${t}] vs K[${t}][${i}]`);
        const want = directRbf(denseRow(train, i), denseRow(train, t), gamma);
        assert.ok(Math.abs(kept.row(i)[t]! - want) < 1e-12, `K[${i}][${t}] ${kept.row(i)[t]} vs ${want}`);
      }
    }
  });

  it('weighs the kernel against query rows as Σ w_t K(q, x_t)', () => {
    const w = Float64Array.from({ length: n }, (_, t) => (t % 3) * 0.25);
    const sums = kernel.weightedSums(test, w, new Float64Array(test.nRows), new Float64Array(n));
    for (let r = 0; r < test.nRows; r++) {
      let want = 0;
      for (let t = 0; t < n; t++) want += w[t]! * directRbf(denseRow(test, r), denseRow(train, t), gamma);
      assert.ok(Math.abs(sums[r]! - want) < 1e-10, `query ${r}: ${sums[r]} vs ${want}`);
    }
  });
});

describe('OneClassSvm kernel paths', () => {
  it('fits the same model keeping every kernel row as evicting them from an LRU cache', () => {
    for (const nu of [0.5, 0.2]) {
      const kept = fitted({ nu });
      // 0.05 MB holds 40 of the 160 rows: the solver recomputes evicted rows.
      const evicting = fitted({ nu, cacheMb: 0.05 });
      assert.equal(kept.fitInfo?.kernel, 'kept');
      assert.equal(evicting.fitInfo?.kernel, 'lru');
      assert.deepEqual(evicting.fitInfo, { ...kept.fitInfo, kernel: 'lru' });
      assert.equal(evicting.rho, kept.rho);
      assert.deepEqual(evicting.score(test), kept.score(test));
    }
  });

  it('scores as the row-by-row solver it replaced did (snapshot)', () => {
    // rho, scores of test rows 0 and 1, and the sum of the 30 test scores, from that solver.
    const snapshot: [OneClassSvmOptions, number, number, number, number][] = [
      [{ nu: 0.5 }, 10.089159529599923, -1.6342942630911512, 1.1547688659911834, 8.50699583293439],
      [{ nu: 0.2 }, 3.080983923406654, -1.0135577693424365, 0.07557061307142865, -6.575413538057829],
      [{ nu: 0.5, gamma: 0.01 }, 1.6913123720429242, -0.06725687255198332, 0.6567436596347085, 11.059036926230869],
    ];
    for (const [options, rho, s0, s1, total] of snapshot) {
      const model = fitted(options);
      const s = model.score(test);
      const got = [model.rho, s[0]!, s[1]!, sum(s)];
      [rho, s0, s1, total].forEach((want, k) => {
        assert.ok(Math.abs(got[k]! - want) < 1e-9, `${JSON.stringify(options)} value ${k}: ${got[k]} vs ${want}`);
      });
    }
  });
});
