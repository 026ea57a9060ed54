/**
 * Row weights (issue 15, event level): a detector with `rowWeights: 'exact'` fitted on distinct
 * rows with their counts must equal the same detector, same seed, fitted on the rows expanded in
 * grouped order (row i repeated w_i times, adjacent). Checked through `fitDetector` for every such
 * algorithm and every registry variant built on one, on seeded sparse matrices with many repeated
 * rows (and a few rows of weight 0), by the scores on held-out rows.
 *
 * Tolerances, relative to the largest |score| of the expanded fit on the held-out rows:
 * - isolation forest, k-means, token rarity, OOV (randomised or closed-form; the draws are the
 *   expanded rows' draws): 1e-12. (Observed: bit-identical.)
 * - L1 linear SVM (primal CDN over columns, the same steps as on the expanded rows up to rounding
 *   in the sums over a column's rows): 1e-9. (Observed ≤ 1e-11.)
 * - logistic regression (L-BFGS on the same objective up to rounding in the sums, so the same
 *   path; its stopping rule, tol on max |∂F/∂θ| or scipy's ftol, decides where it ends): 1e-6.
 *   (Observed ≤ 3e-7, with 'balanced' class weights.)
 * - L2 linear SVM (dual coordinate descent over distinct rows vs over copies: different paths to
 *   the same unique primal optimum), fitted with tol 1e-8 on the projected-gradient spread: 1e-6,
 *   i.e. 100 · tol. (Observed ≤ 2e-8; two expanded fits with different seeds differ by as much.)
 *   With its default tol 1e-4 and heavy counts: 10 · tol (observed 1e-5 to 3e-5).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { IsolationForest } from '../../models/algorithms/isolation-forest.ts';
import { KMeans } from '../../models/algorithms/kmeans.ts';
import { LinearSvm } from '../../models/algorithms/linear-svm.ts';
import { LogisticRegression } from '../../models/algorithms/logistic-regression.ts';
import { TokenRarity } from '../../models/algorithms/rarity.ts';
import {
  type Algorithm,
  csrFromDense,
  fitDetector,
  loadDetector,
  makeDetector,
  VARIANT_NAMES,
  VARIANTS,
  type VariantName,
} from '../../models/index.ts';
import type { CsrMatrix } from '../../models/types.ts';
import { selectRows } from '../../models/vectorize/csr.ts';

interface Data {
  x: CsrMatrix;
  labels: Uint8Array;
  /** Counts of the distinct rows: 1…8, some 0. */
  counts: Float64Array;
}

/**
 * `n` distinct sparse rows over `nCols` token columns (1–5 present, counts 1–3; anomalies, about
 * one in five, carry extra counts in the first columns), with a last column holding the row's
 * token count plus its out-of-vocabulary tokens when `length` (the OOV layout).
 */
function tokenData(seed: string, n: number, nCols: number, length = false): Data {
  const rng = seedrandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const anomaly = rng() < 0.2;
    const row = new Array<number>(nCols).fill(0);
    const present = 1 + Math.floor(rng() * 5);
    for (let t = 0; t < present; t++) row[Math.floor(rng() * nCols)] = 1 + Math.floor(rng() * 3);
    if (anomaly) row[Math.floor(rng() * 4)]! += 2;
    if (length) row.push(row.reduce((a, b) => a + b, 0) + (anomaly ? 1 + Math.floor(rng() * 3) : 0));
    rows.push(row);
    labels.push(anomaly ? 1 : 0);
  }
  const counts = Float64Array.from(rows, () => (rng() < 0.05 ? 0 : 1 + Math.floor(rng() * 8)));
  return { x: csrFromDense(rows), labels: Uint8Array.from(labels), counts };
}

/** The rows expanded in grouped order: row i repeated counts[i] times, adjacent. */
function expand(d: Data): { x: CsrMatrix; labels: Uint8Array } {
  const idx: number[] = [];
  d.counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) idx.push(i);
  });
  return { x: selectRows(d.x, idx), labels: Uint8Array.from(idx, (i) => d.labels[i]!) };
}

/** |a_i − b_i| ≤ rtol · max_j |b_j| for every row. */
function assertScoresClose(a: Float64Array, b: Float64Array, rtol: number, what: string): void {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= rtol * scale, `${what}: max |weighted − expanded| = ${worst}, allowed ${rtol} × ${scale}`);
}

const plain = tokenData('row-weights:train', 160, 30);
const plainHeld = tokenData('row-weights:held', 80, 30);
const withLength = tokenData('row-weights:train', 160, 30, true);
const withLengthHeld = tokenData('row-weights:held', 80, 30, true);
// Token rarity needs rare tokens: with 30 columns every share is above its 1 % threshold.
const wide = tokenData('row-weights:train', 160, 400);
const wideHeld = tokenData('row-weights:held', 80, 400);

