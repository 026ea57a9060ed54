/**
 * Model-agnostic Shapley values for any Detector by permutation sampling (Štrumbelj & Kononenko
 * 2014, "Explaining prediction models and individual predictions with feature contributions"), for
 * the models without their own `explain` (IsolationForest, LOF, one-class SVM, k-means, linear SVM).
 *
 * Game: v(S) = f(x_S, z_S̄), the score of x with the players outside S taken from a background row z
 * (the interventional definition, features treated as independent, as Kernel SHAP does). One sample
 * is a random permutation π of the players and a background row z: walking π from z to x, one
 * player switching to x's value per step, credits each player with the score change of its step.
 * A walk costs M − 1 new rows (its two ends, f(z) and f(x), are shared), and all walks of one
 * explained row are scored in ONE `score` call (chunked only above `MAX_BATCH_ENTRIES` non-zeros).
 * Odd walks reverse the preceding walk on the same z (antithetic pairs: variance drops, and a
 * two-player game is exact).
 *
 * Players, and why: sparse rows have thousands of columns, but a column equal in x and in every
 * background row is a dummy (φ = 0 exactly), so only columns non-zero in x or in some background
 * row can matter. Each of x's non-zero columns is its own player (at most `maxColumns` of them,
 * ranked by |x_j − background mean_j|); every other column — the background's columns that x lacks,
 * plus x's columns beyond `maxColumns` — forms ONE grouped player, reported as `rest`. Its value
 * answers "how much does the absence of the usual tokens move the score", without paying one player
 * per column of the background.
 *
 * Additivity (guaranteed, up to floating-point rounding): every walk telescopes to f(x) − f(z), so
 *
 *     Σ values + rest + base = score(x),   base = mean over walks of f(z_walk)
 *
 * Walk k uses background row ⌊k/2⌋ mod B, so base is the same for every row, and when `samples` is a
 * multiple of 2·B (the defaults: 200 = 4·50) it is exactly the mean score of the background rows.
 *
 * Seeds: the background is drawn with `${seed}:background`, row i's permutations with
 * `${seed}:row:${i}`: a row's values do not depend on which other rows were explained or skipped.
 */
import seedrandom from 'seedrandom';
import { checkCsr, checkInteger, checkSeed } from '../algorithms/checks.ts';
import type { CsrMatrix, Detector, Explanation } from '../types.ts';
import { selectRows } from '../vectorize/csr.ts';
import { chooseRows, type RowChoice, sampleIndices } from './rows.ts';

/** One explained row: Σ values + rest + base = score(row). Columns ascend; zero values are left out. */
export interface ExplainedRow {
  columns: Int32Array;
  values: Float64Array;
  base: number;
  /** Contribution of the grouped columns that are not listed in `columns` (0 when there are none). */
  rest: number;
}

/** An Explanation over a chosen subset of rows, which says which rows it covers and which it skipped. */
export interface RowsExplanation extends Explanation {
  /** `rows[k]` explains row `rowIds[k]` of the matrix given. */
  rows: ExplainedRow[];
  rowIds: Int32Array;
  /** Number of rows explained (= rows.length). */
  explained: number;
  /** Requested rows left unexplained because the time budget ran out, ascending. */
  skipped: number[];
}

/** Options of `explainPermutation`. */
export interface PermutationOptions extends RowChoice {
  /**
   * Background rows drawn (without replacement, seeded) from the training matrix; all rows when it has fewer.
   * @default 50
   */
  background?: number;
  /**
   * Permutations (walks) per explained row; cost is samples · (M − 1) scored rows for M players.
   * @default 200
   */
  samples?: number;
  /**
   * Most of a row's non-zero columns explained individually; the others join `rest`. `Infinity` = all.
   * @default Infinity
   */
  maxColumns?: number;
  /**
   * Wall-clock budget per call; no row starts after it is spent (a started row finishes), the rest are
   * reported in `skipped`. `Infinity` = no budget.
   * @default 2000
   */
  timeBudgetMs?: number;
  /**
   * Monotonic clock in milliseconds (swappable for tests).
   * @default performance.now
   */
  clock?: () => number;
}

/** Defaults of the optional `PermutationOptions`. */
export const defaultPermutationOptions = Object.freeze({
  background: 50,
  samples: 200,
  maxColumns: Number.POSITIVE_INFINITY,
  timeBudgetMs: 2000,
  clock: (): number => performance.now(),
});

type Resolved = Readonly<Required<Omit<PermutationOptions, 'rows' | 'sampleRows'>>> & { rows: Int32Array };

/** Above this many non-zeros the perturbed rows of one explained row are scored in several calls. */
const MAX_BATCH_ENTRIES = 1 << 22;

