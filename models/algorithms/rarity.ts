/**
 * Token rarity: a row is as anomalous as the rare tokens it contains, averaged over its tokens.
 *
 *     p_j = df_j / n                       (share of training rows containing column j)
 *     w_j = (−ln p_j)³  if p_j < threshold, else 0
 *     score(x) = Σ_{j present in x} w_j / |{j present in x}|       (0 for an empty row)
 *
 * "Present" means a stored entry with a non-zero value: counts are reduced to presence, so a
 * token repeated ten times weighs as much as once (the pipeline we replace did the same).
 *
 * Columns never seen in training (df_j = 0) get the weight of p = 1 / (n + 1), i.e. "rarer than
 * anything we saw", finite where −ln 0 would be ∞. With fewer than 1/threshold − 1 training rows
 * (99 at the default 1 %) that p is not below the threshold, so unseen tokens weigh 0 there.
 * (Our vectorizer drops columns unseen in the whole training set, so df_j = 0 only happens for a
 * column absent from the rows passed to `fit`.)
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkInteger, checkTag } from './checks.ts';

/** Options of `TokenRarity`. */
export interface TokenRarityOptions {
  /**
   * Tokens with document frequency share p < threshold are rare and weigh (−ln p)³; others weigh 0.
   * @default 0.01
   */
  threshold?: number;
}

/** Defaults of `TokenRarityOptions`. */
export const defaultTokenRarityOptions: Readonly<Required<TokenRarityOptions>> = Object.freeze({ threshold: 0.01 });

/** Resolves and validates options once; the result is frozen. */
export function resolveTokenRarityOptions(options: TokenRarityOptions = {}): Readonly<Required<TokenRarityOptions>> {
  const o = { ...defaultTokenRarityOptions, ...options };
  if (typeof o.threshold !== 'number' || !(o.threshold > 0 && o.threshold <= 1)) {
    throw new TypeError(`threshold must be a number in (0, 1] (got ${String(o.threshold)})`);
  }
  return Object.freeze({ threshold: o.threshold });
}

const KIND = 'token-rarity';
const VERSION = 1;

/**
 * Token-rarity detector. Trains on ALL training rows, as the pipeline we replace did and as
 * DESIGN.md lists it (only LOF, OneClassSVM, OOV and IsolationForest are normal-only): tokens of
 * training anomalies then count as seen, which makes the score a little more conservative, but
 * rarity is a property of the log corpus, not of the labels, so no label is needed to compute it.
 */
export class TokenRarity implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'all' as const;
  readonly options: Readonly<Required<TokenRarityOptions>>;
  #df: Int32Array | null = null;
  #nTrain = 0;
  #weights: Float64Array | null = null;

  constructor(options: TokenRarityOptions = {}) {
    this.options = resolveTokenRarityOptions(options);
  }

  /** Weight w_j of every column (a copy); throws before fit. */
  get weights(): Float64Array {
    return Float64Array.from(this.#fitted());
  }

  /** Counts document frequencies; labels are ignored (unsupervised). */
  fit(x: CsrMatrix, _labels: Uint8Array): void {
    checkCsr(x);
    const df = new Int32Array(x.nCols);
    const { indptr, indices, data } = x;
    for (let i = 0; i < x.nRows; i++) {
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) if (data[k] !== 0) df[indices[k]!]!++;
    }
    this.#setCounts(df, x.nRows);
  }

  /** Mean weight of the row's distinct present tokens. */
  score(x: CsrMatrix): Float64Array {
    const w = this.#fitted();
    checkCsr(x, w.length);
    const out = new Float64Array(x.nRows);
    const { indptr, indices, data } = x;
    for (let i = 0; i < x.nRows; i++) {
      let sum = 0;
      let n = 0;
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) {
        if (data[k] === 0) continue;
        sum += w[indices[k]!]!;
        n++;
      }
      out[i] = n === 0 ? 0 : sum / n;
    }
    return out;
  }

  /**
   * Each present rare token's share of the score, w_j / (distinct tokens in the row), so the
   * values add up to `score` exactly (base 0). Tokens with weight 0 are left out.
   */
  explain(x: CsrMatrix): Explanation {
    const w = this.#fitted();
    checkCsr(x, w.length);
    const { indptr, indices, data } = x;
    const rows: Explanation['rows'] = [];
    for (let i = 0; i < x.nRows; i++) {
      const end = indptr[i + 1]!;
      let n = 0;
      for (let k = indptr[i]!; k < end; k++) if (data[k] !== 0) n++;
      const cols: number[] = [];
      const vals: number[] = [];
      for (let k = indptr[i]!; k < end; k++) {
        const wj = w[indices[k]!]!;
        if (data[k] === 0 || wj === 0) continue;
        cols.push(indices[k]!);
        vals.push(wj / n);
      }
      rows.push({ columns: Int32Array.from(cols), values: Float64Array.from(vals), base: 0 });
    }
    return { rows, method: 'token-weights' };
  }

  toJSON(): DetectorJSON {
    this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      options: { ...this.options },
      nTrain: this.#nTrain,
      df: Array.from(this.#df!),
    };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): TokenRarity {
    const o = checkTag(json, KIND, VERSION);
    const model = new TokenRarity((o['options'] ?? {}) as TokenRarityOptions);
    const nTrain = checkInteger(o['nTrain'], `${KIND}: nTrain`, 0);
    const df = o['df'];
    if (!Array.isArray(df) || !df.every((v) => Number.isInteger(v) && v >= 0 && v <= nTrain)) {
      throw new TypeError(`${KIND}: df must be an array of integers in [0, nTrain]`);
    }
    model.#setCounts(Int32Array.from(df as number[]), nTrain);
    return model;
  }

  #setCounts(df: Int32Array, n: number): void {
    const { threshold } = this.options;
    const weights = new Float64Array(df.length);
    const unseen = 1 / (n + 1);
    for (let j = 0; j < df.length; j++) {
      const p = df[j] === 0 ? unseen : df[j]! / n;
      if (p < threshold) weights[j] = (-Math.log(p)) ** 3;
    }
    this.#df = df;
    this.#nTrain = n;
    this.#weights = weights;
  }

  #fitted(): Float64Array {
    if (this.#weights === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#weights;
  }
}
