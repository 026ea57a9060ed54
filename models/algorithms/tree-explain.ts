/**
 * Per-row feature contributions of tree ensembles whose output is `offset + scale · Σ_t value_t(leaf)`
 * (a tree: scale 1; a forest: scale 1/nTrees; boosting: scale 1, offset = the initial log-odds):
 * exact path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2, transcribed from the shap
 * package's C++ `tree_shap_recursive`), and the cheaper Saabas decision-path contributions.
 */
import type { CsrMatrix, Explanation } from '../types.ts';
import { forEachDenseRow, type TreeArrays, treeDepth } from './tree-util.ts';

/**
 * Saabas decision-path contributions: every split on the row's path credits its feature with
 * value(child) − value(node). base = offset + scale · Σ root values, and base + Σ contributions =
 * the model output exactly. Columns ascend; zero contributions are left out.
 */
export function saabas(x: CsrMatrix, trees: readonly TreeArrays[], scale: number, offset: number): Explanation {
  let base = offset;
  for (const t of trees) base += scale * t.value[0]!;
  const acc = new Float64Array(x.nCols);
  const touched: number[] = [];
  const rows: Explanation['rows'] = [];
  forEachDenseRow(x, (_, row) => {
    for (const t of trees) {
      let node = 0;
      let f = t.feature[0]!;
      while (f >= 0) {
        const child = row[f]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
        if (acc[f] === 0) touched.push(f);
        acc[f]! += scale * (t.value[child]! - t.value[node]!);
        node = child;
        f = t.feature[node]!;
      }
    }
    rows.push(collect(acc, touched, base));
  });
  return { rows, method: 'tree-shap' };
}

/** Non-zero entries of `acc` at the `touched` columns, ascending; clears both. */
export function collect(acc: Float64Array, touched: number[], base: number): Explanation['rows'][number] {
  touched.sort((a, b) => a - b);
  const cols: number[] = [];
  const vals: number[] = [];
  let prev = -1;
  for (const j of touched) {
    if (j === prev) continue;
    prev = j;
    if (acc[j] !== 0) {
      cols.push(j);
      vals.push(acc[j]!);
    }
    acc[j] = 0;
  }
  touched.length = 0;
  return { columns: Int32Array.from(cols), values: Float64Array.from(vals), base };
}

/** Cover-weighted mean leaf value E[f] of one tree (the SHAP base value); children have larger ids. */
export function expectedValue(t: TreeArrays): number {
  const e = Float64Array.from(t.value);
  for (let i = t.feature.length - 1; i >= 0; i--) {
    if (t.feature[i]! < 0) continue;
    const l = t.left[i]!;
    const r = t.right[i]!;
    e[i] = (t.cover[l]! * e[l]! + t.cover[r]! * e[r]!) / (t.cover[l]! + t.cover[r]!);
  }
  return e[0]!;
}

/**
 * Exact TreeSHAP values with the trees' covers as the background distribution ("path-dependent"):
 * base = offset + scale · Σ_t E[f_t], and base + Σ φ = the model output exactly. Cost per row is
 * O(Σ_t leaves_t · depth_t²): fine for shallow boosted trees, slow for deep forests on many rows.
 */
export function treeShap(x: CsrMatrix, trees: readonly TreeArrays[], scale: number, offset: number): Explanation {
  let base = offset;
  for (const t of trees) base += scale * expectedValue(t);
  const acc = new Float64Array(x.nCols);
  const touched: number[] = [];
  const rows: Explanation['rows'] = [];
  const depths = trees.map(treeDepth);
  const D = Math.max(...depths) + 2;
  // shap's layout: the path at recursion depth u lives at offset u(u+1)/2, one slot longer per level.
  const size = ((D + 1) * (D + 2)) / 2;
  const feat = new Int32Array(size);
  const zero = new Float64Array(size);
  const one = new Float64Array(size);
  const pw = new Float64Array(size);

  const extend = (at: number, depth: number, pz: number, po: number, f: number): void => {
    feat[at + depth] = f;
    zero[at + depth] = pz;
    one[at + depth] = po;
    pw[at + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[at + i + 1]! += (po * pw[at + i]! * (i + 1)) / (depth + 1);
      pw[at + i] = (pz * pw[at + i]! * (depth - i)) / (depth + 1);
    }
  };
  const unwind = (at: number, depth: number, k: number): void => {
    const o = one[at + k]!;
    const z = zero[at + k]!;
    let next = pw[at + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (o !== 0) {
        const tmp = pw[at + i]!;
        pw[at + i] = (next * (depth + 1)) / ((i + 1) * o);
        next = tmp - (pw[at + i]! * z * (depth - i)) / (depth + 1);
      } else {
        pw[at + i] = (pw[at + i]! * (depth + 1)) / (z * (depth - i));
      }
    }
    for (let i = k; i < depth; i++) {
      feat[at + i] = feat[at + i + 1]!;
      zero[at + i] = zero[at + i + 1]!;
      one[at + i] = one[at + i + 1]!;
    }
  };
  const unwoundSum = (at: number, depth: number, k: number): number => {
    const o = one[at + k]!;
    const z = zero[at + k]!;
    let next = pw[at + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (o !== 0) {
        const tmp = next / ((i + 1) * o);
        total += tmp;
        next = pw[at + i]! - tmp * z * (depth - i);
      } else {
        total += pw[at + i]! / (z * (depth - i));
      }
    }
    return total * (depth + 1);
  };
  const recurse = (
    t: TreeArrays,
    row: Float64Array,
    node: number,
    parentAt: number,
    depth: number,
    pz: number,
    po: number,
    pf: number,
  ): void => {
    const at = parentAt + depth;
    for (let i = 0; i < depth; i++) {
      feat[at + i] = feat[parentAt + i]!;
      zero[at + i] = zero[parentAt + i]!;
      one[at + i] = one[parentAt + i]!;
      pw[at + i] = pw[parentAt + i]!;
    }
    extend(at, depth, pz, po, pf);
    const f = t.feature[node]!;
    if (f < 0) {
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(at, depth, i);
        const j = feat[at + i]!;
        if (acc[j] === 0) touched.push(j);
        acc[j]! += w * (one[at + i]! - zero[at + i]!) * t.value[node]! * scale;
      }
      return;
    }
    const goLeft = row[f]! <= t.threshold[node]!;
    const hot = goLeft ? t.left[node]! : t.right[node]!;
    const cold = goLeft ? t.right[node]! : t.left[node]!;
    const w = t.cover[node]!;
    let iz = 1;
    let io = 1;
    let d = depth;
    let k = 0;
    while (k <= d && feat[at + k] !== f) k++;
    if (k <= d) {
      iz = zero[at + k]!;
      io = one[at + k]!;
      unwind(at, d, k);
      d--;
    }
    recurse(t, row, hot, at, d + 1, (t.cover[hot]! / w) * iz, io, f);
    recurse(t, row, cold, at, d + 1, (t.cover[cold]! / w) * iz, 0, f);
  };
  forEachDenseRow(x, (_, row) => {
    for (const t of trees) {
      if (t.feature[0]! < 0) continue;
      // The root's "parent" path is empty: depth 0 at offset 0, feature −1 (never matched: features ≥ 0).
      recurse(t, row, 0, 0, 0, 1, 1, -1);
    }
    rows.push(collect(acc, touched, base));
  });
  return { rows, method: 'tree-shap' };
}
