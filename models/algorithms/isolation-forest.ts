/**
 * Isolation Forest (Liu, Ting & Zhou 2008) as scikit-learn's `IsolationForest` builds it, on
 * sparse rows: each tree is grown on `min(maxSamples, n)` rows drawn without replacement, by
 * random axis-parallel splits, to depth ⌈log₂ ψ⌉. A row's path length h(x) is the depth of the
 * leaf it lands in plus c(size of that leaf), the expected depth still needed to isolate it, and
 *
 *     score(x) = 2^(−E[h(x)] / c(ψ)),   c(n) = 2·H(n − 1) − 2(n − 1)/n,  c(2) = 1,  c(≤ 1) = 0
 *
 * in (0, 1]: about 0.5 or less for ordinary rows, near 1 for rows isolated early. (sklearn's
 * `score_samples` returns the negation; we keep "higher = more anomalous".)
 *
 * Split features: a node splits on a column drawn uniformly among the columns that are NOT
 * constant on the node's rows (implicit zeros count as values), at a threshold uniform in
 * [min, max) of that column there; rows with value ≤ threshold go left. A node whose rows agree
 * on every column is a leaf. This is what sklearn does, although its `max_features=1` suggests
 * "one random column": its random splitter keeps drawing columns, setting constant ones aside,
 * until it finds a non-constant one (`_splitter.pyx`, `BestSplitter`/`RandomSplitter` loop over
 * `n_found_constants`). The literal reading of Liu et al. — any column, constant or not — would,
 * with thousands of mostly-zero columns, stop nearly every tree at its root; we do not offer it.
 * Columns whose range is ≤ 1e-7 count as constant, as sklearn's FEATURE_THRESHOLD.
 *
 * Random draws come from seedrandom, so trees equal sklearn's in distribution, not draw for draw.
 *
 * Row weights (distinct rows with their counts) must be whole numbers: a tree's subsample is drawn
 * from the expanded row space of Σw positions (each position mapped to its distinct row through
 * the running counts) with the same draws as from the expanded rows, and ψ is capped at Σw, so the
 * forest is the one grown on the expanded rows, draw for draw.
 */
import seedrandom from 'seedrandom';
import type { CsrMatrix, Detector, DetectorJSON } from '../types.ts';
import { checkCsr, checkInteger, checkSeed, checkTag, loadVector } from './checks.ts';
import { checkRowWeights, ExpandedRows } from './row-weights.ts';

/** Options of `IsolationForest`. `seed` is required: no default, the fit is random. */
export interface IsolationForestOptions {
  /** Seed of the subsamples, split columns and thresholds. */
  seed: number | string;
  /**
   * Number of trees.
   * @default 100
   */
  nEstimators?: number;
  /**
   * Rows per tree ψ, capped at the number of training rows, Σw with row weights (sklearn's `max_samples='auto'`).
   * @default 256
   */
  maxSamples?: number;
}

