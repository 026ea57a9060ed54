/**
 * Random forest of Gini trees, the model of scikit-learn's
 * `RandomForestClassifier(n_estimators=100, max_features='sqrt', bootstrap=True)`, on sparse input.
 *
 * Tree t draws its own stream (seedrandom's for `${seed}:tree:${t}`, see `SeededStream`): first the bootstrap sample (n rows
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
import { SeededStream } from './seeded-stream.ts';
import { giniParams, growTree } from './tree.ts';
import { saabas, treeShap } from './tree-explain.ts';
import {
  checkRowWeights,
  forEachDenseRow,
  leafOf,
  normalise,
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
    const resample = bootstrap ? new ExpandedBootstrap(rowWeights) : null;
    // w: bootstrap weight (draws landing on the row's copies); c: copies drawn at least once, the
    // rows minSamplesLeaf counts (sklearn counts a row drawn twice once).
    const w = new Float64Array(n);
    const c = new Float64Array(n);
    const wy = new Float64Array(n);
    const include = new Uint8Array(n);
    for (let t = 0; t < nEstimators; t++) {
      const stream = new SeededStream(`${seed}:tree:${t}`);
      if (resample !== null) {
        resample.draw(stream, w, c);
      } else {
        w.set(rowWeights);
        c.set(rowWeights);
      }
      for (let i = 0; i < n; i++) {
        wy[i] = w[i]! * labels[i]!;
        include[i] = w[i]! > 0 ? 1 : 0;
      }
      trees.push(
        growTree(
          csc,
          w,
          wy,
          include,
          giniParams(this.options, maxFeatures, () => stream.next()),
          c,
        ),
      );
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

/** Copies per bucket of the counting pass, log2: a bucket's counts (16 KB) stay in the L1 cache. */
const BUCKET_BITS = 12;
/** Doubles drawn per `SeededStream.fill` call. */
const CHUNK = 4096;

/**
 * The bootstrap of a weighted fit as the fit on the expanded rows draws it: Σw draws of
 * ⌊u · Σw⌋ over the expanded rows (row i's copies at [start[i], start[i + 1])), reduced per
 * distinct row to the draws landing on its copies and the copies drawn at least once.
 *
 * Counting ≈800k draws straight into an array over the expanded rows misses the cache on nearly
 * every draw. The draws are first sorted into buckets of 2^BUCKET_BITS consecutive copies by a
 * counting sort (sequential reads and writes), then each bucket is counted in a small window and
 * its copies credited to their rows.
 */
class ExpandedBootstrap {
  readonly #start: Int32Array;
  readonly #expanded: number;
  /** Draw k's expanded row. */
  readonly #target: Int32Array;
  /** The draws' offsets in their bucket, bucket by bucket. */
  readonly #offset: Uint16Array;
  /** Draws per bucket, then where each bucket's draws end in #offset. */
  readonly #bucketEnd: Int32Array;
  /** Draws per copy of the bucket being counted; left all 0 between buckets. */
  readonly #window = new Int32Array(1 << BUCKET_BITS);
  readonly #chunk = new Float64Array(CHUNK);

  constructor(rowWeights: Float64Array) {
    const n = rowWeights.length;
    let expanded = 0;
    for (let i = 0; i < n; i++) expanded += rowWeights[i]!;
    if (expanded >= 2 ** 31) throw new RangeError(`${KIND}: the row weights sum to 2^31 rows or more`);
    this.#expanded = expanded;
    this.#start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.#start[i + 1] = this.#start[i]! + rowWeights[i]!;
    this.#target = new Int32Array(expanded);
    this.#offset = new Uint16Array(expanded);
    this.#bucketEnd = new Int32Array((expanded >>> BUCKET_BITS) + 2);
  }

  /** Draws one bootstrap from `stream` (exactly Σw doubles); w[i]: draws on row i's copies, c[i]: copies hit. */
  draw(stream: SeededStream, w: Float64Array, c: Float64Array): void {
    this.#drawTargets(stream);
    this.#sortIntoBuckets();
    this.#countPerRow(w, c);
  }

  /** Each draw's expanded row, in stream order, and the number of draws per bucket. */
  #drawTargets(stream: SeededStream): void {
    const expanded = this.#expanded;
    const target = this.#target;
    const perBucket = this.#bucketEnd;
    perBucket.fill(0);
    for (let k = 0; k < expanded; k += CHUNK) {
      const u = this.#chunk.subarray(0, Math.min(CHUNK, expanded - k));
      stream.fill(u);
      for (let q = 0; q < u.length; q++) {
        const e = Math.floor(u[q]! * expanded);
        target[k + q] = e;
        perBucket[(e >>> BUCKET_BITS) + 1]!++;
      }
    }
  }

  /** Counting sort of the draws by bucket, keeping each one's offset in its bucket; #bucketEnd[b] ends up at bucket b's end. */
  #sortIntoBuckets(): void {
    const target = this.#target;
    const offset = this.#offset;
    const at = this.#bucketEnd;
    for (let b = 1; b < at.length; b++) at[b]! += at[b - 1]!;
    const mask = (1 << BUCKET_BITS) - 1;
    for (let k = 0; k < target.length; k++) {
      const e = target[k]!;
      offset[at[e >>> BUCKET_BITS]!++] = e & mask;
    }
  }

  /** Per bucket: its draws counted per copy in the window, then the copies credited to their rows (w, c). */
  #countPerRow(w: Float64Array, c: Float64Array): void {
    const start = this.#start;
    const offset = this.#offset;
    const end = this.#bucketEnd;
    const counts = this.#window;
    w.fill(0);
    c.fill(0);
    let k = 0;
    let row = 0;
    for (let b = 0; b < end.length - 1; b++) {
      for (const stop = end[b]!; k < stop; k++) counts[offset[k]!]!++;
      const base = b << BUCKET_BITS;
      const last = Math.min(base + counts.length, this.#expanded);
      for (let e = base; e < last; ) {
        while (start[row + 1]! <= e) row++;
        const rowEnd = Math.min(start[row + 1]!, last);
        let sum = 0;
        let hit = 0;
        for (; e < rowEnd; e++) {
          const d = counts[e - base]!;
          counts[e - base] = 0;
          sum += d;
          // 1 when d > 0 (d ≥ 0): a third of the copies are missed, too many for a predicted branch.
          hit += -d >>> 31;
        }
        w[row]! += sum;
        c[row]! += hit;
      }
    }
  }
}