function resolve(nRows: number, options: PermutationOptions): Resolved {
  const o = { ...defaultPermutationOptions, ...options };
  const { maxColumns, timeBudgetMs } = o;
  if (maxColumns !== Number.POSITIVE_INFINITY) checkInteger(maxColumns, 'maxColumns', 1);
  if (typeof timeBudgetMs !== 'number' || Number.isNaN(timeBudgetMs) || timeBudgetMs < 0) {
    throw new TypeError(`timeBudgetMs must be a number ≥ 0 (Infinity for no budget) (got ${String(timeBudgetMs)})`);
  }
  if (typeof o.clock !== 'function') throw new TypeError('clock must be a function returning milliseconds');
  return Object.freeze({
    seed: checkSeed(o.seed),
    background: checkInteger(o.background, 'background', 1),
    samples: checkInteger(o.samples, 'samples', 1),
    maxColumns,
    timeBudgetMs,
    clock: o.clock,
    rows: chooseRows(nRows, options),
  });
}

/**
 * Permutation-sampled Shapley values of `detector.score` for the chosen rows of x, against a seeded
 * background sample of `train` (pass the rows the detector trained on). See the module comment for
 * the players, the additivity guarantee and the seeding.
 */
export function explainPermutation(
  detector: Detector,
  x: CsrMatrix,
  train: CsrMatrix,
  options: PermutationOptions,
): RowsExplanation {
  const o = resolve(x.nRows, options);
  checkCsr(train);
  checkCsr(x, train.nCols);
  if (train.nRows === 0) throw new TypeError('train must have at least one row to draw the background from');
  const bg = selectRows(train, sampleIndices(train.nRows, o.background, `${o.seed}:background`));
  const bgScores = detector.score(bg);
  const B = bg.nRows;
  // Background column means (for ranking under maxColumns) and which columns it touches at all.
  const bgMean = new Float64Array(x.nCols);
  const inBg = new Uint8Array(x.nCols);
  let bgCols = 0;
  let bgMaxNnz = 0;
  for (let b = 0; b < B; b++) bgMaxNnz = Math.max(bgMaxNnz, bg.indptr[b + 1]! - bg.indptr[b]!);
  for (let k = 0; k < bg.indptr[B]!; k++) {
    const j = bg.indices[k]!;
    bgMean[j]! += bg.data[k]! / B;
    if (bg.data[k] !== 0 && inBg[j] === 0) {
      inBg[j] = 1;
      bgCols++;
    }
  }
  let base = 0;
  for (let k = 0; k < o.samples; k++) base += bgScores[Math.floor(k / 2) % B]!;
  base /= o.samples;

  const fx = detector.score(selectRows(x, o.rows));
  const playerOf = new Int32Array(x.nCols).fill(-1);
  const game: Game = { detector, x, bg, bgScores, bgMaxNnz, playerOf, o };
  const rows: ExplainedRow[] = [];
  const start = o.clock();
  let r = 0;
  for (; r < o.rows.length; r++) {
    if (o.clock() - start >= o.timeBudgetMs) break;
    const i = o.rows[r]!;
    // Individual players: x's non-zero columns, capped at maxColumns by |x_j − mean_j|.
    const cols: number[] = [];
    const vals: number[] = [];
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      if (x.data[k] === 0) continue;
      cols.push(x.indices[k]!);
      vals.push(x.data[k]!);
    }
    let players = Int32Array.from(cols.keys());
    if (players.length > o.maxColumns) {
      const dev = (p: number): number => Math.abs(vals[p]! - bgMean[cols[p]!]!);
      players = players
        .sort((a, b) => dev(b) - dev(a) || a - b)
        .subarray(0, o.maxColumns)
        .sort();
    }
    const playerCols = Int32Array.from(players, (p) => cols[p]!);
    let bgShared = 0;
    for (let p = 0; p < playerCols.length; p++) {
      playerOf[playerCols[p]!] = p;
      bgShared += inBg[playerCols[p]!]!;
    }
    const restPlayer = playerCols.length;
    const hasRest = cols.length > playerCols.length || bgCols > bgShared;
    const M = playerCols.length + (hasRest ? 1 : 0);
    const phi = walk(game, i, restPlayer, M, fx[r]!);
    for (const j of playerCols) playerOf[j] = -1;
    const keep = Array.from(playerCols.keys()).filter((p) => phi[p] !== 0);
    rows.push({
      columns: Int32Array.from(keep, (p) => playerCols[p]!),
      values: Float64Array.from(keep, (p) => phi[p]!),
      base,
      rest: hasRest ? phi[restPlayer]! : 0,
    });
  }
  return {
    rows,
    method: 'permutation',
    rowIds: o.rows.slice(0, r),
    explained: r,
    skipped: Array.from(o.rows.subarray(r)).sort((a, b) => a - b),
  };
}

