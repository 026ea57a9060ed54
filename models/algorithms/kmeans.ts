/**
 * k-means as scikit-learn's `KMeans(init='k-means++', algorithm='lloyd')`, used as a detector:
 * score = Euclidean distance from a row to its nearest centroid. (The pipeline we replace scored
 * rows by their cluster LABEL, which says nothing about anomaly and could never flag one.)
 *
 * Rows stay sparse, centroids are dense. Squared distances use ‖x‖² − 2x·c + ‖c‖², so one
 * row–centroid distance costs O(nnz(x)) after the norms are known, and a row against all k
 * centroids O(k · nnz(x)) instead of O(k · nCols).
 *
 * As sklearn: greedy k-means++ seeding with 2 + ⌊ln k⌋ candidates per centre, Lloyd iterations
 * until the labels stop changing or Σ‖c_new − c_old‖² ≤ tol · mean column variance, empty clusters
 * moved to the rows farthest from their centre, nInit restarts keeping the lowest inertia.
 * Differences: k is capped at the number of training rows (sklearn raises instead), and the random
 * stream is seedrandom's, so results equal sklearn's in distribution, not draw for draw.
 *
 * Row weights (distinct rows with their counts; any finite value ≥ 0, fractional too) make every
 * step the expanded rows' step: uniform draws land in the expanded row space (mapped to distinct
 * rows through the running weights), the D² draws and potentials weigh each row's distance by its
 * weight, centres are weighted means, an empty cluster takes one unit of weight (a row's copy) from
 * the farthest row, the tolerance scale, the inertia and k's cap count rows by weight. Fits on
 * distinct rows with whole-number counts equal fits on the expanded rows up to rounding in the sums.
 */
import seedrandom from 'seedrandom';
import type { CsrMatrix, Detector, DetectorJSON } from '../types.ts';
import { rowNormsSq } from '../vectorize/csr.ts';
import { checkCsr, checkInteger, checkPositive, checkSeed, checkTag, loadVector } from './checks.ts';
import { checkRowWeights, ExpandedRows } from './row-weights.ts';
import { type KMeansAssignKernel, kmeansAssignKernel, MemoryLayout } from './wasm/kernels.ts';

/** Options of `KMeans`. `seed` is required: no default, the fit is random. */
export interface KMeansOptions {
  /** Seed of the k-means++ draws (all restarts come from one stream). */
  seed: number | string;
  /**
   * Number of clusters (capped at the number of training rows).
   * @default 8
   */
  k?: number;
  /**
   * Number of k-means++ restarts; the one with the lowest inertia is kept.
   * @default 3
   */
  nInit?: number;
  /**
   * Maximum Lloyd iterations per restart.
   * @default 300
   */
  maxIter?: number;
  /**
   * Relative tolerance: stop when Σ‖c_new − c_old‖² ≤ tol · (mean variance of the columns).
   * @default 1e-4
   */
  tol?: number;
}

