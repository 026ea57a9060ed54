/**
 * Explanations: the permutation-Shapley explainer against exact linear SHAP and a known two-way
 * interaction, additivity, seeding, the time budget, `explainAny`, nearest normal rows and their
 * "only in" column lists, and option messages. Two timings are printed, not asserted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { IsolationForest } from '../../models/algorithms/isolation-forest.ts';
import { LogisticRegression } from '../../models/algorithms/logistic-regression.ts';
import {
  contrastColumns,
  explainAny,
  explainPermutation,
  nearestNormal,
  type PermutationOptions,
  type RowsExplanation,
} from '../../models/explain/index.ts';
import type { CsrMatrix, Detector } from '../../models/types.ts';
import { csrFromDense, selectRows } from '../../models/vectorize/index.ts';

/** Seeded sparse count matrix: each row holds `perRow` distinct columns with counts 1–4. */
function sparse(rows: number, cols: number, perRow: number, seed: string): CsrMatrix {
  const rng = seedrandom(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    const chosen = new Set<number>();
    // Skewed column choice, like token frequencies: low columns are common.
    while (chosen.size < perRow) chosen.add(Math.floor(cols * rng() ** 2));
    for (const j of [...chosen].sort((a, b) => a - b)) {
      indices.push(j);
      data.push(1 + Math.floor(4 * rng()));
    }
    indptr[i + 1] = indices.length;
  }
  return { nRows: rows, nCols: cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

/** Labels 1 where column 0 or column 3 is present (a learnable rule for the linear model). */
function labelsOf(x: CsrMatrix): Uint8Array {
  const y = new Uint8Array(x.nRows);
  for (let i = 0; i < x.nRows; i++) {
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) if (x.indices[k] === 0 || x.indices[k] === 3) y[i] = 1;
  }
  return y;
}

/** Asserts Σ values + rest + base = score for each explained row, within 1e-9. */
function assertAdditive(e: RowsExplanation, scores: Float64Array, label: string): void {
  e.rows.forEach((r, k) => {
    const total = r.values.reduce((s, v) => s + v, 0) + r.rest + r.base;
    assert.ok(Math.abs(total - scores[e.rowIds[k]!]!) < 1e-9, `${label} row ${e.rowIds[k]}: ${total}`);
  });
}

const train = sparse(120, 40, 5, 'explain-train');
const lr = new LogisticRegression({ C: 10 });
lr.fit(train, labelsOf(train));
const query = selectRows(train, [0, 1, 2, 3, 4, 5, 6, 7]);

const forestTrain = sparse(300, 60, 6, 'forest-train');
const forest = new IsolationForest({ seed: 1, nEstimators: 50 });
forest.fit(forestTrain, new Uint8Array(forestTrain.nRows));
const forestQuery = sparse(6, 60, 8, 'forest-query');

describe('explainPermutation', () => {
  it('equals exact linear SHAP on logistic regression (log-odds) when every background row is used equally', () => {
    // background 120 = all training rows, samples 240 = 2·B: each row is the z of one antithetic pair.
    // For a linear score each step of a walk adds exactly w_j·(x_j − z_j), whatever the order, so the
    // estimate is w_j·(x_j − mean_j) exactly, LR's own SHAP with the training means as background;
    // only rounding remains (|score| < 50, ≤ 240·M terms of ~1e-15 each ⇒ 1e-9 is ample).
    const e = explainPermutation(lr, query, train, { seed: 's', background: 120, samples: 240 });
    const exact = lr.explain(query);
    assert.equal(e.method, 'permutation');
    assert.equal(e.explained, query.nRows);
    for (let r = 0; r < query.nRows; r++) {
      const got = e.rows[r]!;
      const want = exact.rows[r]!;
      assert.ok(Math.abs(got.base - want.base) < 1e-9, `row ${r} base ${got.base} vs ${want.base}`);
      let restWant = 0;
      for (let k = 0; k < want.columns.length; k++) {
        const at = got.columns.indexOf(want.columns[k]!);
        const inRow = Array.from(query.indices.subarray(query.indptr[r]!, query.indptr[r + 1]!));
        if (inRow.includes(want.columns[k]!)) {
          assert.ok(at >= 0, `row ${r} column ${want.columns[k]} missing`);
          assert.ok(Math.abs(got.values[at]! - want.values[k]!) < 1e-9, `row ${r} column ${want.columns[k]}`);
        } else restWant += want.values[k]!;
      }
      assert.ok(Math.abs(got.rest - restWant) < 1e-9, `row ${r} rest ${got.rest} vs ${restWant}`);
    }
  });

  it('splits a two-way interaction equally (exact Shapley of x0·x1 + x2 against a zero background)', () => {
    const game: Detector = {
      kind: 'game',
      trainsOn: 'all',
      fit: () => {},
      score: (x) =>
        Float64Array.from({ length: x.nRows }, (_, i) => {
          const v = [0, 0, 0];
          for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) v[x.indices[k]!] = x.data[k]!;
          return v[0]! * v[1]! + v[2]!;
        }),
      toJSON: () => ({ kind: 'game', version: 1 }),
    };
    const e = explainPermutation(game, csrFromDense([[2, 3, 5]]), csrFromDense([[0, 0, 0]]), { seed: 1, samples: 6 });
    // Each antithetic pair puts x0 before x1 once and after once: the average is exactly x0·x1/2.
    assert.deepEqual(Array.from(e.rows[0]!.columns), [0, 1, 2]);
    assert.deepEqual(Array.from(e.rows[0]!.values), [3, 3, 5]);
    assert.equal(e.rows[0]!.base, 0);
    assert.equal(e.rows[0]!.rest, 0);
  });

  it('is additive: Σ values + rest + base = score(x) on an IsolationForest, for any number of samples', () => {
    for (const samples of [200, 7]) {
      const e = explainPermutation(forest, forestQuery, forestTrain, { seed: 3, samples, background: 20 });
      const scores = forest.score(forestQuery);
      assert.equal(e.explained, forestQuery.nRows);
      assertAdditive(e, scores, `samples ${samples}`);
      assert.ok(
        e.rows.every((row) => row.rest !== 0),
        'the background columns the rows lack move the score',
      );
    }
  });

  it('groups columns beyond maxColumns into rest, keeping the largest deviations from the background', () => {
    const e = explainPermutation(lr, query, train, { seed: 's', background: 120, samples: 240, maxColumns: 1 });
    const exact = lr.explain(query);
    const scores = lr.score(query);
    assertAdditive(e, scores, 'maxColumns 1');
    for (const row of e.rows) assert.ok(row.columns.length <= 1);
    // Row 0's kept column is its own column with the largest |x_j − mean_j|; its value is still exact.
    const means = new Float64Array(40);
    for (let k = 0; k < train.indptr[120]!; k++) means[train.indices[k]!]! += train.data[k]! / 120;
    const cols = Array.from(query.indices.subarray(0, query.indptr[1]!));
    const vals = Array.from(query.data.subarray(0, query.indptr[1]!));
    const dev = cols.map((j, k) => Math.abs(vals[k]! - means[j]!));
    const top = cols[dev.indexOf(Math.max(...dev))]!;
    assert.equal(e.rows[0]!.columns[0], top);
    const k = exact.rows[0]!.columns.indexOf(top);
    assert.ok(Math.abs(e.rows[0]!.values[0]! - exact.rows[0]!.values[k]!) < 1e-9);
  });

  it('is deterministic by seed, and a row does not depend on which other rows are explained', () => {
    const o: PermutationOptions = { seed: 'd', samples: 50, background: 10 };
    const a = explainPermutation(forest, forestQuery, forestTrain, o);
    const b = explainPermutation(forest, forestQuery, forestTrain, o);
    assert.deepEqual(a, b);
    const c = explainPermutation(forest, forestQuery, forestTrain, { ...o, seed: 'other' });
    assert.notDeepEqual(a.rows[0]!.values, c.rows[0]!.values);
    const only = explainPermutation(forest, forestQuery, forestTrain, { ...o, rows: [3] });
    assert.deepEqual(only.rows[0], a.rows[3]);
    assert.deepEqual(Array.from(only.rowIds), [3]);
  });

  it('reports rows beyond the time budget as skipped, never drops them silently', () => {
    // A stopped clock: no time ever passes, yet a budget of 0 is already spent before the first row.
    const none = explainPermutation(forest, forestQuery, forestTrain, { seed: 1, timeBudgetMs: 0, clock: () => 0 });
    assert.equal(none.explained, 0);
    assert.deepEqual(none.rows, []);
    assert.deepEqual(none.skipped, [0, 1, 2, 3, 4, 5]);
    // A fake clock advancing 10 ms per reading: start = 0, row checks at 10, 20, 30 ≥ 25 → 2 rows.
    let now = -10;
    const clock = (): number => (now += 10);
    const e = explainPermutation(forest, forestQuery, forestTrain, {
      seed: 1,
      samples: 10,
      timeBudgetMs: 25,
      clock,
      rows: [5, 1, 3, 0],
    });
    assert.equal(e.explained, 2);
    assert.deepEqual(Array.from(e.rowIds), [5, 1]);
    assert.deepEqual(e.skipped, [0, 3]);
    assert.equal(e.rows.length + e.skipped.length, 4);
  });

  it('explains a seeded, sorted sample of rows on request', () => {
    const a = explainPermutation(forest, forestTrain, forestTrain, { seed: 9, sampleRows: 4, samples: 10 });
    const b = explainPermutation(forest, forestTrain, forestTrain, { seed: 9, sampleRows: 4, samples: 10 });
    assert.equal(a.rowIds.length, 4);
    assert.deepEqual(a.rowIds, b.rowIds);
    assert.deepEqual(
      Array.from(a.rowIds),
      [...a.rowIds].sort((p, q) => p - q),
    );
    assert.ok(new Set(a.rowIds).size === 4);
  });

  it('rejects bad options with messages naming the option', () => {
    const run = (o: Partial<PermutationOptions>): RowsExplanation =>
      explainPermutation(forest, forestQuery, forestTrain, o as PermutationOptions);
    const cases: [Partial<PermutationOptions>, string][] = [
      [{}, 'seed is required: a finite number or a non-empty string (got undefined)'],
      [{ seed: 1, background: 0 }, 'background must be an integer ≥ 1 (got 0)'],
      [{ seed: 1, samples: 1.5 }, 'samples must be an integer ≥ 1 (got 1.5)'],
      [{ seed: 1, maxColumns: 0 }, 'maxColumns must be an integer ≥ 1 (got 0)'],
      [{ seed: 1, timeBudgetMs: -1 }, 'timeBudgetMs must be a number ≥ 0 (Infinity for no budget) (got -1)'],
      [{ seed: 1, rows: [0], sampleRows: 1 }, 'rows and sampleRows are mutually exclusive'],
      [{ seed: 1, rows: [0, 6] }, 'rows[1] must be a row index in [0, 6) (got 6)'],
      [{ seed: 1, sampleRows: 0 }, 'sampleRows must be an integer ≥ 1 (got 0)'],
    ];
    for (const [o, message] of cases) assert.throws(() => run(o), { name: 'TypeError', message });
    assert.throws(() => explainPermutation(forest, forestQuery, selectRows(forestTrain, []), { seed: 1 }), {
      name: 'TypeError',
      message: 'train must have at least one row to draw the background from',
    });
  });
});

