/**
 * Row weights of the tree models (`rowWeights: 'exact'`): fitting distinct rows with whole-number
 * counts must give the model fitted on the rows repeated that many times, each row's copies
 * adjacent, with the same seed — for the decision tree, the random forest (bootstrap drawn from
 * the repeated rows) and gradient boosting (subsample drawn per repeated row), with their default
 * settings and with the registry variants' (`makeDetector`). All-ones weights must equal no weights
 * bit for bit, and malformed weights are refused with a TypeError naming the detector. Also the
 * presort the weighted fits share with every tree fit, each of its sorting paths against a plain
 * sort. (The random stream is checked against seedrandom in seeded-stream.test.ts.)
 *   node --import tsx --test test/models/tree-row-weights.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { DecisionTree } from '../../models/algorithms/decision-tree.ts';
import { GradientBoosting } from '../../models/algorithms/gradient-boosting.ts';
import { RandomForest } from '../../models/algorithms/random-forest.ts';
import { toSortedCsc } from '../../models/algorithms/tree-util.ts';
import { type CsrMatrix, type Detector, fitDetector, makeDetector, type VariantName } from '../../models/index.ts';
import { csrFromDense } from '../../models/vectorize/index.ts';

interface Weighted {
  /** Distinct rows, their labels and counts (some 0). */
  x: CsrMatrix;
  y: Uint8Array;
  counts: Float64Array;
  /** The same rows repeated `counts[i]` times, copies adjacent, in row order. */
  xe: CsrMatrix;
  ye: Uint8Array;
  /** Rows to score: the distinct rows and fresh ones. */
  probe: CsrMatrix;
}

/** Counts 0–5 per row, one in ten 0. */
const smallCount = (rng: () => number): number => (rng() < 0.1 ? 0 : 1 + Math.floor(rng() * 5));

/** Seeded sparse counts with a planted signal in the first columns, and a count per row from `count`. */
function weighted(seed: string, n: number, p: number, count = smallCount): Weighted {
  const rng = seedrandom(seed);
  const row = (anomaly: boolean): number[] =>
    Array.from({ length: p }, (_, j) => {
      const q = anomaly && j < 4 ? 0.6 : 0.2;
      return rng() < q ? 1 + Math.floor(rng() * 4) : 0;
    });
  const dense: number[][] = [];
  const y = new Uint8Array(n);
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const anomaly = rng() < 0.3;
    dense.push(row(anomaly));
    y[i] = (rng() < 0.1 ? !anomaly : anomaly) ? 1 : 0;
    counts[i] = count(rng);
  }
  const expanded: number[][] = [];
  const ye: number[] = [];
  dense.forEach((r, i) => {
    for (let c = 0; c < counts[i]!; c++) {
      expanded.push(r);
      ye.push(y[i]!);
    }
  });
  const fresh = Array.from({ length: 60 }, () => row(rng() < 0.5));
  return {
    x: csrFromDense(dense, p),
    y,
    counts,
    xe: csrFromDense(expanded, p),
    ye: Uint8Array.from(ye),
    probe: csrFromDense([...dense, ...fresh], p),
  };
}

const data = weighted('tree-row-weights', 140, 24);
/** Counts from 0 to ≈1,500, most of them small, as event counts are. */
const heavy = weighted('tree-row-weights:heavy', 200, 16, (rng) =>
  rng() < 0.1 ? 0 : 1 + Math.floor(1500 * rng() ** 4),
);

