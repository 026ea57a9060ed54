/**
 * CART classification tree with the Gini criterion, the model of scikit-learn's
 * `DecisionTreeClassifier(criterion='gini')`, on sparse CSR input: all features considered at every
 * node, or `maxFeatures` of them drawn per node (sklearn's `max_features`, seeded). The builder is
 * `tree.ts` (presorted columns, exact greedy splits, level by level).
 *
 * `maxLeafNodes` (sklearn's `max_leaf_nodes`) is accepted only where it cannot bind, i.e. with
 * maxDepth set and 2^maxDepth ≤ maxLeafNodes: sklearn then grows best-first, but a tree of that
 * depth cannot exceed the budget, so best-first and level-by-level growth split the same nodes. A
 * binding budget would need best-first growth, which the level-by-level builder does not do, so it
 * is refused rather than approximated.
 *
 * Definitions: a node is split when it holds ≥ minSamplesSplit rows, is above maxDepth, is impure,
 * and some threshold leaves ≥ minSamplesLeaf rows on each side; the best split maximises the weighted
 * Gini decrease, even when that decrease is 0 (as sklearn: XOR's root split gains nothing). Ties go to
 * the lowest feature index, then the lowest threshold (sklearn breaks them by its random feature
 * order instead). The score of a row is its leaf's fraction of anomalous training rows.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkSeed, checkTag } from './checks.ts';
import { seededStream } from './seeded-stream.ts';
import { giniParams, growTree } from './tree.ts';
import { saabas, treeShap } from './tree-explain.ts';
import {
  checkMaxDepth,
  checkRowWeights,
  forEachDenseRow,
  leafOf,
  type TreeArrays,
  toSortedCsc,
  treeDepth,
  treeFromJSON,
  treeImportances,
  treeToJSON,
} from './tree-util.ts';

/**
 * How many features a node draws: sklearn's 'sqrt' = max(1, ⌊√p⌋), 'log2' = max(1, ⌊log₂ p⌋),
 * 'all', a count (an integer ≥ 1) or a share of the columns (a number in (0, 1): max(1, ⌊share · p⌋),
 * as sklearn reads a float `max_features`).
 */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

/** Throws a TypeError unless `value` is a `MaxFeatures`. */
export function checkMaxFeatures(value: unknown): MaxFeatures {
  const ok =
    value === 'sqrt' ||
    value === 'log2' ||
    value === 'all' ||
    (typeof value === 'number' && ((Number.isInteger(value) && value >= 1) || (value > 0 && value < 1)));
  if (!ok) {
    throw new TypeError(
      `maxFeatures must be 'sqrt', 'log2', 'all', an integer ≥ 1 or a share in (0, 1) (got ${String(value)})`,
    );
  }
  return value as MaxFeatures;
}

/** The number of features a node draws, for p columns. */
export function featuresPerNode(maxFeatures: MaxFeatures, p: number): number {
  if (maxFeatures === 'all') return p;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  if (maxFeatures < 1) return Math.max(1, Math.floor(maxFeatures * p));
  return Math.min(maxFeatures, p);
}

/** Options of `DecisionTree` (shared by `RandomForest` for its trees). */
export interface DecisionTreeOptions {
  /**
   * Maximum depth (root = depth 0); null grows until leaves are pure or too small to split.
   * @default null
   */
  maxDepth?: number | null;
  /**
   * A node needs at least this many training rows to be split: a row of weight w (`fit`'s row
   * weights) counts as the w rows it stands for; a row a bootstrap drew several times counts once
   * (sklearn's rule).
   * @default 2
   */
  minSamplesSplit?: number;
  /**
   * Every leaf keeps at least this many training rows, counted as for `minSamplesSplit`.
   * @default 1
   */
  minSamplesLeaf?: number;
  /**
   * Features drawn per node (see `MaxFeatures`); anything but 'all' needs `seed`.
   * @default 'all'
   */
  maxFeatures?: MaxFeatures;
  /**
   * Most leaves (sklearn's `max_leaf_nodes`), or null for no limit. Only values that cannot bind
   * (≥ 2^maxDepth) are accepted: see the module comment.
   * @default null
   */
  maxLeafNodes?: number | null;
  /** Seed of the per-node feature draws; required unless maxFeatures is 'all'. */
  seed?: number | string;
}

/** Resolved options: `seed` is null when no draw needs one and none was given. */
export type ResolvedDecisionTreeOptions = Readonly<
  Required<Omit<DecisionTreeOptions, 'seed'>> & { seed: number | string | null }
>;

/** Defaults of `DecisionTreeOptions` (the seed has none). */
export const defaultDecisionTreeOptions = Object.freeze({
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'all',
  maxLeafNodes: null,
}) satisfies Readonly<Required<Omit<DecisionTreeOptions, 'seed'>>>;

