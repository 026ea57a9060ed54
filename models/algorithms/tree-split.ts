/**
 * The split search of one level of `tree.ts`: one pass over a presorted column evaluates every
 * threshold of that column for all open nodes ("slots") of the level at once.
 *
 * Per slot and column, the stored negatives are scanned ascending (left sums), the stored positives
 * descending (right sums), and the implicit zero block sits between them; its sums are the node's
 * totals minus both, so zeros are never visited. A row is in slot `rowSlot[r]` (−1 = settled).
 */
import type { CsrMatrix } from '../types.ts';
import type { SortedCsc } from './tree-util.ts';

/**
 * The builder's view of the presorted columns, shrunk as rows settle into leaves. It reads the
 * shared presort until the first compaction, which copies the entries still needed into arrays of
 * its own (passes skip rows outside the tree, rowSlot < 0, so the copy can wait until enough of
 * them have settled or were never in: bootstrap and subsample leave rows out).
 */
export class WorkingColumns {
  colPtr: Int32Array;
  posStart: Int32Array;
  rows: Int32Array;
  vals: Float64Array;
  readonly #columns: Uint8Array | null;
  #owned = false;

  /** `columns[j] = 0` drops column j at the first compaction (null: keep all). */
  constructor(csc: SortedCsc, columns: Uint8Array | null = null) {
    this.colPtr = csc.colPtr;
    this.posStart = csc.posStart;
    this.rows = csc.rows;
    this.vals = csc.values;
    this.#columns = columns;
  }

  /** Drops the entries of settled rows (rowSlot < 0), keeping each column's order; in place once owned. */
  compact(rowSlot: Int32Array): void {
    const { colPtr, posStart, rows, vals } = this;
    const nCols = posStart.length;
    const columns = this.#columns;
    const out = this.#owned
      ? { colPtr, posStart, rows, vals }
      : {
          colPtr: new Int32Array(nCols + 1),
          posStart: new Int32Array(nCols),
          rows: new Int32Array(rows.length),
          vals: new Float64Array(rows.length),
        };
    let w = 0;
    let start = colPtr[0]!;
    for (let j = 0; j < nCols; j++) {
      const end = colPtr[j + 1]!;
      const mid = posStart[j]!;
      out.colPtr[j] = w;
      out.posStart[j] = w;
      if (columns === null || columns[j] === 1) {
        for (let k = start; k < end; k++) {
          if (k === mid) out.posStart[j] = w;
          if (rowSlot[rows[k]!]! < 0) continue;
          out.rows[w] = rows[k]!;
          out.vals[w++] = vals[k]!;
        }
        if (mid === end) out.posStart[j] = w;
      }
      start = end;
    }
    out.colPtr[nCols] = w;
    this.colPtr = out.colPtr;
    this.posStart = out.posStart;
    this.rows = out.rows.subarray(0, w);
    this.vals = out.vals.subarray(0, w);
    this.#owned = true;
  }
}

/** Criterion and limits the search needs. */
export interface SplitRules {
  gini: boolean;
  lambda: number;
  minSamplesLeaf: number;
  minChildWeight: number;
}

/** Gini: (B² + (A − B)²)/A; Newton: B²/(A + λ). Children minus parent = the split's gain (×½ for Newton). */
export function nodeScore(rules: SplitRules, sa: number, sb: number): number {
  if (rules.gini) return sa > 0 ? (sb * sb + (sa - sb) * (sa - sb)) / sa : 0;
  return (sb * sb) / (sa + rules.lambda);
}

/**
 * Best split per slot of one level; statistics a (weight or hessian) and b (weight·y or gradient),
 * and c, how many training rows each row counts for (1, or its count when fitting distinct rows
 * with counts), which minSamplesLeaf and the slot sizes sN are measured in.
 */
export class SplitSearch {
  readonly bestGain: Float64Array;
  readonly bestFeat: Int32Array;
  readonly bestThr: Float64Array;
  readonly bestLA: Float64Array;
  readonly bestLB: Float64Array;
  readonly bestLN: Float64Array;
  /** 1 once some scanned feature took two distinct values in the slot (valid split or not). */
  readonly varies: Uint8Array;
  readonly want: Int32Array;
  readonly #parent: Float64Array;
  readonly #seen: Int32Array;
  readonly #touched: Int32Array;
  readonly #nA: Float64Array;
  readonly #nB: Float64Array;
  readonly #nN: Float64Array;
  readonly #nLast: Float64Array;
  readonly #pA: Float64Array;
  readonly #pB: Float64Array;
  readonly #pN: Float64Array;
  readonly #pLast: Float64Array;
  #stamp = 0;

