/**
 * The unsupervised / count-based detectors: token rarity, OOV count, k-means distance and
 * Isolation Forest. Fixtures are small CSR matrices built here from dense arrays; the parity
 * block compares AUCs with scikit-learn when Debian's python3-sklearn is installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { averagePathLength, IsolationForest } from '../../models/algorithms/isolation-forest.ts';
import { KMeans } from '../../models/algorithms/kmeans.ts';
import { LocalOutlierFactor } from '../../models/algorithms/lof.ts';
import { OneClassSvm } from '../../models/algorithms/one-class-svm.ts';
import { OovCount } from '../../models/algorithms/oov.ts';
import { TokenRarity } from '../../models/algorithms/rarity.ts';
import type { CsrMatrix, Detector } from '../../models/types.ts';
import { csrFromDense } from '../../models/vectorize/index.ts';

/** Dense rows → CSR storing every entry, zeros included (to test explicitly stored zeros). */
function csrWithZeros(rows: number[][]): CsrMatrix {
  const nCols = rows[0]?.length ?? 0;
  return {
    nRows: rows.length,
    nCols,
    indptr: Int32Array.from({ length: rows.length + 1 }, (_, i) => i * nCols),
    indices: Int32Array.from(rows.flatMap((row) => row.map((_, j) => j))),
    data: Float64Array.from(rows.flat()),
  };
}

const noLabels = (x: CsrMatrix): Uint8Array => new Uint8Array(x.nRows);

/** ROC AUC with ties counted half (Mann–Whitney). */
function auc(scores: Float64Array, labels: Uint8Array): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** n rows around `centre` with unit noise per coordinate. */
function blob(rng: () => number, n: number, centre: number[], sd = 1): number[][] {
  return Array.from({ length: n }, () => centre.map((c) => c + sd * gaussian(rng)));
}

/**
 * Sparse count rows over 50 columns: 6 tokens each, skewed towards low columns (high ones are
 * rare); an anomaly adds `bursts` bursts of 4 of a high column (20..49). The burst columns do occur
 * in normal rows: a column never seen in training is constant there and no tree can split on it.
 */
function tokenRows(rng: () => number, n: number, bursts = 0): number[][] {
  return Array.from({ length: n }, () => {
    const row = new Array<number>(50).fill(0);
    for (let t = 0; t < 6; t++) row[Math.floor(50 * rng() ** 2)]! += 1;
    for (let b = 0; b < bursts; b++) row[20 + Math.floor(30 * rng())]! += 4;
    return row;
  });
}

function roundTrip<T extends Detector>(model: T, load: (json: unknown) => T, x: CsrMatrix): void {
  const copy = load(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(copy.score(x), model.score(x));
}

/** Element-wise equality up to a relative 1e-12 (−ln(1/7) and ln 7 differ in the last bit). */
function assertClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `entry ${i}: ${a} vs ${e}`);
  });
}

