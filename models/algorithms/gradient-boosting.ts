/**
 * Gradient-boosted trees with the logistic loss, in the manner of xgboost's `binary:logistic` with the
 * exact greedy tree method, on sparse input (builder: `tree.ts`, Newton criterion).
 *
 * Round t fits a regression tree to the gradients g = p − y and hessians h = p(1 − p) of the current
 * raw scores: a split's gain is ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)], it is kept when the gain
 * exceeds max(gamma, 1e-6) and each child has hessian ≥ minChildWeight, and a leaf's weight is
 * −learningRate · G/(H+λ). The initial raw score is the training log-odds (as sklearn's
 * GradientBoostingClassifier and xgboost ≥ 2.0 estimate it; xgboost 1.x starts from 0).
 *
 * Defaults follow sklearn's GradientBoostingClassifier (100 rounds, learning rate 0.1, depth 3), the
 * parity reference available to our tests; xgboost's own are depth 6 and learning rate 0.3.
 *
 * Sampling as xgboost: `subsample` keeps each row of a round with that probability, and
 * `colsampleBytree` gives each tree max(1, ⌊share · p⌋) columns drawn without replacement. Splits
 * are exact on the stored values where xgboost's `tree_method='hist'` bins each column into at most
 * 256 quantile bins: the same splits on columns with ≤ 256 distinct values (binary presence, most
 * token counts), nearby thresholds otherwise. `maxLeaves` is accepted only where it cannot bind
 * (2^maxDepth ≤ maxLeaves: a depth-wise tree cannot exceed it), as for the decision tree.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkRange, checkSeed, checkTag } from './checks.ts';
import { checkMaxLeafNodes } from './decision-tree.ts';
import { sigmoid } from './logistic.ts';
import { SeededStream, seededStream } from './seeded-stream.ts';
import { growTree } from './tree.ts';
import { saabas, treeShap } from './tree-explain.ts';
import {
  checkRowWeights,
  denseRows,
  forEachDenseRow,
  leafOf,
  leafOfDense,
  normalise,
  type TreeArrays,
  toSortedCsc,
  treesFromJSON,
  treeToJSON,
} from './tree-util.ts';

/** Options of `GradientBoosting`. */
export interface GradientBoostingOptions {
  /**
   * Number of boosting rounds (trees).
   * @default 100
   */
  nEstimators?: number;
  /**
   * Shrinkage applied to every leaf weight (xgboost's eta).
   * @default 0.1
   */
  learningRate?: number;
  /**
   * Maximum depth of each tree (root = depth 0).
   * @default 3
   */
  maxDepth?: number;
  /**
   * L2 penalty on leaf weights (xgboost's lambda).
   * @default 1
   */
  lambda?: number;
  /**
   * Minimum gain to keep a split (xgboost's gamma / min_split_loss).
   * @default 0
   */
  gamma?: number;
  /**
   * Minimum hessian sum in each child (xgboost's min_child_weight).
   * @default 1
   */
  minChildWeight?: number;
  /**
   * Fraction of rows each round sees, each row kept independently with this probability (xgboost's
   * rule). Below 1 the `seed` is required.
   * @default 1
   */
  subsample?: number;
  /**
   * Share of the columns each tree may split on (xgboost's colsample_bytree). Below 1 the `seed` is
   * required.
   * @default 1
   */
  colsampleBytree?: number;
  /**
   * Most leaves per tree (xgboost's max_leaves), or null for no limit; only values ≥ 2^maxDepth,
   * which cannot bind, are accepted.
   * @default null
   */
  maxLeaves?: number | null;
  /** Seed of the row and column sampling; required when subsample or colsampleBytree < 1. */
  seed?: number | string;
}

/** Defaults of `GradientBoostingOptions` (the seed has none). */
export const defaultGradientBoostingOptions = Object.freeze({
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 3,
  lambda: 1,
  gamma: 0,
  minChildWeight: 1,
  subsample: 1,
  colsampleBytree: 1,
  maxLeaves: null,
}) satisfies Readonly<Omit<Required<GradientBoostingOptions>, 'seed'>>;

/** Resolved options: `seed` is null when nothing is sampled and none was given. */
export type ResolvedGradientBoostingOptions = Readonly<
  Omit<Required<GradientBoostingOptions>, 'seed'> & { seed: number | string | null }
>;