  constructor(
    readonly rules: SplitRules,
    readonly a: Float64Array,
    readonly b: Float64Array,
    readonly c: Float64Array,
    readonly sA: readonly number[],
    readonly sB: readonly number[],
    readonly sN: readonly number[],
  ) {
    const S = sA.length;
    this.bestGain = new Float64Array(S).fill(Number.NEGATIVE_INFINITY);
    this.bestFeat = new Int32Array(S).fill(-1);
    this.bestThr = new Float64Array(S);
    this.bestLA = new Float64Array(S);
    this.bestLB = new Float64Array(S);
    this.bestLN = new Float64Array(S);
    this.varies = new Uint8Array(S);
    this.want = new Int32Array(S).fill(-1);
    this.#parent = Float64Array.from(sA, (sa, s) => nodeScore(rules, sa, sB[s]!));
    this.#seen = new Int32Array(S).fill(-1);
    this.#touched = new Int32Array(S);
    this.#nA = new Float64Array(S);
    this.#nB = new Float64Array(S);
    this.#nN = new Float64Array(S);
    this.#nLast = new Float64Array(S);
    this.#pA = new Float64Array(S);
    this.#pB = new Float64Array(S);
    this.#pN = new Float64Array(S);
    this.#pLast = new Float64Array(S);
  }

  /**
   * Offers "left = (lA, lB, lN), threshold between lo and hi" for slot s on feature j. Replaces the
   * best only when better by a relative 1e-12, or as good on the same feature with a lower threshold:
   * with features scanned in ascending order, ties go to the lowest feature, then threshold.
   */
  evaluate(s: number, lA: number, lB: number, lN: number, lo: number, hi: number, j: number): void {
    this.varies[s] = 1;
    const { rules } = this;
    const rN = this.sN[s]! - lN;
    if (lN < rules.minSamplesLeaf || rN < rules.minSamplesLeaf) return;
    const rA = this.sA[s]! - lA;
    if (!rules.gini && (lA < rules.minChildWeight || rA < rules.minChildWeight)) return;
    const parent = this.#parent[s]!;
    const gain = nodeScore(rules, lA, lB) + nodeScore(rules, rA, this.sB[s]! - lB) - parent;
    // sklearn's midpoint, falling back to the lower value when rounding reaches the upper one.
    let thr = lo / 2 + hi / 2;
    if (thr >= hi || !Number.isFinite(thr)) thr = lo;
    const best = this.bestGain[s]!;
    const tol = 1e-12 * (Math.abs(parent) + 1);
    if (gain > best + tol || (gain >= best - tol && j === this.bestFeat[s] && thr < this.bestThr[s]!)) {
      this.bestGain[s] = gain;
      this.bestFeat[s] = j;
      this.bestThr[s] = thr;
      this.bestLA[s] = lA;
      this.bestLB[s] = lB;
      this.bestLN[s] = lN;
    }
  }

  /** One pass over column j for the slots with `want[s] === j` (every slot if not `filtered`). */
  scanColumn(cols: WorkingColumns, rowSlot: Int32Array, j: number, filtered: boolean): void {
    const { a, b, c, sA, sB, sN, want } = this;
    const seen = this.#seen;
    const touched = this.#touched;
    const nA = this.#nA;
    const nB = this.#nB;
    const nN = this.#nN;
    const nLast = this.#nLast;
    const pA = this.#pA;
    const pB = this.#pB;
    const pN = this.#pN;
    const pLast = this.#pLast;
    const { rows, vals } = cols;
    const id = this.#stamp++;
    let nt = 0;
    const start = cols.colPtr[j]!;
    const mid = cols.posStart[j]!;
    const end = cols.colPtr[j + 1]!;
    for (let k = start; k < mid; k++) {
      const r = rows[k]!;
      const s = rowSlot[r]!;
      if (s < 0 || (filtered && want[s] !== j)) continue;
      if (seen[s] !== id) {
        seen[s] = id;
        touched[nt++] = s;
        nA[s] = nB[s] = pA[s] = pB[s] = nN[s] = pN[s] = 0;
      }
      const v = vals[k]!;
      if (nN[s]! > 0 && v > nLast[s]!) this.evaluate(s, nA[s]!, nB[s]!, nN[s]!, nLast[s]!, v, j);
      nA[s]! += a[r]!;
      nB[s]! += b[r]!;
      nN[s]! += c[r]!;
      nLast[s] = v;
    }
    for (let k = end - 1; k >= mid; k--) {
      const r = rows[k]!;
      const s = rowSlot[r]!;
      if (s < 0 || (filtered && want[s] !== j)) continue;
      if (seen[s] !== id) {
        seen[s] = id;
        touched[nt++] = s;
        nA[s] = nB[s] = pA[s] = pB[s] = nN[s] = pN[s] = 0;
      }
      const v = vals[k]!;
      if (pN[s]! > 0 && v < pLast[s]!)
        this.evaluate(s, sA[s]! - pA[s]!, sB[s]! - pB[s]!, sN[s]! - pN[s]!, v, pLast[s]!, j);
      pA[s]! += a[r]!;
      pB[s]! += b[r]!;
      pN[s]! += c[r]!;
      pLast[s] = v;
    }
    // The boundaries around the zero block (or between negatives and positives when it is empty).
    for (let t = 0; t < nt; t++) {
      const s = touched[t]!;
      const zeroN = sN[s]! - nN[s]! - pN[s]!;
      if (nN[s]! > 0 && (zeroN > 0 || pN[s]! > 0)) {
        this.evaluate(s, nA[s]!, nB[s]!, nN[s]!, nLast[s]!, zeroN > 0 ? 0 : pLast[s]!, j);
      }
      if (pN[s]! > 0 && zeroN > 0) this.evaluate(s, sA[s]! - pA[s]!, sB[s]! - pB[s]!, sN[s]! - pN[s]!, 0, pLast[s]!, j);
    }
  }

