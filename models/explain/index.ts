/**
 * Explanations the reports print: per-row feature contributions for any detector (its own exact
 * `explain` when it has one, else permutation-sampled Shapley values), and the nearest normal
 * training row of a flagged row with the columns that tell them apart.
 */

import type { CsrMatrix, Detector } from '../types.ts';
import { selectRows } from '../vectorize/csr.ts';
import { explainPermutation, type PermutationOptions, type RowsExplanation } from './permutation.ts';
import { chooseRows } from './rows.ts';

export {
  type ColumnValue,
  type Contrast,
  type ContrastOptions,
  contrastColumns,
  defaultContrastOptions,
  type NearestNormal,
  nearestNormal,
} from './nearest-normal.ts';
export {
  defaultPermutationOptions,
  type ExplainedRow,
  explainPermutation,
  type PermutationOptions,
  type RowsExplanation,
} from './permutation.ts';
export { chooseRows, type RowChoice, sampleIndices } from './rows.ts';
export { type ShapUnit, shapUnit, shapUnitOfKind } from './units.ts';

/**
 * Explains the chosen rows of x (`rows` / `sampleRows` in `options`; default all). A detector with its
 * own `explain` (linear SHAP, TreeSHAP, token weights) is used as is: exact, fast, every row explained,
 * the time budget and sampling options ignored, `rest` = 0 (those explainers list every column).
 * Any other detector gets `explainPermutation(detector, x, train, options)`; pass as `train` the rows
 * it trained on (normal rows only for detectors with `trainsOn: 'normal'`).
 * Either way Σ values + rest + base ≈ score(row) (exact for the model's own explainers).
 */
export function explainAny(
  detector: Detector,
  x: CsrMatrix,
  train: CsrMatrix,
  options: PermutationOptions,
): RowsExplanation {
  if (detector.explain === undefined) return explainPermutation(detector, x, train, options);
  const rowIds = chooseRows(x.nRows, options);
  const own = detector.explain(selectRows(x, rowIds));
  return {
    rows: own.rows.map((r) => ({ ...r, rest: 0 })),
    method: own.method,
    rowIds,
    explained: rowIds.length,
    skipped: [],
  };
}
