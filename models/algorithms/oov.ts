/**
 * Out-of-vocabulary count as the pipeline we replace defines it (LogLead's OOV_detector):
 *
 *     score(x) = length(x) − Σ_j x_j
 *
 * where length(x) is the row's count of ALL its tokens (the pipeline's `e_words_len` column),
 * including those the vocabulary has no column for, and Σ_j x_j counts its tokens that are columns:
 * the difference is the number of tokens outside the training vocabulary. A vectorizer drops the
 * tokens it never saw, so they can only be counted from a length taken before vectorizing: the
 * matrix must carry it as its LAST column (the feature space's `length` option, which the registry
 * turns on for this algorithm) and every other column must be a token count of the same row.
 *
 * The vocabulary is the vectorizer's, fit on the training rows; the detector learns nothing else,
 * so `fit` only checks the layout (every training row's length ≥ its in-vocabulary count). With
 * count matrices the score is exactly the out-of-vocabulary occurrences; with presence matrices
 * (`binary`) it is, as in the pipeline, the row's length minus its distinct in-vocabulary tokens.
 *
 * Row weights (any finite value ≥ 0) change nothing it learns; a row of weight 0 stands for no row,
 * so, as on the expanded rows, its layout is not checked.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkTag } from './checks.ts';
import { checkRowWeights } from './row-weights.ts';

const KIND = 'oov';
const VERSION = 2;

/** OOV detector; trains on normal rows only (the caller filters), labels ignored. */
export class OovCount implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  readonly rowWeights = 'exact' as const;
  #nCols: number | null = null;

  /** Checks that the last column is each row's token count (see the module comment). */
  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    if (weights !== undefined) checkRowWeights(weights, x.nRows, KIND);
    if (x.nCols === 0) throw new TypeError(`${KIND}: the matrix needs a length column (it has no columns)`);
    const scores = lengthMinusVocabulary(x);
    const bad = scores.findIndex((s, i) => s < -1e-9 && weights?.[i] !== 0);
    if (bad >= 0) {
      throw new TypeError(
        `${KIND}: training row ${bad} has more in-vocabulary tokens than its length column says ` +
          `(${scores[bad]}): the last column must be the row's token count (the feature space's length option)`,
      );
    }
    this.#nCols = x.nCols;
  }

  /** The row's length minus its in-vocabulary tokens: its out-of-vocabulary tokens. */
  score(x: CsrMatrix): Float64Array {
    checkCsr(x, this.#fitted());
    return lengthMinusVocabulary(x);
  }

  /**
   * The tokens outside the vocabulary have no column of their own: the whole score is credited to
   * the length column, which stands for them (base 0, so the value equals the score).
   */
  explain(x: CsrMatrix): Explanation {
    const nCols = this.#fitted();
    checkCsr(x, nCols);
    const scores = lengthMinusVocabulary(x);
    const rows: Explanation['rows'] = Array.from(scores, (s) =>
      s === 0
        ? { columns: new Int32Array(0), values: new Float64Array(0), base: 0 }
        : { columns: Int32Array.of(nCols - 1), values: Float64Array.of(s), base: 0 },
    );
    return { rows, method: 'token-weights' };
  }

  toJSON(): DetectorJSON {
    return { kind: KIND, version: VERSION, nCols: this.#fitted() };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): OovCount {
    const o = checkTag(json, KIND, VERSION);
    const model = new OovCount();
    model.#nCols = checkInteger(o['nCols'], `${KIND}: nCols`, 1);
    return model;
  }

  #fitted(): number {
    if (this.#nCols === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#nCols;
  }
}

/** Per row: the last column's value minus the sum of the others. */
function lengthMinusVocabulary(x: CsrMatrix): Float64Array {
  const last = x.nCols - 1;
  const out = new Float64Array(x.nRows);
  const { indptr, indices, data } = x;
  for (let i = 0; i < x.nRows; i++) {
    let s = 0;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) s += indices[k] === last ? data[k]! : -data[k]!;
    out[i] = s;
  }
  return out;
}
