/**
 * Nearest normal training row of each flagged row (a test anomaly or a false positive), by cosine
 * similarity in the model's feature space, and the columns that tell the two apart — what the reports
 * print as "tokens/templates only in the flagged sequence and only in its normal neighbour".
 *
 * Brute force over the normal training rows through their transpose (`RowDots`): building it costs
 * O(nnz(train)); each query costs O(n_normal + Σ_{j ∈ query} df_j), df_j = normal rows holding
 * column j, so a batch of q queries is O(q · n_normal) in the worst case. A test times 200 queries
 * against 10,000 × 1,000 training rows (30 non-zeros each): brute force is fine at that size, and an
 * index (e.g. inverted lists with pruning) would only pay off far beyond it.
 */
import { checkCsr, checkInteger } from '../algorithms/checks.ts';
import { RowDots } from '../algorithms/sparse.ts';
import type { CsrMatrix } from '../types.ts';
import { selectRows } from '../vectorize/csr.ts';

/** Query row `row`'s nearest normal training row `neighbour` (−1 when there is none) and their cosine similarity. */
export interface NearestNormal {
  row: number;
  /** Index into the training matrix; −1 when the query row is all zeros or no normal training row has a non-zero. */
  neighbour: number;
  /** Cosine similarity in [−1, 1]; NaN when `neighbour` is −1. */
  similarity: number;
}

/**
 * For each row of `queries`, the most cosine-similar training row among those with `trainLabels[t] = 0`
 * (anomalous training rows are never neighbours). Ties go to the lowest training index, so a query
 * that shares no column with any normal row gets the first non-empty normal row at similarity 0.
 * Rows with zero norm have no direction: they are never neighbours, and a zero query gets −1.
 */
export function nearestNormal(queries: CsrMatrix, train: CsrMatrix, trainLabels: Uint8Array): NearestNormal[] {
  checkCsr(train);
  checkCsr(queries, train.nCols);
  if (!(trainLabels instanceof Uint8Array) || trainLabels.length !== train.nRows) {
    throw new TypeError(`trainLabels must be a Uint8Array with one entry per training row (${train.nRows})`);
  }
  const normal: number[] = [];
  for (let t = 0; t < train.nRows; t++) if (trainLabels[t] === 0) normal.push(t);
  const dots = new RowDots(selectRows(train, normal));
  const norms = dots.normsSq.map(Math.sqrt);
  const out = new Float64Array(normal.length);
  const result: NearestNormal[] = [];
  for (let i = 0; i < queries.nRows; i++) {
    const qNorm = Math.sqrt(dots.dots(queries, i, out));
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    if (qNorm > 0) {
      for (let t = 0; t < normal.length; t++) {
        if (norms[t] === 0) continue;
        const sim = out[t]! / (qNorm * norms[t]!);
        if (sim > bestSim) {
          bestSim = sim;
          best = t;
        }
      }
    }
    result.push(
      best < 0
        ? { row: i, neighbour: -1, similarity: Number.NaN }
        : // Rounding can push a self-match a hair above 1.
          { row: i, neighbour: normal[best]!, similarity: Math.min(1, Math.max(-1, bestSim)) },
    );
  }
  return result;
}

/** Options of `contrastColumns`. */
export interface ContrastOptions {
  /**
   * Longest list returned on each side (largest values first).
   * @default 10
   */
  topK?: number;
}

/** Defaults of `ContrastOptions`. */
export const defaultContrastOptions: Readonly<Required<ContrastOptions>> = Object.freeze({ topK: 10 });

/** One column of a contrast list. */
export interface ColumnValue {
  column: number;
  name: string;
  value: number;
}

/** Columns present (non-zero) in one row of the pair and absent from the other. */
export interface Contrast {
  onlyInRow: ColumnValue[];
  onlyInNeighbour: ColumnValue[];
}

/**
 * The columns non-zero only in query row `match.row` and only in its neighbour (training row
 * `match.neighbour`), top-k each by value descending, ties by column ascending. With no neighbour
 * (−1) every column of the row is "only in the row". `columnNames[j]` names column j.
 */
export function contrastColumns(
  queries: CsrMatrix,
  train: CsrMatrix,
  match: NearestNormal,
  columnNames: readonly string[],
  options: ContrastOptions = {},
): Contrast {
  const topK = checkInteger({ ...defaultContrastOptions, ...options }.topK, 'topK', 1);
  if (columnNames.length !== queries.nCols) {
    throw new TypeError(`columnNames must have one name per column (${queries.nCols}, got ${columnNames.length})`);
  }
  if (!(Number.isInteger(match.row) && match.row >= 0 && match.row < queries.nRows)) {
    throw new TypeError(`match.row must be a row of queries in [0, ${queries.nRows}) (got ${match.row})`);
  }
  if (!(Number.isInteger(match.neighbour) && match.neighbour >= -1 && match.neighbour < train.nRows)) {
    throw new TypeError(`match.neighbour must be −1 or a training row in [0, ${train.nRows}) (got ${match.neighbour})`);
  }
  const a = entries(queries, match.row);
  const b = match.neighbour < 0 ? new Map<number, number>() : entries(train, match.neighbour);
  const only = (m: Map<number, number>, other: Map<number, number>): ColumnValue[] =>
    [...m]
      .filter(([j]) => !other.has(j))
      .sort(([ja, va], [jb, vb]) => vb - va || ja - jb)
      .slice(0, topK)
      .map(([column, value]) => ({ column, name: columnNames[column]!, value }));
  return { onlyInRow: only(a, b), onlyInNeighbour: only(b, a) };
}

/** Non-zero entries of row i as column → value (stored zeros count as absent). */
function entries(x: CsrMatrix, i: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) if (x.data[k] !== 0) m.set(x.indices[k]!, x.data[k]!);
  return m;
}
