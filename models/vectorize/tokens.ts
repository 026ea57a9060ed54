/**
 * Token bags → sparse count (or presence) matrices, with the vocabulary fit on training rows only.
 * Semantics follow scikit-learn's CountVectorizer(binary, min_df, max_df, max_features) applied to
 * bags that are already tokenised, except where the JSDoc below says otherwise.
 */
import type { CsrMatrix } from '../types.ts';

/** One sequence's bag: distinct token ids into a vocabulary, and how often each occurs. */
export interface TokenBag {
  readonly tokens: Int32Array;
  readonly counts: Int32Array;
}

export interface TokenVectorizerOptions {
  /** Presence (1) instead of counts. @default false */
  binary: boolean;
  /**
   * Fewest training sequences a token must occur in: an integer ≥ 1 is a count, a value in [0, 1)
   * a share of the training sequences (kept when df ≥ share × n, unrounded, as scikit-learn does).
   * @default 1
   */
  minDf: number;
  /**
   * Most training sequences a token may occur in: a value in (0, 1] is a share (1 = no limit), an
   * integer ≥ 2 is a count. Unlike scikit-learn, 1 means 100 %, not "one sequence".
   * @default 1
   */
  maxDf: number;
  /**
   * Keep at most this many tokens: the highest document frequency first, ties by token name, then
   * id. (scikit-learn ranks by total count; the two agree when `binary` is set.) null = all.
   * @default null
   */
  maxFeatures: number | null;
}

export const defaultTokenVectorizerOptions: Readonly<TokenVectorizerOptions> = Object.freeze({
  binary: false,
  minDf: 1,
  maxDf: 1,
  maxFeatures: null,
});

/** Fills defaults and validates; errors name the option. */
export function resolveTokenVectorizerOptions(
  partial: Partial<TokenVectorizerOptions> = {},
): Readonly<TokenVectorizerOptions> {
  const o = { ...defaultTokenVectorizerOptions, ...partial };
  if (typeof o.binary !== 'boolean') throw new TypeError(`tokens.binary must be a boolean (got ${o.binary})`);
  if (!(o.minDf >= 0 && (o.minDf < 1 || Number.isInteger(o.minDf)))) {
    throw new TypeError(`tokens.minDf must be a share in [0, 1) or an integer count ≥ 1 (got ${o.minDf})`);
  }
  if (!(o.maxDf > 0 && (o.maxDf <= 1 || Number.isInteger(o.maxDf)))) {
    throw new TypeError(`tokens.maxDf must be a share in (0, 1] or an integer count ≥ 2 (got ${o.maxDf})`);
  }
  if (o.maxFeatures !== null && !(Number.isInteger(o.maxFeatures) && o.maxFeatures >= 1)) {
    throw new TypeError(`tokens.maxFeatures must be null or an integer ≥ 1 (got ${o.maxFeatures})`);
  }
  return Object.freeze(o);
}

export interface TokenVectorizerJSON {
  kind: 'token-vectorizer';
  version: 1;
  options: TokenVectorizerOptions;
  nTrain: number;
  /** Column names, in column order. */
  columns: string[];
  /** Training document frequency of each column. */
  df: number[];
}

const KIND = 'token-vectorizer';

/** Column order: by name (code-unit order, as `<` compares), then by id for duplicate names. */
const byNameThenId = (vocabulary: readonly string[]) => (a: number, b: number) => {
  const x = vocabulary[a] ?? '';
  const y = vocabulary[b] ?? '';
  return x < y ? -1 : x > y ? 1 : a - b;
};

/**
 * Learns which tokens become columns from training bags, then turns any bags into a CSR matrix.
 * Tokens that are not columns (never seen in training, or pruned by minDf/maxDf/maxFeatures) are
 * dropped from the matrix and counted by `unseenCounts`.
 */
export class TokenVectorizer {
  readonly kind = KIND;
  readonly options: Readonly<TokenVectorizerOptions>;
  #columns: string[] = [];
  #df: Int32Array = new Int32Array(0);
  #nTrain = 0;
  #fitted = false;
  /** Column of each token id of the vocabulary the lookup was built for (−1 = none). */
  #lookup: { vocabulary: readonly string[]; columnOf: Int32Array } | null = null;