/** Defaults of the optional `KMeansOptions`. */
export const defaultKMeansOptions: Readonly<Required<Omit<KMeansOptions, 'seed'>>> = Object.freeze({
  k: 8,
  nInit: 3,
  maxIter: 300,
  tol: 1e-4,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveKMeansOptions(options: KMeansOptions): Readonly<Required<KMeansOptions>> {
  const o = { ...defaultKMeansOptions, ...options };
  return Object.freeze({
    seed: checkSeed(o.seed),
    k: checkInteger(o.k, 'k', 1),
    nInit: checkInteger(o.nInit, 'nInit', 1),
    maxIter: checkInteger(o.maxIter, 'maxIter', 1),
    tol: checkPositive(o.tol, 'tol'),
  });
}

const KIND = 'kmeans';
const VERSION = 1;

/** ‖x_i − c‖² for centre c stored at `centers[off .. off + nCols)`, clamped at 0 against rounding. */
function distSq(x: CsrMatrix, i: number, xx: number, centers: Float64Array, off: number, cc: number): number {
  // Arrays read into locals once: `x.data[k]` inside the loop reloads the property every step.
  const { indptr, indices, data } = x;
  const end = indptr[i + 1]!;
  let dot = 0;
  for (let k = indptr[i]!; k < end; k++) dot += data[k]! * centers[off + indices[k]!]!;
  const d = xx - 2 * dot + cc;
  return Math.max(d, 0);
}

interface Assignment {
  labels: Int32Array;
  /** Squared distance of each row to its assigned centre. */
  d2: Float64Array;
  inertia: number;
}

/**
 * The E-step (nearest centre per row) in a WebAssembly kernel (wasm/kmeans-assign.wat: the same
 * arithmetic as `distSq`, bit-identical). The rows are copied into its memory once per fit; the
 * centres live there too and the M-step writes them in place. Labels and distances alternate
 * between two slots so an iteration can compare its labels with the previous ones.
 */
class Assigner {
  readonly centers: Float64Array;
  readonly #kernel: KMeansAssignKernel;
  readonly #cc: Float64Array;
  readonly #slots: { labels: Int32Array; d2: Float64Array; oLabels: number; oD2: number }[];
  readonly #o: { indptr: number; indices: number; data: number; xx: number; centers: number; cc: number };
  readonly #n: number;
  readonly #k: number;
  readonly #p: number;

  constructor(x: CsrMatrix, xx: Float64Array, k: number) {
    const n = x.nRows;
    const p = x.nCols;
    const nnz = x.indptr[n]!;
    const layout = new MemoryLayout();
    const o = {
      data: layout.f64(nnz),
      xx: layout.f64(n),
      centers: layout.f64(k * p),
      cc: layout.f64(k),
      d2A: layout.f64(n),
      d2B: layout.f64(n),
      indptr: layout.i32(n + 1),
      indices: layout.i32(nnz),
      labelsA: layout.i32(n),
      labelsB: layout.i32(n),
    };
    this.#kernel = kmeansAssignKernel(layout.bytes);
    const buf = this.#kernel.memory.buffer;
    new Float64Array(buf, o.data, nnz).set(x.data.subarray(0, nnz));
    new Float64Array(buf, o.xx, n).set(xx);
    new Int32Array(buf, o.indptr, n + 1).set(x.indptr.subarray(0, n + 1));
    new Int32Array(buf, o.indices, nnz).set(x.indices.subarray(0, nnz));
    this.centers = new Float64Array(buf, o.centers, k * p);
    this.#cc = new Float64Array(buf, o.cc, k);
    this.#slots = [
      {
        labels: new Int32Array(buf, o.labelsA, n),
        d2: new Float64Array(buf, o.d2A, n),
        oLabels: o.labelsA,
        oD2: o.d2A,
      },
      {
        labels: new Int32Array(buf, o.labelsB, n),
        d2: new Float64Array(buf, o.d2B, n),
        oLabels: o.labelsB,
        oD2: o.d2B,
      },
    ];
    this.#o = o;
    this.#n = n;
    this.#k = k;
    this.#p = p;
  }

  /** Assigns every row to its nearest centre, writing into slot 0 or 1; the inertia weighs rows by `weights`. */
  assign(slot: 0 | 1, weights?: Float64Array): Assignment {
    this.#cc.set(centerNormsSq(this.centers, this.#k, this.#p));
    const s = this.#slots[slot]!;
    const o = this.#o;
    const inertia = this.#kernel.assign(
      this.#n,
      this.#k,
      this.#p,
      o.indptr,
      o.indices,
      o.data,
      o.xx,
      o.centers,
      o.cc,
      s.oLabels,
      s.oD2,
    );
    if (weights === undefined) return { labels: s.labels, d2: s.d2, inertia };
    // The kernel's inertia is Σ d²_i in row order; the same sum with each term weighted.
    let weighted = 0;
    for (let i = 0; i < this.#n; i++) weighted += weights[i]! * s.d2[i]!;
    return { labels: s.labels, d2: s.d2, inertia: weighted };
  }
}

function centerNormsSq(centers: Float64Array, k: number, p: number): Float64Array {
  const cc = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = c * p; j < (c + 1) * p; j++) s += centers[j]! * centers[j]!;
    cc[c] = s;
  }
  return cc;
}

