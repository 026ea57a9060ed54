import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { metricsAt } from '../../splits/eval/index.ts';
import { evaluateTrial, faultSlices, groupsByRun, type ScoredPart, summarizeSeeds } from '../../splits/index.ts';

/** n sequences over n/4 runs; anomalies score higher with noise; case_a anomalies are easy, case_b hard. */
function part(n: number, seed: string): ScoredPart {
  const rng = seedrandom(seed);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const testCases = Array.from(labels, (l, i) => (l ? (i % 4 === 0 ? 'case_a' : 'case_b') : 'correct'));
  const scores = Float64Array.from(labels, (l, i) => (l ? (testCases[i] === 'case_a' ? 2 : 0.8) : 0) + rng());
  return {
    scores,
    labels,
    runs: Array.from({ length: n }, (_, i) => `run${Math.floor(i / 4)}`),
    services: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'token' : 'code')),
    testCases,
  };
}

describe('evaluateTrial', () => {
  const parts = { train: part(200, 'tr'), val: part(80, 'va'), test: part(80, 'te') };

  it('chooses the threshold on validation only: test labels do not move it', () => {
    const a = evaluateTrial(parts, { seed: 1 });
    const flipped = { ...parts.test, labels: Uint8Array.from(parts.test.labels, (l) => 1 - l) };
    const b = evaluateTrial({ ...parts, test: flipped }, { seed: 1 });
    assert.equal(a.threshold.threshold, b.threshold.threshold);
    assert.equal(a.parts.test.tp + a.parts.test.fp, b.parts.test.tp + b.parts.test.fp, 'same predictions');
    assert.notEqual(a.parts.test.f1, b.parts.test.f1);
    assert.equal(a.parts.val.f1, a.threshold.f1OnValidation);
  });

  it('applies the one threshold to every part and reports the train-test gap', () => {
    const e = evaluateTrial(parts, { seed: 1 });
    for (const p of ['train', 'val', 'test'] as const) assert.equal(e.parts[p].threshold, e.threshold.threshold);
    assert.equal(e.f1Gap, e.parts.train.f1 - e.parts.test.f1);
    assert.ok(e.psi >= 0);
  });

  it('slices the test part: easy error case fully caught, hard one partly', () => {
    const e = evaluateTrial(parts, { seed: 1 });
    assert.equal(e.slices.testCase.case_a?.recall, 1);
    assert.ok(e.slices.testCase.case_b!.recall < 1);
    assert.ok(Number.isNaN(e.slices.testCase.correct!.recall));
    assert.deepEqual(Object.keys(e.slices.service).sort(), ['code', 'token']);
  });

  it('slices the test part by ground truth: every normal sequence, plus anomalies whose fault shows or not', () => {
    // case_a's anomalies carry fault lines (and score high), case_b's carry none.
    const faultLines = Array.from(parts.test.labels, (l, i) => (l && parts.test.testCases[i] === 'case_a' ? 4 : 0));
    const test = { ...parts.test, faultLines };
    const e = evaluateTrial({ ...parts, test }, { seed: 1 });
    const t = e.threshold.threshold;
    const expect = (keep: (i: number) => boolean) => {
      const idx = [...test.labels.keys()].filter((i) => test.labels[i] === 0 || keep(i));
      return metricsAt(
        Float64Array.from(idx, (i) => test.scores[i]!),
        Uint8Array.from(idx, (i) => test.labels[i]!),
        t,
      );
    };
    assert.deepEqual(
      e.slices.fault?.visible,
      expect((i) => faultLines[i]! >= 1),
    );
    assert.deepEqual(
      e.slices.fault?.hidden,
      expect((i) => faultLines[i] === 0),
    );
    const normals = test.labels.filter((l) => l === 0).length;
    for (const m of [e.slices.fault!.visible, e.slices.fault!.hidden]) assert.equal(m.tn + m.fp, normals);
    assert.equal(e.slices.fault!.visible.recall, 1, 'the easy case is the visible one');
    assert.ok(e.slices.fault!.hidden.recall < 1);
    assert.equal(e.slices.fault!.visible.tp + e.slices.fault!.hidden.tp, e.parts.test.tp);
    // No truth (real data): no fault slices. Anomalies without truth are in neither slice.
    assert.equal(evaluateTrial(parts, { seed: 1 }).slices.fault, undefined);
    const none = { ...test, faultLines: faultLines.map(() => null) };
    assert.equal(evaluateTrial({ ...parts, test: none }, { seed: 1 }).slices.fault, undefined);
    const partial = faultLines.map((f, i) => (test.testCases[i] === 'case_b' && test.labels[i] ? null : f));
    const p = faultSlices({ ...test, faultLines: partial }, t)!;
    assert.equal(p.hidden.tp + p.hidden.fn, 0);
    assert.equal(p.visible.tp + p.visible.fn, e.slices.fault!.visible.tp + e.slices.fault!.visible.fn);
    assert.throws(() => faultSlices({ ...test, faultLines: [1] }, t), /same length/);
  });

  it('gives a seeded bootstrap interval over test runs around the test F1', () => {
    const a = evaluateTrial(parts, { seed: 7, resamples: 300 });
    const b = evaluateTrial(parts, { seed: 7, resamples: 300 });
    const c = evaluateTrial(parts, { seed: 8, resamples: 300 });
    assert.deepEqual(a.f1Ci, b.f1Ci);
    assert.notDeepEqual(a.f1Ci, c.f1Ci);
    assert.equal(a.f1Ci.estimate, a.parts.test.f1);
    assert.ok(a.f1Ci.lo <= a.f1Ci.estimate && a.f1Ci.estimate <= a.f1Ci.hi);
    assert.equal(groupsByRun(parts.test).length, 20);
  });
});

describe('summarizeSeeds', () => {
  it('averages test F1 over seeds with an interval from resampled runs', () => {
    const seeds = ['s1', 's2', 's3'].map((s) => {
      const test = part(80, s);
      return { testGroups: groupsByRun(test), threshold: 1.2 };
    });
    const sum = summarizeSeeds(seeds, { seed: 1, resamples: 400 });
    assert.equal(sum.n, 3);
    assert.ok(sum.sd >= 0);
    assert.ok(sum.ci[0] <= sum.mean && sum.mean <= sum.ci[1], `${sum.ci} around ${sum.mean}`);
    assert.deepEqual(summarizeSeeds(seeds, { seed: 1, resamples: 400 }), sum);
    assert.throws(() => summarizeSeeds([], { seed: 1 }), /at least one seed/);
  });
});
