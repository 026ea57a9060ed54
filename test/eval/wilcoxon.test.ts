import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tiedWith, wilcoxonSignedRank } from '../../splits/eval/index.ts';
import { normalSf } from '../../splits/eval/wilcoxon.ts';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('normalSf', () => {
  it('matches known normal tail values, including the far tail', () => {
    close(normalSf(0), 0.5, 1e-16, 'sf(0)');
    close(normalSf(1.959963984540054), 0.025, 1e-15, 'sf(1.96)');
    close(normalSf(-1), 0.8413447460685429, 1e-15, 'sf(-1)');
    // Relative accuracy where 1 − cdf would have lost every digit.
    close(normalSf(8) / 6.22096057427174e-16, 1, 1e-12, 'sf(8)');
  });
});

describe('wilcoxonSignedRank by hand', () => {
  it('exact: five positive differences give p = 2 / 2^5', () => {
    const r = wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1]);
    assert.deepEqual(r, { statistic: 0, pValue: 0.0625, n: 5, method: 'exact' });
  });

  it('exact: d = [1, −2, 3, −4, 5, 6] → R− = 6, P(R ≤ 6) = 14/64', () => {
    const r = wilcoxonSignedRank([1, -2, 3, -4, 5, 6], [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(r, { statistic: 6, pValue: 28 / 64, n: 6, method: 'exact' });
  });

  it('drops zero differences before ranking', () => {
    const r = wilcoxonSignedRank([5, 1, 7, 2, 9], [5, 0, 7, 0, 6]);
    assert.equal(r.n, 3);
    assert.equal(r.statistic, 0);
    assert.equal(r.pValue, 0.25);
  });

  it('normal: tied |d| use average ranks, the tie-corrected variance and a continuity correction', () => {
    // Ranks all 2.5: R+ = 7.5, R− = 2.5; mean 5, var (180 − 30)/24 = 6.25; z = (2.5 − 5 + 0.5)/2.5.
    const r = wilcoxonSignedRank([1, 1, 1, -1], [0, 0, 0, 0]);
    assert.equal(r.method, 'normal');
    assert.equal(r.statistic, 2.5);
    close(r.pValue, 0.4237107971667934, 1e-12, 'p (scipy correction=True)');
  });

  it('gives p = 1 with n = 0 when every difference is zero', () => {
    assert.deepEqual(wilcoxonSignedRank([0.3, 0.5], [0.3, 0.5]), { statistic: 0, pValue: 1, n: 0, method: 'exact' });
  });

  it('rejects unpaired or non-finite input', () => {
    assert.throws(() => wilcoxonSignedRank([1, 2, 3], [1, 2]), {
      name: 'TypeError',
      message: 'a and b must have the same length (got 3 and 2)',
    });
    assert.throws(() => wilcoxonSignedRank([1, Number.NaN], [1, 2]), {
      message: 'a[1] is NaN; a must be finite numbers',
    });
  });
});

describe('tiedWith', () => {
  const base = [0.61, 0.72, 0.58, 0.66, 0.7, 0.63, 0.69, 0.74, 0.6, 0.65];

  it('separates a variant that wins on every seed', () => {
    const better = base.map((x, i) => x + 0.03 + i * 0.001);
    assert.equal(tiedWith(better, base), false); // exact p = 2/1024
  });

  it('ties identical variants and mixed results', () => {
    assert.equal(tiedWith(base, base), true);
    const mixed = base.map((x, i) => x + (i % 2 === 0 ? 0.01 : -0.011) * (1 + i / 10));
    assert.equal(tiedWith(mixed, base), true);
  });

  it('cannot separate with five seeds at alpha 0.05 (minimum p is 0.0625)', () => {
    assert.equal(tiedWith([2, 3, 4, 5, 6], [1, 1, 1, 1, 1]), true);
    assert.equal(tiedWith([2, 3, 4, 5, 6], [1, 1, 1, 1, 1], 0.1), false);
  });

  it('checks alpha', () => {
    assert.throws(() => tiedWith([1], [2], 0), { message: 'alpha must be a number in (0, 1) (got 0)' });
  });
});