  constructor(options: Partial<TokenVectorizerOptions> = {}) {
    this.options = resolveTokenVectorizerOptions(options);
  }

  /** Column names in column order (sorted by token name). */
  get columnNames(): readonly string[] {
    return this.#columns;
  }

  /** Training document frequency per column. */
  get documentFrequency(): Int32Array {
    return this.#df;
  }

  /** Chooses the columns from the training bags; ids index `vocabulary`. Returns this. */
  fit(train: readonly TokenBag[], vocabulary: readonly string[]): this {
    const { minDf, maxDf, maxFeatures } = this.options;
    const n = train.length;
    const df = new Int32Array(vocabulary.length);
    for (const [r, row] of train.entries()) {
      checkBag(row, r, vocabulary.length);
      for (let k = 0; k < row.tokens.length; k++) if (row.counts[k]! > 0) df[row.tokens[k]!]!++;
    }
    const minCount = minDf < 1 ? minDf * n : minDf;
    const maxCount = maxDf <= 1 ? maxDf * n : maxDf;
    if (maxCount < minCount) {
      throw new RangeError(`tokens: maxDf ${maxDf} keeps fewer training sequences than minDf ${minDf} (n = ${n})`);
    }
    let kept: number[] = [];
    // df ≥ 1 always: the vocabulary also names tokens seen only outside the training rows.
    for (let id = 0; id < df.length; id++)
      if (df[id]! >= 1 && df[id]! >= minCount && df[id]! <= maxCount) kept.push(id);
    const order = byNameThenId(vocabulary);
    if (maxFeatures !== null && kept.length > maxFeatures) {
      kept = kept.sort((a, b) => df[b]! - df[a]! || order(a, b)).slice(0, maxFeatures);
    }
    kept.sort(order);
    this.#columns = kept.map((id) => vocabulary[id] ?? `#${id}`);
    this.#df = Int32Array.from(kept, (id) => df[id]!);
    this.#nTrain = n;
    this.#fitted = true;
    const columnOf = new Int32Array(vocabulary.length).fill(-1);
    for (const [c, id] of kept.entries()) columnOf[id] = c;
    this.#lookup = { vocabulary, columnOf };
    return this;
  }