/** What every row's walks share within one call. */
interface Game {
  detector: Detector;
  x: CsrMatrix;
  bg: CsrMatrix;
  bgScores: Float64Array;
  bgMaxNnz: number;
  /** Column → individual player of the current row, −1 for the rest group (reset after each row). */
  playerOf: Int32Array;
  o: Resolved;
}

/**
 * The walks of one row: returns φ per player (index `restPlayer` = the grouped rest). `playerOf[j]`
 * is column j's player, −1 for the rest group.
 */
function walk(g: Game, i: number, restPlayer: number, M: number, fx: number): Float64Array {
  const { detector, x, bg, bgScores, o } = g;
  const phi = new Float64Array(M);
  const B = bg.nRows;
  const steps = Math.max(M - 1, 0);
  // Per background row: the union of x's and z's columns with both values and each column's player.
  const unions = Array.from({ length: B }, (_, b) => mergeRows(x, i, bg, b, g.playerOf, restPlayer));
  const rowNnz = x.indptr[i + 1]! - x.indptr[i]!;
  const perChunk = Math.max(1, Math.floor(MAX_BATCH_ENTRIES / Math.max(1, steps * (rowNnz + g.bgMaxNnz))));
  const rng = seedrandom(`${o.seed}:row:${i}`);
  const perm = new Int32Array(M);
  const pos = new Int32Array(M);
  const perms = new Int32Array(Math.min(perChunk, o.samples) * M);
  for (let k0 = 0; k0 < o.samples; k0 += perChunk) {
    const n = Math.min(perChunk, o.samples - k0);
    let cap = 0;
    for (let s = 0; s < n; s++) cap += steps * unions[Math.floor((k0 + s) / 2) % B]!.n;
    const indptr = new Int32Array(n * steps + 1);
    const indices = new Int32Array(cap);
    const data = new Float64Array(cap);
    let at = 0;
    let row = 0;
    for (let s = 0; s < n; s++) {
      const k = k0 + s;
      if (k % 2 === 0) {
        for (let p = 0; p < M; p++) perm[p] = p;
        for (let p = M - 1; p > 0; p--) {
          const q = Math.floor(rng() * (p + 1));
          const t = perm[p]!;
          perm[p] = perm[q]!;
          perm[q] = t;
        }
      } else perm.reverse();
      perms.set(perm, s * M);
      for (let p = 0; p < M; p++) pos[perm[p]!] = p;
      const u = unions[Math.floor(k / 2) % B]!;
      // Step t: players at positions < t take x's values, the others z's.
      for (let t = 1; t <= steps; t++) {
        for (let c = 0; c < u.n; c++) {
          const v = pos[u.player[c]!]! < t ? u.xv[c]! : u.zv[c]!;
          if (v === 0) continue;
          indices[at] = u.col[c]!;
          data[at++] = v;
        }
        indptr[++row] = at;
      }
    }
    const scores = steps > 0 ? detector.score({ nRows: row, nCols: x.nCols, indptr, indices, data }) : null;
    let sr = 0;
    for (let s = 0; s < n; s++) {
      let prev = bgScores[Math.floor((k0 + s) / 2) % B]!;
      for (let t = 1; t <= steps; t++) {
        const cur = scores![sr++]!;
        phi[perms[s * M + t - 1]!]! += cur - prev;
        prev = cur;
      }
      if (M > 0) phi[perms[s * M + M - 1]!]! += fx - prev;
    }
  }
  for (let p = 0; p < M; p++) phi[p]! /= o.samples;
  return phi;
}

/** `n` columns of the union (arrays may be longer). */
interface Union {
  n: number;
  col: Int32Array;
  xv: Float64Array;
  zv: Float64Array;
  player: Int32Array;
}

/** Sorted union of row i of x and row b of bg: values of both (0 where absent) and each column's player. */
function mergeRows(x: CsrMatrix, i: number, bg: CsrMatrix, b: number, playerOf: Int32Array, rest: number): Union {
  const [a0, a1, b0, b1] = [x.indptr[i]!, x.indptr[i + 1]!, bg.indptr[b]!, bg.indptr[b + 1]!];
  const size = a1 - a0 + b1 - b0;
  const u: Union = {
    n: 0,
    col: new Int32Array(size),
    xv: new Float64Array(size),
    zv: new Float64Array(size),
    player: new Int32Array(size),
  };
  let [p, q] = [a0, b0];
  while (p < a1 || q < b1) {
    const cx = p < a1 ? x.indices[p]! : Number.POSITIVE_INFINITY;
    const cz = q < b1 ? bg.indices[q]! : Number.POSITIVE_INFINITY;
    const j = Math.min(cx, cz);
    u.col[u.n] = j;
    u.xv[u.n] = cx === j ? x.data[p++]! : 0;
    u.zv[u.n] = cz === j ? bg.data[q++]! : 0;
    const pl = playerOf[j]!;
    u.player[u.n++] = pl < 0 ? rest : pl;
  }
  return u;
}