/** The weighted detectors, as registry names with option overrides, and each one's tolerance. */
interface Case {
  name: VariantName | Algorithm;
  options?: Record<string, unknown>;
  rtol: number;
}

const EXACT = 1e-12;
const CASES: Case[] = [
  { name: 'logistic-regression', rtol: 1e-6 },
  { name: 'logistic-regression', options: { classWeight: 'balanced' }, rtol: 1e-6 },
  { name: 'linear-svm', options: { tol: 1e-8, maxIter: 100_000 }, rtol: 1e-6 },
  { name: 'linear-svm', options: { loss: 'hinge', tol: 1e-8, maxIter: 100_000 }, rtol: 1e-6 },
  { name: 'linear-svm', options: { classWeight: 'balanced', tol: 1e-8, maxIter: 100_000 }, rtol: 1e-6 },
  { name: 'linear-svm', options: { penalty: 'l1', tol: 1e-4 }, rtol: 1e-9 },
  { name: 'isolation-forest', rtol: EXACT },
  { name: 'isolation-forest', options: { maxSamples: 64 }, rtol: EXACT },
  { name: 'kmeans', rtol: EXACT },
  { name: 'kmeans', options: { k: 200, nInit: 1 }, rtol: EXACT },
  { name: 'rarity', rtol: EXACT },
  { name: 'oov', rtol: EXACT },
];
const WEIGHTED_ALGORITHMS = new Set<string>([
  'logistic-regression',
  'linear-svm',
  'isolation-forest',
  'kmeans',
  'rarity',
  'oov',
]);
// Every registry variant of these algorithms, with its own settings.
for (const name of VARIANT_NAMES) {
  const algorithm = VARIANTS[name].algorithm;
  if (!WEIGHTED_ALGORITHMS.has(algorithm)) continue;
  const rtol = algorithm === 'logistic-regression' ? 1e-6 : algorithm === 'linear-svm' ? 1e-9 : EXACT;
  CASES.push({ name, rtol });
}

const algorithmOf = (name: string): string => (name in VARIANTS ? VARIANTS[name as VariantName].algorithm : name);
const dataFor = (name: string): [Data, Data] => {
  const algorithm = algorithmOf(name);
  if (algorithm === 'oov') return [withLength, withLengthHeld];
  return algorithm === 'rarity' ? [wide, wideHeld] : [plain, plainHeld];
};
const label = (c: Case): string => `${c.name}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`;

