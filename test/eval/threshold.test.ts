import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseThreshold,
  contaminationThreshold,
  maxF1Threshold,
  type ThresholdOptions,
} from '../../splits/eval/index.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

describe('max-F1 threshold', () => {
  it('picks the distinct score with the best F1 of score >= t', () => {
    // t=0.9: F1 2/3; 0.8: 1/2; 0.7: 4/5; 0.6: 2/3; 0.5: 4/7.
    const r = chooseThreshold(f64([0.9, 0.8, 0.7, 0.6, 0.5]), u8([1, 0, 1, 0, 0]));
    assert.deepEqual(r, { threshold: 0.7, rule: 'max-f1', f1OnValidation: 0.8, fallback: null });
  });

  it('breaks an F1 tie towards the higher threshold', () => {
    // t=4 (tp 1, predicted 1) and t=1 (tp 2, predicted 4) both give F1 = 2/3.
    const r = maxF1Threshold(f64([4, 3, 2, 1]), u8([1, 0, 0, 1]));
    assert.equal(r.threshold, 4);
    assert.equal(r.f1OnValidation, 2 / 3);
    // Same tie with the rows in another order: the rule, not the order, decides.
    assert.equal(maxF1Threshold(f64([1, 2, 4, 3]), u8([1, 0, 1, 0])).threshold, 4);
  });

  it('counts tied scores together (one candidate per distinct score)', () => {
    // At t=2 both tied items are flagged: tp 2, predicted 3 → F1 = 4/(2+3) = 0.8.
    const r = maxF1Threshold(f64([2, 2, 2, 1]), u8([1, 1, 0, 0]));
    assert.equal(r.threshold, 2);
    assert.equal(r.f1OnValidation, 0.8);
  });

  it('with all scores equal, flags everything (the only candidate)', () => {
    const r = maxF1Threshold(f64([0.5, 0.5, 0.5, 0.5]), u8([1, 0, 0, 0]));
    assert.deepEqual(r, { threshold: 0.5, rule: 'max-f1', f1OnValidation: 2 / 5, fallback: null });
  });

  it('falls back to +Infinity (predict nothing) when validation has no positives, and says so', () => {
    const r = chooseThreshold(f64([0.3, 0.1, 0.2]), u8([0, 0, 0]));
    assert.deepEqual(r, {
      threshold: Number.POSITIVE_INFINITY,
      rule: 'max-f1',
      f1OnValidation: 0,
      fallback: 'no-validation-positives',
    });
  });

  it('rejects NaN and infinite scores, bad labels, mismatched lengths and empty input', () => {
    assert.throws(() => maxF1Threshold(f64([0.1, Number.NaN]), u8([0, 1])), {
      name: 'TypeError',
      message: 'scores[1] is NaN; scores must be finite numbers',
    });
    assert.throws(() => maxF1Threshold(f64([Number.POSITIVE_INFINITY]), u8([1])), {
      message: 'scores[0] is Infinity; scores must be finite numbers',
    });
    assert.throws(() => maxF1Threshold(f64([0.1, 0.2]), u8([0, 2])), {
      message: 'labels[1] is 2; labels must be 0 (normal) or 1 (anomaly)',
    });
    assert.throws(() => maxF1Threshold(f64([0.1, 0.2]), u8([0])), {
      message: 'scores and labels must have the same length (got 2 and 1)',
    });
    assert.throws(() => maxF1Threshold(f64([]), u8([])), /scores must not be empty/);
    assert.throws(() => maxF1Threshold([0.1] as unknown as Float64Array, u8([1])), {
      message: 'scores must be a Float64Array',
    });
  });
});

describe('contamination threshold', () => {
  it('is the (1 − c) quantile with linear interpolation (numpy default)', () => {
    // Sorted 1..10, p = 0.8: position 9·0.8 = 7.2 → 8 + 0.2·(9 − 8) = 8.2; flags 9 and 10 (20 %).
    const scores = f64([3, 10, 1, 7, 2, 9, 4, 8, 6, 5]);
    assert.ok(Math.abs(contaminationThreshold(scores, 0.2) - 8.2) < 1e-12);
    const labels = u8([0, 1, 0, 0, 0, 0, 0, 1, 0, 0]); // anomalies at scores 10 and 8
    const r = chooseThreshold(scores, labels, { rule: 'contamination', contamination: 0.2 });
    assert.equal(r.rule, 'contamination');
    assert.equal(r.fallback, null);
    // Flags 9 and 10: tp 1, predicted 2, positives 2 → F1 = 2/4.
    assert.equal(r.f1OnValidation, 0.5);
  });

  it('needs no positives and returns a finite threshold', () => {
    const r = chooseThreshold(f64([1, 2, 3, 4]), u8([0, 0, 0, 0]), { rule: 'contamination', contamination: 0.5 });
    assert.equal(r.threshold, 2.5);
    assert.equal(r.f1OnValidation, 0);
  });

  it('returns an order statistic when the position is whole, and the common value when all are equal', () => {
    assert.equal(contaminationThreshold(f64([1, 5, 3]), 0.5), 3);
    assert.equal(contaminationThreshold(f64([4, 1, 5, 3, 2]), 0.25), 4);
    assert.equal(contaminationThreshold(f64([0.7, 0.7, 0.7]), 0.1), 0.7);
  });

  it('rejects a contamination outside (0, 1) and unknown rules, naming the field', () => {
    const s = f64([1, 2]);
    const y = u8([0, 1]);
    for (const bad of [0, 1, -0.1, Number.NaN, undefined]) {
      assert.throws(() => chooseThreshold(s, y, { rule: 'contamination', contamination: bad as number }), {
        name: 'TypeError',
        message: `contamination must be a number in (0, 1) (got ${String(bad)})`,
      });
    }
    assert.throws(() => chooseThreshold(s, y, { rule: 'best' } as unknown as ThresholdOptions), {
      message: "rule must be 'max-f1' or 'contamination' (got best)",
    });
  });
});
