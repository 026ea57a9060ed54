import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CorrectedTInterval,
  type CorrectedTResult,
  correctedResampledT,
  regularizedIncompleteBeta,
  SINGLE_SEED_REASON,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../splits/eval/index.ts';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

function interval(r: CorrectedTResult): CorrectedTInterval {
  assert.equal(r.state, 'interval');
  return r as CorrectedTInterval;
}

describe('Student t distribution', () => {
  it('gives two-sided p = 0.05 at the printed table values', () => {
    // Tables print t_{4, 0.975} = 2.776 and t_{1, 0.975} = 12.706 (rounded to 3 decimals).
    close(studentTTwoSidedP(2.776, 4), 0.05, 5e-5, 'df 4');
    close(studentTTwoSidedP(12.706, 1), 0.05, 5e-6, 'df 1');
    // scipy.stats.t.ppf(0.975, df) for the unrounded values.
    close(studentTQuantile(0.975, 4), 2.7764451051977934, 1e-12, 't_{4,0.975}');
    close(studentTQuantile(0.975, 1), 12.706204736174694, 1e-11, 't_{1,0.975}');
  });

  it('matches the closed forms for df = 1, 2 and 4 to 1e-12', () => {
    // df 1 (Cauchy): p = 1 − (2/π)·atan|t|. df 2: p = 1 − |t|/√(2 + t²).
    // df 4: p = 1 − (3/4)·u·(1 − t²/(12·(1 + t²/4))) with u = t/√(1 + t²/4).
    for (let t = -40; t <= 40; t += 0.37) {
      const a = Math.abs(t);
      close(studentTTwoSidedP(t, 1), 1 - (2 / Math.PI) * Math.atan(a), 1e-12, `df 1, t ${t}`);
      close(studentTTwoSidedP(t, 2), 1 - a / Math.sqrt(2 + t * t), 1e-12, `df 2, t ${t}`);
      const w = 1 + (t * t) / 4;
      close(studentTTwoSidedP(t, 4), 1 - 0.75 * (a / Math.sqrt(w)) * (1 - (t * t) / (12 * w)), 1e-12, `df 4, t ${t}`);
    }
  });

  it('matches scipy.stats.t (cdf, sf, ppf) including fractional df and the far tail', () => {
    // [t, df, t.cdf(t, df), t.sf(t, df)] from scipy 1.17.
    const cases: [number, number, number, number][] = [
      [0.5, 3, 0.6742760175759245, 0.3257239824240755],
      [1.5, 2.5, 0.8760817734568519, 0.12391822654314809],
      [2.0, 10, 0.9633059826146299, 0.03669401738537018],
      [-1.2, 7, 0.1345859684136033, 0.8654140315863967],
      [3.0, 30, 0.9973050179671741, 0.0026949820328259727],
      [1.96, 100, 0.9736105493168852, 0.02638945068311483],
      [50, 3, 0.9999911914239794, 8.808576020635984e-6],
      [-4, 4.5, 0.006382244732812025, 0.993617755267188],
      [6, 0.7, 0.911698153406143, 0.088301846593857],
    ];
    for (const [t, df, cdf, sf] of cases) {
      close(studentTCdf(t, df), cdf, 1e-12, `cdf(${t}, ${df})`);
      // The upper tail, relative: what a small p-value needs.
      if (t > 0) close((0.5 * studentTTwoSidedP(t, df)) / sf, 1, 1e-10, `sf(${t}, ${df}) relative`);
    }
    const quantiles: [number, number, number][] = [
      [0.995, 2, 9.924843200918287],
      [0.9, 7.5, 1.4052118464159533],
      [0.025, 3, -3.1824463052837086],
      [0.6, 1, 0.32491969623290634],
      [0.999, 30, 3.3851848668293045],
    ];
    for (const [p, df, q] of quantiles)
      close(studentTQuantile(p, df), q, 1e-10 * Math.max(1, Math.abs(q)), `ppf(${p}, ${df})`);
    assert.equal(studentTQuantile(0.5, 3), 0);
    assert.equal(studentTTwoSidedP(Number.POSITIVE_INFINITY, 3), 0);
    assert.equal(studentTTwoSidedP(0, 3), 1);
  });

  it('regularized incomplete beta matches scipy.special.betainc', () => {
    // I_0.3(2, 3) by hand: Σ_{j=2..4} C(4, j)·0.3^j·0.7^(4−j) = 0.2646 + 0.0756 + 0.0081 = 0.3483.
    close(regularizedIncompleteBeta(0.3, 2, 3), 0.3483, 1e-14, 'I_0.3(2, 3)');
    close(regularizedIncompleteBeta(0.9, 0.5, 0.5), 0.7951672353008665, 1e-14, 'I_0.9(½, ½)');
    close(regularizedIncompleteBeta(0.01, 5, 0.5) / 2.4712578086395438e-11, 1, 1e-12, 'I_0.01(5, ½) relative');
    close(regularizedIncompleteBeta(0.999, 10, 2.5), 0.9999964347308206, 1e-14, 'I_0.999(10, 2.5)');
  });

  it('rejects bad df and p', () => {
    assert.throws(() => studentTTwoSidedP(1, 0), {
      name: 'TypeError',
      message: 'df must be a finite number > 0 (got 0)',
    });
    assert.throws(() => studentTQuantile(1, 4), { name: 'TypeError', message: 'p must be in (0, 1) (got 1)' });
  });
});