describe('TokenRarity', () => {
  // 4 (normal) training rows: col 0 in all, col 1 in one, col 2 in two, col 3 in none: counts 4, 1, 2, 0, total 7.
  const train = csrFromDense([
    [1, 1, 0, 0],
    [2, 0, 1, 0],
    [1, 0, 1, 0],
    [1, 0, 0, 0],
  ]);
  const model = new TokenRarity({ commonThreshold: 0.5 });
  model.fit(train, noLabels(train));
  const w1 = Math.log(7) ** 3; // share 1/7
  const w2 = Math.log(3.5) ** 3; // share 2/7
  const w3 = Math.log(8) ** 3; // never present: share 1/(total + 1)

  it('trains on normal rows and weighs tokens with share ≤ commonThreshold of all token presences by (−ln share)³', () => {
    assert.equal(model.trainsOn, 'normal');
    const w = model.weights;
    // Column 0's share 4/7 is above 0.5: common, weight 0.
    assertClose(w, [0, w1, w2, w3]);
  });

  it('scores the mean weight over distinct present tokens, 0 for an empty row', () => {
    const x = csrFromDense([
      [1, 1, 0, 0],
      [0, 0, 0, 7],
      [0, 0, 0, 0],
      [3, 0, 1, 0],
      [0, 5, 1, 1],
    ]);
    const s = model.score(x);
    const expected = [w1 / 2, w3, 0, w2 / 2, (w1 + w2 + w3) / 3];
    s.forEach((v, i) => {
      assert.ok(Math.abs(v - expected[i]!) < 1e-12, `row ${i}: ${v} vs ${expected[i]}`);
    });
  });

  it('ignores explicitly stored zeros in fit and score', () => {
    const x = csrWithZeros([[1, 0, 0, 0]]);
    assert.equal(model.score(x)[0], 0);
    // One training row whose other columns are stored zeros: they stay unseen, share 1/2.
    const m = new TokenRarity({ commonThreshold: 1 });
    m.fit(csrWithZeros([[1, 0, 0, 0]]), new Uint8Array(1));
    assertClose(m.weights, [0, Math.log(2) ** 3, Math.log(2) ** 3, Math.log(2) ** 3]);
    assert.ok(Object.is(m.weights[0], 0), 'a share of 1 weighs +0');
  });

  it('uses an inclusive 1 % threshold by default', () => {
    // 99 rows with column 0, one with column 1: total 100, so column 1's share is exactly 0.01.
    const rows = Array.from({ length: 100 }, (_, i) => (i === 0 ? [0, 1, 0] : [1, 0, 0]));
    const m = new TokenRarity();
    const x = csrFromDense(rows);
    m.fit(x, noLabels(x));
    assertClose(m.weights, [0, Math.log(100) ** 3, Math.log(101) ** 3]);
  });

  it('explains with per-token shares that add up to the score', () => {
    const x = csrFromDense([
      [0, 5, 1, 1],
      [1, 0, 0, 0],
    ]);
    const e = model.explain(x);
    assert.equal(e.method, 'token-weights');
    assert.deepEqual(Array.from(e.rows[0]!.columns), [1, 2, 3]);
    const s = model.score(x);
    e.rows.forEach((r, i) => {
      const sum = r.values.reduce((a, b) => a + b, r.base);
      assert.ok(Math.abs(sum - s[i]!) < 1e-12);
    });
    assert.equal(e.rows[1]!.columns.length, 0);
  });

  it('round-trips through JSON and rejects a wrong kind', () => {
    roundTrip(model, TokenRarity.load, csrFromDense([[0, 1, 1, 1]]));
    assert.throws(() => TokenRarity.load({ kind: 'oov', version: 2 }), {
      name: 'TypeError',
      message: "token-rarity: expected kind 'token-rarity' (got oov)",
    });
  });

  it('validates options', () => {
    assert.throws(() => new TokenRarity({ commonThreshold: 2 }), {
      name: 'TypeError',
      message: 'commonThreshold must be a number in (0, 1] (got 2)',
    });
  });
});

