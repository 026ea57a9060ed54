/**
 * Token rarity as the pipeline we replace defines it (LogLead's RarityModel): a row is as anomalous
 * as the rare tokens it contains, averaged over its tokens.
 *
 *     count_j  = training rows containing column j      total = Σ_j count_j
 *     share_j  = count_j / total
 *     w_j      = (−ln share_j)³  if share_j ≤ commonThreshold, else 0 (common tokens weigh nothing)
 *     score(x) = Σ_{j present in x} w_j / |{j present in x}|       (0 for an empty row)
 *
 * "Present" means a stored entry with a non-zero value: counts are reduced to presence, because the
 * pipeline's matrices are binary (CountVectorizer(binary=True)), so its column sums are row counts
 * and a token repeated ten times weighs as much as once.
 *
 * Columns never present in the rows given to `fit` (tokens of training anomalies only: the
 * vocabulary is fit on all training rows, the model on normal ones) get the weight of count 1 / (total + 1),
 * "rarer than anything seen", finite where the pipeline's −ln 0 gives an infinite score.
 *
 * The pipeline's decision threshold (`threshold=250` on the score) has no counterpart: the protocol
 * chooses every threshold on validation.
 *
 * Row weights (distinct rows with their counts; any finite value ≥ 0, fractional too) count a row
 * w_i times in count_j, as its copies would: the same counts, so the same model, as the expanded
 * rows (exactly, for whole-number weights).
 */
import type { CsrMatrix, Detector, DetectorJSON, Explanation } from '../types.ts';
import { checkCsr, checkTag } from './checks.ts';
import { checkRowWeights } from './row-weights.ts';

/** Options of `TokenRarity`. */
export interface TokenRarityOptions {
  /**
   * Tokens whose share of all training token occurrences (presence per row) is ≤ this are rare and
   * weigh (−ln share)³; the others weigh 0 (the pipeline's `common_threshold`).
   * @default 0.01
   */
  commonThreshold?: number;
}

/** Defaults of `TokenRarityOptions`. */
export const defaultTokenRarityOptions: Readonly<Required<TokenRarityOptions>> = Object.freeze({
  commonThreshold: 0.01,
});

/** Resolves and validates options once; the result is frozen. */
export function resolveTokenRarityOptions(options: TokenRarityOptions = {}): Readonly<Required<TokenRarityOptions>> {
  const o = { ...defaultTokenRarityOptions, ...options };
  if (typeof o.commonThreshold !== 'number' || !(o.commonThreshold > 0 && o.commonThreshold <= 1)) {
    throw new TypeError(`commonThreshold must be a number in (0, 1] (got ${String(o.commonThreshold)})`);
  }
  return Object.freeze({ commonThreshold: o.commonThreshold });
}

const KIND = 'token-rarity';
const VERSION = 2;

/**
 * Token-rarity detector. Trains on normal rows only (the caller filters), as the pipeline's
 * registry does: rarity is measured against normal traffic, so a token that only anomalies carry
 * stays rare however often the training anomalies repeat it.
 */
export class TokenRarity implements Detector {
  readonly kind = KIND;
  readonly trainsOn = 'normal' as const;
  readonly rowWeights = 'exact' as const;
  readonly options: Readonly<Required<TokenRarityOptions>>;
  /** count_j per column: whole numbers, unless fitted with fractional row weights. */
  #counts: Float64Array | null = null;
  #weights: Float64Array | null = null;

  constructor(options: TokenRarityOptions = {}) {
    this.options = resolveTokenRarityOptions(options);
  }

  /** Weight w_j of every column (a copy); throws before fit. */
  get weights(): Float64Array {
    return Float64Array.from(this.#fitted());
  }

  /** Counts the rows each column is present in, each by its row weight; labels are ignored (unsupervised). */
  fit(x: CsrMatrix, _labels: Uint8Array, weights?: Float64Array): void {
    checkCsr(x);
    if (weights !== undefined) checkRowWeights(weights, x.nRows, KIND);
    const counts = new Float64Array(x.nCols);
    const { indptr, indices, data } = x;
    for (let i = 0; i < x.nRows; i++) {
      const wi = weights?.[i] ?? 1;
      const end = indptr[i + 1]!;
      for (let k = indptr[i]!; k < end; k++) if (data[k] !== 0) counts[indices[k]!]! += wi;
    }
    this.#setCounts(counts);
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
    return { kind: KIND, version: VERSION, options: { ...this.options }, counts: Array.from(this.#counts!) };
  }

  /** Restores a model saved by `toJSON`; throws a TypeError on a wrong kind tag or malformed fields. */
  static load(json: unknown): TokenRarity {
    const o = checkTag(json, KIND, VERSION);
    const model = new TokenRarity((o['options'] ?? {}) as TokenRarityOptions);
    const counts = o['counts'];
    // Whole numbers unless fitted with fractional row weights; files saved before weights load as they were.
    if (!Array.isArray(counts) || !counts.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new TypeError(`${KIND}: counts must be an array of finite numbers ≥ 0`);
    }
    model.#setCounts(Float64Array.from(counts as number[]));
    return model;
  }

  #setCounts(counts: Float64Array): void {
    const { commonThreshold } = this.options;
    let total = 0;
    for (let j = 0; j < counts.length; j++) total += counts[j]!;
    const weights = new Float64Array(counts.length);
    const unseen = 1 / (total + 1);
    for (let j = 0; j < counts.length; j++) {
      const share = counts[j] === 0 ? unseen : counts[j]! / total;
      // max with +0: a share of 1 would give (−0)³ = −0.
      if (share <= commonThreshold) weights[j] = Math.max(0, -Math.log(share)) ** 3;
    }
    this.#counts = counts;
    this.#weights = weights;
  }

  #fitted(): Float64Array {
    if (this.#weights === null) throw new Error(`${KIND}: call fit() before using the model`);
    return this.#weights;
  }
}