/** Writes row i densely into centre slot c. */
function copyRow(x: CsrMatrix, i: number, centers: Float64Array, c: number): void {
  const off = c * x.nCols;
  centers.fill(0, off, off + x.nCols);
  for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) centers[off + x.indices[k]!] = x.data[k]!;
}

/**
 * Greedy k-means++ (sklearn's `_kmeans_plusplus`): 2 + ⌊ln k⌋ candidates, keep the lowest potential.
 * With row weights, uniform draws are positions of the expanded rows and a row's distance counts
 * w_i times in the potentials and the D² draw.
 */
function kmeansPlusPlus(
  x: CsrMatrix,
  xx: Float64Array,
  k: number,
  rng: () => number,
  expanded: ExpandedRows,
  weights?: Float64Array,
): Float64Array {
  const n = x.nRows;
  const p = x.nCols;
  const centers = new Float64Array(k * p);
  const trials = 2 + Math.floor(Math.log(k));
  const first = expanded.row(rng() * expanded.total);
  copyRow(x, first, centers, 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = distSq(x, i, xx[i]!, centers, 0, xx[first]!);
  // Candidates are tried in centre slot c itself (the slot is free until c is chosen): no extra k × p memory.
  const cand = new Float64Array(n);
  const best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let pot = 0;
    for (let i = 0; i < n; i++) pot += weights === undefined ? closest[i]! : weights[i]! * closest[i]!;
    let bestPot = Number.POSITIVE_INFINITY;
    let bestId = 0;
    for (let t = 0; t < trials; t++) {
      const id = pot > 0 ? searchCumsum(closest, rng() * pot, weights) : expanded.row(rng() * expanded.total);
      copyRow(x, id, centers, c);
      const cn = xx[id]!;
      let candPot = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, distSq(x, i, xx[i]!, centers, c * p, cn));
        cand[i] = d;
        candPot += weights === undefined ? d : weights[i]! * d;
      }
      if (candPot < bestPot) {
        bestPot = candPot;
        bestId = id;
        best.set(cand);
      }
    }
    copyRow(x, bestId, centers, c);
    closest.set(best);
  }
  return centers;
}

/**
 * First index whose running sum of `d` (each term times its row weight, if any) passes `target`
 * (numpy's searchsorted on the cumsum, clipped).
 */
function searchCumsum(d: Float64Array, target: number, weights?: Float64Array): number {
  const term = (i: number): number => (weights === undefined ? d[i]! : weights[i]! * d[i]!);
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const v = term(i);
    s += v;
    if (s > target && v > 0) return i;
  }
  for (let i = d.length - 1; i >= 0; i--) if (term(i) > 0) return i;
  return d.length - 1;
}

/**
 * Lloyd iterations from `start` (updated in place); returns the final inertia. With row weights a
 * row counts w_i times in the means and the inertia, and rows of weight 0 (absent from the expanded
 * rows) neither count nor stop the iterations by changing cluster.
 */