/** Resolves and validates options once; the result is frozen. */
export function resolveGradientBoostingOptions(options: GradientBoostingOptions = {}): ResolvedGradientBoostingOptions {
  const o = { ...defaultGradientBoostingOptions, ...options };
  const subsample = checkRange(o.subsample, 'subsample', 0, 1, true);
  const colsampleBytree = checkRange(o.colsampleBytree, 'colsampleBytree', 0, 1, true);
  const maxDepth = checkInteger(o.maxDepth, 'maxDepth', 1);
  return Object.freeze({
    nEstimators: checkInteger(o.nEstimators, 'nEstimators', 1),
    learningRate: checkRange(o.learningRate, 'learningRate', 0, 1, true),
    maxDepth,
    lambda: checkRange(o.lambda, 'lambda', 0, Number.POSITIVE_INFINITY),
    gamma: checkRange(o.gamma, 'gamma', 0, Number.POSITIVE_INFINITY),
    minChildWeight: checkRange(o.minChildWeight, 'minChildWeight', 0, Number.POSITIVE_INFINITY),
    subsample,
    colsampleBytree,
    maxLeaves: checkMaxLeafNodes(o.maxLeaves, maxDepth, 'maxLeaves'),
    seed:
      subsample < 1 || colsampleBytree < 1 || options.seed !== undefined
        ? checkSeed(options.seed, 'gradient boosting with subsample or colsampleBytree < 1')
        : null,
  });
}

/** Marks max(1, ⌊share · p⌋) of the p columns, drawn uniformly without replacement (partial Fisher–Yates). */
function sampleColumns(mask: Uint8Array, share: number, rng: () => number): void {
  const p = mask.length;
  const k = Math.max(1, Math.floor(share * p));
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  mask.fill(0);
  for (let t = 0; t < Math.min(k, p); t++) {
    const u = t + Math.floor(rng() * (p - t));
    const f = perm[u]!;
    perm[u] = perm[t]!;
    perm[t] = f;
    mask[f] = 1;
  }
}

/** Doubles drawn per `SeededStream.fill` call by the subsample. */
const DRAW_CHUNK = 4096;

/**
 * The subsample of one round: one draw per repeated row, in row order, a copy kept when its draw is
 * below `subsample`; kept[i] = the copies of row i kept. Draws exactly Σw doubles from `stream`, in
 * chunks of `chunk.length`.
 */
function keptCopies(
  stream: SeededStream,
  rowWeights: Float64Array,
  subsample: number,
  kept: Float64Array,
  chunk: Float64Array,
): void {
  let remaining = 0;
  for (let i = 0; i < rowWeights.length; i++) remaining += rowWeights[i]!;
  let at = chunk.length;
  for (let i = 0; i < rowWeights.length; i++) {
    let k = 0;
    for (let copy = rowWeights[i]!; copy > 0; copy--) {
      if (at === chunk.length) {
        const size = Math.min(chunk.length, remaining);
        stream.fill(chunk.subarray(chunk.length - size));
        at = chunk.length - size;
        remaining -= size;
      }
      // Counted without a branch: a draw is kept at random, so a branch on it is mispredicted often.
      k += +(chunk[at++]! < subsample);
    }
    kept[i] = k;
  }
}

const KIND = 'gradient-boosting';
const VERSION = 1;

