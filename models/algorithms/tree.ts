/**
 * The tree builder shared by the decision tree, random forest and gradient boosting: exact greedy
 * splits on sparse input, grown level by level (breadth first).
 *
 * Each row carries two statistics (a_r, b_r): (sample weight, weight·y) for Gini trees and
 * (hessian, gradient) for Newton trees. A node's criterion score is
 *   Gini:   (B² + (A − B)²) / A        so score_L + score_R − score_P = weighted Gini decrease;
 *   Newton: B² / (A + λ)                (xgboost: gain = ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]).
 * Each row also has a count c_r, the training rows it stands for (1; the row weight when a fit
 * takes distinct rows with counts; the copies a bootstrap or subsample kept), the unit of node
 * sizes and leaf minimums. Equal rows never part, so a row of count k splits like its k copies.
 *
 * Why level by level: the columns are presorted once (`toSortedCsc`), and one pass over a column
 * serves every open node of the level at once (each row knows its node's slot; see `tree-split.ts`),
 * so a level costs O(stored entries of the working columns) and no node ever sorts. Entries of rows
 * in finished nodes are compacted out once the open rows drop below 70 % of the last compaction's.
 * Deep, unbalanced trees (a long chain of small splits) still pay one pass per level, as sklearn's
 * depth-first splitter pays one pass per node.
 *
 * Determinism: columns are scanned in ascending order and a candidate replaces the best only when
 * its gain is larger by more than a relative 1e-12, so among equally good splits the lowest feature
 * index wins, and within one feature the lowest threshold. Thresholds are midpoints between
 * consecutive distinct values (sklearn's rule), and a row goes left iff x ≤ threshold.
 */
import { type SplitRules, SplitSearch, WorkingColumns } from './tree-split.ts';
import type { SortedCsc, TreeArrays } from './tree-util.ts';

/** How one tree is grown (already validated by the model that calls `growTree`). */
export interface GrowParams {
  criterion: 'gini' | 'newton';
  /** Infinity = unlimited. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Newton only: minimum hessian sum per child (xgboost's min_child_weight). */
  minChildWeight: number;
  /** Newton only: L2 penalty on leaf weights. */
  lambda: number;
  /** Newton only: a split needs gain > max(gamma, 1e-6) (xgboost's min_split_loss and kRtEps). */
  gamma: number;
  /** Multiplies Newton leaf weights (the learning rate). */
  leafScale: number;
  /** Features drawn per node; ≥ nCols = all, no draws. */
  maxFeatures: number;
  /** Needed when maxFeatures < nCols. */
  rng: (() => number) | null;
  /**
   * The columns this tree may split on (1 = allowed), or null for all: xgboost's per-tree column
   * sample. Only with maxFeatures ≥ nCols (no per-node draws).
   */
  columns?: Uint8Array | null;
}

/**
 * Growth settings of a CART classification tree (decision tree, random forest): Gini criterion,
 * `maxDepth` null = unlimited, the Newton-only knobs neutral.
 */
export function giniParams(
  options: { maxDepth: number | null; minSamplesSplit: number; minSamplesLeaf: number },
  maxFeatures: number,
  rng: (() => number) | null,
): GrowParams {
  return {
    criterion: 'gini',
    maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: options.minSamplesSplit,
    minSamplesLeaf: options.minSamplesLeaf,
    minChildWeight: 0,
    lambda: 0,
    gamma: 0,
    leafScale: 1,
    maxFeatures,
    rng,
  };
}

const NEWTON_MIN_GAIN = 1e-6;

/**
 * Grows one tree over the rows with `include[r] = 1` (all rows if null), statistics `a`, `b`;
 * `counts[r]` (> 0 for included rows; all 1 if null) is how many training rows row r stands for,
 * the unit of minSamplesSplit and minSamplesLeaf.
 * Per-node feature subsampling follows sklearn's splitter: `maxFeatures` features are drawn without
 * replacement; if none of them varies within the node, draws continue until one does.
 */
