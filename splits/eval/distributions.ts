/**
 * Student's t distribution (CDF, two-sided p-value, quantile) through the regularized incomplete
 * beta function, for the corrected resampled t-test. Written here rather than taken from a package
 * so the p-values the board prints are checked in this repository against scipy and closed forms.
 */

/** Lanczos coefficients (g = 7, n = 9): ln Γ to about 1e-15 relative for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  // Reflection keeps the series in the range where it was fitted.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const TINY = 1e-300;
const EPS = 1e-16;
const MAX_TERMS = 10_000;

/** Continued fraction of I_x(a, b) (modified Lentz), converging fast for x < (a + 1)/(a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) return h;
  }
  throw new RangeError(`incomplete beta did not converge (x = ${x}, a = ${a}, b = ${b})`);
}

/**
 * Regularized incomplete beta I_x(a, b) for x in [0, 1], a, b > 0. `y` is 1 − x when the caller
 * can compute it without cancellation (the t distribution can: t²/(df + t²)); the far side of the
 * distribution is evaluated from it, so p-values near 1 and near 0 both keep their digits.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (!(x >= 0 && x <= 1)) throw new TypeError(`x must be in [0, 1] (got ${x})`);
  if (!(a > 0 && b > 0)) throw new TypeError(`a and b must be > 0 (got ${a} and ${b})`);
  if (x === 0) return 0;
  if (y === 0) return 1;
  const lnFront = a * Math.log(x) + b * Math.log(y) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b));
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(y, b, a)) / b;
}

function checkDf(df: number): void {
  if (typeof df !== 'number' || !(df > 0) || !Number.isFinite(df)) {
    throw new TypeError(`df must be a finite number > 0 (got ${String(df)})`);
  }
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: the two-sided p-value of t. */
export function studentTTwoSidedP(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return Number.NaN;
  const t2 = t * t;
  if (t2 === Number.POSITIVE_INFINITY) return 0;
  return regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const half = 0.5 * studentTTwoSidedP(t, df);
  return t < 0 ? half : 1 - half;
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom, p in (0, 1). Bisection on |t|
 * against the two-sided tail: slower than Newton but it cannot diverge for small df, where the
 * density is flat and the tails are heavy.
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new TypeError(`p must be in (0, 1) (got ${String(p)})`);
  if (p === 0.5) return 0;
  const target = 2 * Math.min(p, 1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSidedP(hi, df) > target) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 2000 && hi - lo > 2 * Number.EPSILON * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  const t = 0.5 * (lo + hi);
  return p < 0.5 ? -t : t;
}
