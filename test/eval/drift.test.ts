import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { psi } from '../../splits/eval/index.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

describe('psi', () => {
  it('is 0 for the same scores', () => {
    const x = f64([0.1, 0.5, 0.2, 0.9, 0.3, 0.7, 0.4, 0.8, 0.6, 1]);
    assert.equal(psi(x, x), 0);
  });

  it('matches Σ (a − e)·ln(a/e) by hand, with cut points at quantiles of expected', () => {
    // expected 1..4, 2 bins: cut at the median 2.5 → e = [½, ½]; actual [1, 1, 1, 3] → a = [¾, ¼].
    const value = psi(f64([1, 2, 3, 4]), f64([1, 1, 1, 3]), { bins: 2 });
    close(value, 0.25 * Math.log(1.5) + -0.25 * Math.log(0.5), 'psi');
    close(value, 0.25 * Math.log(3), 'psi simplified');
  });

  it('uses right-closed bins and floors an empty bin at epsilon', () => {
    // 2.5 sits on the cut, so it falls in the lower bin (−∞, 2.5]; the upper bin is empty → ε.
    const eps = 1e-4;
    const expected = 0.5 * Math.log(1 / 0.5) + (eps - 0.5) * Math.log(eps / 0.5);
    close(psi(f64([1, 2, 3, 4]), f64([2.5, 2.5]), { bins: 2 }), expected, 'default epsilon');
    const eps2 = 1e-3;
    const expected2 = 0.5 * Math.log(1 / 0.5) + (eps2 - 0.5) * Math.log(eps2 / 0.5);
    close(psi(f64([1, 2, 3, 4]), f64([2.5, 2.5]), { bins: 2, epsilon: eps2 }), expected2, 'epsilon 1e-3');
  });

  it('merges repeated cut points when expected has heavy ties', () => {
    // All cut points are 0 → bins (−∞, 0] and (0, ∞): e = [1, ε], a = [½, ½].
    const eps = 1e-4;
    const expected = (0.5 - 1) * Math.log(0.5) + (0.5 - eps) * Math.log(0.5 / eps);
    close(psi(f64([0, 0, 0, 0, 0]), f64([0, 1])), expected, 'tied expected');
  });

  it('grows with the shift of actual', () => {
    const base = f64(Array.from({ length: 200 }, (_, i) => i / 200));
    const shifted = (d: number) => base.map((x) => x + d);
    const small = psi(base, shifted(0.05));
    const large = psi(base, shifted(0.3));
    assert.ok(small > 0 && large > small, `${small} < ${large}`);
  });

  it('rejects bad inputs and options, naming them', () => {
    const x = f64([1, 2, 3]);
    assert.throws(() => psi(x, f64([])), { name: 'TypeError', message: 'actual must not be empty' });
    assert.throws(() => psi(f64([]), x), { message: 'expected must not be empty' });
    assert.throws(() => psi(x, f64([Number.NaN])), { message: 'actual[0] is NaN; actual must be finite numbers' });
    assert.throws(() => psi(x, x, { bins: 1 }), { message: 'bins must be an integer ≥ 2 (got 1)' });
    assert.throws(() => psi(x, x, { epsilon: 0 }), { message: 'epsilon must be a number in (0, 1) (got 0)' });
  });
});