describe('OovCount', () => {
  // Columns: tokens a, b, then the length column (every token of the row, in the vocabulary or not).
  const normals = csrFromDense([
    [1, 1, 2],
    [0, 2, 3],
  ]);
  const model = new OovCount();
  model.fit(normals, noLabels(normals));

  it('scores the length column minus the in-vocabulary token counts', () => {
    const x = csrFromDense([
      [0, 1, 3],
      [1, 1, 2],
      [0, 0, 0],
      [0, 0, 9],
    ]);
    assert.deepEqual(Array.from(model.score(x)), [2, 0, 0, 9]);
    assert.equal(model.trainsOn, 'normal');
  });

  it('refuses a matrix whose last column is no length column', () => {
    const m = new OovCount();
    assert.throws(
      () => m.fit(csrFromDense([[1, 1, 1]]), new Uint8Array(1)),
      /oov: training row 0 has more in-vocabulary tokens than its length column/,
    );
  });

  it('credits the whole score to the length column', () => {
    const e = model.explain(
      csrFromDense([
        [0, 1, 3],
        [1, 1, 2],
      ]),
    );
    assert.deepEqual(Array.from(e.rows[0]!.columns), [2]);
    assert.deepEqual(Array.from(e.rows[0]!.values), [2]);
    assert.equal(e.rows[1]!.columns.length, 0);
  });

  it('round-trips through JSON and rejects a wrong kind or a too-wide matrix', () => {
    roundTrip(model, OovCount.load, csrFromDense([[0, 1, 3]]));
    assert.throws(() => OovCount.load({ kind: 'kmeans', version: 2 }), {
      name: 'TypeError',
      message: "oov: expected kind 'oov' (got kmeans)",
    });
    assert.throws(() => model.score(csrFromDense([[1, 2, 3, 4, 5]])), {
      name: 'TypeError',
      message: 'x must have 3 columns like the training matrix (got 5)',
    });
  });
});

describe('KMeans', () => {
  const rng = seedrandom('kmeans-blobs');
  const a = blob(rng, 60, [6, 6, 0, 0, 0, 0]);
  const b = blob(rng, 60, [0, 0, 0, 0, 6, 6]);
  const train = csrFromDense([...a, ...b]);

  it('recovers two well-separated blobs and scores an outlier far above the inliers', () => {
    const model = new KMeans({ seed: 1, k: 2 });
    model.fit(train, noLabels(train));
    const c = model.centers;
    const near = (off: number, centre: number[]): boolean => centre.every((v, j) => Math.abs(c[off + j]! - v) < 0.6);
    const ok =
      (near(0, [6, 6, 0, 0, 0, 0]) && near(6, [0, 0, 0, 0, 6, 6])) ||
      (near(6, [6, 6, 0, 0, 0, 0]) && near(0, [0, 0, 0, 0, 6, 6]));
    assert.ok(ok, `centres ${Array.from(c).map((v) => v.toFixed(2))}`);
    const inl = model.score(train);
    const out = model.score(csrFromDense([[20, -20, 20, 0, 0, 0]]))[0]!;
    assert.ok(out > 5 * Math.max(...inl), `outlier ${out} vs max inlier ${Math.max(...inl)}`);
    // Distances, not squared distances: a row at a centre scores ~0, one at distance 3 scores 3.
    const atCentre = csrFromDense([[c[0]!, c[1]!, c[2]! + 3, c[3]!, c[4]!, c[5]!]]);
    assert.ok(Math.abs(model.score(atCentre)[0]! - 3) < 1e-9);
  });

  it('is deterministic per seed and keeps the ordering under another seed', () => {
    const fit = (seed: number): Float64Array => {
      const m = new KMeans({ seed, k: 3 });
      m.fit(train, noLabels(train));
      return m.score(csrFromDense([...a.slice(0, 5), [20, 20, 20, 20, 20, 20]]));
    };
    assert.deepEqual(fit(7), fit(7));
    for (const s of [fit(7), fit(8)]) assert.ok(s[5]! > 3 * Math.max(...s.slice(0, 5)));
  });

  it('caps k at the number of training rows and round-trips through JSON', () => {
    const x = csrFromDense([
      [1, 0],
      [0, 1],
    ]);
    const m = new KMeans({ seed: 'x' });
    m.fit(x, noLabels(x));
    assert.equal(m.k, 2);
    assert.deepEqual(Array.from(m.score(x)), [0, 0]);
    // More clusters than distinct rows: duplicate centres and empty clusters, still exact and finite.
    const dup = csrFromDense([
      [0, 0],
      [0, 0],
      [0, 0],
      [5, 5],
      [5, 5],
      [9, 0],
    ]);
    const d = new KMeans({ seed: 2, k: 5 });
    d.fit(dup, noLabels(dup));
    assert.equal(d.inertia, 0);
    assert.deepEqual(Array.from(d.score(dup)), [0, 0, 0, 0, 0, 0]);
    const big = new KMeans({ seed: 3, k: 4 });
    big.fit(train, noLabels(train));
    roundTrip(big, KMeans.load, train);
    assert.throws(() => KMeans.load({ kind: 'isolation-forest', version: 1 }), {
      name: 'TypeError',
      message: "kmeans: expected kind 'kmeans' (got isolation-forest)",
    });
  });

  it('validates options word for word', () => {
    const bad: [object, string][] = [
      [{}, 'seed is required: a finite number or a non-empty string (got undefined)'],
      [{ seed: '' }, 'seed is required: a finite number or a non-empty string (got )'],
      [{ seed: 1, k: 0 }, 'k must be an integer ≥ 1 (got 0)'],
      [{ seed: 1, nInit: 1.5 }, 'nInit must be an integer ≥ 1 (got 1.5)'],
      [{ seed: 1, maxIter: 0 }, 'maxIter must be an integer ≥ 1 (got 0)'],
      [{ seed: 1, tol: -1 }, 'tol must be a finite number > 0 (got -1)'],
    ];
    for (const [opts, message] of bad) {
      assert.throws(() => new KMeans(opts as { seed: number }), { name: 'TypeError', message });
    }
  });
});