export function growTree(
  csc: SortedCsc,
  a: Float64Array,
  b: Float64Array,
  include: Uint8Array | null,
  p: GrowParams,
  counts: Float64Array | null = null,
): TreeArrays {
  const { nRows, nCols } = csc;
  const gini = p.criterion === 'gini';
  const rules: SplitRules = {
    gini,
    lambda: p.lambda,
    minSamplesLeaf: p.minSamplesLeaf,
    minChildWeight: gini ? 0 : p.minChildWeight,
  };
  const nodeValue = (sa: number, sb: number): number => (gini ? sb / sa : (-sb / (sa + p.lambda)) * p.leafScale);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const cover: number[] = [];
  const gain: number[] = [];
  const addNode = (sa: number, sb: number): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(nodeValue(sa, sb));
    cover.push(sa);
    gain.push(0);
    return feature.length - 1;
  };
  const splittable = (depth: number, n: number, sa: number, sb: number): boolean =>
    depth < p.maxDepth &&
    n >= p.minSamplesSplit &&
    n >= 2 * p.minSamplesLeaf &&
    (gini ? sb > 0 && sb < sa : sa >= 2 * p.minChildWeight);
  const finish = (): TreeArrays => ({
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    cover: Float64Array.from(cover),
    gain: Float64Array.from(gain),
  });

  const c = counts ?? new Float64Array(nRows).fill(1);
  const rowSlot = new Int32Array(nRows).fill(-1);
  let tA = 0;
  let tB = 0;
  let tN = 0;
  let tRows = 0;
  for (let r = 0; r < nRows; r++) {
    if (include !== null && include[r] === 0) continue;
    tA += a[r]!;
    tB += b[r]!;
    tN += c[r]!;
    tRows++;
  }
  addNode(tA, tB);
  if (!splittable(0, tN, tA, tB)) return finish();
  // The rows still in open nodes, so per-level bookkeeping skips settled ones.
  let active = new Int32Array(tRows);
  for (let r = 0, q = 0; r < nRows; r++) {
    if (include === null || include[r] === 1) {
      rowSlot[r] = 0;
      active[q++] = r;
    }
  }
  const next = new Int32Array(nRows).fill(-1);
  // Per-slot (open node of the current level) state.
  let slotNode = [0];
  let sA = [tA];
  let sB = [tB];
  let sN = [tN];
  const all = p.maxFeatures >= nCols;
  const columns = p.columns ?? null;
  if (columns !== null && !all) throw new TypeError('growTree: a column sample excludes per-node feature draws');
  const cols = new WorkingColumns(csc, columns);
  // nRows, not tRows: rows left out (bootstrap, subsample) are dropped by the first compaction.
  let rowsAtCompaction = nRows;
  const perm = Int32Array.from({ length: all ? 0 : nCols }, (_, j) => j);

  for (let depth = 0; slotNode.length > 0; depth++) {
    const S = slotNode.length;
    const search = new SplitSearch(rules, a, b, c, sA, sB, sN);
    if (all) {
      for (let j = 0; j < nCols; j++) {
        if (cols.colPtr[j + 1]! > cols.colPtr[j]! && (columns === null || columns[j] === 1)) {
          search.scanColumn(cols, rowSlot, j, false);
        }
      }
    } else {
      // sklearn's draw: a uniform k-subset of all features per node (partial Fisher–Yates).
      const k = p.maxFeatures;
      const pairs = new Int32Array(2 * S * k);
      for (let s = 0, q = 0; s < S; s++) {
        for (let t = 0; t < k; t++) {
          const u = t + Math.floor(p.rng!() * (nCols - t));
          const f = perm[u]!;
          perm[u] = perm[t]!;
          perm[t] = f;
          pairs[q++] = s;
          pairs[q++] = f;
        }
      }
      search.scanPairs(cols, rowSlot, pairs);
      const extra = search.fallback(csc.csr, active, rowSlot, p.rng!);
      if (extra.length > 0) search.scanPairs(cols, rowSlot, extra);
    }

    // Turn slots into internal nodes or leaves; open the children that can still split.
    const { bestFeat, bestThr, bestGain, bestLA, bestLB, bestLN } = search;
    const nextNode: number[] = [];
    const nextA: number[] = [];
    const nextB: number[] = [];
    const nextN: number[] = [];
    const childSlot = new Int32Array(2 * S).fill(-1);
    const zeroSide = new Int32Array(S).fill(-1);
    const usedFeatures = new Set<number>();
    for (let s = 0; s < S; s++) {
      const f = bestFeat[s]!;
      if (f < 0 || (!gini && !(bestGain[s]! / 2 > Math.max(p.gamma, NEWTON_MIN_GAIN)))) continue;
      const node = slotNode[s]!;
      const children = [
        [bestLA[s]!, bestLB[s]!, bestLN[s]!],
        [sA[s]! - bestLA[s]!, sB[s]! - bestLB[s]!, sN[s]! - bestLN[s]!],
      ] as const;
      const ids = children.map(([ca, cb, cn], side) => {
        const id = addNode(ca, cb);
        if (splittable(depth + 1, cn, ca, cb)) {
          childSlot[2 * s + side] = nextNode.length;
          nextNode.push(id);
          nextA.push(ca);
          nextB.push(cb);
          nextN.push(cn);
        }
        return id;
      });
      feature[node] = f;
      threshold[node] = bestThr[s]!;
      left[node] = ids[0]!;
      right[node] = ids[1]!;
      gain[node] = gini ? bestGain[s]! : bestGain[s]! / 2;
      zeroSide[s] = 0 <= bestThr[s]! ? 0 : 1;
      usedFeatures.add(f);
    }
    // Rows move to a child slot (−1 once settled): zeros by the threshold, stored values by a column pass.
    for (let q = 0; q < active.length; q++) {
      const r = active[q]!;
      const s = rowSlot[r]!;
      next[r] = zeroSide[s]! >= 0 ? childSlot[2 * s + zeroSide[s]!]! : -1;
    }
    const { colPtr, rows, vals } = cols;
    for (const f of usedFeatures) {
      const end = colPtr[f + 1]!;
      for (let k = colPtr[f]!; k < end; k++) {
        const r = rows[k]!;
        const s = rowSlot[r]!;
        if (s >= 0 && bestFeat[s] === f && zeroSide[s]! >= 0) {
          next[r] = childSlot[2 * s + (vals[k]! <= bestThr[s]! ? 0 : 1)]!;
        }
      }
    }
    let activeRows = 0;
    for (let q = 0; q < active.length; q++) {
      const r = active[q]!;
      rowSlot[r] = next[r]!;
      if (rowSlot[r]! >= 0) active[activeRows++] = r;
    }
    active = active.subarray(0, activeRows);
    slotNode = nextNode;
    sA = nextA;
    sB = nextB;
    sN = nextN;
    if (activeRows < 0.7 * rowsAtCompaction) {
      cols.compact(rowSlot);
      rowsAtCompaction = activeRows;
    }
  }
  return finish();
}