describe('row weights: distinct rows with counts fit as the expanded rows', () => {
  it('the test data repeats rows heavily and has rows of weight 0', () => {
    const e = expand(plain);
    assert.ok(e.x.nRows > 3 * plain.x.nRows, `expanded ${e.x.nRows} rows from ${plain.x.nRows}`);
    assert.ok(plain.counts.some((c) => c === 0));
    assert.ok(plain.labels.some((l, i) => l === 1 && plain.counts[i]! > 0));
  });

  for (const c of CASES) {
    it(`${label(c)}: scores on held-out rows equal (rtol ${c.rtol})`, () => {
      const [train, held] = dataFor(c.name);
      const e = expand(train);
      const weighted = makeDetector(c.name, 11, c.options);
      const expanded = makeDetector(c.name, 11, c.options);
      assert.equal(weighted.rowWeights, 'exact');
      // Through fitDetector: the normal-only detectors get the normal rows' weights.
      fitDetector(weighted, train.x, train.labels, train.counts);
      fitDetector(expanded, e.x, e.labels);
      const reference = expanded.score(held.x);
      // Scores that all agree would let a detector ignore its weights unseen.
      assert.ok(new Set(reference).size >= 3, `${label(c)}: the held-out scores barely vary`);
      assertScoresClose(weighted.score(held.x), reference, c.rtol, label(c));
      const conv = weighted.convergence?.();
      if (conv) assert.ok(conv.iterations < conv.maxIterations, `${label(c)}: ran out of iterations`);
      // The weighted fit saves and loads like any other.
      const again = loadDetector(JSON.parse(JSON.stringify(weighted.toJSON())));
      assert.deepEqual(again.score(held.x), weighted.score(held.x));
    });

    it(`${label(c)}: weights of all ones are no weights, bit for bit`, () => {
      const [train, held] = dataFor(c.name);
      const ones = makeDetector(c.name, 5, c.options);
      const none = makeDetector(c.name, 5, c.options);
      fitDetector(ones, train.x, train.labels, new Float64Array(train.x.nRows).fill(1));
      fitDetector(none, train.x, train.labels);
      assert.deepEqual(ones.score(held.x), none.score(held.x));
      assert.deepEqual(ones.toJSON(), none.toJSON());
    });
  }

  it('L2 linear SVM, default settings, heavy counts: converges within its pass limit and matches (10 · tol)', () => {
    // Counts up to ~500: the weighted dual needs about Σw/n times the passes of the expanded one,
    // and its pass limit is scaled so (maxIter bounds row visits); unscaled, it would stop at 1000.
    const rng = seedrandom('row-weights:heavy');
    const heavy = plain.counts.map((c) => (c === 0 ? 0 : Math.floor(c * (1 + 60 * rng() ** 3))));
    const d = { ...plain, counts: heavy };
    const e = expand(d);
    for (const options of [{}, { loss: 'hinge' }]) {
      const weighted = makeDetector('linear-svm', 2, options);
      const expanded = makeDetector('linear-svm', 2, options);
      fitDetector(weighted, d.x, d.labels, d.counts);
      fitDetector(expanded, e.x, e.labels);
      const conv = weighted.convergence!()!;
      assert.ok(conv.iterations < conv.maxIterations, `${JSON.stringify(options)}: ${JSON.stringify(conv)}`);
      assert.ok(conv.iterations > 1000, 'the heavy rows need more passes than maxIter');
      assertScoresClose(weighted.score(plainHeld.x), expanded.score(plainHeld.x), 10 * 1e-4, 'linear SVM, heavy');
    }
  });

  it('logistic regression: its SHAP values (weighted background means) match the expanded fit', () => {
    const e = expand(plain);
    const weighted = new LogisticRegression();
    const expanded = new LogisticRegression();
    weighted.fit(plain.x, plain.labels, plain.counts);
    expanded.fit(e.x, e.labels);
    const a = weighted.explain(plainHeld.x).rows;
    const b = expanded.explain(plainHeld.x).rows;
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i]!.base - b[i]!.base) <= 1e-6 * Math.max(1, Math.abs(b[i]!.base)), `base of row ${i}`);
    }
  });

  it('fractional weights: logistic regression with weights w/2 and C·2 is the fit with w and C', () => {
    const half = plain.counts.map((c) => c / 2);
    const a = new LogisticRegression({ C: 2 });
    const b = new LogisticRegression({ C: 1 });
    a.fit(plain.x, plain.labels, half);
    b.fit(plain.x, plain.labels, plain.counts);
    assertScoresClose(a.score(plainHeld.x), b.score(plainHeld.x), 1e-6, 'logistic regression, w/2 and 2C');
  });

  it('fractional weights: the L2 linear SVM with weights w/2 and C·2 is the fit with w and C', () => {
    const half = plain.counts.map((c) => c / 2);
    const o = { seed: 1, tol: 1e-8, maxIter: 100_000 };
    const a = new LinearSvm({ ...o, C: 2 });
    const b = new LinearSvm({ ...o, C: 1 });
    a.fit(plain.x, plain.labels, half);
    b.fit(plain.x, plain.labels, plain.counts);
    assertScoresClose(a.score(plainHeld.x), b.score(plainHeld.x), 1e-6, 'linear SVM, w/2 and 2C');
  });

  it('fractional weights: token rarity counts rows by weight (0.5 per row halves every count)', () => {
    const a = new TokenRarity();
    a.fit(plain.x, plain.labels, new Float64Array(plain.x.nRows).fill(0.5));
    const counts = a.toJSON()['counts'] as number[];
    const b = new TokenRarity();
    b.fit(plain.x, plain.labels);
    assert.deepEqual(
      counts,
      (b.toJSON()['counts'] as number[]).map((v) => v / 2),
    );
    // Fractional counts save and load.
    assert.deepEqual(loadDetector(JSON.parse(JSON.stringify(a.toJSON()))).score(plainHeld.x), a.score(plainHeld.x));
  });

  it('fractional weights: k-means fits (weighted means) and scales: weights w/4 give the fit with w', () => {
    const a = new KMeans({ seed: 3, k: 4 });
    const b = new KMeans({ seed: 3, k: 4 });
    a.fit(
      plain.x,
      plain.labels,
      plain.counts.map((c) => c / 4),
    );
    b.fit(plain.x, plain.labels, plain.counts);
    assertScoresClose(a.score(plainHeld.x), b.score(plainHeld.x), EXACT, 'k-means, w/4');
    assert.ok(Math.abs(a.inertia * 4 - b.inertia) <= 1e-9 * b.inertia);
  });

  it('k-means with more clusters than distinct points: an empty cluster takes one copy, not the whole row', () => {
    // Two points, 9 expanded rows, k = 4: k-means++ repeats centres and Lloyd relocates to copies.
    const d: Data = {
      x: csrFromDense([
        [3, 0],
        [0, 3],
        [3, 0],
        [0, 3],
      ]),
      labels: new Uint8Array(4),
      counts: Float64Array.of(2, 2, 1, 4),
    };
    const e = expand(d);
    const a = new KMeans({ seed: 5, k: 4, nInit: 1 });
    const b = new KMeans({ seed: 5, k: 4, nInit: 1 });
    a.fit(d.x, d.labels, d.counts);
    b.fit(e.x, e.labels);
    assert.deepEqual(a.centers, b.centers);
    assert.equal(a.inertia, b.inertia);
  });

  it('OOV checks the layout of rows that count: a row of weight 0 stands for no row', () => {
    const rows = [
      [1, 0, 2],
      [0, 2, 1], // 2 in-vocabulary tokens, length 1: not the OOV layout
    ];
    const x = csrFromDense(rows);
    const oov = makeDetector('oov', 1);
    oov.fit(x, new Uint8Array(2), Float64Array.of(3, 0));
    assert.throws(() => oov.fit(x, new Uint8Array(2), Float64Array.of(3, 1)), /oov: training row 1/);
  });

  it('isolation forest takes whole-number weights only', () => {
    const f = new IsolationForest({ seed: 1 });
    assert.throws(
      () => f.fit(plain.x, plain.labels, new Float64Array(plain.x.nRows).fill(1.5)),
      (e: Error) => e instanceof TypeError && /isolation-forest: weights\[0\] is 1\.5; .*whole numbers/.test(e.message),
    );
  });
});