describe('explainAny', () => {
  it("uses the detector's own explain when it has one, on the chosen rows", () => {
    const e = explainAny(lr, query, train, { seed: 1, rows: [2, 5] });
    const exact = lr.explain(selectRows(query, [2, 5]));
    assert.equal(e.method, 'linear-shap');
    assert.deepEqual(Array.from(e.rowIds), [2, 5]);
    assert.deepEqual(e.rows[1]!.values, exact.rows[1]!.values);
    assert.equal(e.rows[1]!.rest, 0);
    assert.deepEqual(e.skipped, []);
  });

  it('falls back to permutation Shapley for a detector without explain', () => {
    const e = explainAny(forest, forestQuery, forestTrain, { seed: 1, samples: 10, background: 5 });
    assert.equal(e.method, 'permutation');
    assert.equal(e.explained, forestQuery.nRows);
  });
});

describe('nearestNormal', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  const trainM = csrFromDense([
    [1, 1, 0, 0, 0], // 0 normal
    [0, 0, 1, 1, 0], // 1 normal
    [1, 1, 1, 0, 0], // 2 anomalous: query 0's exact copy, must never be a neighbour
    [0, 0, 0, 0, 0], // 3 normal but empty: no direction
  ]);
  const labels = Uint8Array.of(0, 0, 1, 0);
  const queries = csrFromDense([
    [1, 1, 1, 0, 0],
    [0, 0, 2, 0, 4],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 5],
  ]);

  it('finds the hand-known neighbours, ignoring anomalous training rows', () => {
    const m = nearestNormal(queries, trainM, labels);
    assert.deepEqual(
      m.map((r) => [r.row, r.neighbour]),
      [
        [0, 0],
        [1, 1],
        [2, -1],
        [3, 0],
      ],
    );
    assert.ok(Math.abs(m[0]!.similarity - 2 / Math.sqrt(6)) < 1e-12);
    assert.ok(Math.abs(m[1]!.similarity - 2 / Math.sqrt(40)) < 1e-12);
    assert.ok(Number.isNaN(m[2]!.similarity));
    assert.equal(m[3]!.similarity, 0);
  });

  it('lists the columns only in the flagged row and only in its neighbour', () => {
    const m = nearestNormal(queries, trainM, labels);
    assert.deepEqual(contrastColumns(queries, trainM, m[1]!, names), {
      onlyInRow: [{ column: 4, name: 'e', value: 4 }],
      onlyInNeighbour: [{ column: 3, name: 'd', value: 1 }],
    });
    assert.deepEqual(contrastColumns(queries, trainM, m[2]!, names), { onlyInRow: [], onlyInNeighbour: [] });
    // Top-k by value, ties by column; shared column 0 is in neither list.
    const q = csrFromDense([[5, 0, 2, 2, 0, 1, 0]]);
    const t = csrFromDense([[1, 4, 0, 0, 0, 0, 7]]);
    const c = contrastColumns(q, t, { row: 0, neighbour: 0, similarity: 0 }, [...'abcdefg'], { topK: 2 });
    assert.deepEqual(
      c.onlyInRow.map((v) => v.name),
      ['c', 'd'],
    );
    assert.deepEqual(
      c.onlyInNeighbour.map((v) => [v.name, v.value]),
      [
        ['g', 7],
        ['b', 4],
      ],
    );
  });

  it('rejects bad arguments with messages naming them', () => {
    assert.throws(() => nearestNormal(queries, trainM, Uint8Array.of(0)), {
      name: 'TypeError',
      message: 'trainLabels must be a Uint8Array with one entry per training row (4)',
    });
    const match = { row: 0, neighbour: 0, similarity: 1 };
    assert.throws(() => contrastColumns(queries, trainM, match, names, { topK: 0 }), {
      name: 'TypeError',
      message: 'topK must be an integer ≥ 1 (got 0)',
    });
    assert.throws(() => contrastColumns(queries, trainM, match, ['a']), {
      name: 'TypeError',
      message: 'columnNames must have one name per column (5, got 1)',
    });
  });
});

describe('timings (printed, not asserted)', () => {
  it('explains 20 rows of an IsolationForest on 2,000 × 300; nearest normal on 10,000 × 1,000', () => {
    const x = sparse(2000, 300, 20, 'perf');
    const model = new IsolationForest({ seed: 7 });
    model.fit(x, new Uint8Array(x.nRows));
    let t0 = performance.now();
    const e = explainPermutation(model, x, x, { seed: 7, sampleRows: 20, timeBudgetMs: Number.POSITIVE_INFINITY });
    const ms = performance.now() - t0;
    console.log(`permutation SHAP, IsolationForest 2000×300 (20 nnz/row), 20 rows: ${ms.toFixed(0)} ms`);
    assert.equal(e.explained, 20);
    const big = sparse(10_000, 1000, 30, 'perf-nn');
    const q = sparse(200, 1000, 30, 'perf-nn-q');
    t0 = performance.now();
    const m = nearestNormal(q, big, new Uint8Array(big.nRows));
    console.log(`nearestNormal 200 queries vs 10000×1000 (30 nnz/row): ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(m.length, 200);
  });
});