/** Defaults of the optional `IsolationForestOptions`. */
export const defaultIsolationForestOptions: Readonly<Required<Omit<IsolationForestOptions, 'seed'>>> = Object.freeze({
  nEstimators: 100,
  maxSamples: 256,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveIsolationForestOptions(
  options: IsolationForestOptions,
): Readonly<Required<IsolationForestOptions>> {
  const o = { ...defaultIsolationForestOptions, ...options };
  return Object.freeze({
    seed: checkSeed(o.seed),
    nEstimators: checkInteger(o.nEstimators, 'nEstimators', 1),
    maxSamples: checkInteger(o.maxSamples, 'maxSamples', 1),
  });
}

const KIND = 'isolation-forest';
const VERSION = 1;
const EULER_GAMMA = 0.5772156649015329;
const FEATURE_THRESHOLD = 1e-7;

/** c(n): average path length of an unsuccessful BST search among n points (sklearn's `_average_path_length`). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Value of column j in row i (0 when not stored); binary search, columns ascend. */
function valueAt(x: CsrMatrix, i: number, j: number): number {
  let lo = x.indptr[i]!;
  let hi = x.indptr[i + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = x.indices[mid]!;
    if (c === j) return x.data[mid]!;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** All trees in flat arrays; node ids are global, `roots[t]` is tree t's root. */
interface Forest {
  roots: Int32Array;
  /** Split column, or −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** At a leaf: its depth + c(training rows in it). */
  leafPath: Float64Array;
}

/** Growable node storage used while fitting. */
class NodeBuffer {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  leafPath: number[] = [];
  add(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.leafPath.push(0);
    return this.feature.length - 1;
  }
}

/**
 * Isolation Forest detector; trains on normal rows only (the caller filters), labels ignored.
 */
export class IsolationForest implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<IsolationForestOptions>>;
  #forest: Forest | null = null;
  #nCols = 0;
  /** ψ actually used: min(maxSamples, training rows). */
  #psi = 0;

  constructor(options: IsolationForestOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('IsolationForest: options with a seed are required');
    }
    this.options = resolveIsolationForestOptions(options);
  }

  /** Number of nodes over all trees (diagnostics); throws before fit. */
  get nodeCount(): number {
    return this.#fitted().feature.length;
  }

  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    if (weights !== undefined) checkRowWeights(weights, x.nRows, KIND, true);
    // The expanded row space: n positions, each a training row (one per distinct row without weights).
    const expanded = new ExpandedRows(x.nRows, weights);
    const n = expanded.total;
    if (n === 0) throw new TypeError('IsolationForest: x must have at least one row (of weight > 0) to fit');
    const { seed, nEstimators } = this.options;
    const psi = Math.min(this.options.maxSamples, n);
    const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
    const rng = seedrandom(`isolation-forest:${String(seed)}`);
    const p = x.nCols;
    // Per-node column statistics, reset through `touched` so a node costs O(nnz of its rows).
    const cnt = new Int32Array(p);
    const mn = new Float64Array(p);
    const mx = new Float64Array(p);
    const touched: number[] = [];
    const candidates: number[] = [];
    // The permutation of the n positions, stored sparsely: only the ≤ 2ψ positions a tree's
    // partial shuffle touches differ from the identity, so a tree costs O(ψ), not O(n).
    const perm = new Map<number, number>();
    const rows = new Int32Array(psi);
    const nodes = new NodeBuffer();
    const roots = new Int32Array(nEstimators);
    for (let t = 0; t < nEstimators; t++) {
      // Partial Fisher–Yates: the first ψ positions are a uniform sample without replacement.
      perm.clear();
      for (let i = 0; i < psi; i++) {
        const r = i + Math.floor(rng() * (n - i));
        const at = perm.get(r) ?? r;
        perm.set(r, perm.get(i) ?? i);
        rows[i] = expanded.row(at);
      }
      roots[t] = nodes.add();
      // Depth-first with an explicit stack: [node, lo, hi, depth] over `rows[lo..hi)`.
      const stack: [number, number, number, number][] = [[roots[t]!, 0, psi, 0]];
      while (stack.length > 0) {
        const [node, lo, hi, depth] = stack.pop()!;
        const size = hi - lo;
        const leaf = (): void => {
          nodes.leafPath[node] = depth + averagePathLength(size);
        };
        if (depth >= maxDepth || size <= 1) {
          leaf();
          continue;
        }
        for (let s = lo; s < hi; s++) {
          const i = rows[s]!;
          for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
            const j = x.indices[q]!;
            const v = x.data[q]!;
            if (cnt[j] === 0) {
              touched.push(j);
              mn[j] = v;
              mx[j] = v;
            } else {
              if (v < mn[j]!) mn[j] = v;
              if (v > mx[j]!) mx[j] = v;
            }
            cnt[j]!++;
          }
        }
        candidates.length = 0;
        for (const j of touched) {
          // A row without an entry holds an implicit 0.
          if (cnt[j]! < size) {
            if (mn[j]! > 0) mn[j] = 0;
            if (mx[j]! < 0) mx[j] = 0;
          }
          if (mx[j]! - mn[j]! > FEATURE_THRESHOLD) candidates.push(j);
          cnt[j] = 0;
        }
        touched.length = 0;
        if (candidates.length === 0) {
          leaf();
          continue;
        }
        const f = candidates[Math.floor(rng() * candidates.length)]!;
        const lowV = mn[f]!;
        const highV = mx[f]!;
        let thr = lowV + rng() * (highV - lowV);
        if (thr >= highV) thr = lowV; // as sklearn: keep at least one row on each side
        // Partition rows[lo..hi) so rows with value ≤ thr come first.
        let mid = lo;
        for (let s = lo; s < hi; s++) {
          const i = rows[s]!;
          if (valueAt(x, i, f) <= thr) {
            rows[s] = rows[mid]!;
            rows[mid++] = i;
          }
        }
        const l = nodes.add();
        const r = nodes.add();
        nodes.feature[node] = f;
        nodes.threshold[node] = thr;
        nodes.left[node] = l;
        nodes.right[node] = r;
        stack.push([r, mid, hi, depth + 1], [l, lo, mid, depth + 1]);
      }
    }
    this.#forest = {
      roots,
      feature: Int32Array.from(nodes.feature),
      threshold: Float64Array.from(nodes.threshold),
      left: Int32Array.from(nodes.left),
      right: Int32Array.from(nodes.right),
      leafPath: Float64Array.from(nodes.leafPath),
    };
    this.#nCols = p;
    this.#psi = psi;
  }

  /** Anomaly score 2^(−E[h(x)]/c(ψ)) in (0, 1]; higher = more anomalous. */
  score(x: CsrMatrix): Float64Array {
    const { roots, feature, threshold, left, right, leafPath } = this.#fitted();
    checkCsr(x, this.#nCols);
    const out = new Float64Array(x.nRows);
    // The row scattered densely so every split reads its column in O(1); reset after each row.
    const dense = new Float64Array(this.#nCols);
    const norm = roots.length * averagePathLength(this.#psi);
    for (let i = 0; i < x.nRows; i++) {
      const start = x.indptr[i]!;
      const end = x.indptr[i + 1]!;
      for (let q = start; q < end; q++) dense[x.indices[q]!] = x.data[q]!;
      let total = 0;
      for (let t = 0; t < roots.length; t++) {
        let node = roots[t]!;
        while (feature[node]! >= 0) node = dense[feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
        total += leafPath[node]!;
      }
      for (let q = start; q < end; q++) dense[x.indices[q]!] = 0;
      // ψ = 1 gives c(ψ) = 0 (every tree a single leaf, no information): 0.5, as sklearn ≥ 1.3 returns.
      out[i] = norm > 0 ? 2 ** (-total / norm) : 0.5;
    }
    return out;
  }

  toJSON(): DetectorJSON {
    const f = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      nCols: this.#nCols,
      psi: this.#psi,
      roots: Array.from(f.roots),
      feature: Array.from(f.feature),
      threshold: Array.from(f.threshold),
      left: Array.from(f.left),
      right: Array.from(f.right),
      leafPath: Array.from(f.leafPath),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): IsolationForest {
    const o = checkTag(json, KIND, VERSION);
    const model = new IsolationForest(o['options'] as IsolationForestOptions);
    const nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    const psi = checkInteger(o['psi'], `${KIND}: psi`, 1);
    const feature = Int32Array.from(loadVector(o['feature'], `${KIND}: feature`));
    const m = feature.length;
    const ids = (name: string, lo: number, hi: number, len?: number): Int32Array => {
      const v = loadVector(o[name], `${KIND}: ${name}`, len);
      if (!v.every((a) => Number.isInteger(a) && a >= lo && a < hi)) {
        throw new TypeError(`${KIND}: ${name} must hold integers in [${lo}, ${hi})`);
      }
      return Int32Array.from(v);
    };
    ids('feature', -1, nCols, m);
    const left = ids('left', -1, m, m);
    const right = ids('right', -1, m, m);
    for (let a = 0; a < m; a++) {
      // Children must come after their parent (true of every saved forest), so traversal always ends.
      if (feature[a]! >= 0 && (left[a]! <= a || right[a]! <= a))
        throw new TypeError(`${KIND}: malformed tree at node ${a}`);
    }
    model.#forest = {
      roots: ids('roots', 0, m),
      feature,
      threshold: loadVector(o['threshold'], `${KIND}: threshold`, m),
      left,
      right,
      leafPath: loadVector(o['leafPath'], `${KIND}: leafPath`, m),
    };
    model.#nCols = nCols;
    model.#psi = psi;
    return model;
  }

  #fitted(): Forest {
    if (this.#forest === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#forest;
  }
}
