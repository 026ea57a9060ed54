/**
 * Local Outlier Factor (Breunig et al. 2000) with scikit-learn's `novelty=True` semantics: fit on
 * normal rows, score new rows against them. Euclidean distance, brute-force k nearest neighbours
 * over sparse rows (‖a‖² + ‖b‖² − 2a·b, the dots gathered through the training matrix's columns).
 *
 *     k-dist(o)        = distance from training row o to its k-th nearest other training row
 *     reach(a, o)      = max(k-dist(o), d(a, o))
 *     lrd(a)           = 1 / (mean_{o ∈ kNN(a)} reach(a, o) + 1e-10)
 *     score(x) = LOF(x) = mean_{o ∈ kNN(x)} lrd(o) / lrd(x)
 *
 * ≈ 1 inside dense regions, larger for outliers (sklearn's `score_samples` returns −LOF). As
 * sklearn: k = min(nNeighbors, n − 1); a training row's neighbours exclude itself (by index, so
 * its duplicates still count at distance 0); new rows' neighbours are all training rows.
 *
 * Cost: fit O(n · (n + Σ postings)), memory O(n + nnz); scoring m rows is O(m · n) time. Tested up
 * to 5,000 training rows × 2,000 columns at 2 % density; the quadratic fit is why, far beyond that,
 * a neighbour index would pay off.
 */
import type { CsrMatrix, Detector, DetectorJSON } from '../types.ts';
import { checkCsr, checkInteger, checkTag, csrFromJSON, csrToJSON } from './checks.ts';
import { RowDots } from './sparse.ts';

/** Options of `LocalOutlierFactor`. */
export interface LocalOutlierFactorOptions {
  /**
   * Number of neighbours k (capped at training rows − 1).
   * @default 20
   */
  nNeighbors?: number;
}

