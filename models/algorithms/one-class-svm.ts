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
 * Kernel rows are computed on demand and kept in an LRU cache (`cacheMb`); with n ≤ ~3,000 training
 * rows the whole kernel fits in the default 200 MB. No shrinking heuristic: the iterations are
 * libsvm's, only slower on large n. Tested up to 5,000 training rows × 2,000 columns.
 */
import type { CsrMatrix, Detector, DetectorJSON } from '../types.ts';
import { selectRows } from '../vectorize/csr.ts';
import { checkCsr, checkInteger, checkPositive, checkTag, csrFromJSON, csrToJSON, loadVector } from './checks.ts';
import { RowDots } from './sparse.ts';

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
}

interface Fitted {
  sv: CsrMatrix;
  dots: RowDots;
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
    const dots = new RowDots(x);
    const xx = dots.normsSq;
    // Kernel rows on demand, LRU-evicted (a Map iterates in insertion order: first key = oldest).
    const capacity = Math.max(2, Math.floor((cacheMb * 2 ** 20) / (8 * n)));
    const cache = new Map<number, Float64Array>();
    const row = (i: number): Float64Array => {
      const hit = cache.get(i);
      if (hit !== undefined) {
        cache.delete(i);
        cache.set(i, hit);
        return hit;
      }
      const r = new Float64Array(n);
      dots.dots(x, i, r);
      for (let t = 0; t < n; t++) r[t] = Math.exp(-gamma * Math.max(xx[i]! + xx[t]! - 2 * r[t]!, 0));
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(i, r);
      return r;
    };
    // libsvm's start: the first ⌊νn⌋ α at the bound 1, the remainder on the next one; G = Kα.
    const alpha = new Float64Array(n);
    const whole = Math.floor(nu * n);
    for (let i = 0; i < whole; i++) alpha[i] = 1;
    if (whole < n) alpha[whole] = nu * n - whole;
    const G = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (alpha[i] === 0) continue;
      const Ki = row(i);
      for (let t = 0; t < n; t++) G[t]! += alpha[i]! * Ki[t]!;
    }
    // K(x, x) = 1 for the RBF kernel, so libsvm's QD[i] is 1 everywhere.
    let it = 0;
    let converged = false;
    for (; it < maxIter; it++) {
      // i: the most violating α below its upper bound, by −G.
      let gMax = Number.NEGATIVE_INFINITY;
      let i = -1;
      for (let t = 0; t < n; t++) {
        if (alpha[t]! < 1 && -G[t]! >= gMax) {
          gMax = -G[t]!;
          i = t;
        }
      }
      // j: among α above 0, the largest second-order decrease of the objective.
      const Ki = i >= 0 ? row(i) : null;
      let gMax2 = Number.NEGATIVE_INFINITY;
      let j = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let t = 0; t < n; t++) {
        if (alpha[t]! <= 0) continue;
        if (G[t]! >= gMax2) gMax2 = G[t]!;
        const diff = gMax + G[t]!;
        if (Ki === null || diff <= 0) continue;
        const quad = 2 - 2 * Ki[t]!;
        const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
        if (obj <= best) {
          best = obj;
          j = t;
        }
      }
      if (gMax + gMax2 < tol || i < 0 || j < 0) {
        converged = true;
        break;
      }
      const Kj = row(j);
      const quad = Math.max(2 - 2 * Ki![j]!, TAU);
      const oldI = alpha[i]!;
      const oldJ = alpha[j]!;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = oldI + oldJ;
      let ai = oldI - delta;
      let aj = oldJ + delta;
      // libsvm's clipping for y_i = y_j, both boxes [0, 1].
      if (sum > 1) {
        if (ai > 1) [ai, aj] = [1, sum - 1];
      } else if (aj < 0) [ai, aj] = [sum, 0];
      if (sum > 1) {
        if (aj > 1) [ai, aj] = [sum - 1, 1];
      } else if (ai < 0) [ai, aj] = [0, sum];
      alpha[i] = ai;
      alpha[j] = aj;
      const di = ai - oldI;
      const dj = aj - oldJ;
      for (let t = 0; t < n; t++) G[t]! += Ki![t]! * di + Kj[t]! * dj;
    }
    // ρ as libsvm's calculate_rho with y = +1.
    let ub = Number.POSITIVE_INFINITY;
    let lb = Number.NEGATIVE_INFINITY;
    let nFree = 0;
    let sumFree = 0;
    for (let t = 0; t < n; t++) {
      if (alpha[t]! >= 1) lb = Math.max(lb, G[t]!);
      else if (alpha[t]! <= 0) ub = Math.min(ub, G[t]!);
      else {
        nFree++;
        sumFree += G[t]!;
      }
    }
    const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
    const keep: number[] = [];
    for (let t = 0; t < n; t++) if (alpha[t]! > 0) keep.push(t);
    this.#set(
      selectRows(x, keep),
      Float64Array.from(keep, (t) => alpha[t]!),
      rho,
      gamma,
    );
    this.#info = { iterations: it, converged, supportVectors: keep.length, gamma };
  }

  /** −decision(x) = ρ − Σ α_i K(sv_i, x): > 0 outside the learned support. */
  score(x: CsrMatrix): Float64Array {
    const { sv, dots, alpha, rho, gamma } = this.#fitted();
    checkCsr(x, sv.nCols);
    const out = new Float64Array(x.nRows);
    const buf = new Float64Array(sv.nRows);
    for (let i = 0; i < x.nRows; i++) {
      const self = dots.dots(x, i, buf);
      let s = 0;
      for (let t = 0; t < sv.nRows; t++) {
        s += alpha[t]! * Math.exp(-gamma * Math.max(self + dots.normsSq[t]! - 2 * buf[t]!, 0));
      }
      out[i] = rho - s;
    }
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
    this.#fit = { sv, dots: new RowDots(sv), alpha, rho, gamma };
  }

  #fitted(): Fitted {
    if (this.#fit === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#fit;
  }
}