function lloyd(
  x: CsrMatrix,
  assigner: Assigner,
  start: Float64Array,
  k: number,
  maxIter: number,
  tol: number,
  weights?: Float64Array,
) {
  const n = x.nRows;
  const p = x.nCols;
  const { indptr, indices, data } = x;
  const centers = assigner.centers;
  centers.set(start);
  let slot: 0 | 1 = 0;
  let a = assigner.assign(slot, weights);
  const sums = new Float64Array(k * p);
  const counts = new Float64Array(k);
  for (let it = 0; it < maxIter; it++) {
    // M-step: centre = mean of its rows; an empty cluster takes the row farthest from its centre.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const off = a.labels[i]! * p;
      if (weights === undefined) {
        counts[a.labels[i]!]!++;
        for (let q = indptr[i]!; q < indptr[i + 1]!; q++) sums[off + indices[q]!]! += data[q]!;
      } else {
        const wi = weights[i]!;
        counts[a.labels[i]!]! += wi;
        for (let q = indptr[i]!; q < indptr[i + 1]!; q++) sums[off + indices[q]!]! += wi * data[q]!;
      }
    }
    // An empty cluster takes the row farthest from its centre, which leaves its old cluster (as
    // sklearn's `_relocate_empty_clusters`). Rows are sorted by distance only when needed (rare).
    // With row weights the farthest rows are copies: an empty cluster takes one unit of weight
    // (one copy, or what is left of a fractional row) from the farthest row that has some left.
    let far: number[] | null = null;
    let nextFar = 0;
    let taken = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] !== 0) continue;
      far ??= Array.from(a.d2.keys())
        .filter((i) => weights === undefined || weights[i]! > 0)
        .sort((u, v) => a.d2[v]! - a.d2[u]! || u - v);
      const r = far[nextFar]!;
      const left = (weights?.[r] ?? 1) - taken;
      const unit = Math.min(1, left);
      taken += unit;
      if (taken >= (weights?.[r] ?? 1)) {
        nextFar++;
        taken = 0;
      }
      const old = a.labels[r]! * p;
      for (let q = x.indptr[r]!; q < x.indptr[r + 1]!; q++) {
        sums[old + x.indices[q]!]! -= unit * x.data[q]!;
        sums[c * p + x.indices[q]!] = unit * x.data[q]!;
      }
      counts[a.labels[r]!]! -= unit;
      counts[c] = unit;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      const off = c * p;
      // A cluster left empty by giving its only row away keeps its centre.
      const has = counts[c]! > 0;
      const inv = has ? 1 / counts[c]! : 1;
      for (let j = off; j < off + p; j++) {
        const v = has ? sums[j]! * inv : centers[j]!;
        shift += (v - centers[j]!) ** 2;
        centers[j] = v;
      }
    }
    const prev = a.labels;
    slot = slot === 0 ? 1 : 0;
    a = assigner.assign(slot, weights);
    let same = true;
    for (let i = 0; i < n && same; i++) same = prev[i] === a.labels[i] || weights?.[i] === 0;
    if (same || shift <= tol) break;
  }
  start.set(centers);
  return a.inertia;
}

/**
 * Mean over columns of the column variance (implicit zeros included): sklearn's tolerance scale.
 * With row weights, the variance of the expanded rows (sklearn's ignores sample weights here).
 */
function meanVariance(x: CsrMatrix, xx: Float64Array, weights?: Float64Array): number {
  const p = x.nCols;
  const n = weights === undefined ? x.nRows : new ExpandedRows(x.nRows, weights).total;
  if (n === 0 || p === 0) return 0;
  const sum = new Float64Array(p);
  let sq = 0;
  if (weights === undefined) {
    const nnz = x.indptr[x.nRows]!;
    for (let q = 0; q < nnz; q++) sum[x.indices[q]!]! += x.data[q]!;
    for (let i = 0; i < x.nRows; i++) sq += xx[i]!;
  } else {
    for (let i = 0; i < x.nRows; i++) {
      const wi = weights[i]!;
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) sum[x.indices[q]!]! += wi * x.data[q]!;
      sq += wi * xx[i]!;
    }
  }
  let meanSq = 0;
  for (let j = 0; j < p; j++) meanSq += (sum[j]! / n) ** 2;
  return (sq / n - meanSq) / p;
}

