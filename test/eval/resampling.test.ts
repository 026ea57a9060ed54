/** Bootstraps over a split's test runs from plain columns (what a predictions file holds), and the shared p-value. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bootstrapPValue,
  finiteMean,
  metricsAt,
  pairedSplitsBootstrap,
  prepareSplit,
  type SplitPredictions,
  weightedMetric,
} from '../../splits/eval/index.ts';

/** Train rows first (ignored), then test rows over three runs. */
function predictions(scores: number[], threshold = 0.5): SplitPredictions {
  const anomaly = [1, 0, 1, 0, 0, 1, 0, 0];
  return {
    part: ['train', 'train', 'test', 'test', 'test', 'test', 'test', 'test'],
    run: ['r0', 'r1', 'r2', 'r2', 'r1', 'r1', 'r0', 'r0'],
    anomaly: Uint8Array.from(anomaly),
    predicted: Uint8Array.from(scores, (s) => (s >= threshold ? 1 : 0)),
    score: Float64Array.from(scores),
  };
}

describe('prepareSplit', () => {
  it('reads the test part only, runs sorted, and gives its metrics back under unit weights', () => {
    const p = predictions([0.9, 0.1, 0.8, 0.6, 0.2, 0.4, 0.3, 0.6]);
    const s = prepareSplit(p);
    assert.deepEqual(s.runs, ['r0', 'r1', 'r2']);
    const test = [2, 3, 4, 5, 6, 7];
    const m = metricsAt(
      Float64Array.from(test, (i) => p.score[i]!),
      Uint8Array.from(test, (i) => p.anomaly[i]!),
      0.5,
    );
    const ones = new Float64Array(3).fill(1);
    assert.equal(weightedMetric(s, ones, 'f1'), m.f1);
    assert.ok(Math.abs(weightedMetric(s, ones, 'auc_roc') - m.auc_roc) < 1e-12);
    assert.ok(Math.abs(weightedMetric(s, ones, 'auc_pr') - m.auc_pr) < 1e-12);
  });
});

describe('pairedSplitsBootstrap', () => {
  it('finds no difference between a trial and itself', () => {
    const s = prepareSplit(predictions([0.9, 0.1, 0.8, 0.6, 0.2, 0.4, 0.3, 0.6]));
    const r = pairedSplitsBootstrap([s], [s], 'f1', { resamples: 200, seed: 'x' });
    assert.deepEqual(r, { meanDiff: 0, ci: [0, 0], pValue: 1, n: 1, runs: 3 });
  });

  it('is reproducible from its seed and refuses splits with other test runs', () => {
    const a = prepareSplit(predictions([0.9, 0.1, 0.8, 0.6, 0.2, 0.4, 0.3, 0.6]));
    const b = prepareSplit(predictions([0.9, 0.1, 0.8, 0.2, 0.2, 0.7, 0.3, 0.1]));
    const o = { resamples: 300, seed: 'same' };
    assert.deepEqual(pairedSplitsBootstrap([a], [b], 'f1', o), pairedSplitsBootstrap([a], [b], 'f1', o));
    const other = { ...b, runs: ['r0', 'r1', 'r9'] };
    assert.throws(() => pairedSplitsBootstrap([a], [other], 'f1', o), /different test runs/);
  });
});

describe('bootstrapPValue', () => {
  it('is 2 · (1 + the smaller side) / (valid + 1), capped at 1, NaN without a valid resample', () => {
    assert.equal(bootstrapPValue(0, 10, 10), 2 / 11);
    assert.equal(bootstrapPValue(3, 7, 10), 8 / 11);
    assert.equal(bootstrapPValue(10, 10, 10), 1);
    assert.ok(Number.isNaN(bootstrapPValue(0, 0, 0)));
  });
});

describe('finiteMean', () => {
  it('averages the finite values only', () => {
    assert.equal(finiteMean([1, Number.NaN, 3, Number.POSITIVE_INFINITY]), 2);
    assert.ok(Number.isNaN(finiteMean([Number.NaN])));
  });
});