/** Defaults of `LocalOutlierFactorOptions`. */
export const defaultLocalOutlierFactorOptions: Readonly<Required<LocalOutlierFactorOptions>> = Object.freeze({
  nNeighbors: 20,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveLocalOutlierFactorOptions(
  options: LocalOutlierFactorOptions = {},
): Readonly<Required<LocalOutlierFactorOptions>> {
  const o = { ...defaultLocalOutlierFactorOptions, ...options };
  return Object.freeze({ nNeighbors: checkInteger(o.nNeighbors, 'nNeighbors', 1) });
}

const KIND = 'local-outlier-factor';
const VERSION = 1;

/** The k smallest of `dist` (skipping index `skip`), ascending, into idx/d (length k). */
function kSmallest(dist: Float64Array, skip: number, k: number, idx: Int32Array, d: Float64Array): void {
  let len = 0;
  for (let t = 0; t < dist.length; t++) {
    if (t === skip) continue;
    const v = dist[t]!;
    if (len === k && v >= d[k - 1]!) continue;
    // Insertion into the sorted prefix; k is small (≈ 20).
    let p = len < k ? len++ : k - 1;
    while (p > 0 && d[p - 1]! > v) {
      d[p] = d[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    d[p] = v;
    idx[p] = t;
  }
}

interface Fitted {
  train: CsrMatrix;
  dots: RowDots;
  k: number;
  kDist: Float64Array;
  lrd: Float64Array;
}

/** LOF detector; trains on normal rows only (the caller filters), labels ignored. */
export class LocalOutlierFactor implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  /**
   * No row weights: a row's copies are each other's nearest neighbours at distance 0, which sets
   * k-distances and reachability in a way no per-row weight reproduces; fit it on the expanded rows.
   */
  readonly rowWeights = 'none' as const;
  readonly options: Readonly<Required<LocalOutlierFactorOptions>>;
  #fit: Fitted | null = null;

  constructor(options: LocalOutlierFactorOptions = {}) {
    this.options = resolveLocalOutlierFactorOptions(options);
  }

  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    if (weights !== undefined) {
      throw new TypeError(`${KIND}: does not take row weights (rowWeights 'none'); fit it on the expanded rows`);
    }
    checkCsr(x);
    if (x.nRows < 2) throw new TypeError('LocalOutlierFactor: x must have at least 2 rows to fit');
    const k = Math.min(this.options.nNeighbors, x.nRows - 1);
    const train: CsrMatrix = {
      nRows: x.nRows,
      nCols: x.nCols,
      indptr: x.indptr.slice(),
      indices: x.indices.slice(0, x.indptr[x.nRows]!),
      data: x.data.slice(0, x.indptr[x.nRows]!),
    };
    this.#setTraining(train, k);
  }

  /** LOF of each row relative to the training rows (≈ 1 = typical, larger = outlier). */
  score(x: CsrMatrix): Float64Array {
    const f = this.#fitted();
    checkCsr(x, f.train.nCols);
    const out = new Float64Array(x.nRows);
    this.#neighbours(x, -1, (i, idx, d) => {
      let reach = 0;
      let ratio = 0;
      for (let a = 0; a < f.k; a++) {
        reach += Math.max(f.kDist[idx[a]!]!, d[a]!);
        ratio += f.lrd[idx[a]!]!;
      }
      const lrd = 1 / (reach / f.k + 1e-10);
      out[i] = ratio / f.k / lrd;
    });
    return out;
  }

  toJSON(): DetectorJSON {
    const f = this.#fitted();
    return { kind: KIND, version: VERSION, options: { ...this.options }, k: f.k, train: csrToJSON(f.train) };
  }

  /** Restores a model saved by `toJSON` (k-distances and lrd are recomputed from the stored rows). */
  static load(json: unknown): LocalOutlierFactor {
    const o = checkTag(json, KIND, VERSION);
    const model = new LocalOutlierFactor((o['options'] ?? {}) as LocalOutlierFactorOptions);
    const train = csrFromJSON(o['train'], `${KIND}: train`);
    const k = checkInteger(o['k'], `${KIND}: k`, 1);
    if (k >= train.nRows) throw new TypeError(`${KIND}: k must be below the number of training rows`);
    model.#setTraining(train, k);
    return model;
  }

  /** k-distances and local reachability densities of the training rows. */
  #setTraining(train: CsrMatrix, k: number): void {
    const n = train.nRows;
    const dots = new RowDots(train);
    this.#fit = { train, dots, k, kDist: new Float64Array(n), lrd: new Float64Array(n) };
    const nbr = new Int32Array(n * k);
    const nd = new Float64Array(n * k);
    const { kDist, lrd } = this.#fit;
    this.#neighbours(train, 0, (i, idx, d) => {
      nbr.set(idx, i * k);
      nd.set(d, i * k);
      kDist[i] = d[k - 1]!;
    });
    for (let i = 0; i < n; i++) {
      let reach = 0;
      for (let a = 0; a < k; a++) reach += Math.max(kDist[nbr[i * k + a]!]!, nd[i * k + a]!);
      lrd[i] = 1 / (reach / k + 1e-10);
    }
  }

  /**
   * Calls `visit(i, idx, dist)` with the k nearest training rows of each row of `x`, ascending.
   * `selfOffset` 0 means x IS the training matrix: row i skips training row i; −1 skips nothing.
   */
  #neighbours(x: CsrMatrix, selfOffset: 0 | -1, visit: (i: number, idx: Int32Array, d: Float64Array) => void): void {
    const { dots, k } = this.#fitted();
    const n = dots.nRows;
    const buf = new Float64Array(n);
    const idx = new Int32Array(k);
    const d = new Float64Array(k);
    for (let i = 0; i < x.nRows; i++) {
      const self = dots.dots(x, i, buf);
      for (let t = 0; t < n; t++) buf[t] = Math.sqrt(Math.max(self + dots.normsSq[t]! - 2 * buf[t]!, 0));
      kSmallest(buf, selfOffset === 0 ? i : -1, k, idx, d);
      visit(i, idx, d);
    }
  }

  #fitted(): Fitted {
    if (this.#fit === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#fit;
  }
}