/** Largest absolute score difference. */
function maxDiff(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Fits `make()` on the distinct rows with counts and on the repeated rows; returns both. */
function bothFits(make: () => Detector, d: Weighted = data): { weightedFit: Detector; expandedFit: Detector } {
  const weightedFit = make();
  fitDetector(weightedFit, d.x, d.y, d.counts);
  const expandedFit = make();
  fitDetector(expandedFit, d.xe, d.ye);
  return { weightedFit, expandedFit };
}

/** Split structure of a fitted tree model's JSON: features and thresholds of every tree. */
function structure(model: Detector): unknown {
  const json = model.toJSON() as { tree?: Record<string, number[]>; trees?: Record<string, number[]>[] };
  const trees = json.trees ?? [json.tree!];
  return trees.map((t) => ({ feature: t['feature'], threshold: t['threshold'], left: t['left'] }));
}

/*
 * Tolerances. Gini trees (decision tree, random forest) sum integer weights and weighted labels,
 * which floating point adds exactly, so the weighted fit is the repeated fit bit for bit: scores
 * and the whole saved model are compared with deepEqual. Boosting sums gradients and hessians: a
 * row of count k adds k·g once where the repeated fit adds g k times, which rounds differently
 * (relative 1e-16 per addition). The split structure must still be identical (ties within a
 * relative 1e-12 go by feature order, so rounding cannot flip them) and the scores agree to 1e-9,
 * far above that rounding over 100 rounds and far below any difference a different tree makes.
 */
const BOOSTING_TOLERANCE = 1e-9;

function assertGiniSame(make: () => Detector, d: Weighted = data): void {
  const { weightedFit, expandedFit } = bothFits(make, d);
  assert.deepEqual(weightedFit.score(d.probe), expandedFit.score(d.probe));
  assert.deepEqual(weightedFit.toJSON(), expandedFit.toJSON());
}

function assertBoostingSame(make: () => Detector, d: Weighted = data): void {
  const { weightedFit, expandedFit } = bothFits(make, d);
  assert.deepEqual(structure(weightedFit), structure(expandedFit));
  const diff = maxDiff(weightedFit.score(d.probe), expandedFit.score(d.probe));
  assert.ok(diff <= BOOSTING_TOLERANCE, `max |Δscore| ${diff} > ${BOOSTING_TOLERANCE}`);
}

/** A model grown past a single leaf, so the comparison says something. */
function assertGrown(make: () => Detector): void {
  const { weightedFit } = bothFits(make);
  const s = weightedFit.score(data.probe);
  assert.ok(new Set(s).size > 3, `expected a grown model, got ${new Set(s).size} distinct scores`);
}

describe('row weights equal repeated rows', () => {
  it('decision tree: all features and per-node feature draws, with leaf and split minimums', () => {
    assertGiniSame(() => new DecisionTree());
    assertGiniSame(() => new DecisionTree({ maxFeatures: 0.3, seed: 7 }));
    assertGiniSame(
      () => new DecisionTree({ maxDepth: 5, minSamplesLeaf: 6, minSamplesSplit: 15, maxFeatures: 'sqrt', seed: 3 }),
    );
    assertGrown(() => new DecisionTree({ maxDepth: 5, minSamplesLeaf: 6, minSamplesSplit: 15 }));
  });

  it('random forest: bootstrap drawn from the repeated rows, and plain bagging without it', () => {
    assertGiniSame(() => new RandomForest({ nEstimators: 20, seed: 5 }));
    assertGiniSame(() => new RandomForest({ nEstimators: 10, minSamplesLeaf: 5, minSamplesSplit: 12, seed: 'rf' }));
    assertGiniSame(() => new RandomForest({ nEstimators: 10, bootstrap: false, maxFeatures: 0.5, seed: 2 }));
  });

  it('gradient boosting: weighted gradients and hessians, minChildWeight, subsample per repeated row', () => {
    assertBoostingSame(() => new GradientBoosting({ nEstimators: 30 }));
    assertBoostingSame(() => new GradientBoosting({ nEstimators: 30, maxDepth: 5, minChildWeight: 3 }));
    assertBoostingSame(
      () => new GradientBoosting({ nEstimators: 30, maxDepth: 4, subsample: 0.7, colsampleBytree: 0.6, seed: 9 }),
    );
    assertGrown(() => new GradientBoosting({ nEstimators: 30, subsample: 0.7, seed: 9 }));
  });

  it('heavy-tailed counts (≈58k repeated rows): forest bootstrap and boosting subsample', () => {
    // Σw spans several of the forest's counting buckets (4096 repeated rows each), rows straddle
    // their edges, and the boosting draws cross its fill chunks (4096 draws) inside a row.
    assert.ok(heavy.xe.nRows > 8 * 4096, `${heavy.xe.nRows} repeated rows`);
    assertGiniSame(() => new RandomForest({ nEstimators: 4, maxDepth: 6, seed: 11 }), heavy);
    assertGiniSame(() => makeDetector('event_rf_words', 3, { nEstimators: 3 }), heavy);
    assertBoostingSame(() => new GradientBoosting({ nEstimators: 4, subsample: 0.6, seed: 11 }), heavy);
  });

  for (const variant of ['event_dt_trigrams', 'event_rf_words', 'event_xgb_words'] as const satisfies VariantName[]) {
    it(`registry variant ${variant} (makeDetector settings, seeds 1 and 2)`, () => {
      for (const seed of [1, 2]) {
        const make = () => makeDetector(variant, seed);
        if (variant === 'event_xgb_words') assertBoostingSame(make);
        else assertGiniSame(make);
        assertGrown(make);
      }
    });
  }
});

describe('all-ones weights', () => {
  const ones = new Float64Array(data.x.nRows).fill(1);
  const makers: [string, () => Detector][] = [
    ['decision tree', () => new DecisionTree({ maxFeatures: 0.3, seed: 4 })],
    ['random forest', () => new RandomForest({ nEstimators: 15, seed: 4 })],
    [
      'gradient boosting',
      () => new GradientBoosting({ nEstimators: 20, subsample: 0.8, colsampleBytree: 0.7, seed: 4 }),
    ],
    ['event_xgb_words', () => makeDetector('event_xgb_words', 3)],
  ];
  for (const [name, make] of makers) {
    it(`${name}: the same model as no weights, bit for bit`, () => {
      const a = make();
      a.fit(data.x, data.y, ones);
      const b = make();
      b.fit(data.x, data.y);
      assert.deepEqual(a.toJSON(), b.toJSON());
      assert.deepEqual(a.score(data.probe), b.score(data.probe));
    });
  }
});

describe('invalid weights are refused', () => {
  const n = data.x.nRows;
  const cases: [string, unknown, RegExp][] = [
    ['a plain array', Array.from({ length: n }, () => 1), /must be a Float64Array/],
    ['one weight short', new Float64Array(n - 1).fill(1), /one entry per row of x \(got 139 for 140 rows\)/],
    ['a negative weight', Float64Array.from({ length: n }, (_, i) => (i === 3 ? -1 : 1)), /weights\[3\] is -1/],
    ['NaN', Float64Array.from({ length: n }, (_, i) => (i === 5 ? Number.NaN : 1)), /weights\[5\] is NaN/],
    ['Infinity', Float64Array.from({ length: n }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : 1)), /finite/],
    [
      'no weight on anomalies',
      Float64Array.from(data.y, (y) => 1 - y),
      /both classes need a positive total row weight/,
    ],
  ];
  const detectors: [string, () => Detector][] = [
    ['decision-tree', () => new DecisionTree()],
    ['random-forest', () => new RandomForest({ nEstimators: 2, seed: 1 })],
    ['gradient-boosting', () => new GradientBoosting({ nEstimators: 2 })],
  ];
  for (const [kind, make] of detectors) {
    it(`${kind}: TypeErrors naming the detector`, () => {
      for (const [what, weights, message] of cases) {
        assert.throws(
          () => make().fit(data.x, data.y, weights as Float64Array),
          (e: unknown) => e instanceof TypeError && e.message.startsWith(`${kind}:`) && message.test(e.message),
          what,
        );
      }
    });
  }

  it('fractional counts where the detector samples repeated rows (bootstrap, subsample)', () => {
    const half = Float64Array.from({ length: n }, (_, i) => (i === 2 ? 1.5 : 1));
    const refuses = (make: () => Detector, kind: string) =>
      assert.throws(() => make().fit(data.x, data.y, half), {
        name: 'TypeError',
        message: new RegExp(`^${kind}: weights\\[2\\] is 1.5; .*whole numbers`),
      });
    refuses(() => new RandomForest({ nEstimators: 2, seed: 1 }), 'random-forest');
    refuses(() => new GradientBoosting({ nEstimators: 2, subsample: 0.5, seed: 1 }), 'gradient-boosting');
    // Without sampling, a fractional weight is an ordinary sample weight.
    new DecisionTree().fit(data.x, data.y, half);
    new RandomForest({ nEstimators: 2, bootstrap: false, seed: 1 }).fit(data.x, data.y, half);
    new GradientBoosting({ nEstimators: 2 }).fit(data.x, data.y, half);
  });
});

