/**
 * ν-one-class SVM (Schölkopf et al. 2001) with an RBF kernel, solved as libsvm does it (the solver
 * behind scikit-learn's `OneClassSVM`): the dual
 *
 *     min_α ½ αᵀKα   s.t.  0 ≤ α_i ≤ 1,  Σ α_i = ν·n
 *
 * by SMO with libsvm's second-order working-set selection, started from α_i = 1 for i < ⌊νn⌋ and
 * the remainder on the next row; ρ = mean gradient over free α (or the midpoint of the bounds).
 * decision(x) = Σ α_i K(x_i, x) − ρ is > 0 inside the learned support. score = −decision, so
 * higher = more anomalous and 0 is the boundary.
 *
 * K(a, b) = exp(−γ‖a − b‖²), γ = 'scale' = 1 / (nCols · Var(X)) like sklearn, where Var(X) is the
 * variance of ALL entries of the training matrix, implicit zeros included.
 *
 * Kernel rows are computed on demand. When all n fit in `cacheMb` (n ≤ ~5,000 training rows in the
 * default 200 MB) they are kept, and a new row copies the entries it shares with rows already
 * computed (K is symmetric); otherwise an LRU cache keeps as many as fit. No shrinking heuristic:
 * the iterations are libsvm's, only slower on large n. Tested up to 5,000 training rows × 2,000
 * columns.
 */
import type { CsrMatrix, Detector, DetectorJSON } from '../types.ts';
import { selectRows } from '../vectorize/csr.ts';
import { checkCsr, checkInteger, checkPositive, checkTag, csrFromJSON, csrToJSON, loadVector } from './checks.ts';
import { type KernelRows, kernelRows, RbfKernel } from './rbf-kernel.ts';

/** Options of `OneClassSvm`. */
export interface OneClassSvmOptions {
  /**
   * ν in (0, 1]: upper bound on the share of training rows outside the support, lower bound on the
   * share of support vectors (sklearn's default).
   * @default 0.5
   */
  nu?: number;
  /**
   * RBF width γ, or 'scale' for 1 / (nCols · Var(X)).
   * @default 'scale'
   */
  gamma?: number | 'scale';
  /**
   * Stop when the maximal KKT violation (libsvm's m(α) − M(α)) is below tol.
   * @default 1e-3
   */
  tol?: number;
  /**
   * Maximum SMO iterations (libsvm has no limit by default; a cap keeps a bad fit from hanging a worker).
   * @default 10000000
   */
  maxIter?: number;
  /**
   * Memory for cached kernel rows, in MB.
   * @default 200
   */
  cacheMb?: number;
}

