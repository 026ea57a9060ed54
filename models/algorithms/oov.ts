/**
 * Out-of-vocabulary count: score(x) = number of distinct columns present in x (stored, non-zero)
 * that never occur in the normal training rows.
 *
 * Limitation: the vectorizer's vocabulary is fit on the whole training set and drops columns it
 * never saw there, so tokens that first appear at validation/test time are invisible to this
 * detector. What it can count are tokens seen in training ANOMALIES but never in training normals
 * (plus any column absent from the rows given to `fit`). A genuinely new token in a test row scores
 * nothing unless the caller vectorizes with a vocabulary that keeps an "unknown" bucket.
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkTag } from './checks.ts';

const KIND = 'oov';
const VERSION = 1;

/** OOV detector; trains on normal rows only (the caller filters), labels ignored. */
export class OovCount implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  #seen: Uint8Array | null = null;

  /** Marks every column present in the (normal) training rows as known. */
  fit(x: CsrMatrix, _labels: Uint8Array): void {
    checkCsr(x);
    const seen = new Uint8Array(x.nCols);
    const nnz = x.indptr[x.nRows]!;
    for (let k = x.indptr[0]!; k < nnz; k++) if (x.data[k] !== 0) seen[x.indices[k]!] = 1;
    this.#seen = seen;
  }

  /** Number of distinct present columns never seen in training. */
  score(x: CsrMatrix): Float64Array {
    const seen = this.#fitted();
    checkCsr(x, seen.length);
    const out = new Float64Array(x.nRows);
    const { indptr, indices, data } = x;
    for (let i = 0; i < x.nRows; i++) {
      let c = 0;
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) if (data[k] !== 0 && seen[indices[k]!] === 0) c++;
      out[i] = c;
    }
    return out;
  }

  /** Each out-of-vocabulary column contributes 1 (values add up to the score; base 0). */
  explain(x: CsrMatrix): Explanation {
    const seen = this.#fitted();
    checkCsr(x, seen.length);
    const { indptr, indices, data } = x;
    const rows: Explanation['rows'] = [];
    for (let i = 0; i < x.nRows; i++) {
      const cols: number[] = [];
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) if (data[k] !== 0 && seen[indices[k]!] === 0) cols.push(indices[k]!);
      rows.push({ columns: Int32Array.from(cols), values: new Float64Array(cols.length).fill(1), base: 0 });
    }
    return { rows, method: 'token-weights' };
  }

  toJSON(): DetectorJSON {
    const seen = this.#fitted();
    // Known columns as an ascending index list: far shorter than a 0/1 vector when the vocabulary is wide.
    const known: number[] = [];
    for (let j = 0; j < seen.length; j++) if (seen[j] === 1) known.push(j);
    return { kind: KIND, version: VERSION, nCols: seen.length, known };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): OovCount {
    const o = checkTag(json, KIND, VERSION);
    const nCols = o['nCols'];
    if (typeof nCols !== 'number' || !Number.isInteger(nCols) || nCols < 0) {
      throw new TypeError(`${KIND}: nCols must be an integer ≥ 0`);
    }
    const known = o['known'];
    if (!Array.isArray(known) || !known.every((j) => Number.isInteger(j) && j >= 0 && j < nCols)) {
      throw new TypeError(`${KIND}: known must be an array of column indices in [0, nCols)`);
    }
    const seen = new Uint8Array(nCols);
    for (const j of known as number[]) seen[j] = 1;
    const model = new OovCount();
    model.#seen = seen;
    return model;
  }

  #fitted(): Uint8Array {
    if (this.#seen === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#seen;
  }
}