/**
 * k-means detector. Trains on ALL training rows (DESIGN.md lists only LOF, OneClassSVM, OOV and
 * IsolationForest as normal-only): anomalies are a small share of training rows, so centroids sit
 * in normal data; a large, tight anomaly group could earn its own centroid and look normal.
 */
export class KMeans implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<KMeansOptions>>;
  #centers: Float64Array | null = null;
  #centerNorms: Float64Array | null = null;
  #k = 0;
  #nCols = 0;
  #inertia = Number.NaN;

  constructor(options: KMeansOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('KMeans: options with a seed are required');
    this.options = resolveKMeansOptions(options);
  }

  /** Centroids as a k × nCols row-major array (a copy); throws before fit. */
  get centers(): Float64Array {
    return Float64Array.from(this.#fitted());
  }

  /** Number of clusters actually used (k capped at the training row count, ⌈Σw⌉ with row weights). */
  get k(): number {
    return this.#k;
  }

  /** Sum of squared distances to the nearest centroid on the training rows, weighted by their row weights (NaN when loaded). */
  get inertia(): number {
    return this.#inertia;
  }

  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    if (weights !== undefined) checkRowWeights(weights, x.nRows, KIND);
    // The expanded row space: where uniform draws land (the rows themselves without weights).
    const expanded = new ExpandedRows(x.nRows, weights);
    if (!(expanded.total > 0)) throw new TypeError('KMeans: x must have at least one row (of weight > 0) to fit');
    const { seed, nInit, maxIter, tol } = this.options;
    const k = Math.min(this.options.k, Math.ceil(expanded.total));
    const xx = rowNormsSq(x);
    const tolAbs = tol * meanVariance(x, xx, weights);
    const rng = seedrandom(`kmeans:${String(seed)}`);
    let bestCenters: Float64Array | null = null;
    let bestInertia = Number.POSITIVE_INFINITY;
    const assigner = new Assigner(x, xx, k);
    for (let r = 0; r < nInit; r++) {
      const centers = kmeansPlusPlus(x, xx, k, rng, expanded, weights);
      const inertia = lloyd(x, assigner, centers, k, maxIter, tolAbs, weights);
      // Strictly lower, like sklearn: ties keep the earlier restart.
      if (inertia < bestInertia) {
        bestInertia = inertia;
        bestCenters = centers;
      }
    }
    this.#set(bestCenters!, k, x.nCols);
    this.#inertia = bestInertia;
  }

  /** Euclidean distance to the nearest centroid. */
  score(x: CsrMatrix): Float64Array {
    const centers = this.#fitted();
    checkCsr(x, this.#nCols);
    const xx = rowNormsSq(x);
    const out = new Float64Array(x.nRows);
    const cc = this.#centerNorms!;
    for (let i = 0; i < x.nRows; i++) {
      let best = Number.POSITIVE_INFINITY;
      for (let c = 0; c < this.#k; c++) best = Math.min(best, distSq(x, i, xx[i]!, centers, c * this.#nCols, cc[c]!));
      out[i] = Math.sqrt(best);
    }
    return out;
  }

  toJSON(): DetectorJSON {
    const centers = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      k: this.#k,
      nCols: this.#nCols,
      centers: Array.from(centers),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): KMeans {
    const o = checkTag(json, KIND, VERSION);
    const model = new KMeans(o['options'] as KMeansOptions);
    const k = checkInteger(o['k'], `${KIND}: k`, 1);
    const nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    model.#set(loadVector(o['centers'], `${KIND}: centers`, k * nCols), k, nCols);
    return model;
  }

  #set(centers: Float64Array, k: number, nCols: number): void {
    this.#centers = centers;
    this.#centerNorms = centerNormsSq(centers, k, nCols);
    this.#k = k;
    this.#nCols = nCols;
  }

  #fitted(): Float64Array {
    if (this.#centers === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#centers;
  }
}