/** Defaults of `OneClassSvmOptions`. */
export const defaultOneClassSvmOptions: Readonly<Required<OneClassSvmOptions>> = Object.freeze({
  nu: 0.5,
  gamma: 'scale',
  tol: 1e-3,
  maxIter: 10_000_000,
  cacheMb: 200,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveOneClassSvmOptions(options: OneClassSvmOptions = {}): Readonly<Required<OneClassSvmOptions>> {
  const o = { ...defaultOneClassSvmOptions, ...options };
  if (typeof o.nu !== 'number' || !(o.nu > 0 && o.nu <= 1)) {
    throw new TypeError(`nu must be a number in (0, 1] (got ${String(o.nu)})`);
  }
  if (o.gamma !== 'scale') checkPositive(o.gamma, 'gamma');
  return Object.freeze({
    nu: o.nu,
    gamma: o.gamma,
    tol: checkPositive(o.tol, 'tol'),
    maxIter: checkInteger(o.maxIter, 'maxIter', 1),
    cacheMb: checkPositive(o.cacheMb, 'cacheMb'),
  });
}

const KIND = 'one-class-svm';
const VERSION = 1;
const TAU = 1e-12;

/** How the last fit ended (not serialised). */
export interface OneClassSvmFitInfo {
  iterations: number;
  converged: boolean;
  supportVectors: number;
  gamma: number;
  /** How the solver kept its kernel rows: all of them, or an LRU cache of as many as fit. */
  kernel: KernelRows['mode'];
}

interface Fitted {
  sv: CsrMatrix;
  kernel: RbfKernel;
  alpha: Float64Array;
  rho: number;
  gamma: number;
}

/** 'scale': 1 / (nCols · variance of all nRows·nCols entries); 1 when the data are constant, as sklearn. */
function scaleGamma(x: CsrMatrix): number {
  const total = x.nRows * x.nCols;
  let s = 0;
  let s2 = 0;
  for (let q = 0; q < x.indptr[x.nRows]!; q++) {
    s += x.data[q]!;
    s2 += x.data[q]! * x.data[q]!;
  }
  const mean = s / total;
  const v = s2 / total - mean * mean;
  return v > 0 ? 1 / (x.nCols * v) : 1;
}

// The solver's loops are small functions that see the same argument shapes on every fit, so V8
// optimises each once and keeps it; a single fit() calling a fresh closure per fit was
// deoptimised ('wrong call target') and recompiled on the next fit.

/** libsvm's start: the first ⌊νn⌋ α at the bound 1, the remainder on the next one. */
function startAlpha(n: number, nu: number): Float64Array {
  const alpha = new Float64Array(n);
  const whole = Math.floor(nu * n);
  for (let i = 0; i < whole; i++) alpha[i] = 1;
  if (whole < n) alpha[whole] = nu * n - whole;
  return alpha;
}

/** The gradient at the start, G = Kα, summed over the rows with α ≠ 0 in order. */
function startGradient(rows: KernelRows, alpha: Float64Array): Float64Array {
  const n = alpha.length;
  const G = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    if (a === 0) continue;
    const Ki = rows.row(i);
    for (let t = 0; t < n; t++) G[t]! += a * Ki[t]!;
  }
  return G;
}

/** i of the working set: the most violating α below its upper bound, by −G (the last of ties); −1 if none. */
function mostViolating(alpha: Float64Array, G: Float64Array): number {
  let gMax = Number.NEGATIVE_INFINITY;
  let i = -1;
  for (let t = 0; t < alpha.length; t++) {
    if (alpha[t]! < 1 && -G[t]! >= gMax) {
      gMax = -G[t]!;
      i = t;
    }
  }
  return i;
}

/** max G over the α above 0: with −G[i], the KKT violation m(α) − M(α). */
function maxGradientAboveZero(alpha: Float64Array, G: Float64Array): number {
  let gMax2 = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < alpha.length; t++) if (alpha[t]! > 0 && G[t]! >= gMax2) gMax2 = G[t]!;
  return gMax2;
}

/**
 * j of the working set: among α above 0 with a violation against i, the largest second-order
 * decrease of the objective (libsvm's WSS 3; K(x, x) = 1 for the RBF kernel, so QD is 1); −1 if none.
 */
function secondOrderPartner(alpha: Float64Array, G: Float64Array, gMax: number, Ki: Float64Array): number {
  let j = -1;
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < alpha.length; t++) {
    if (alpha[t]! <= 0) continue;
    const diff = gMax + G[t]!;
    if (diff <= 0) continue;
    const quad = 2 - 2 * Ki[t]!;
    const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
    if (obj <= best) {
      best = obj;
      j = t;
    }
  }
  return j;
}

/** Optimises α_i, α_j with their sum fixed, clipped to [0, 1] as libsvm does for y_i = y_j, and updates G. */
function stepPair(
  alpha: Float64Array,
  G: Float64Array,
  i: number,
  j: number,
  Ki: Float64Array,
  Kj: Float64Array,
): void {
  const quad = Math.max(2 - 2 * Ki[j]!, TAU);
  const oldI = alpha[i]!;
  const oldJ = alpha[j]!;
  const delta = (G[i]! - G[j]!) / quad;
  const sum = oldI + oldJ;
  let ai = oldI - delta;
  let aj = oldJ + delta;
  if (sum > 1) {
    if (ai > 1) {
      ai = 1;
      aj = sum - 1;
    }
  } else if (aj < 0) {
    ai = sum;
    aj = 0;
  }
  if (sum > 1) {
    if (aj > 1) {
      ai = sum - 1;
      aj = 1;
    }
  } else if (ai < 0) {
    ai = 0;
    aj = sum;
  }
  alpha[i] = ai;
  alpha[j] = aj;
  const di = ai - oldI;
  const dj = aj - oldJ;
  for (let t = 0; t < G.length; t++) G[t]! += Ki[t]! * di + Kj[t]! * dj;
}

/** libsvm's SMO from (α, G), both updated in place, until the KKT violation is below `tol` or `maxIter` steps. */
function solve(
  rows: KernelRows,
  alpha: Float64Array,
  G: Float64Array,
  tol: number,
  maxIter: number,
): { iterations: number; converged: boolean } {
  for (let it = 0; it < maxIter; it++) {
    const i = mostViolating(alpha, G);
    const gMax = i >= 0 ? -G[i]! : Number.NEGATIVE_INFINITY;
    const Ki = i >= 0 ? rows.row(i) : null;
    const j = Ki === null ? -1 : secondOrderPartner(alpha, G, gMax, Ki);
    if (gMax + maxGradientAboveZero(alpha, G) < tol || j < 0) return { iterations: it, converged: true };
    stepPair(alpha, G, i, j, Ki!, rows.row(j));
  }
  return { iterations: maxIter, converged: false };
}

