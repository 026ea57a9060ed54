/**
 * The WebAssembly kernels: the committed bytes are the current `.wat` compiled (so source and
 * binary cannot drift), memory layout alignment, and the SVM pass computes bit for bit what the
 * plain JavaScript coordinate descent below computes (the loop the kernel replaced).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { seededUint32 } from '../../models/algorithms/linear.ts';
import { LinearSvm } from '../../models/algorithms/linear-svm.ts';
import { kmeansAssignKernel, MemoryLayout } from '../../models/algorithms/wasm/kernels.ts';
import type { CsrMatrix } from '../../models/types.ts';
import { compileSource, constantName, moduleSource, sourceLabel, wasmSources } from '../../scripts/build-wasm.ts';
import { makeParityData } from '../../scripts/parity/linear.ts';

/** liblinear's dual coordinate descent in plain JavaScript, as linear-svm.ts had it before the kernel. */
function referenceSvm(
  x: CsrMatrix,
  labels: Uint8Array,
  o: { C: number; loss: string; tol: number; maxIter: number; seed: number },
) {
  const { indptr, indices, data } = x;
  const n = x.nRows;
  const w = new Float64Array(x.nCols);
  let wb = 0;
  const alpha = new Float64Array(n);
  const ys = new Float64Array(n);
  const shift = new Float64Array(n);
  const upper = new Float64Array(n);
  const qd = new Float64Array(n);
  const index = new Int32Array(n);
  const squared = o.loss === 'squared_hinge';
  for (let i = 0; i < n; i++) {
    ys[i] = labels[i] === 1 ? 1 : -1;
    shift[i] = squared ? 0.5 / o.C : 0;
    upper[i] = squared ? Number.POSITIVE_INFINITY : o.C;
    let sq = 1;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) sq += data[k]! * data[k]!;
    qd[i] = shift[i]! + sq;
    index[i] = i;
  }
  const next = seededUint32(`linear-svm:${o.seed}`);
  let active = n;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  let pgMinOld = Number.NEGATIVE_INFINITY;
  for (let iter = 0; iter < o.maxIter; iter++) {
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let s = 0; s < active; s++) {
      const j = s + Math.floor(next() * 2.3283064365386963e-10 * (active - s));
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const yi = ys[i]!;
      let margin = wb;
      for (let k = indptr[i]!; k < indptr[i + 1]!; k++) margin += w[indices[k]!]! * data[k]!;
      const a = alpha[i]!;
      const ub = upper[i]!;
      const g = yi * margin - 1 + a * shift[i]!;
      let pg = 0;
      const shrink = (a === 0 && g > pgMaxOld) || (a !== 0 && a === ub && g < pgMinOld);
      if (shrink) {
        active--;
        index[s] = index[active]!;
        index[active] = i;
        s--;
        continue;
      }
      if (a === 0) {
        if (g < 0) pg = g;
      } else if (a === ub) {
        if (g > 0) pg = g;
      } else pg = g;
      if (pg > pgMaxNew) pgMaxNew = pg;
      if (pg < pgMinNew) pgMinNew = pg;
      if (Math.abs(pg) > 1e-12) {
        const v = Math.min(Math.max(a - g / qd[i]!, 0), ub);
        alpha[i] = v;
        const d = (v - a) * yi;
        for (let k = indptr[i]!; k < indptr[i + 1]!; k++) w[indices[k]!]! += d * data[k]!;
        wb += d;
      }
    }
    if (pgMaxNew - pgMinNew <= o.tol) {
      if (active === n) break;
      active = n;
      pgMaxOld = Number.POSITIVE_INFINITY;
      pgMinOld = Number.NEGATIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Number.POSITIVE_INFINITY : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? Number.NEGATIVE_INFINITY : pgMinNew;
  }
  return { w, wb };
}

