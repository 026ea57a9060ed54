/**
 * Limited-memory BFGS for smooth unconstrained minimisation on Float64Arrays (Nocedal & Wright,
 * Numerical Optimization, 2nd ed.: Algorithm 7.4 two-loop recursion, Algorithms 3.5/3.6 strong
 * Wolfe line search with cubic interpolation).
 *
 * Stopping follows scipy's L-BFGS-B (what sklearn's `solver='lbfgs'` calls), so iteration counts
 * and final objectives are comparable: max |gradient| ≤ gtol ("projected gradient" without
 * bounds), or relative decrease (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol, or maxIter.
 */

/** Objective: returns f(x) and writes ∇f(x) into `grad`. Must not keep references to x or grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimizeLbfgs`. */
export interface LbfgsOptions {
  /**
   * Stop when max_j |∂f/∂x_j| ≤ gtol.
   * @default 1e-5
   */
  gtol?: number;
  /**
   * Stop when the relative decrease of f in one iteration is ≤ ftol.
   * @default 2.220446049250313e-9 (scipy's `minimize(method='L-BFGS-B')` default)
   */
  ftol?: number;
  /**
   * Maximum number of iterations (accepted steps).
   * @default 1000
   */
  maxIter?: number;
  /**
   * Number of correction pairs kept (the "memory").
   * @default 10
   */
  memory?: number;
}

/** Defaults of `LbfgsOptions`. */
export const defaultLbfgsOptions: Readonly<Required<LbfgsOptions>> = Object.freeze({
  gtol: 1e-5,
  ftol: 2.220446049250313e-9,
  maxIter: 1000,
  memory: 10,
});

/** Why the solver stopped. */
export type LbfgsStop = 'gtol' | 'ftol' | 'max-iter' | 'line-search';

/** Result of `minimizeLbfgs`. `x` is a new array (x0 is not modified). */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** Max |∇f| at x. */
  gradMax: number;
  iterations: number;
  evaluations: number;
  stop: LbfgsStop;
}

const C1 = 1e-4; // sufficient decrease (Armijo)
const C2 = 0.9; // curvature; 0.9 is the usual quasi-Newton choice
const MAX_LINE_EVALS = 20;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb), or the bisection if it is not real. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (disc < 0) return (a + b) / 2;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const t = b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
  return Number.isFinite(t) ? t : (a + b) / 2;
}

/** Minimises `fg` from `x0` with L-BFGS. Deterministic: no randomness, fixed evaluation order. */
export function minimizeLbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const o = { ...defaultLbfgsOptions, ...options };
  const n = x0.length;
  const m = o.memory;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xt = new Float64Array(n); // trial point of the line search
  const gt = new Float64Array(n);
  const s = Array.from({ length: m }, () => new Float64Array(n));
  const y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0; // index of the next slot to overwrite
  let evaluations = 1;
  let f = fg(x, g);
  let gradMax = maxAbs(g);
  let iterations = 0;
  if (gradMax <= o.gtol) return { x, f, gradMax, iterations, evaluations, stop: 'gtol' };

  // φ(a) = f(x + a·d): evaluates into xt/gt and returns [φ, φ'].
  const phi = (a: number): [number, number] => {
    for (let i = 0; i < n; i++) xt[i] = x[i]! + a * d[i]!;
    evaluations++;
    const ft = fg(xt, gt);
    return [ft, dot(gt, d)];
  };

  for (;;) {
    // Two-loop recursion: d = −H·g, H the L-BFGS inverse-Hessian approximation.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = 0; k < stored; k++) {
      const j = (head - 1 - k + m) % m;
      alpha[j] = rho[j]! * dot(s[j]!, d);
      const yj = y[j]!;
      const aj = alpha[j]!;
      for (let i = 0; i < n; i++) d[i]! -= aj * yj[i]!;
    }
    if (stored > 0) {
      const j = (head - 1 + m) % m;
      const gamma = dot(s[j]!, y[j]!) / dot(y[j]!, y[j]!);
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head - 1 - k + m) % m;
      const beta = rho[j]! * dot(y[j]!, d);
      const sj = s[j]!;
      const c = alpha[j]! - beta;
      for (let i = 0; i < n; i++) d[i]! += c * sj[i]!;
    }
    let g0 = dot(g, d);
    if (!(g0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      g0 = dot(g, d);
    }
    // First step has no curvature information: scale it to unit length, as L-BFGS-B does.
    const a1 = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const step = strongWolfe(phi, f, g0, a1);
    if (step === null) return { x, f, gradMax, iterations, evaluations, stop: 'line-search' };
    const [a, ft] = step;

    // Accept: s = a·d, y = g_new − g; xt/gt hold the accepted point (see strongWolfe).
    const sj = s[head]!;
    const yj = y[head]!;
    for (let i = 0; i < n; i++) {
      sj[i] = a * d[i]!;
      yj[i] = gt[i]! - g[i]!;
    }
    const sy = dot(sj, yj);
    // Skip pairs without positive curvature so H stays positive definite.
    if (sy > 1e-10 * dot(yj, yj)) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    x.set(xt);
    g.set(gt);
    const fOld = f;
    f = ft;
    gradMax = maxAbs(g);
    iterations++;
    if (gradMax <= o.gtol) return { x, f, gradMax, iterations, evaluations, stop: 'gtol' };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= o.ftol) {
      return { x, f, gradMax, iterations, evaluations, stop: 'ftol' };
    }
    if (iterations >= o.maxIter) return { x, f, gradMax, iterations, evaluations, stop: 'max-iter' };
  }
}

