/**
 * The linear models: L-BFGS on known problems, logistic regression (objective gradient, hand-checked
 * fits, SHAP completeness), the dual-CD linear SVM (closed-form two-point fits), determinism,
 * persistence, option messages, and a small scikit-learn parity check (skipped without sklearn).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimizeLbfgs } from '../../models/algorithms/lbfgs.ts';
import { LinearSvm } from '../../models/algorithms/linear-svm.ts';
import { LogisticRegression, logisticObjective } from '../../models/algorithms/logistic-regression.ts';
import { csrFromDense } from '../../models/vectorize/index.ts';
import { hasSklearn, makeParityData, runParity } from '../../scripts/parity/linear.ts';

const small = makeParityData({ rows: 400, cols: 60, seed: 'unit' });

describe('lbfgs', () => {
  it('solves a strictly convex quadratic to its known minimiser', () => {
    // f = ½ xᵀAx − bᵀx with A tridiagonal (4 on the diagonal, −1 beside), b = A·x*.
    const n = 30;
    const xStar = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const mul = (x: Float64Array, out: Float64Array): void => {
      for (let i = 0; i < n; i++) out[i] = 4 * x[i]! - (x[i - 1] ?? 0) - (x[i + 1] ?? 0);
    };
    const b = new Float64Array(n);
    mul(xStar, b);
    const ax = new Float64Array(n);
    const res = minimizeLbfgs(
      (x, g) => {
        mul(x, ax);
        let f = 0;
        for (let i = 0; i < n; i++) {
          g[i] = ax[i]! - b[i]!;
          f += 0.5 * x[i]! * ax[i]! - b[i]! * x[i]!;
        }
        return f;
      },
      new Float64Array(n),
      // ftol 0: stop on the gradient only. (Much below 1e-6 the decrease of f per step drops
      // under f's own rounding noise and the solver would stop on ftol.)
      { gtol: 1e-6, ftol: 0 },
    );
    assert.equal(res.stop, 'gtol', `stopped by ${res.stop} with max |g| = ${res.gradMax}`);
    // ‖A⁻¹‖ ≤ ½ (Gershgorin: eigenvalues ≥ 2), so |x − x*| ≤ ½·√n·max|g| < 3e-6.
    for (let i = 0; i < n; i++) assert.ok(Math.abs(res.x[i]! - xStar[i]!) < 3e-6, `x[${i}]`);
    assert.ok(res.iterations <= n, `took ${res.iterations} iterations`);
  });

  it('finds the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
    const res = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { gtol: 1e-9, ftol: 0 },
    );
    assert.equal(res.stop, 'gtol');
    assert.ok(Math.abs(res.x[0]! - 1) < 1e-7 && Math.abs(res.x[1]! - 1) < 1e-7, `got ${res.x}`);
    assert.ok(res.iterations < 100, `took ${res.iterations} iterations`);
  });

  it('does not modify x0 and stops at once when x0 is already optimal', () => {
    const x0 = Float64Array.of(0, 0);
    const res = minimizeLbfgs((x, g) => {
      g[0] = 2 * x[0]!;
      g[1] = 2 * x[1]!;
      return x[0]! ** 2 + x[1]! ** 2;
    }, x0);
    assert.deepEqual([res.iterations, res.evaluations, res.stop], [0, 1, 'gtol']);
    assert.notEqual(res.x, x0);
  });
});

describe('logistic regression', () => {
  it('has the gradient of its objective (central finite differences)', () => {
    for (const classWeight of ['none', 'balanced'] as const) {
      const f = logisticObjective(small.train.x, small.train.y, 0.7, classWeight);
      const p = small.train.x.nCols + 1;
      const theta = Float64Array.from({ length: p }, (_, j) => 0.3 * Math.sin(3 * j + 1));
      const grad = new Float64Array(p);
      f(theta, grad);
      const scratch = new Float64Array(p);
      for (let j = 0; j < p; j += 7) {
        const h = 1e-5;
        const t = Float64Array.from(theta);
        t[j]! += h;
        const up = f(t, scratch);
        t[j]! -= 2 * h;
        const down = f(t, scratch);
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(numeric - grad[j]!) < 1e-5 * Math.max(1, Math.abs(numeric)), `${classWeight} θ[${j}]`);
      }
    }
  });

  it('fits the unregularised intercept to the log-odds when no feature varies', () => {
    // Rows without features: only b matters, and the optimum is logit(positive rate) = ln(1/3).
    const x = csrFromDense([[0], [0], [0], [0], [0], [0], [0], [0]]);
    const y = Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0);
    const lr = new LogisticRegression();
    lr.fit(x, y);
    assert.ok(Math.abs(lr.intercept - Math.log(1 / 3)) < 1e-6, `b = ${lr.intercept}`);
    const balanced = new LogisticRegression({ classWeight: 'balanced' });
    balanced.fit(x, y);
    assert.ok(Math.abs(balanced.intercept) < 1e-6, `balanced b = ${balanced.intercept}`);
  });

  it('ranks a separable case perfectly, with weights growing as C grows', () => {
    const x = csrFromDense([
      [1, 0],
      [1, 0.2],
      [0.9, 0],
      [0, 1],
      [0.1, 1],
      [0, 0.8],
    ]);
    const y = Uint8Array.of(0, 0, 0, 1, 1, 1);
    const weak = new LogisticRegression({ C: 1 });
    weak.fit(x, y);
    const strong = new LogisticRegression({ C: 100 });
    strong.fit(x, y);
    for (const m of [weak, strong]) {
      const s = m.score(x);
      assert.ok(Math.min(s[3]!, s[4]!, s[5]!) > Math.max(s[0]!, s[1]!, s[2]!), `scores ${s}`);
    }
    assert.ok(strong.weights[1]! > weak.weights[1]! && weak.weights[1]! > 0);
    assert.ok(strong.weights[0]! < weak.weights[0]! && weak.weights[0]! < 0);
  });

  it('reports probabilities as the sigmoid of the score', () => {
    const lr = new LogisticRegression();
    lr.fit(small.train.x, small.train.y);
    const s = lr.score(small.test.x);
    const p = lr.probability(small.test.x);
    for (let i = 0; i < s.length; i++) assert.ok(Math.abs(p[i]! - 1 / (1 + Math.exp(-s[i]!))) < 1e-15);
  });

  it('explains exactly: Σφ + base = score, φ_j = 0 where x_j is the training mean', () => {
    const lr = new LogisticRegression();
    lr.fit(small.train.x, small.train.y);
    const s = lr.score(small.test.x);
    const e = lr.explain(small.test.x);
    assert.equal(e.method, 'linear-shap');
    assert.equal(e.rows.length, small.test.x.nRows);
    e.rows.forEach((row, i) => {
      let sum = row.base;
      for (let k = 0; k < row.values.length; k++) {
        sum += row.values[k]!;
        assert.notEqual(row.values[k], 0);
        if (k > 0) assert.ok(row.columns[k]! > row.columns[k - 1]!, 'columns ascend');
      }
      assert.ok(Math.abs(sum - s[i]!) < 1e-9, `row ${i}: ${sum} vs ${s[i]}`);
    });
    // Column 0 takes values 0 and 2 in training (mean 1); a row with x_0 = 1 gets no φ_0,
    // while a row with x_0 = 0 gets −w_0·1 although column 0 is absent from it.
    const x = csrFromDense([
      [0, 1],
      [2, 0],
      [0, 3],
      [2, 1],
    ]);
    const y = Uint8Array.of(0, 1, 0, 1);
    const m = new LogisticRegression();
    m.fit(x, y);
    const [atMean, absent] = m.explain(
      csrFromDense([
        [1, 1],
        [0, 1],
      ]),
    ).rows;
    assert.ok(!atMean!.columns.includes(0), `φ_0 listed: ${atMean!.columns}`);
    assert.equal(absent!.columns[0], 0);
    assert.ok(Math.abs(absent!.values[0]! + m.weights[0]!) < 1e-12);
  });
});

describe('linear svm', () => {
  // x = +1 (anomaly) and −1 (normal): by symmetry b = 0 and the primal is 1-D.
  const x = csrFromDense([[1], [-1]]);
  const y = Uint8Array.of(1, 0);

  it('matches the closed form of the squared hinge: w = 4C / (1 + 4C)', () => {
    for (const C of [0.1, 1, 10]) {
      const svm = new LinearSvm({ seed: 1, C, tol: 1e-10 });
      svm.fit(x, y);
      assert.ok(Math.abs(svm.weights[0]! - (4 * C) / (1 + 4 * C)) < 1e-8, `C=${C}: w = ${svm.weights[0]}`);
      assert.ok(Math.abs(svm.intercept) < 1e-8);
    }
  });

  it('matches the closed form of the hinge: w = min(2C, 1)', () => {
    for (const C of [0.25, 1]) {
      const svm = new LinearSvm({ seed: 1, C, loss: 'hinge', tol: 1e-10 });
      svm.fit(x, y);
      assert.ok(Math.abs(svm.weights[0]! - Math.min(2 * C, 1)) < 1e-8, `C=${C}: w = ${svm.weights[0]}`);
    }
  });

  it('converges on overlapping classes and scores anomalies higher on average', () => {
    const svm = new LinearSvm({ seed: 3 });
    svm.fit(small.train.x, small.train.y);
    assert.equal(svm.fitInfo?.converged, true);
    const s = svm.score(small.test.x);
    const mean = (label: number): number => {
      let sum = 0;
      let n = 0;
      s.forEach((v, i) => {
        if (small.test.y[i] === label) {
          sum += v;
          n++;
        }
      });
      return sum / n;
    };
    assert.ok(mean(1) > mean(0), `anomaly mean ${mean(1)} ≤ normal mean ${mean(0)}`);
  });
});

describe('convergence records', () => {
  it('logistic regression reports its iterations, the limit and max |∇F| at the end', () => {
    const stopped = new LogisticRegression({ maxIter: 3 });
    assert.equal(stopped.convergence(), null, 'nothing before fit');
    stopped.fit(small.train.x, small.train.y);
    const c = stopped.convergence()!;
    assert.deepEqual([c.iterations, c.maxIterations, c.tolerance], [3, 3, 1e-6]);
    assert.equal(c.finalGradient, stopped.fitInfo!.gradMax);
    assert.ok(c.finalGradient > c.tolerance, 'three steps do not reach the tolerance');
    const full = new LogisticRegression();
    full.fit(small.train.x, small.train.y);
    assert.ok(full.convergence()!.iterations < full.convergence()!.maxIterations);
    assert.equal(LogisticRegression.load(full.toJSON()).convergence(), null, 'a loaded model did not fit');
  });

  it('the linear SVM reports its passes, the limit and the projected-gradient spread of the last pass', () => {
    const stopped = new LinearSvm({ seed: 3, maxIter: 1 });
    stopped.fit(small.train.x, small.train.y);
    const c = stopped.convergence()!;
    assert.deepEqual([c.iterations, c.maxIterations, c.tolerance], [1, 1, 1e-4]);
    assert.equal(stopped.fitInfo!.converged, false);
    assert.ok(c.finalGradient > c.tolerance);
    const full = new LinearSvm({ seed: 3 });
    full.fit(small.train.x, small.train.y);
    const f = full.convergence()!;
    assert.equal(full.fitInfo!.converged, true);
    assert.ok(f.iterations < f.maxIterations && f.finalGradient <= f.tolerance, JSON.stringify(f));
  });
});

describe('determinism and persistence', () => {
  const makers = {
    'logistic-regression': () => new LogisticRegression({ classWeight: 'balanced' }),
    'linear-svm': () => new LinearSvm({ seed: 'x', loss: 'hinge' }),
  };
  for (const [kind, make] of Object.entries(makers)) {
    it(`${kind}: the same data gives identical scores`, () => {
      const a = make();
      const b = make();
      a.fit(small.train.x, small.train.y);
      b.fit(small.train.x, small.train.y);
      assert.deepEqual(a.score(small.test.x), b.score(small.test.x));
    });

    it(`${kind}: toJSON → load gives identical scores; a wrong kind is a TypeError`, () => {
      const a = make();
      a.fit(small.train.x, small.train.y);
      const json = JSON.parse(JSON.stringify(a));
      const loaded = kind === 'linear-svm' ? LinearSvm.load(json) : LogisticRegression.load(json);
      assert.deepEqual(loaded.score(small.test.x), a.score(small.test.x));
      const load = kind === 'linear-svm' ? LinearSvm.load : LogisticRegression.load;
      assert.throws(() => load({ ...json, kind: 'kmeans' }), {
        name: 'TypeError',
        message: `${kind}: expected kind '${kind}' (got kmeans)`,
      });
    });
  }
});

describe('input and option errors', () => {
  it('names the option, word for word', () => {
    const cases: [() => unknown, string][] = [
      [() => new LogisticRegression({ C: 0 }), 'C must be a finite number > 0 (got 0)'],
      [() => new LogisticRegression({ maxIter: 1.5 }), 'maxIter must be an integer ≥ 1 (got 1.5)'],
      [() => new LogisticRegression({ tol: -1 }), 'tol must be a finite number > 0 (got -1)'],
      [
        () => new LogisticRegression({ classWeight: 'auto' as 'none' }),
        "classWeight must be 'none' or 'balanced' (got auto)",
      ],
      [() => new LinearSvm({} as { seed: number }), 'seed must be a string or a number (got undefined)'],
      [() => new LinearSvm({ seed: 1, loss: 'log' as 'hinge' }), "loss must be 'squared_hinge' or 'hinge' (got log)"],
      [() => new LinearSvm({ seed: 1, C: Number.NaN }), 'C must be a finite number > 0 (got NaN)'],
    ];
    for (const [make, message] of cases) assert.throws(make, { name: 'TypeError', message });
  });

  it('rejects one-class labels, wrong widths, and use before fit', () => {
    const x = csrFromDense([[1], [2]]);
    assert.throws(() => new LogisticRegression().fit(x, Uint8Array.of(0, 0)), {
      name: 'TypeError',
      message: 'labels must contain both classes (0 = normal and 1 = anomaly) to fit a linear classifier',
    });
    assert.throws(() => new LinearSvm({ seed: 1 }).score(x), /call fit\(\) before using the model/);
    const m = new LogisticRegression();
    m.fit(x, Uint8Array.of(0, 1));
    assert.throws(() => m.score(csrFromDense([[1, 2]])), {
      name: 'TypeError',
      message: 'x must have 1 columns like the training matrix (got 2)',
    });
  });
});

describe('parity with scikit-learn', () => {
  it('matches LogisticRegression and LinearSVC within the bars (600 × 200)', (t) => {
    if (!hasSklearn()) {
      t.skip('/usr/bin/python3 cannot import sklearn');
      return;
    }
    const parts = makeParityData({ rows: 600, cols: 200, seed: 'test' });
    for (const row of runParity(parts, 1)) {
      assert.ok(Math.abs(row.ours.aucPr - row.sklearn.aucPr) <= 0.03, `${row.variant} AUC-PR ${JSON.stringify(row)}`);
      assert.ok(Math.abs(row.ours.f1 - row.sklearn.f1) <= 0.03, `${row.variant} F1 ${JSON.stringify(row)}`);
      assert.ok(row.coefRelDiff < 0.01, `${row.variant} max relative |Δw| = ${row.coefRelDiff}`);
    }
  });
});
