/**
 * Random forest of Gini trees, the model of scikit-learn's
 * `RandomForestClassifier(n_estimators=100, max_features='sqrt', bootstrap=True)`, on sparse input.
 *
 * Tree t draws its own stream (seedrandom's for `${seed}:tree:${t}`, see `seededStream`): first the bootstrap sample (n rows
 * with replacement, kept as integer sample weights like sklearn), then the features drawn per node
 * (sklearn's rule: `maxFeatures` without replacement, more only if none of them varies in the node).
 * Trees are therefore independent of each other's draws. The columns are presorted once per fit and
 * shared by all trees. The score is the mean over trees of the leaf's weighted anomaly fraction,
 * as sklearn's `predict_proba[:, 1]`.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkLabels, checkSeed, checkTag } from './checks.ts';
import {
  checkMaxFeatures,
  type DecisionTreeOptions,
  featuresPerNode,
  type MaxFeatures,
  resolveDecisionTreeOptions,
} from './decision-tree.ts';
import { giniParams, growTree } from './tree.ts';
import { saabas, treeShap } from './tree-explain.ts';
import {
  checkRowWeights,
  forEachDenseRow,
  leafOf,
  normalise,
  seededStream,
  type TreeArrays,
  toSortedCsc,
  treeImportances,
  treesFromJSON,
  treeToJSON,
} from './tree-util.ts';

export { featuresPerNode, type MaxFeatures } from './decision-tree.ts';

/** Options of `RandomForest`: the tree options plus the ensemble's. */
export interface RandomForestOptions extends DecisionTreeOptions {
  /**
   * Number of trees.
   * @default 100
   */
  nEstimators?: number;
  /**
   * Features drawn per node ('all' = plain bagging; a share in (0, 1) of the columns, as sklearn's
   * float). A count above the number of columns means all.
   * @default 'sqrt'
   */
  maxFeatures?: MaxFeatures;
  /**
   * Fit each tree on a bootstrap sample (n rows drawn with replacement); false = all rows.
   * @default true
   */
  bootstrap?: boolean;
  /** Seed of every random draw (bootstrap and features). Required: there is no default. */
  seed: number | string;
}

/** Defaults of `RandomForestOptions` (everything but the seed). */
export const defaultRandomForestOptions = Object.freeze({
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxLeafNodes: null,
  nEstimators: 100,
  maxFeatures: 'sqrt',
  bootstrap: true,
}) satisfies Readonly<Omit<Required<RandomForestOptions>, 'seed'>>;

/** Resolves and validates options once; the result is frozen. */
export function resolveRandomForestOptions(options: RandomForestOptions): Readonly<Required<RandomForestOptions>> {
  const o = { ...defaultRandomForestOptions, ...options };
  const seed = checkSeed(options?.seed, 'random forest');
  const maxFeatures = checkMaxFeatures(o.maxFeatures);
  if (typeof o.bootstrap !== 'boolean') throw new TypeError(`bootstrap must be a boolean (got ${String(o.bootstrap)})`);
  // The tree-shape options; the forest draws its own features, so the tree's draw options stay out.
  const tree = resolveDecisionTreeOptions({
    maxDepth: o.maxDepth,
    minSamplesSplit: o.minSamplesSplit,
    minSamplesLeaf: o.minSamplesLeaf,
    maxLeafNodes: o.maxLeafNodes,
  });
  return Object.freeze({
    maxDepth: tree.maxDepth,
    minSamplesSplit: tree.minSamplesSplit,
    minSamplesLeaf: tree.minSamplesLeaf,
    maxLeafNodes: tree.maxLeafNodes,
    nEstimators: checkInteger(o.nEstimators, 'nEstimators', 1),
    maxFeatures,
    bootstrap: o.bootstrap,
    seed,
  });
}

const KIND = 'random-forest';
const VERSION = 1;