/** ρ as libsvm's calculate_rho with y = +1: the mean gradient over free α, else the midpoint of the bounds. */
function rhoOf(alpha: Float64Array, G: Float64Array): number {
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < alpha.length; t++) {
    if (alpha[t]! >= 1) lb = Math.max(lb, G[t]!);
    else if (alpha[t]! <= 0) ub = Math.min(ub, G[t]!);
    else {
      nFree++;
      sumFree += G[t]!;
    }
  }
  return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
}

/** ν-OCSVM detector; trains on normal rows only (the caller filters), labels ignored. */
export class OneClassSvm implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  /**
   * No row weights: the ν-bound of each dual variable would have to scale with its weight, which
   * this libsvm-style solver does not do; fit it on the expanded rows.
   */
  readonly rowWeights = 'none' as const;
  readonly options: Readonly<Required<OneClassSvmOptions>>;
  #fit: Fitted | null = null;
  #info: OneClassSvmFitInfo | null = null;

  constructor(options: OneClassSvmOptions = {}) {
    this.options = resolveOneClassSvmOptions(options);
  }

  /** Solver diagnostics of the last `fit` (null for a loaded or unfitted model). */
  get fitInfo(): OneClassSvmFitInfo | null {
    return this.#info;
  }

  /** ρ, the offset of the decision function (sklearn's `-intercept_`). */
  get rho(): number {
    return this.#fitted().rho;
  }

  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    if (weights !== undefined) {
      throw new TypeError(`${KIND}: does not take row weights (rowWeights 'none'); fit it on the expanded rows`);
    }
    checkCsr(x);
    const n = x.nRows;
    if (n === 0) throw new TypeError('OneClassSvm: x must have at least one row to fit');
    const { nu, tol, maxIter, cacheMb } = this.options;
    const gamma = this.options.gamma === 'scale' ? scaleGamma(x) : this.options.gamma;
    const alpha = startAlpha(n, nu);
    const rows = kernelRows(new RbfKernel(x, gamma), x, cacheMb);
    const G = startGradient(rows, alpha);
    const { iterations, converged } = solve(rows, alpha, G, tol, maxIter);
    const rho = rhoOf(alpha, G);
    const keep: number[] = [];
    for (let t = 0; t < n; t++) if (alpha[t]! > 0) keep.push(t);
    this.#set(
      selectRows(x, keep),
      Float64Array.from(keep, (t) => alpha[t]!),
      rho,
      gamma,
    );
    this.#info = { iterations, converged, supportVectors: keep.length, gamma, kernel: rows.mode };
  }

  /** −decision(x) = ρ − Σ α_i K(sv_i, x): > 0 outside the learned support. */
  score(x: CsrMatrix): Float64Array {
    const { sv, kernel, alpha, rho } = this.#fitted();
    checkCsr(x, sv.nCols);
    const out = kernel.weightedSums(x, alpha, new Float64Array(x.nRows), new Float64Array(sv.nRows));
    for (let i = 0; i < out.length; i++) out[i] = rho - out[i]!;
    return out;
  }

  toJSON(): DetectorJSON {
    const f = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      gamma: f.gamma,
      rho: f.rho,
      alpha: Array.from(f.alpha),
      supportVectors: csrToJSON(f.sv),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): OneClassSvm {
    const o = checkTag(json, KIND, VERSION);
    const model = new OneClassSvm((o['options'] ?? {}) as OneClassSvmOptions);
    const sv = csrFromJSON(o['supportVectors'], `${KIND}: supportVectors`);
    const alpha = loadVector(o['alpha'], `${KIND}: alpha`, sv.nRows);
    const rho = o['rho'];
    if (typeof rho !== 'number') throw new TypeError(`${KIND}: rho must be a number`);
    model.#set(sv, alpha, rho, checkPositive(o['gamma'], `${KIND}: gamma`));
    return model;
  }

  #set(sv: CsrMatrix, alpha: Float64Array, rho: number, gamma: number): void {
    this.#fit = { sv, kernel: new RbfKernel(sv, gamma), alpha, rho, gamma };
  }

  #fitted(): Fitted {
    if (this.#fit === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#fit;
  }
}
