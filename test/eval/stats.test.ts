import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BootstrapOptions,
  bootstrapCI,
  concatGroups,
  metricsAt,
  pairedBootstrap,
  quantileSorted,
  type ScoredGroup,
  summarize,
} from '../../splits/eval/index.ts';

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('summarize', () => {
  it('gives n, mean, sample sd (n − 1), min and max', () => {
    const s = summarize([4, 1, 3, 2]);
    assert.deepEqual({ ...s, sd: undefined }, { n: 4, mean: 2.5, sd: undefined, min: 1, max: 4 });
    assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-15);
  });

  it('has sd = NaN for one value and rejects empty or non-finite input', () => {
    assert.ok(Number.isNaN(summarize([0.7]).sd));
    assert.throws(() => summarize([]), { name: 'TypeError', message: 'values must not be empty' });
    assert.throws(() => summarize([1, Number.NaN]), { message: 'values[1] is NaN; values must be finite numbers' });
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly like numpy (np.quantile([1, 2, 3, 4], 0.9) = 3.7)', () => {
    assert.ok(Math.abs(quantileSorted([1, 2, 3, 4], 0.9) - 3.7) < 1e-12);
    assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assert.equal(quantileSorted([5], 0.3), 5);
  });
});

describe('bootstrapCI (over groups)', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);

  it('is identical for the same seed and differs for another seed', () => {
    const a = bootstrapCI(values, mean, { seed: 42 });
    const b = bootstrapCI(values, mean, { seed: 42 });
    const c = bootstrapCI(values, mean, { seed: 43 });
    assert.deepEqual(a, b);
    assert.notDeepEqual([a.lo, a.hi], [c.lo, c.hi]);
  });

  it('brackets the estimate with about ±1.96 standard errors', () => {
    // mean 10.5, sd 5.92, se ≈ 1.32 → roughly [7.9, 13.1].
    const r = bootstrapCI(values, mean, { seed: 'ci', resamples: 4000 });
    assert.equal(r.estimate, 10.5);
    assert.ok(r.lo < r.estimate && r.estimate < r.hi, `${r.lo} < 10.5 < ${r.hi}`);
    assert.ok(r.lo > 7 && r.lo < 9.5, `lo ${r.lo}`);
    assert.ok(r.hi > 11.5 && r.hi < 14, `hi ${r.hi}`);
    const narrow = bootstrapCI(values, mean, { seed: 'ci', resamples: 4000, confidence: 0.5 });
    assert.ok(narrow.hi - narrow.lo < r.hi - r.lo);
  });

  it('resamples runs of (scores, labels) for a pooled F1 at a fixed threshold', () => {
    const run = (scores: number[], labels: number[]): ScoredGroup => ({
      scores: Float64Array.from(scores),
      labels: Uint8Array.from(labels),
    });
    const runs = [
      run([0.9, 0.2, 0.7], [1, 0, 1]),
      run([0.8, 0.45, 0.1], [1, 1, 0]), // a miss
      run([0.6, 0.95, 0.3], [0, 1, 0]), // a false alarm
      run([0.55, 0.2], [1, 0]),
    ];
    const f1 = (sample: readonly ScoredGroup[]) => {
      const { scores, labels } = concatGroups(sample);
      return metricsAt(scores, labels, 0.5).f1;
    };
    const r = bootstrapCI(runs, f1, { seed: 1 });
    assert.equal(r.estimate, f1(runs));
    assert.ok(r.lo <= r.estimate && r.estimate <= r.hi);
    assert.ok(r.lo < r.hi, 'runs differ, so the interval has width');
    assert.equal(r.invalidResamples, 0);
  });

  it('counts resamples whose statistic is not finite instead of folding them in', () => {
    // NaN whenever group 0 is drawn: P = 1 − 0.9^10 ≈ 0.65 of the resamples.
    const groups = Array.from({ length: 10 }, (_, i) => i);
    const r = bootstrapCI(groups, (s) => (s.includes(0) ? Number.NaN : mean(s)), { seed: 3, resamples: 1000 });
    assert.ok(r.invalidResamples > 550 && r.invalidResamples < 750, `${r.invalidResamples}`);
    assert.ok(Number.isFinite(r.lo) && Number.isFinite(r.hi));
  });

  it('requires a seed and checks its options', () => {
    assert.throws(() => bootstrapCI(values, mean, {} as BootstrapOptions), {
      name: 'TypeError',
      message: 'seed is required (a string or number) so the bootstrap is reproducible',
    });
    assert.throws(() => bootstrapCI(values, mean, { seed: 1, resamples: 0 }), {
      message: 'resamples must be an integer ≥ 1 (got 0)',
    });
    assert.throws(() => bootstrapCI(values, mean, { seed: 1, confidence: 1.5 }), {
      message: 'confidence must be a number in (0, 1) (got 1.5)',
    });
    assert.throws(() => bootstrapCI([], mean, { seed: 1 }), { message: 'groups must be a non-empty array' });
  });

  it('concatGroups names the group at fault', () => {
    const ok = { scores: Float64Array.of(1), labels: Uint8Array.of(1) };
    const bad = { scores: Float64Array.of(1, 2), labels: Uint8Array.of(1) };
    assert.throws(() => concatGroups([ok, bad]), {
      message: 'groups[1].scores and groups[1].labels must have the same length (got 2 and 1)',
    });
    assert.deepEqual(concatGroups([ok, ok]), { scores: Float64Array.of(1, 1), labels: Uint8Array.of(1, 1) });
  });
});

describe('pairedBootstrap', () => {
  const b = [0.71, 0.64, 0.8, 0.55, 0.68, 0.74, 0.6, 0.77, 0.69, 0.62];

  it('detects a clear paired difference', () => {
    const a = b.map((x, i) => x + 0.05 + (i % 3) * 0.005);
    const r = pairedBootstrap(a, b, { seed: 'p' });
    assert.ok(Math.abs(r.meanDiff - mean(a.map((x, i) => x - b[i]!))) < 1e-15);
    assert.ok(r.ci[0] > 0, `CI ${r.ci} excludes 0`);
    assert.ok(r.pValue < 0.01, `p ${r.pValue}`);
    assert.equal(r.n, 10);
  });

  it('finds nothing on identical inputs and is reproducible', () => {
    const r = pairedBootstrap(b, b, { seed: 'p' });
    assert.deepEqual(r, { meanDiff: 0, ci: [0, 0], pValue: 1, n: 10 });
    const noisy = b.map((x, i) => x + (i % 2 === 0 ? 0.02 : -0.02));
    assert.deepEqual(pairedBootstrap(noisy, b, { seed: 9 }), pairedBootstrap(noisy, b, { seed: 9 }));
    assert.ok(pairedBootstrap(noisy, b, { seed: 9 }).pValue > 0.5);
  });

  it('rejects unpaired input', () => {
    assert.throws(() => pairedBootstrap([1, 2], [1], { seed: 1 }), {
      name: 'TypeError',
      message: 'a and b must have the same length (got 2 and 1)',
    });
  });
});