/** Random forest detector; `score` = mean leaf P(anomaly) over the trees, in [0, 1]. */
export class RandomForest implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<RandomForestOptions>>;
  #trees: TreeArrays[] | null = null;
  #nCols = 0;

  constructor(options: RandomForestOptions) {
    this.options = resolveRandomForestOptions(options);
  }

  /** The fitted trees (do not mutate); throws before fit. */
  get trees(): readonly Readonly<TreeArrays>[] {
    return this.#fitted();
  }

  /** Mean over trees of each tree's normalised Gini importances, renormalised (sklearn's rule). */
  get featureImportances(): Float64Array {
    const trees = this.#fitted();
    const imp = new Float64Array(this.#nCols);
    for (const t of trees) {
      const ti = treeImportances(t, this.#nCols);
      for (let j = 0; j < imp.length; j++) imp[j]! += ti[j]! / trees.length;
    }
    return normalise(imp);
  }

  /**
   * Fits the forest; with `weights` (distinct rows and their whole-number counts) it is the forest
   * fitted on the rows repeated that many times, copies adjacent: each bootstrap draws Σw times from
   * the repeated rows and each draw lands in its distinct row by cumulative counts, so the random
   * stream and every tree are the repeated fit's.
   */
  fit(x: CsrMatrix, labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    checkLabels(x, labels, 'random forest');
    const { nEstimators, bootstrap, seed } = this.options;
    const n = x.nRows;
    const rowWeights =
      weights === undefined ? new Float64Array(n).fill(1) : checkRowWeights(weights, labels, KIND, bootstrap);
    const csc = toSortedCsc(x);
    const maxFeatures = featuresPerNode(this.options.maxFeatures, x.nCols);
    const trees: TreeArrays[] = [];
    // Expanded rows: repeated row e belongs to distinct row i for start[i] ≤ e < start[i + 1].
    const start = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) start[i + 1] = start[i]! + rowWeights[i]!;
    const expanded = start[n]!;
    const drawn = bootstrap ? new Int32Array(expanded) : null;
    // w: bootstrap weight (draws landing on the row's copies); c: copies drawn at least once, the
    // rows minSamplesLeaf counts (sklearn counts a row drawn twice once).
    const w = new Float64Array(n);
    const c = new Float64Array(n);
    const wy = new Float64Array(n);
    const include = new Uint8Array(n);
    for (let t = 0; t < nEstimators; t++) {
      const rng = seededStream(`${seed}:tree:${t}`);
      if (drawn !== null) {
        drawn.fill(0);
        for (let k = 0; k < expanded; k++) drawn[Math.floor(rng() * expanded)]!++;
        for (let i = 0; i < n; i++) {
          let sum = 0;
          let hit = 0;
          for (let e = start[i]!; e < start[i + 1]!; e++) {
            sum += drawn[e]!;
            if (drawn[e]! > 0) hit++;
          }
          w[i] = sum;
          c[i] = hit;
        }
      } else {
        w.set(rowWeights);
        c.set(rowWeights);
      }
      for (let i = 0; i < n; i++) {
        wy[i] = w[i]! * labels[i]!;
        include[i] = w[i]! > 0 ? 1 : 0;
      }
      trees.push(growTree(csc, w, wy, include, giniParams(this.options, maxFeatures, rng), c));
    }
    this.#trees = trees;
    this.#nCols = x.nCols;
  }

  /** Mean over trees of the leaf's anomaly fraction. */
  score(x: CsrMatrix): Float64Array {
    const trees = this.#fitted();
    checkCsr(x, this.#nCols);
    const out = new Float64Array(x.nRows);
    forEachDenseRow(x, (i, row) => {
      let s = 0;
      for (const t of trees) s += t.value[leafOf(t, row)]!;
      out[i] = s / trees.length;
    });
    return out;
  }

  /**
   * Exact path-dependent TreeSHAP values in score space (base + Σ φ = score), with the
   * training covers as background; base = the expected output. Cost O(leaves · depth²) per tree and row.
   */
  explain(x: CsrMatrix): Explanation {
    const trees = this.#fitted();
    checkCsr(x, this.#nCols);
    return treeShap(x, trees, 1 / trees.length, 0);
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
    return saabas(x, trees, 1 / trees.length, 0);
  }

  toJSON(): DetectorJSON {
    const trees = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      nCols: this.#nCols,
      trees: trees.map(treeToJSON),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): RandomForest {
    const o = checkTag(json, KIND, VERSION);
    const model = new RandomForest((o['options'] ?? {}) as RandomForestOptions);
    model.#nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 0);
    model.#trees = treesFromJSON(o['trees'], KIND, model.#nCols);
    return model;
  }

  #fitted(): TreeArrays[] {
    if (this.#trees === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#trees;
  }
}
