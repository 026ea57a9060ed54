/**
 * splits/eval against reference values from scikit-learn, scipy and numpy, stored in
 * fixtures/sklearn-metrics.json by scripts/make-sklearn-fixtures.py (see its docstring for where
 * each value comes from). null in the fixture means "undefined", which we report as NaN.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseThreshold, type Metrics, metricsAt, psi, wilcoxonSignedRank } from '../../splits/eval/index.ts';

interface MetricCase {
  name: string;
  scores: number[];
  labels: number[];
  threshold: number;
  alpha: number;
  contamination: number;
  expected: Record<keyof Metrics, number | null>;
  /** threshold null = +Infinity (no positives: predict nothing). */
  maxF1: { threshold: number | null; f1: number };
  contaminationThreshold: number;
}

interface WilcoxonCase {
  name: string;
  a: number[];
  b: number[];
  expected: { statistic: number; pValue: number; n: number; method: 'exact' | 'normal' };
}

interface PsiCase {
  name: string;
  expected: number[];
  actual: number[];
  psi: number;
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sklearn-metrics.json'), 'utf8')) as {
  metrics: MetricCase[];
  wilcoxon: WilcoxonCase[];
  psi: PsiCase[];
};

/** |actual − expected| ≤ tol, or both undefined (null in the fixture, NaN here). */
function near(actual: number, expected: number | null, tol: number, what: string): void {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN (undefined), got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

describe('metrics match scikit-learn', () => {
  assert.ok(fixture.metrics.length >= 8, 'fixture has the metric cases');
  for (const c of fixture.metrics) {
    it(c.name, () => {
      const scores = Float64Array.from(c.scores);
      const labels = Uint8Array.from(c.labels);
      const m = metricsAt(scores, labels, c.threshold, { alpha: c.alpha });
      for (const key of Object.keys(c.expected) as (keyof Metrics)[]) {
        near(m[key], c.expected[key], 1e-9, `${c.name} ${key}`);
      }
    });
  }
});

describe('thresholds match sklearn F1 scan and numpy quantile', () => {
  for (const c of fixture.metrics) {
    it(c.name, () => {
      const scores = Float64Array.from(c.scores);
      const labels = Uint8Array.from(c.labels);
      const best = chooseThreshold(scores, labels, { rule: 'max-f1' });
      assert.equal(best.threshold, c.maxF1.threshold ?? Number.POSITIVE_INFINITY, `${c.name} max-F1 threshold`);
      near(best.f1OnValidation, c.maxF1.f1, 1e-9, `${c.name} max-F1 value`);
      const cont = chooseThreshold(scores, labels, { rule: 'contamination', contamination: c.contamination });
      near(cont.threshold, c.contaminationThreshold, 1e-12, `${c.name} contamination threshold`);
    });
  }
});

describe('wilcoxonSignedRank matches scipy.stats.wilcoxon', () => {
  assert.ok(fixture.wilcoxon.some((c) => c.expected.method === 'exact'));
  assert.ok(fixture.wilcoxon.some((c) => c.expected.method === 'normal'));
  for (const c of fixture.wilcoxon) {
    it(c.name, () => {
      const r = wilcoxonSignedRank(c.a, c.b);
      assert.equal(r.n, c.expected.n);
      assert.equal(r.method, c.expected.method);
      near(r.statistic, c.expected.statistic, 1e-9, `${c.name} statistic`);
      near(r.pValue, c.expected.pValue, 1e-6, `${c.name} p-value`);
    });
  }
});

describe('psi matches the numpy reference', () => {
  for (const c of fixture.psi) {
    it(c.name, () => {
      near(psi(Float64Array.from(c.expected), Float64Array.from(c.actual)), c.psi, 1e-9, c.name);
    });
  }
});