describe('presort', () => {
  /** Columns by a plain comparator sort: value, then row. */
  function reference(x: CsrMatrix): { rows: number[]; values: number[] }[] {
    const cols = Array.from({ length: x.nCols }, () => [] as [number, number][]);
    for (let i = 0; i < x.nRows; i++) {
      for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++)
        if (x.data[k] !== 0) cols[x.indices[k]!]!.push([x.data[k]!, i]);
    }
    return cols.map((c) => {
      c.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return { rows: c.map((e) => e[1]), values: c.map((e) => e[0]) };
    });
  }

  // Small whole counts (one counting sort over all entries); per column: narrow whole ranges far
  // apart (a counting sort each), a wide whole range and fractions (ranks of a native sort).
  const draws: [string, (rng: () => number, j: number) => number][] = [
    ['narrow ranges per column', (rng, j) => j * 1e7 - 3 + Math.floor(rng() * 20)],
    ['small counts', (rng) => 1 + Math.floor(rng() * 5)],
    ['wide whole range', (rng) => Math.floor((rng() - 0.3) * 1e9)],
    ['fractions and negatives', (rng) => Math.round((rng() - 0.4) * 8 * 4) / 4 || 0.5],
  ];
  for (const [what, draw] of draws) {
    it(`presort of ${what} matches a plain sort, negatives before posStart`, () => {
      const rng = seedrandom(what);
      const dense = Array.from({ length: 300 }, () =>
        Array.from({ length: 12 }, (_, j) => (rng() < 0.4 ? draw(rng, j) : 0)),
      );
      const x = csrFromDense(dense, 12);
      const csc = toSortedCsc(x);
      reference(x).forEach((col, j) => {
        const start = csc.colPtr[j]!;
        const end = csc.colPtr[j + 1]!;
        assert.deepEqual(Array.from(csc.rows.subarray(start, end)), col.rows, `column ${j} rows`);
        assert.deepEqual(Array.from(csc.values.subarray(start, end)), col.values, `column ${j} values`);
        const negatives = col.values.filter((v) => v < 0).length;
        assert.equal(csc.posStart[j], start + negatives, `column ${j} posStart`);
      });
    });
  }
});
