import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { chooseThreshold, type Metrics, metricsAt, metricsBySlice } from '../../splits/eval/index.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

// pos scores 0.9, 0.8, 0.6; neg scores 0.7, 0.5, 0.4.
const S = f64([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
const Y = u8([1, 1, 0, 1, 0, 0]);

describe('metricsAt by hand', () => {
  it('has exactly the DESIGN.md metric names (psi aside)', () => {
    const names = Object.keys(metricsAt(S, Y, 0.65)).sort();
    assert.deepEqual(names, [
      'accuracy',
      'auc_pr',
      'auc_roc',
      'f1',
      'fn',
      'fp',
      'fpr_at_alpha',
      'precision',
      'precision_at_k',
      'recall',
      'threshold',
      'tn',
      'tp',
    ]);
  });

  it('counts, precision, recall, f1, accuracy at a threshold (score >= t)', () => {
    const m = metricsAt(S, Y, 0.65);
    assert.deepEqual([m.tp, m.fp, m.tn, m.fn, m.threshold], [2, 1, 2, 1, 0.65]);
    close(m.precision, 2 / 3, 'precision');
    close(m.recall, 2 / 3, 'recall');
    close(m.f1, 2 / 3, 'f1');
    close(m.accuracy, 4 / 6, 'accuracy');
    // A score equal to the threshold is flagged.
    assert.equal(metricsAt(S, Y, 0.6).tp, 3);
  });

  it('auc_roc is the fraction of (pos, neg) pairs ranked right; ties count ½', () => {
    close(metricsAt(S, Y, 0.5).auc_roc, 8 / 9, 'auc_roc');
    // pos {2, 1}, neg {1, 0}: 2>1, 2>0, 1=1 (½), 1>0 → 3.5 / 4.
    close(metricsAt(f64([2, 1, 1, 0]), u8([1, 1, 0, 0]), 1).auc_roc, 0.875, 'auc_roc with ties');
  });

  it('auc_pr is step-wise average precision, not the trapezoid', () => {
    // Recall steps of 1/3 at precisions 1, 1, 3/4 → 11/12 (a trapezoid would give more).
    close(metricsAt(S, Y, 0.5).auc_pr, 11 / 12, 'auc_pr');
    // A tie group is one threshold: ½·1 + ½·(2/3) = 5/6, whatever the order within the tie.
    close(metricsAt(f64([2, 1, 1, 0]), u8([1, 0, 1, 0]), 1).auc_pr, 5 / 6, 'auc_pr with ties');
    close(metricsAt(f64([2, 1, 1, 0]), u8([1, 1, 0, 0]), 1).auc_pr, 5 / 6, 'auc_pr with ties reordered');
  });

  it('precision_at_k defaults to k = positives and shares a tie at the cut pro rata', () => {
    close(metricsAt(S, Y, 0.5).precision_at_k, 2 / 3, 'k = 3');
    close(metricsAt(S, Y, 0.5, { k: 2 }).precision_at_k, 1, 'k = 2');
    // Top group {3: pos}, then a tie {2: pos, neg, neg} of which 1 place fits: (1 + 1/3) / 2.
    const s = f64([3, 2, 2, 2, 1]);
    close(metricsAt(s, u8([1, 1, 0, 0, 1]), 0, { k: 2 }).precision_at_k, 2 / 3, 'tie at k');
    close(metricsAt(s, u8([1, 0, 0, 1, 1]), 0, { k: 2 }).precision_at_k, 2 / 3, 'same tie, other row order');
    close(metricsAt(s, u8([1, 1, 0, 0, 1]), 0).precision_at_k, 5 / 9, 'default k = 3');
    close(metricsAt(s, u8([1, 1, 0, 0, 1]), 0, { k: 50 }).precision_at_k, 3 / 5, 'k clamped to n');
  });

  it('fpr_at_alpha is the FPR at the highest threshold with recall >= alpha', () => {
    // Recall 1 first at t = 0.6, with one negative (0.7) above → FPR 1/3.
    close(metricsAt(S, Y, 0.5).fpr_at_alpha, 1 / 3, 'alpha 0.9');
    // Recall 2/3 >= 0.6 already at t = 0.8, no negative above → 0.
    assert.equal(metricsAt(S, Y, 0.5, { alpha: 0.6 }).fpr_at_alpha, 0);
    close(metricsAt(S, Y, 0.5, { alpha: 1 }).fpr_at_alpha, 1 / 3, 'alpha 1');
  });

  it('is independent of the threshold for the ranking metrics', () => {
    const a = metricsAt(S, Y, 0.1);
    const b = metricsAt(S, Y, 0.85);
    assert.deepEqual(
      [a.auc_roc, a.auc_pr, a.precision_at_k, a.fpr_at_alpha],
      [b.auc_roc, b.auc_pr, b.precision_at_k, b.fpr_at_alpha],
    );
    assert.notEqual(a.f1, b.f1);
  });

  it('reports undefined values as NaN, and zero_division=0 for precision and f1', () => {
    const m = metricsAt(f64([0.2, 0.4, 0.9]), u8([0, 0, 0]), 0.5);
    assert.deepEqual([m.tp, m.fp, m.tn, m.fn], [0, 1, 2, 0]);
    assert.equal(m.precision, 0);
    assert.equal(m.f1, 0);
    close(m.accuracy, 2 / 3, 'accuracy');
    for (const key of ['recall', 'auc_roc', 'auc_pr', 'precision_at_k', 'fpr_at_alpha'] as const) {
      assert.ok(Number.isNaN(m[key]), `${key} should be NaN with no positives`);
    }
    const none = metricsAt(S, Y, Number.POSITIVE_INFINITY);
    assert.deepEqual([none.tp, none.fp, none.precision, none.f1, none.recall], [0, 0, 0, 0, 0]);
    assert.equal(metricsAt(S, Y, Number.NEGATIVE_INFINITY).recall, 1);
    const onlyPos = metricsAt(f64([0.1, 0.2]), u8([1, 1]), 0.15);
    assert.ok(Number.isNaN(onlyPos.auc_roc));
    assert.equal(onlyPos.auc_pr, 1);
  });

  it('rejects bad thresholds and options, naming them', () => {
    assert.throws(() => metricsAt(S, Y, Number.NaN), {
      name: 'TypeError',
      message: 'threshold must be a number (got NaN)',
    });
    assert.throws(() => metricsAt(S, Y, 0.5, { k: 0 }), { message: 'k must be an integer ≥ 1 (got 0)' });
    assert.throws(() => metricsAt(S, Y, 0.5, { k: 1.5 }), { message: 'k must be an integer ≥ 1 (got 1.5)' });
    assert.throws(() => metricsAt(S, Y, 0.5, { alpha: 0 }), { message: 'alpha must be a number in (0, 1] (got 0)' });
    assert.throws(() => metricsAt(S, u8([1, 0]), 0.5), {
      message: 'scores and labels must have the same length (got 6 and 2)',
    });
  });
});

describe('metricsBySlice', () => {
  const slices = ['svc-b', 'svc-a', 'svc-b', 'svc-a', 'svc-c', 'svc-c'];

  it('scores each slice on its own, in sorted slice order', () => {
    const bySlice = metricsBySlice(S, Y, 0.65, slices);
    assert.deepEqual([...bySlice.keys()], ['svc-a', 'svc-b', 'svc-c']);
    const a = bySlice.get('svc-a')!; // scores 0.8 (pos), 0.6 (pos)
    assert.deepEqual([a.tp, a.fn, a.recall], [1, 1, 0.5]);
    const b = bySlice.get('svc-b')!; // 0.9 (pos), 0.7 (neg)
    assert.deepEqual([b.tp, b.fp, b.precision, b.auc_roc, b.precision_at_k], [1, 1, 0.5, 1, 1]);
    let total = 0;
    for (const m of bySlice.values()) total += m.tp + m.fp + m.tn + m.fn;
    assert.equal(total, S.length);
  });

  it('reports recall = NaN for a slice without positives', () => {
    const c = metricsBySlice(S, Y, 0.65, slices).get('svc-c') as Metrics;
    assert.ok(Number.isNaN(c.recall));
    assert.deepEqual([c.tn, c.fp], [2, 0]);
  });

  it('rejects a slice list of another length', () => {
    assert.throws(() => metricsBySlice(S, Y, 0.5, ['a']), {
      message: 'sliceOf and scores must have the same length (got 1 and 6)',
    });
  });
});

describe('scale (not timed: an O(n²) step would not finish)', () => {
  it('computes every metric on 1e6 scores from a sort', { timeout: 60_000 }, () => {
    // score = i, label = i odd, rows shuffled so the sort has work to do.
    const n = 1_000_000;
    const m2 = n / 2;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const rng = seedrandom('scale');
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const scores = new Float64Array(n);
    const labels = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      scores[r] = order[r]!;
      labels[r] = order[r]! % 2;
    }
    const m = metricsAt(scores, labels, m2, { k: m2 });
    // Positive 2j+1 outranks the j+1 negatives 0, 2, …, 2j: Σ(j+1) / M² = (M+1) / 2M.
    close(m.auc_roc, (m2 + 1) / (2 * m2), 'auc_roc');
    assert.equal(m.tp, m2 / 2);
    close(m.precision_at_k, 0.5, 'precision_at_k');
    // The 450 000th positive from the top is 100 001; negatives 100 002 … 999 998 lie above it.
    close(m.fpr_at_alpha, 449_999 / m2, 'fpr_at_alpha');
    assert.equal(chooseThreshold(scores, labels).threshold, 1);
  });
});