/** Boosted trees; `score` = sigmoid(raw) = P(anomaly), `rawScore` the log-odds. */
export class GradientBoosting implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: ResolvedGradientBoostingOptions;
  #trees: TreeArrays[] | null = null;
  #base = 0;
  #nCols = 0;

  constructor(options: GradientBoostingOptions = {}) {
    this.options = resolveGradientBoostingOptions(options);
  }

  /** The fitted trees (leaf values already scaled by the learning rate); throws before fit. */
  get trees(): readonly Readonly<TreeArrays>[] {
    return this.#fitted();
  }

  /** Initial raw score: the training log-odds. */
  get baseScore(): number {
    this.#fitted();
    return this.#base;
  }

  /** Total split gain per feature over all trees, normalised to sum 1 (xgboost's 'total_gain', normalised). */
  get featureImportances(): Float64Array {
    const imp = new Float64Array(this.#nCols);
    for (const t of this.#fitted()) {
      for (let i = 0; i < t.feature.length; i++) if (t.feature[i]! >= 0) imp[t.feature[i]!]! += t.gain[i]!;
    }
    return normalise(imp);
  }

  /**
   * Fits the rounds; with `weights` (distinct rows and their counts) it is the fit on the rows
   * repeated that many times, copies adjacent: the log-odds, gradients and hessians are weighted,
   * minChildWeight applies to weighted hessians, and `subsample` draws once per repeated row in
   * order, a row counting as the copies it kept (so its counts must be whole numbers).
   */
  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'gradient boosting model');
    const { nEstimators, learningRate, maxDepth, lambda, gamma, minChildWeight, subsample, colsampleBytree, seed } =
      this.options;
    const n = x.nRows;
    const rowWeights =
      weights === undefined ? new Float64Array(n).fill(1) : checkRowWeights(weights, labels, KIND, subsample < 1);
    let pos = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      pos += rowWeights[i]! * labels[i]!;
      total += rowWeights[i]!;
    }
    const base = Math.log(pos / (total - pos));
    const raw = new Float64Array(n).fill(base);
    const g = new Float64Array(n);
    const h = new Float64Array(n);
    // How many of each row's copies the round keeps (all without subsample), and the weighted statistics.
    const kept = Float64Array.from(rowWeights);
    const keptG = new Float64Array(n);
    const keptH = new Float64Array(n);
    const include = subsample < 1 || kept.includes(0) ? Uint8Array.from(kept, (k) => (k > 0 ? 1 : 0)) : null;
    const columns = colsampleBytree < 1 ? new Uint8Array(x.nCols) : null;
    const draws = new Float64Array(subsample < 1 ? DRAW_CHUNK : 0);
    const csc = toSortedCsc(x);
    const dense = denseRows(x);
    const trees: TreeArrays[] = [];
    for (let t = 0; t < nEstimators; t++) {
      if (subsample < 1) {
        keptCopies(new SeededStream(`${seed}:round:${t}`), rowWeights, subsample, kept, draws);
        for (let i = 0; i < n; i++) include![i] = kept[i]! > 0 ? 1 : 0;
      }
      for (let i = 0; i < n; i++) {
        const p = sigmoid(raw[i]!);
        g[i] = p - labels[i]!;
        // The floor keeps λ = 0 leaves finite when every row is already fitted with certainty.
        h[i] = Math.max(p * (1 - p), 1e-16);
        keptG[i] = g[i]! * kept[i]!;
        keptH[i] = h[i]! * kept[i]!;
      }
      if (columns !== null) sampleColumns(columns, colsampleBytree, seededStream(`${seed}:columns:${t}`));
      const tree = growTree(
        csc,
        keptH,
        keptG,
        include,
        {
          criterion: 'newton',
          maxDepth,
          minSamplesSplit: 2,
          minSamplesLeaf: 1,
          minChildWeight,
          lambda,
          gamma,
          leafScale: learningRate,
          maxFeatures: x.nCols,
          rng: null,
          columns,
        },
        kept,
      );
      trees.push(tree);
      if (dense !== null) {
        for (let i = 0; i < n; i++) raw[i]! += tree.value[leafOfDense(tree, dense, i * x.nCols)]!;
      } else {
        forEachDenseRow(x, (i, row) => {
          raw[i]! += tree.value[leafOf(tree, row)]!;
        });
      }
    }
    this.#trees = trees;
    this.#base = base;
    this.#nCols = x.nCols;
  }

  /** P(anomaly | x) = sigmoid(rawScore). */
  score(x: CsrMatrix): Float64Array {
    const s = this.rawScore(x);
    for (let i = 0; i < s.length; i++) s[i] = sigmoid(s[i]!);
    return s;
  }

  /** Log-odds of the anomaly class: base + Σ leaf weights. */
  rawScore(x: CsrMatrix): Float64Array {
    const trees = this.#fitted();
    checkCsr(x, this.#nCols);
    const out = new Float64Array(x.nRows);
    forEachDenseRow(x, (i, row) => {
      let s = this.#base;
      for (const t of trees) s += t.value[leafOf(t, row)]!;
      out[i] = s;
    });
    return out;
  }

  /**
   * Exact path-dependent TreeSHAP values in log-odds space (base + Σ φ = rawScore; score is its sigmoid), with the
   * training covers as background; base = the expected output. Cost O(leaves · depth²) per tree and row.
   */
  explain(x: CsrMatrix): Explanation {
    const trees = this.#fitted();
    checkCsr(x, this.#nCols);
    return treeShap(x, trees, 1, this.#base);
  }

  /**
   * Saabas decision-path contributions: each split on the row's path credits its feature with the
   * change of node value it causes; base + Σ = the same output as `explain`'s, but base is the root
   * value and splits near the leaves are over-credited. Cheap (O(depth) per tree and row); tagged
   * 'tree-shap' only because the Explanation type has no tag of its own for it.
   */
  explainPaths(x: CsrMatrix): Explanation {
    const trees = this.#fitted();
    checkCsr(x, this.#nCols);
    return saabas(x, trees, 1, this.#base);
  }

  toJSON(): DetectorJSON {
    const trees = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options, seed: this.options.seed ?? undefined },
      nCols: this.#nCols,
      base: this.#base,
      trees: trees.map(treeToJSON),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): GradientBoosting {
    const o = checkTag(json, KIND, VERSION);
    const model = new GradientBoosting((o['options'] ?? {}) as GradientBoostingOptions);
    model.#nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    const base = o['base'];
    if (typeof base !== 'number' || !Number.isFinite(base))
      throw new TypeError(`${KIND}: base must be a finite number`);
    model.#base = base;
    model.#trees = treesFromJSON(o['trees'], KIND, model.#nCols);
    return model;
  }

  #fitted(): TreeArrays[] {
    if (this.#trees === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#trees;
  }
}