  /** Scans the (slot, feature) pairs `[s0, f0, s1, f1, …]`, one pass per feature, in ascending feature order. */
  scanPairs(cols: WorkingColumns, rowSlot: Int32Array, pairs: Int32Array | number[]): void {
    const nCols = cols.posStart.length;
    const count = new Int32Array(nCols + 1);
    for (let t = 1; t < pairs.length; t += 2) count[pairs[t]! + 1]!++;
    for (let j = 0; j < nCols; j++) count[j + 1]! += count[j]!;
    const slots = new Int32Array(pairs.length / 2);
    const fill = count.slice(0, nCols);
    for (let t = 0; t < pairs.length; t += 2) slots[fill[pairs[t + 1]!]!++] = pairs[t]!;
    this.want.fill(-1);
    for (let j = 0; j < nCols; j++) {
      if (count[j + 1] === count[j]) continue;
      for (let q = count[j]!; q < count[j + 1]!; q++) this.want[slots[q]!] = j;
      this.scanColumn(cols, rowSlot, j, true);
    }
  }

  /**
   * sklearn keeps drawing features until one varies in the node. For each slot where none of the
   * drawn ones did (`varies` = 0), list every feature that varies there (a stored value plus a zero,
   * or two distinct stored values) and draw one uniformly: the same law as continuing the draws.
   * Such nodes are small, so their rows are read row-wise from the CSR input. Returns (slot, feature) pairs.
   */
  fallback(x: CsrMatrix, active: Int32Array, rowSlot: Int32Array, rng: () => number): number[] {
    const S = this.varies.length;
    const needs = this.varies.map((v, s) => (v === 0 && this.bestFeat[s]! < 0 ? 1 : 0));
    if (!needs.includes(1)) return [];
    // Rows of the slots in need, grouped by slot (counting sort).
    const start = new Int32Array(S + 1);
    for (const r of active) if (needs[rowSlot[r]!] === 1) start[rowSlot[r]! + 1]!++;
    for (let s = 0; s < S; s++) start[s + 1]! += start[s]!;
    const fill = start.slice(0, S);
    const grouped = new Int32Array(start[S]!);
    for (const r of active) if (needs[rowSlot[r]!] === 1) grouped[fill[rowSlot[r]!]!++] = r;
    const cnt = new Float64Array(x.nCols);
    const first = new Float64Array(x.nCols);
    const distinct = new Uint8Array(x.nCols);
    const seen = new Int32Array(x.nCols).fill(-1);
    const { indptr, indices, data } = x;
    const pairs: number[] = [];
    for (let s = 0; s < S; s++) {
      if (needs[s] === 0) continue;
      const touched: number[] = [];
      for (let q = start[s]!; q < start[s + 1]!; q++) {
        const r = grouped[q]!;
        for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
          const j = indices[k]!;
          const v = data[k]!;
          if (v === 0) continue;
          if (seen[j] !== s) {
            seen[j] = s;
            cnt[j] = 0;
            first[j] = v;
            distinct[j] = 0;
            touched.push(j);
          }
          cnt[j]! += this.c[r]!;
          if (v !== first[j]) distinct[j] = 1;
        }
      }
      const varying = touched.filter((j) => cnt[j]! < this.sN[s]! || distinct[j] === 1).sort((i, j) => i - j);
      if (varying.length > 0) pairs.push(s, varying[Math.floor(rng() * varying.length)]!);
    }
    return pairs;
  }
}
