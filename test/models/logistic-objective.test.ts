/**
 * The compact form of the logistic-regression objective: rows with the same feature vector merged
 * into one with summed weights (S) and anomalous weights (P), weight-0 rows dropped, and the
 * objective on it equal to the plain per-row sum.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logisticObjective, mergeRows } from '../../models/algorithms/logistic-objective.ts';
import type { CsrMatrix } from '../../models/types.ts';
import { csrFromDense } from '../../models/vectorize/index.ts';

/** Rows of x as plain arrays of [column, value] pairs. */
function rowsOf(x: CsrMatrix): [number, number][][] {
  return Array.from({ length: x.nRows }, (_, i) =>
    Array.from({ length: x.indptr[i + 1]! - x.indptr[i]! }, (_, q) => [
      x.indices[x.indptr[i]! + q]!,
      x.data[x.indptr[i]! + q]!,
    ]),
  );
}

/** F and ∇F row by row, straight from the definition (no merging, no transpose). */
function naiveObjective(
  x: CsrMatrix,
  labels: Uint8Array,
  C: number,
  sw: Float64Array,
  theta: Float64Array,
): { f: number; grad: Float64Array } {
  const p = x.nCols;
  const grad = new Float64Array(p + 1);
  let f = 0;
  rowsOf(x).forEach((row, i) => {
    let z = theta[p]!;
    for (const [j, v] of row) z += theta[j]! * v;
    f += sw[i]! * (Math.log1p(Math.exp(z)) - labels[i]! * z);
    const r = sw[i]! * (1 / (1 + Math.exp(-z)) - labels[i]!);
    for (const [j, v] of row) grad[j]! += r * v;
    grad[p]! += r;
  });
  for (let j = 0; j < p; j++) {
    f += (theta[j]! * theta[j]!) / (2 * C);
    grad[j]! += theta[j]! / C;
  }
  return { f, grad };
}

// Rows 0, 2, 5 share a vector (labels 0, 1, 0); rows 1 and 4 share another; row 3 has weight 0;
// row 6 differs from row 0 only in a value, by less than the row hash resolves (so the rows collide
// and only the entry-by-entry comparison tells them apart), row 7 only in a column.
const dense = [
  [1, 0, 2, 0],
  [0, 3, 0, 0],
  [1, 0, 2, 0],
  [0, 0, 0, 5],
  [0, 3, 0, 0],
  [1, 0, 2, 0],
  [1, 0, 2.0001, 0],
  [1, 0, 0, 2],
];
const x = csrFromDense(dense);
const labels = Uint8Array.of(0, 1, 1, 0, 1, 0, 1, 0);
const weights = Float64Array.of(2, 1.5, 4, 0, 0.25, 1, 3, 7);

describe('logistic objective: merged rows', () => {
  it('merges rows with the same vector, sums S and P in first-occurrence order, drops weight 0', () => {
    const merged = mergeRows(x, labels, weights);
    assert.deepEqual(rowsOf(merged.x), [
      [
        [0, 1],
        [2, 2],
      ],
      [[1, 3]],
      [
        [0, 1],
        [2, 2.0001],
      ],
      [
        [0, 1],
        [3, 2],
      ],
    ]);
    assert.deepEqual(Array.from(merged.total), [2 + 4 + 1, 1.5 + 0.25, 3, 7]);
    assert.deepEqual(Array.from(merged.positive), [4, 1.75, 3, 0]);
  });

  it('keeps every row when none repeats', () => {
    const distinct = csrFromDense([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const merged = mergeRows(distinct, Uint8Array.of(0, 1, 0), Float64Array.of(1, 1, 1));
    assert.deepEqual(rowsOf(merged.x), rowsOf(distinct));
    assert.deepEqual(Array.from(merged.positive), [0, 1, 0]);
  });

  it('gives the per-row objective and gradient (weights, balanced class weights)', () => {
    const theta = Float64Array.of(0.4, -0.7, 0.3, 1.1, -0.2);
    const C = 0.8;
    // 'balanced' with row weights: n = Σw = 18.75, anomalies 8.75 → normal 18.75/20, anomaly 18.75/17.5.
    const sw = weights.map((w, i) => w * (labels[i] === 1 ? 18.75 / 17.5 : 18.75 / 20));
    for (const [classWeight, rowWeights] of [
      ['none', weights],
      ['balanced', sw],
    ] as const) {
      const grad = new Float64Array(theta.length);
      const f = logisticObjective(x, labels, C, classWeight, weights)(theta, grad);
      const want = naiveObjective(x, labels, C, rowWeights, theta);
      assert.ok(Math.abs(f - want.f) <= 1e-12 * Math.abs(want.f), `${classWeight}: F ${f} vs ${want.f}`);
      for (let j = 0; j < theta.length; j++) {
        assert.ok(
          Math.abs(grad[j]! - want.grad[j]!) <= 1e-12,
          `${classWeight}: ∂F/∂θ[${j}] ${grad[j]} vs ${want.grad[j]}`,
        );
      }
    }
  });
});