describe('row weights: refused where they are not exact or not valid', () => {
  for (const name of ['lof', 'one-class-svm'] as const) {
    it(`${name} declares rowWeights 'none' and refuses weights, from fitDetector and from fit`, () => {
      const d = makeDetector(name, 1);
      assert.equal(d.rowWeights, 'none');
      const w = new Float64Array(plain.x.nRows).fill(1);
      assert.throws(() => fitDetector(d, plain.x, plain.labels, w), /does not take row weights/);
      assert.throws(
        () => d.fit(plain.x, plain.labels, w),
        (e: Error) => e instanceof TypeError && /expanded rows/.test(e.message),
      );
    });
  }

  const bad: [string, unknown, RegExp][] = [
    ['a plain array', [1, 2], /weights must be a Float64Array/],
    ['too few entries', new Float64Array(3).fill(1), /one entry per row of x \(got 3 for 160 rows\)/],
    ['a negative weight', 'neg', /weights\[7\] is -1; row weights must be finite and ≥ 0/],
    ['NaN', 'nan', /weights\[7\] is NaN/],
    ['Infinity', 'inf', /weights\[7\] is Infinity/],
  ];
  for (const name of WEIGHTED_ALGORITHMS) {
    it(`${name} refuses invalid weights with a TypeError naming it`, () => {
      const [train] = dataFor(name);
      for (const [what, value, message] of bad) {
        let w = value;
        if (typeof value === 'string') {
          const a = new Float64Array(train.x.nRows).fill(1);
          a[7] = value === 'neg' ? -1 : value === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
          w = a;
        }
        const d = makeDetector(name as Algorithm, 1);
        // Straight to fit: fitDetector's own row selection would index a too-short array.
        assert.throws(
          () => d.fit(train.x, train.labels, w as Float64Array),
          (e: Error) => e instanceof TypeError && e.message.startsWith(`${d.kind}: `) && message.test(e.message),
          `${name}, ${what}`,
        );
      }
    });
  }

  it('the supervised ones refuse weights that leave a class without weight', () => {
    for (const name of ['logistic-regression', 'linear-svm'] as const) {
      const w = Float64Array.from(plain.labels, (l) => (l === 1 ? 0 : 1));
      assert.throws(
        () => makeDetector(name, 1).fit(plain.x, plain.labels, w),
        (e: Error) => e instanceof TypeError && /both classes need a positive total row weight/.test(e.message),
      );
    }
  });

  it('a fit needs some weight: isolation forest and k-means refuse weights that are all 0', () => {
    const zero = new Float64Array(plain.x.nRows);
    assert.throws(() => makeDetector('isolation-forest', 1).fit(plain.x, plain.labels, zero), /of weight > 0/);
    assert.throws(() => makeDetector('kmeans', 1).fit(plain.x, plain.labels, zero), /of weight > 0/);
  });
});