/**
 * Step length satisfying the strong Wolfe conditions, or null if none was found. On success the
 * LAST call of `phi` was at the returned step, so the caller's trial buffers hold that point.
 */
function strongWolfe(
  phi: (a: number) => [number, number],
  f0: number,
  g0: number,
  a1: number,
): [number, number] | null {
  let aPrev = 0;
  let fPrev = f0;
  let gPrev = g0;
  let a = a1;
  for (let i = 0; i < MAX_LINE_EVALS; i++) {
    const [fa, ga] = phi(a);
    if (!Number.isFinite(fa) || fa > f0 + C1 * a * g0 || (i > 0 && fa >= fPrev)) {
      return zoom(phi, f0, g0, aPrev, fPrev, gPrev, a, fa, ga);
    }
    if (Math.abs(ga) <= -C2 * g0) return [a, fa];
    if (ga >= 0) return zoom(phi, f0, g0, a, fa, ga, aPrev, fPrev, gPrev);
    aPrev = a;
    fPrev = fa;
    gPrev = ga;
    a *= 2;
  }
  return null;
}

/** N&W Algorithm 3.6: shrinks [lo, hi] (lo = best point so far) until strong Wolfe holds. */
function zoom(
  phi: (a: number) => [number, number],
  f0: number,
  g0: number,
  lo: number,
  flo: number,
  glo: number,
  hi: number,
  fhi: number,
  ghi: number,
): [number, number] | null {
  for (let i = 0; i < MAX_LINE_EVALS; i++) {
    const width = hi - lo;
    // Cubic step when both ends are finite, safeguarded to stay 10 % away from either end.
    let a = Number.isFinite(fhi) ? cubicMin(lo, flo, glo, hi, fhi, ghi) : lo + width / 2;
    const lower = Math.min(lo, hi) + 0.1 * Math.abs(width);
    const upper = Math.max(lo, hi) - 0.1 * Math.abs(width);
    if (!(a >= lower && a <= upper)) a = lo + width / 2;
    const [fa, ga] = phi(a);
    if (!Number.isFinite(fa) || fa > f0 + C1 * a * g0 || fa >= flo) {
      hi = a;
      fhi = fa;
      ghi = ga;
    } else {
      if (Math.abs(ga) <= -C2 * g0) return [a, fa];
      if (ga * width >= 0) {
        hi = lo;
        fhi = flo;
        ghi = glo;
      }
      lo = a;
      flo = fa;
      glo = ga;
    }
    if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
  }
  // No strong-Wolfe point, but lo decreased f: accept it (re-evaluate so the buffers hold it).
  if (lo > 0 && flo < f0) {
    const [fl] = phi(lo);
    return [lo, fl];
  }
  return null;
}
