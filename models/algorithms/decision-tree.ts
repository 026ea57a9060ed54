/**
 * CART classification tree with the Gini criterion, the model of scikit-learn's
 * `DecisionTreeClassifier(criterion='gini')` with all features considered at every node, on sparse
 * CSR input. The builder is `tree.ts` (presorted columns, exact greedy splits, level by level).
 *
 * Definitions: a node is split when it holds ≥ minSamplesSplit rows, is above maxDepth, is impure,
 * and some threshold leaves ≥ minSamplesLeaf rows on each side; the best split maximises the weighted
 * Gini decrease, even when that decrease is 0 (as sklearn: XOR's root split gains nothing). Ties go to
 * the lowest feature index, then the lowest threshold (sklearn breaks them by its random feature
 * order instead). The score of a row is its leaf's fraction of anomalous training rows.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkTag } from './checks.ts';
import { giniParams, growTree } from './tree.ts';
import { saabas, treeShap } from './tree-explain.ts';
import {
  checkMaxDepth,
  forEachDenseRow,
  leafOf,
  type TreeArrays,
  toSortedCsc,
  treeDepth,
  treeFromJSON,
  treeImportances,
  treeToJSON,
} from './tree-util.ts';

/** Options of `DecisionTree` (shared by `RandomForest` for its trees). */
export interface DecisionTreeOptions {
  /**
   * Maximum depth (root = depth 0); null grows until leaves are pure or too small to split.
   * @default null
   */
  maxDepth?: number | null;
  /**
   * A node needs at least this many (distinct) training rows to be split.
   * @default 2
   */
  minSamplesSplit?: number;
  /**
   * Every leaf keeps at least this many (distinct) training rows.
   * @default 1
   */
  minSamplesLeaf?: number;
}

/** Defaults of `DecisionTreeOptions`. */
export const defaultDecisionTreeOptions: Readonly<Required<DecisionTreeOptions>> = Object.freeze({
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveDecisionTreeOptions(options: DecisionTreeOptions = {}): Readonly<Required<DecisionTreeOptions>> {
  const o = { ...defaultDecisionTreeOptions, ...options };
  return Object.freeze({
    maxDepth: checkMaxDepth(o.maxDepth),
    minSamplesSplit: checkInteger(o.minSamplesSplit, 'minSamplesSplit', 2),
    minSamplesLeaf: checkInteger(o.minSamplesLeaf, 'minSamplesLeaf', 1),
  });
}

const KIND = 'decision-tree';
const VERSION = 1;

/** Gini decision tree; `score` = P(anomaly) at the row's leaf, in [0, 1]. */
export class DecisionTree implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly options: Readonly<Required<DecisionTreeOptions>>;
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

  fit(x: CsrMatrix, labels: Uint8Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'decision tree');
    const w = new Float64Array(x.nRows).fill(1);
    const wy = Float64Array.from(labels);
    this.#tree = growTree(toSortedCsc(x), w, wy, null, giniParams(this.options, x.nCols, null));
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
    return { kind: KIND, version: VERSION, options: { ...this.options }, nCols: this.#nCols, tree: treeToJSON(t) };
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