describe('IsolationForest', () => {
  const rng = seedrandom('iforest-synthetic');
  const inliers = blob(rng, 300, [0, 0, 0, 0, 0]);
  const outliers = Array.from({ length: 15 }, () =>
    [0, 0, 0, 0, 0].map(() => (rng() < 0.5 ? -1 : 1) * (4 + 3 * rng())),
  );
  const train = csrFromDense(inliers.slice(0, 200));
  const test = csrFromDense([...inliers.slice(200), ...outliers]);
  const testLabels = Uint8Array.from({ length: test.nRows }, (_, i) => (i >= 100 ? 1 : 0));

  it('ranks planted outliers above inliers and scores the centre of the data below 0.5', () => {
    const model = new IsolationForest({ seed: 42 });
    model.fit(train, noLabels(train));
    assert.equal(model.trainsOn, 'normal');
    const a = auc(model.score(test), testLabels);
    assert.ok(a >= 0.95, `AUC ${a}`);
    const centre = model.score(csrWithZeros([[0, 0, 0, 0, 0]]))[0]!;
    assert.ok(centre < 0.5, `centre score ${centre}`);
    assert.ok(model.nodeCount > 100 * 50, 'trees actually grow (ψ = 200, depth 8)');
  });

  it('isolates rows with rare sparse columns (implicit zeros are values)', () => {
    const r = seedrandom('iforest-tokens');
    const tr = csrFromDense(tokenRows(r, 300));
    const te = csrFromDense([...tokenRows(r, 100), ...tokenRows(r, 10, 3)]);
    const labels = Uint8Array.from({ length: 110 }, (_, i) => (i >= 100 ? 1 : 0));
    const model = new IsolationForest({ seed: 5 });
    model.fit(tr, noLabels(tr));
    const a = auc(model.score(te), labels);
    assert.ok(a >= 0.9, `AUC ${a}`);
  });

  it('is deterministic per seed; another seed differs but still ranks outliers first', () => {
    const fit = (seed: number): Float64Array => {
      const m = new IsolationForest({ seed, nEstimators: 50 });
      m.fit(train, noLabels(train));
      return m.score(test);
    };
    const s1 = fit(1);
    assert.deepEqual(fit(1), s1);
    const s2 = fit(2);
    assert.notDeepEqual(s2, s1);
    assert.ok(auc(s2, testLabels) >= 0.95);
  });

  it('uses c(n) as sklearn does', () => {
    assert.equal(averagePathLength(1), 0);
    assert.equal(averagePathLength(2), 1);
    assert.ok(Math.abs(averagePathLength(256) - 10.244770920119917) < 1e-12);
  });

  it('handles a single training row and constant data (every tree a leaf)', () => {
    const one = csrFromDense([[1, 2]]);
    const m = new IsolationForest({ seed: 0, nEstimators: 3 });
    m.fit(one, noLabels(one));
    assert.deepEqual(Array.from(m.score(csrFromDense([[5, 5]]))), [0.5]);
    const flat = csrFromDense([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    m.fit(flat, noLabels(flat));
    assert.equal(m.nodeCount, 3);
    // Leaf of 4 rows at depth 0: h = c(4), score = 2^(−c(4)/c(4)).
    assert.equal(m.score(csrFromDense([[9, 9]]))[0], 0.5);
  });

  it('round-trips through JSON, rejects a wrong kind, validates options', () => {
    const model = new IsolationForest({ seed: 'round', nEstimators: 20 });
    model.fit(train, noLabels(train));
    roundTrip(model, IsolationForest.load, test);
    assert.throws(() => IsolationForest.load({ kind: 'kmeans', version: 1 }), {
      name: 'TypeError',
      message: "isolation-forest: expected kind 'isolation-forest' (got kmeans)",
    });
    assert.throws(() => new IsolationForest({ seed: 1, nEstimators: 0 }), {
      name: 'TypeError',
      message: 'nEstimators must be an integer ≥ 1 (got 0)',
    });
    assert.throws(() => new IsolationForest({ seed: 1, maxSamples: 2.5 }), {
      name: 'TypeError',
      message: 'maxSamples must be an integer ≥ 1 (got 2.5)',
    });
    assert.throws(() => new IsolationForest({ seed: Number.NaN }), {
      name: 'TypeError',
      message: 'seed is required: a finite number or a non-empty string (got NaN)',
    });
  });
});

describe('LocalOutlierFactor', () => {
  const rng = seedrandom('lof');
  const train = csrFromDense(blob(rng, 150, [0, 0, 0]));

  it('scores ≈ 1 inside the data and far above 1 for an outlier', () => {
    const model = new LocalOutlierFactor();
    model.fit(train, noLabels(train));
    const [inside, outside] = model.score(
      csrFromDense(
        [
          [0.1, 0, -0.1],
          [8, 8, 8],
        ],
        3,
      ),
    );
    assert.ok(inside! > 0.8 && inside! < 1.3, `inside ${inside}`);
    assert.ok(outside! > 4, `outside ${outside}`);
  });

  it('matches a hand computation on the line (k = 1)', () => {
    // Training points 0, 1, 3: k-dist = 1, 1, 2; lrd = 1, 1, 1/2 (+1e-10 aside).
    // x = 5: nearest 3 at distance 2, reach = max(2, 2) = 2, lrd(x) = 1/2, LOF = lrd(3)/lrd(x) = 1.
    // x = 0.5: nearest 0 (ties broken by index), reach = max(1, 0.5) = 1, LOF = 1.
    // x = 9: reach to 3 is 6, lrd = 1/6, LOF = (1/2)/(1/6) = 3.
    const m = new LocalOutlierFactor({ nNeighbors: 1 });
    const line = csrFromDense([[0], [1], [3]], 1);
    m.fit(line, noLabels(line));
    const s = m.score(csrFromDense([[5], [0.5], [9]], 1));
    [1, 1, 3].forEach((v, i) => {
      assert.ok(Math.abs(s[i]! - v) < 1e-8, `row ${i}: ${s[i]} vs ${v}`);
    });
  });

  it('round-trips through JSON, rejects a wrong kind, validates options', () => {
    const model = new LocalOutlierFactor({ nNeighbors: 5 });
    model.fit(train, noLabels(train));
    roundTrip(
      model,
      LocalOutlierFactor.load,
      csrFromDense(
        [
          [1, 2, 3],
          [0, 0, 0],
        ],
        3,
      ),
    );
    assert.throws(() => LocalOutlierFactor.load({ kind: 'oov', version: 1 }), {
      name: 'TypeError',
      message: "local-outlier-factor: expected kind 'local-outlier-factor' (got oov)",
    });
    assert.throws(() => new LocalOutlierFactor({ nNeighbors: 0 }), {
      name: 'TypeError',
      message: 'nNeighbors must be an integer ≥ 1 (got 0)',
    });
  });
});

describe('OneClassSvm', () => {
  const rng = seedrandom('ocsvm');
  const train = csrFromDense(blob(rng, 200, [0, 0, 0, 0]));

  it('leaves about ν of the training rows outside and scores an outlier positive, the centre negative', () => {
    const model = new OneClassSvm({ nu: 0.2 });
    model.fit(train, noLabels(train));
    assert.equal(model.fitInfo?.converged, true);
    const s = model.score(train);
    const outside = s.filter((v) => v > 1e-6).length / s.length;
    assert.ok(outside <= 0.2 + 0.03, `share outside ${outside}`);
    assert.ok(model.fitInfo!.supportVectors >= 0.2 * 200, 'at least ν·n support vectors');
    const [centre, far] = model.score(
      csrWithZeros([
        [0, 0, 0, 0],
        [6, 6, 6, 6],
      ]),
    );
    assert.ok(centre! < 0 && far! > 0, `centre ${centre}, far ${far}`);
  });

  it('round-trips through JSON, rejects a wrong kind, validates options', () => {
    const model = new OneClassSvm({ gamma: 0.5 });
    model.fit(train, noLabels(train));
    roundTrip(model, OneClassSvm.load, train);
    assert.throws(() => OneClassSvm.load({ kind: 'kmeans', version: 1 }), {
      name: 'TypeError',
      message: "one-class-svm: expected kind 'one-class-svm' (got kmeans)",
    });
    assert.throws(() => new OneClassSvm({ nu: 0 }), {
      name: 'TypeError',
      message: 'nu must be a number in (0, 1] (got 0)',
    });
    assert.throws(() => new OneClassSvm({ gamma: -1 }), {
      name: 'TypeError',
      message: 'gamma must be a finite number > 0 (got -1)',
    });
  });
});

/** True when /usr/bin/python3 imports sklearn and scipy (a missing python3 also gives a non-zero status). */
function hasSklearn(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import sklearn, scipy'], { stdio: 'ignore' }).status === 0;
}

const EXACT = `
import json, sys
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM
d = json.load(open(sys.argv[1]))
tr, te = csr_matrix(np.array(d['train'], dtype=float)), csr_matrix(np.array(d['test'], dtype=float))
lof = LocalOutlierFactor(novelty=True).fit(tr)
svm = OneClassSVM().fit(tr)
print(json.dumps({'lof': (-lof.score_samples(te)).tolist(), 'svm': (-svm.decision_function(te)).tolist()}))
`;

const PARITY = `
import json, sys
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
d = json.load(open(sys.argv[1]))
SEEDS = int(sys.argv[2])
out = {}
for name, s in d.items():
    m = lambda r: csr_matrix(np.array(r, dtype=float))
    tr, te, y = m(s['train']), m(s['test']), np.array(s['labels'])
    r = {'iforest': 0.0, 'kmeans': 0.0}
    for seed in range(SEEDS):
        f = IsolationForest(random_state=seed).fit(tr)
        k = KMeans(n_clusters=8, n_init=3, random_state=seed).fit(tr)
        r['iforest'] += roc_auc_score(y, -f.score_samples(te)) / SEEDS
        r['kmeans'] += roc_auc_score(y, k.transform(te).min(axis=1)) / SEEDS
    out[name] = r
print(json.dumps(out))
`;

describe('parity with scikit-learn', () => {
  it('IsolationForest and KMeans-distance AUCs within 0.05 of sklearn', (t) => {
    if (!hasSklearn()) {
      t.skip('python3-sklearn not installed for /usr/bin/python3');
      return;
    }
    // AUCs averaged over 5 seeds on each side: one forest's AUC varies by ~0.02 from seed to seed.
    const SEEDS = 5;
    const rng = seedrandom('parity');
    // Moderately hard sets, so AUCs sit well below 1 and a wrong algorithm would show.
    const shifted = (n: number): number[][] => blob(rng, n, [1.2, 1.2, 0, 0, 0, 0]);
    const sets = {
      gaussian: {
        train: blob(rng, 400, [0, 0, 0, 0, 0, 0]),
        test: [...blob(rng, 200, [0, 0, 0, 0, 0, 0]), ...shifted(40)],
      },
      tokens: { train: tokenRows(rng, 400), test: [...tokenRows(rng, 200), ...tokenRows(rng, 40, 2)] },
    };
    const labels = [...new Array(200).fill(0), ...new Array(40).fill(1)];
    const dir = mkdtempSync(join(tmpdir(), 'lo2-parity-'));
    try {
      const file = join(dir, 'data.json');
      const payload = Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, { ...v, labels }]));
      writeFileSync(file, JSON.stringify(payload));
      const ref = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', PARITY, file, String(SEEDS)], {
          encoding: 'utf8',
          env: { ...process.env, OMP_NUM_THREADS: '1' },
        }),
      ) as Record<string, { iforest: number; kmeans: number }>;
      for (const [name, s] of Object.entries(sets)) {
        const tr = csrFromDense(s.train);
        const te = csrFromDense(s.test);
        const y = Uint8Array.from(labels);
        const ours = { iforest: 0, kmeans: 0 };
        for (let seed = 0; seed < SEEDS; seed++) {
          const f = new IsolationForest({ seed });
          f.fit(tr, noLabels(tr));
          const k = new KMeans({ seed });
          k.fit(tr, noLabels(tr));
          ours.iforest += auc(f.score(te), y) / SEEDS;
          ours.kmeans += auc(k.score(te), y) / SEEDS;
        }
        const theirs = ref[name]!;
        t.diagnostic(`${name}: ours ${JSON.stringify(ours)} sklearn ${JSON.stringify(theirs)}`);
        for (const m of ['iforest', 'kmeans'] as const) {
          assert.ok(Math.abs(ours[m] - theirs[m]) <= 0.05, `${name} ${m}: ours ${ours[m]} vs sklearn ${theirs[m]}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('LOF and OneClassSVM scores equal sklearn (deterministic algorithms)', (t) => {
    if (!hasSklearn()) {
      t.skip('python3-sklearn not installed for /usr/bin/python3');
      return;
    }
    const rng = seedrandom('exact');
    // Sparse-ish continuous rows (40 % zeros), so ties in distances do not occur.
    const rows = (n: number): number[][] =>
      Array.from({ length: n }, () => [0, 0, 0, 0, 0].map(() => (rng() < 0.4 ? 0 : gaussian(rng))));
    const data = { train: rows(300), test: rows(60) };
    const dir = mkdtempSync(join(tmpdir(), 'lo2-exact-'));
    try {
      const file = join(dir, 'data.json');
      writeFileSync(file, JSON.stringify(data));
      const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', EXACT, file], { encoding: 'utf8' })) as {
        lof: number[];
        svm: number[];
      };
      const tr = csrFromDense(data.train);
      const te = csrFromDense(data.test);
      const lof = new LocalOutlierFactor();
      lof.fit(tr, noLabels(tr));
      const svm = new OneClassSvm();
      svm.fit(tr, noLabels(tr));
      const a = lof.score(te);
      const b = svm.score(te);
      ref.lof.forEach((v, i) => {
        assert.ok(Math.abs(a[i]! - v) < 1e-9, `LOF row ${i}: ours ${a[i]} vs sklearn ${v}`);
      });
      // Same solver path as libsvm; differences come only from rounding and libsvm's shrinking.
      ref.svm.forEach((v, i) => {
        assert.ok(Math.abs(b[i]! - v) < 1e-4, `OCSVM row ${i}: ours ${b[i]} vs sklearn ${v}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