  /**
   * The bags as a CSR matrix (rows in input order). `vocabulary` defaults to the one given to
   * `fit`; another one (e.g. after `load`) is matched to the columns by token name.
   */
  transform(rows: readonly TokenBag[], vocabulary?: readonly string[]): CsrMatrix {
    const columnOf = this.#columnOf(vocabulary);
    const { binary } = this.options;
    const indptr = new Int32Array(rows.length + 1);
    // First pass sizes the arrays exactly, so memory stays O(nnz) with no regrowth.
    for (const [r, row] of rows.entries()) {
      checkBag(row, r, columnOf.length);
      let kept = 0;
      for (let k = 0; k < row.tokens.length; k++) if (columnOf[row.tokens[k]!]! >= 0 && row.counts[k]! > 0) kept++;
      indptr[r + 1] = indptr[r]! + kept;
    }
    const total = indptr[rows.length]!;
    const indices = new Int32Array(total);
    const data = new Float64Array(total);
    // Token ids ascend within a bag but columns follow names, so each row's columns need ordering.
    // Values go to a scratch row indexed by column (reset after use); a row dense enough that
    // sorting costs more than a pass over all columns is read back by that pass instead.
    const nCols = this.#columns.length;
    const scratch = new Float64Array(nCols);
    for (const [r, row] of rows.entries()) {
      const start = indptr[r]!;
      let at = start;
      for (let k = 0; k < row.tokens.length; k++) {
        const c = columnOf[row.tokens[k]!]!;
        const count = row.counts[k]!;
        if (c < 0 || count <= 0) continue;
        indices[at++] = c;
        scratch[c] = binary ? 1 : count;
      }
      const size = at - start;
      if (size * Math.log2(size + 1) > nCols) {
        for (let c = 0, w = start; c < nCols; c++) {
          if (scratch[c] === 0) continue;
          indices[w] = c;
          data[w++] = scratch[c]!;
          scratch[c] = 0;
        }
      } else {
        const cols = indices.subarray(start, at).sort();
        for (let k = 0; k < size; k++) {
          data[start + k] = scratch[cols[k]!]!;
          scratch[cols[k]!] = 0;
        }
      }
    }
    return { nRows: rows.length, nCols: this.#columns.length, indptr, indices, data };
  }

  /**
   * Per row, the tokens that map to no column: occurrences, or distinct tokens when `binary`.
   * So a row's sum in `transform` plus its unseen count is the row's total (or distinct) tokens.
   */
  unseenCounts(rows: readonly TokenBag[], vocabulary?: readonly string[]): Int32Array {
    const columnOf = this.#columnOf(vocabulary);
    const out = new Int32Array(rows.length);
    for (const [r, row] of rows.entries()) {
      checkBag(row, r, columnOf.length);
      let unseen = 0;
      for (let k = 0; k < row.tokens.length; k++) {
        const count = row.counts[k]!;
        if (columnOf[row.tokens[k]!]! < 0 && count > 0) unseen += this.options.binary ? 1 : count;
      }
      out[r] = unseen;
    }
    return out;
  }

  #columnOf(vocabulary: readonly string[] | undefined): Int32Array {
    if (!this.#fitted) throw new Error('TokenVectorizer: call fit() (or load()) before transform');
    if (this.#lookup && (vocabulary === undefined || vocabulary === this.#lookup.vocabulary)) {
      return this.#lookup.columnOf;
    }
    if (vocabulary === undefined) {
      throw new TypeError('TokenVectorizer: a loaded vectorizer needs the vocabulary of the rows it transforms');
    }
    const byName = new Map<string, number>();
    for (const [c, name] of this.#columns.entries()) if (!byName.has(name)) byName.set(name, c);
    const columnOf = Int32Array.from(vocabulary, (name) => byName.get(name) ?? -1);
    this.#lookup = { vocabulary, columnOf };
    return columnOf;
  }

  /** The fitted state: options, column names and their training document frequencies. */
  toJSON(): TokenVectorizerJSON {
    return {
      kind: KIND,
      version: 1,
      options: { ...this.options },
      nTrain: this.#nTrain,
      columns: [...this.#columns],
      df: [...this.#df],
    };
  }

  /** Restores a fitted vectorizer; transform then needs the rows' vocabulary. */
  static load(json: unknown): TokenVectorizer {
    const j = json as Partial<TokenVectorizerJSON> | null;
    if (j?.kind !== KIND) throw new TypeError(`TokenVectorizer.load: kind must be '${KIND}' (got '${j?.kind}')`);
    if (j.version !== 1) throw new TypeError(`TokenVectorizer.load: unsupported version ${j.version}`);
    if (!Array.isArray(j.columns) || !Array.isArray(j.df) || j.columns.length !== j.df.length) {
      throw new TypeError('TokenVectorizer.load: columns and df must be arrays of the same length');
    }
    const v = new TokenVectorizer(j.options ?? {});
    v.#columns = j.columns.map(String);
    v.#df = Int32Array.from(j.df);
    v.#nTrain = Number(j.nTrain ?? 0);
    v.#fitted = true;
    return v;
  }
}

function checkBag(row: TokenBag, r: number, vocabularySize: number): void {
  if (row.tokens.length !== row.counts.length) {
    throw new RangeError(`row ${r}: ${row.tokens.length} tokens but ${row.counts.length} counts`);
  }
  for (let k = 0; k < row.tokens.length; k++) {
    const id = row.tokens[k]!;
    if (id < 0 || id >= vocabularySize) {
      throw new RangeError(`row ${r}: token id ${id} is outside the vocabulary (size ${vocabularySize})`);
    }
    // Distinct ascending ids (readSequenceBags' contract) keep every row free of repeated columns.
    if (k > 0 && id <= row.tokens[k - 1]!) throw new RangeError(`row ${r}: token ids are not distinct and ascending`);
  }
}