describe('WebAssembly kernels', () => {
  it('the committed modules are the current .wat sources compiled', async () => {
    const sources = wasmSources();
    assert.deepEqual(new Set(sources.map((s) => s.kind)), new Set(['wat', 'assemblyscript']));
    for (const source of sources) {
      const label = sourceLabel(source);
      const fresh = moduleSource(label, await compileSource(source));
      assert.equal(
        readFileSync(source.out, 'utf8'),
        fresh,
        `${label} changed: run npm run build:wasm (${constantName(label)})`,
      );
    }
  });

  it('lays out f64 arrays first, so every array is aligned', () => {
    const l = new MemoryLayout();
    assert.equal(l.f64(3), 0);
    assert.equal(l.f64(1), 24);
    assert.equal(l.i32(5), 32);
    assert.equal(l.i32(1), 52);
    assert.equal(l.bytes, 56);
    assert.throws(() => l.f64(1), /before the i32 ones/);
  });

  it('the SVM pass gives bit-identical weights to the plain JavaScript descent', () => {
    const d = makeParityData({ rows: 300, cols: 80, seed: 'wasm' });
    for (const o of [
      { C: 1, loss: 'squared_hinge' as const, tol: 1e-4, maxIter: 1000, seed: 1 },
      { C: 0.3, loss: 'hinge' as const, tol: 1e-4, maxIter: 1000, seed: 7 },
      { C: 5, loss: 'squared_hinge' as const, tol: 1e-12, maxIter: 40, seed: 2 }, // stops at the cap
    ]) {
      const svm = new LinearSvm(o);
      svm.fit(d.train.x, d.train.y);
      const ref = referenceSvm(d.train.x, d.train.y, o);
      assert.deepEqual([...svm.weights], [...ref.w], `${o.loss} C=${o.C}`);
      assert.equal(svm.intercept, ref.wb);
    }
  });

  it('the k-means E-step gives bit-identical labels, distances and inertia to plain JavaScript', () => {
    const { x } = makeParityData({ rows: 200, cols: 50, seed: 'kmeans' }).train;
    const n = x.nRows;
    const p = x.nCols;
    const k = 5;
    const nnz = x.indptr[n]!;
    const xx = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) xx[i]! += x.data[q]! ** 2;
    // Centres: rows 0..k−1 made dense, and one far away so that some distances clamp and tie.
    const centers = new Float64Array(k * p);
    for (let c = 0; c < k; c++)
      for (let q = x.indptr[c]!; q < x.indptr[c + 1]!; q++) centers[c * p + x.indices[q]!] = x.data[q]! * (c + 1);
    const cc = new Float64Array(k);
    for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) cc[c]! += centers[c * p + j]! ** 2;
    // Reference: kmeans.ts's distSq loop before the kernel.
    const labels = new Int32Array(n);
    const d2 = new Float64Array(n);
    let inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let dot = 0;
        for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) dot += x.data[q]! * centers[c * p + x.indices[q]!]!;
        const d = Math.max(xx[i]! - 2 * dot + cc[c]!, 0);
        if (d < best) {
          best = d;
          labels[i] = c;
        }
      }
      d2[i] = best;
      inertia += best;
    }
    const l = new MemoryLayout();
    const o = [l.f64(nnz), l.f64(n), l.f64(k * p), l.f64(k), l.f64(n), l.i32(n + 1), l.i32(nnz), l.i32(n)] as const;
    const kernel = kmeansAssignKernel(l.bytes);
    const buf = kernel.memory.buffer;
    new Float64Array(buf, o[0], nnz).set(x.data.subarray(0, nnz));
    new Float64Array(buf, o[1], n).set(xx);
    new Float64Array(buf, o[2], k * p).set(centers);
    new Float64Array(buf, o[3], k).set(cc);
    new Int32Array(buf, o[5], n + 1).set(x.indptr.subarray(0, n + 1));
    new Int32Array(buf, o[6], nnz).set(x.indices.subarray(0, nnz));
    const got = kernel.assign(n, k, p, o[5], o[6], o[0], o[1], o[2], o[3], o[7], o[4]);
    assert.equal(got, inertia);
    assert.deepEqual([...new Int32Array(buf, o[7], n)], [...labels]);
    assert.deepEqual([...new Float64Array(buf, o[4], n)], [...d2]);
    assert.ok(new Set(labels).size > 1, 'the fixture uses several centres');
  });
});