/** Throws unless `maxLeafNodes` is null or a budget a tree of `maxDepth` cannot exceed. */
export function checkMaxLeafNodes(value: unknown, maxDepth: number | null, name = 'maxLeafNodes'): number | null {
  if (value === null) return null;
  const n = checkInteger(value, name, 2);
  if (maxDepth === null || 2 ** maxDepth > n) {
    throw new TypeError(
      `${name} ${n} would bind (it needs maxDepth set and 2^maxDepth ≤ ${name}, got maxDepth ${String(maxDepth)}): ` +
        'best-first growth is not implemented, so only a budget the depth already guarantees is accepted',
    );
  }
  return n;
}

/** Resolves and validates options once; the result is frozen. */
export function resolveDecisionTreeOptions(options: DecisionTreeOptions = {}): ResolvedDecisionTreeOptions {
  const o = { ...defaultDecisionTreeOptions, ...options };
  const maxDepth = checkMaxDepth(o.maxDepth);
  const maxFeatures = checkMaxFeatures(o.maxFeatures);
  return Object.freeze({
    maxDepth,
    minSamplesSplit: checkInteger(o.minSamplesSplit, 'minSamplesSplit', 2),
    minSamplesLeaf: checkInteger(o.minSamplesLeaf, 'minSamplesLeaf', 1),
    maxFeatures,
    maxLeafNodes: checkMaxLeafNodes(o.maxLeafNodes, maxDepth),
    seed:
      maxFeatures !== 'all' || options.seed !== undefined
        ? checkSeed(options.seed, 'a decision tree with maxFeatures')
        : null,
  });
}

const KIND = 'decision-tree';
const VERSION = 1;

/** Gini decision tree; `score` = P(anomaly) at the row's leaf, in [0, 1]. */
export class DecisionTree implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: ResolvedDecisionTreeOptions;
  #tree: TreeArrays | null = null;
  #nCols = 0;

  constructor(options: DecisionTreeOptions = {}) {
    this.options = resolveDecisionTreeOptions(options);
  }

  /** The fitted tree's node arrays (read-only views: do not mutate); throws before fit. */
  get tree(): Readonly<TreeArrays> {
    return this.#fitted();
  }

  /** Depth of the deepest leaf (root alone = 0). */
  get depth(): number {
    return treeDepth(this.#fitted());
  }

  /** Mean decrease in Gini impurity per feature, normalised to sum 1 (sklearn's feature_importances_). */
  get featureImportances(): Float64Array {
    return treeImportances(this.#fitted(), this.#nCols);
  }

  /**
   * Fits on `x`; with `weights` (distinct rows and their counts) the tree is the one fitted on the
   * rows repeated that many times: weighted Gini, and minSamplesSplit / minSamplesLeaf counted in
   * repeated rows. Rows of weight 0 are left out.
   */
  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'decision tree');
    const n = x.nRows;
    const w = weights === undefined ? new Float64Array(n).fill(1) : checkRowWeights(weights, labels, KIND, false);
    const wy = Float64Array.from(labels, (y, i) => w[i]! * y);
    const include = w.includes(0) ? Uint8Array.from(w, (v) => (v > 0 ? 1 : 0)) : null;
    const k = featuresPerNode(this.options.maxFeatures, x.nCols);
    const rng = k < x.nCols ? seededStream(`${this.options.seed}:tree`) : null;
    this.#tree = growTree(toSortedCsc(x), w, wy, include, giniParams(this.options, k, rng), w);
    this.#nCols = x.nCols;
  }

  /** Fraction of anomalous training rows in each row's leaf. */
  score(x: CsrMatrix): Float64Array {
    const t = this.#fitted();
    checkCsr(x, this.#nCols);
    const out = new Float64Array(x.nRows);
    forEachDenseRow(x, (i, row) => {
      out[i] = t.value[leafOf(t, row)]!;
    });
    return out;
  }

  /**
   * Exact path-dependent TreeSHAP values in score space (base + Σ φ = score), with the
   * training covers as background; base = the expected output. Cost O(leaves · depth²) per tree and row.
   */
  explain(x: CsrMatrix): Explanation {
    const t = this.#fitted();
    checkCsr(x, this.#nCols);
    return treeShap(x, [t], 1, 0);
  }

  /**
   * Saabas decision-path contributions: each split on the row's path credits its feature with the
   * change of node value it causes; base + Σ = the same output as `explain`'s, but base is the root
   * value and splits near the leaves are over-credited. Cheap (O(depth) per tree and row); tagged
   * 'tree-shap' only because the Explanation type has no tag of its own for it.
   */
  explainPaths(x: CsrMatrix): Explanation {
    const t = this.#fitted();
    checkCsr(x, this.#nCols);
    return saabas(x, [t], 1, 0);
  }

  toJSON(): DetectorJSON {
    const t = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options, seed: this.options.seed ?? undefined },
      nCols: this.#nCols,
      tree: treeToJSON(t),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): DecisionTree {
    const o = checkTag(json, KIND, VERSION);
    const model = new DecisionTree((o['options'] ?? {}) as DecisionTreeOptions);
    model.#nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    model.#tree = treeFromJSON(o['tree'], `${KIND}: tree`, model.#nCols);
    return model;
  }

  #fitted(): TreeArrays {
    if (this.#tree === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#tree;
  }
}