describe('correctedResampledT (Nadeau & Bengio 2003)', () => {
  // Test F1 of two variants on five split seeds; 120 training and 40 test runs per split.
  const a = [0.8, 0.82, 0.78, 0.85, 0.81];
  const b = [0.78, 0.8, 0.79, 0.8, 0.77];

  it('gives the hand-computed t, p and interval on a five-seed fixture', () => {
    // By hand, in exact fractions: d = [2, 2, −1, 5, 4]/100, d̄ = 3/125 = 0.024, Σ(d − d̄)² = 212/10⁵,
    // s² = 53/10⁵, corrected variance v = s²·(1/5 + 40/120) = 53/187500, so
    // t² = d̄²/v = (9/15625)·(187500/53) = 108/53, t = √(108/53) = 1.4274928542926…
    // p from the df = 4 closed form, with t²/4 = 27/53 and 1 + t²/4 = 80/53:
    // p = 1 − (3/4)·√(108/80)·(1 − 108/960) = 1 − 0.665625·√1.35 = 0.2266136…
    // ci = d̄ ∓ t_{4,0.975}·√v; scipy 1.17 (t.ppf, t.sf) gives the same numbers:
    // t 1.4274928542926584, p 0.2266136380542066, ci [−0.022679520898733586, 0.07067952089873354].
    const r = interval(correctedResampledT(a, b, { nTrain: 120, nTest: 40 }));
    close(r.mean, 0.024, 1e-15, 'mean');
    close(r.sd, Math.sqrt(53e-5), 1e-15, 'sd');
    close(r.correction, 1 / 5 + 1 / 3, 1e-15, 'correction');
    close(r.se, Math.sqrt(53 / 187500), 1e-15, 'se');
    close(r.t, Math.sqrt(108 / 53), 1e-12, 't');
    close(r.p, 1 - 0.665625 * Math.sqrt(1.35), 1e-12, 'p (closed form)');
    close(r.p, 0.2266136380542066, 1e-12, 'p (scipy)');
    close(r.ci[0], -0.022679520898733586, 1e-12, 'ci lo');
    close(r.ci[1], 0.07067952089873354, 1e-12, 'ci hi');
    assert.equal(r.df, 4);
    assert.equal(r.k, 5);
    assert.equal(r.confidence, 0.95);
  });

  it('is the paired t-test when nTest/nTrain vanishes, and the correction is what widens it', () => {
    // scipy.stats.ttest_rel(a, b): statistic 2.3310860696574323, pvalue 0.08015667421022199.
    const plain = interval(correctedResampledT(a, b, { nTrain: 1e12, nTest: 1 }));
    close(plain.t, 2.3310860696574323, 1e-9, 'paired t');
    close(plain.p, 0.08015667421022199, 1e-9, 'paired p');
    // Counting validation with training (40 test of 200 runs: 40/160), as docs/PROTOCOL.md does:
    // t 1.5540573797716215, p 0.1951379175860538, ci [−0.01887787786480535, 0.0668778778648053] (scipy).
    const r = interval(correctedResampledT(a, b, { nTrain: 160, nTest: 40 }));
    close(r.correction, 0.45, 1e-15, 'correction 1/5 + 1/4');
    close(r.t, 1.5540573797716215, 1e-12, 't');
    close(r.p, 0.1951379175860538, 1e-12, 'p');
    close(r.ci[0], -0.01887787786480535, 1e-12, 'ci lo');
    close(r.ci[1], 0.0668778778648053, 1e-12, 'ci hi');
  });

  it('gives the interval of a mean over seeds when b is absent', () => {
    // a alone: mean 0.812, s² = 67/10⁵, v = s²·0.45; scipy: t 46.76407743813768,
    // p 1.2507744043204913e-06, ci [0.7637904864390203, 0.8602095135609799].
    const r = interval(correctedResampledT(a, { nTrain: 160, nTest: 40 }));
    close(r.mean, 0.812, 1e-15, 'mean');
    close(r.t, 46.76407743813768, 1e-9, 't');
    close(r.p / 1.2507744043204913e-6, 1, 1e-8, 'p relative');
    close(r.ci[0], 0.7637904864390203, 1e-12, 'ci lo');
    close(r.ci[1], 0.8602095135609799, 1e-12, 'ci hi');
    assert.deepEqual(correctedResampledT(a, undefined, { nTrain: 160, nTest: 40 }), r);
  });

  it('uses alpha for the interval level', () => {
    // t_{4,0.95} = 2.1318467863266495 (scipy); ci [−0.008923059043906407, 0.05692305904390636].
    const r = interval(correctedResampledT(a, b, { nTrain: 160, nTest: 40, alpha: 0.1 }));
    close(r.confidence, 0.9, 1e-15, 'confidence');
    close(r.ci[0], -0.008923059043906407, 1e-12, 'ci lo');
    close(r.ci[1], 0.05692305904390636, 1e-12, 'ci hi');
  });

  it('says "1 seed: no interval over splits" for one seed', () => {
    assert.deepEqual(correctedResampledT([0.7], [0.6], { nTrain: 120, nTest: 40 }), {
      state: 'single-seed',
      mean: 0.7 - 0.6,
      k: 1,
      reason: SINGLE_SEED_REASON,
    });
    assert.equal(SINGLE_SEED_REASON, '1 seed: no interval over splits');
  });

  it('reports zero variance as the limit: ±Infinity and p = 0, or t = 0 and p = 1 for equal variants', () => {
    const same = interval(correctedResampledT([0.5, 0.75, 0.25], [0.5, 0.75, 0.25], { nTrain: 3, nTest: 1 }));
    assert.deepEqual([same.t, same.p, same.ci, same.mean], [0, 1, [0, 0], 0]);
    const shifted = interval(correctedResampledT([0.75, 0.5, 1], [0.5, 0.25, 0.75], { nTrain: 3, nTest: 1 }));
    assert.deepEqual(
      [shifted.t, shifted.p, shifted.ci, shifted.mean],
      [Number.POSITIVE_INFINITY, 0, [0.25, 0.25], 0.25],
    );
    const constant = interval(correctedResampledT([0.5, 0.5], { nTrain: 3, nTest: 1 }));
    assert.equal(constant.t, Number.POSITIVE_INFINITY);
    const below = interval(correctedResampledT([0.25, 0.25], [0.5, 0.5], { nTrain: 3, nTest: 1 }));
    assert.equal(below.t, Number.NEGATIVE_INFINITY);
  });

  it('names the bad argument or option', () => {
    assert.throws(() => correctedResampledT(a, b.slice(1), { nTrain: 1, nTest: 1 }), {
      name: 'TypeError',
      message: 'a and b must have the same length (got 5 and 4)',
    });
    assert.throws(() => correctedResampledT(a, { nTrain: 0, nTest: 1 }), {
      message: 'nTrain must be a finite number > 0 (got 0)',
    });
    assert.throws(() => correctedResampledT(a, { nTrain: 1 } as never), {
      message: 'nTest must be a finite number > 0 (got undefined)',
    });
    assert.throws(() => correctedResampledT(a, { nTrain: 1, nTest: 1, alpha: 0 }), {
      message: 'alpha must be a number in (0, 1) (got 0)',
    });
    assert.throws(() => correctedResampledT([], { nTrain: 1, nTest: 1 }), { message: 'a must not be empty' });
    assert.throws(() => correctedResampledT([0.5, Number.NaN], { nTrain: 1, nTest: 1 }), {
      message: 'a[1] is NaN; a must be finite numbers',
    });
    assert.throws(() => correctedResampledT(a, b, undefined as never), {
      message: 'options { nTrain, nTest } are required: the correction depends on them',
    });
  });
});
