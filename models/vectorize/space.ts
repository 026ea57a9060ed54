/**
 * A feature space: the vectorizers of one feature set, fit on the training sequences of a split,
 * turning any sequences of the same ingest into one CSR matrix (parts side by side, in the order
 * of the feature-set name, columns prefixed with the part: `words:status.yml`, `numeric:seq_len`).
 * With the `length` option a last column `length:<token parts>` holds each sequence's count of all
 * its tokens, those no column keeps included (what the pipeline's `e_words_len` holds for words):
 * the out-of-vocabulary detector subtracts the in-vocabulary counts from it.
 */

import {
  type IngestTables,
  NUMERIC_COLUMNS,
  openIngest,
  type SequenceBags,
  type SequenceNumeric,
} from '../../harness/data/index.ts';
import type { CsrMatrix } from '../types.ts';
import { CsrBuilder, hstack } from './csr.ts';
import { type FeaturePart, isTokenPart, parseFeatureSet, type TokenPart } from './feature-sets.ts';
import {
  NumericScaler,
  type NumericScalerJSON,
  type NumericScalerOptions,
  type NumericTable,
  resolveNumericScalerOptions,
} from './numeric.ts';
import {
  resolveTokenVectorizerOptions,
  type TokenBag,
  TokenVectorizer,
  type TokenVectorizerJSON,
  type TokenVectorizerOptions,
} from './tokens.ts';

/** The per-sequence data of one ingest that feature sets read; every member is in table order. */
export interface FeatureSource {
  readonly bags: Partial<Record<TokenPart, SequenceBags>>;
  readonly numeric?: SequenceNumeric;
}

/** A sequence to vectorize, found in the source by its id (SequenceMeta and SequenceBag qualify). */
export interface SequenceRef {
  readonly seqId: string;
}

export interface FeatureSpaceOptions {
  /** Options of every token part's vectorizer. @default defaultTokenVectorizerOptions */
  tokens: Partial<TokenVectorizerOptions>;
  /** Options of the numeric part's scaler. @default defaultNumericScalerOptions */
  numeric: Partial<NumericScalerOptions>;
  /**
   * Append the `length:<parts>` column: each sequence's count of all its tokens (token parts only;
   * a feature set with a numeric part refuses it). @default false
   */
  length: boolean;
}

/** Every option of a feature space, defaults filled in: what a matrix depends on besides its data. */
export interface ResolvedFeatureSpaceOptions {
  readonly tokens: Readonly<TokenVectorizerOptions>;
  readonly numeric: Readonly<NumericScalerOptions>;
  readonly length: boolean;
}

/** Fills defaults and validates (errors name the option); the result is frozen. */
export function resolveFeatureSpaceOptions(options: Partial<FeatureSpaceOptions> = {}): ResolvedFeatureSpaceOptions {
  if (options.length !== undefined && typeof options.length !== 'boolean') {
    throw new TypeError(`length must be a boolean (got ${String(options.length)})`);
  }
  return Object.freeze({
    tokens: resolveTokenVectorizerOptions(options.tokens),
    numeric: resolveNumericScalerOptions(options.numeric),
    length: options.length ?? false,
  });
}

export interface FeatureSpaceJSON {
  kind: 'feature-space';
  version: 1;
  featureSet: string;
  parts: { part: FeaturePart; model: TokenVectorizerJSON | NumericScalerJSON }[];
  /** Present (true) when the space appends the length column. */
  length?: true;
}

const KIND = 'feature-space';

/**
 * Reads from an ingest (its folder, or its tables already open) exactly what `featureSet` needs (a
 * name or parsed parts).
 */
export function readFeatureSource(
  ingest: string | IngestTables,
  featureSet: string | readonly FeaturePart[],
): FeatureSource {
  const tables = typeof ingest === 'string' ? openIngest(ingest) : ingest;
  const parts = typeof featureSet === 'string' ? parseFeatureSet(featureSet) : featureSet;
  const bags: Partial<Record<TokenPart, SequenceBags>> = {};
  for (const p of parts) if (isTokenPart(p)) bags[p] = tables.bags(p);
  return parts.includes('numeric') ? { bags, numeric: tables.numeric() } : { bags };
}

type Model = { part: TokenPart; model: TokenVectorizer } | { part: 'numeric'; model: NumericScaler };

/** Fitted vectorizers of one feature set over one source. */
export class FeatureSpace {
  readonly featureSet: string;
  readonly parts: readonly FeaturePart[];
  /** Whether the last column is each sequence's token count (the `length` option). */
  readonly length: boolean;
  readonly #models: Model[];
  readonly #source: FeatureSource;
  readonly #rowOf: Map<string, number>;
  #columnNames: readonly string[] | null = null;

  private constructor(featureSet: string, models: Model[], source: FeatureSource, length: boolean) {
    this.featureSet = featureSet;
    this.parts = parseFeatureSet(featureSet);
    if (length && this.parts.includes('numeric')) {
      throw new TypeError(
        `feature set '${featureSet}': the length column counts tokens, so it needs a feature set of token parts only`,
      );
    }
    this.length = length;
    this.#models = models;
    this.#source = source;
    this.#rowOf = indexSource(source, this.parts, featureSet);
  }

  /** Fits each part's vectorizer on the `train` sequences only. */
  static fit(
    featureSet: string,
    source: FeatureSource,
    train: readonly SequenceRef[],
    options: Partial<FeatureSpaceOptions> = {},
  ): FeatureSpace {
    const parts = parseFeatureSet(featureSet);
    const o = resolveFeatureSpaceOptions(options);
    const space = new FeatureSpace(
      featureSet,
      parts.map((part): Model => {
        if (part === 'numeric') return { part, model: new NumericScaler(o.numeric) };
        return { part, model: new TokenVectorizer(o.tokens) };
      }),
      source,
      o.length,
    );
    // Table order, so the fit depends on which sequences train, not on how they are listed (float sums do).
    const rows = space.#rows(train).sort();
    for (const m of space.#models) {
      if (m.part === 'numeric') m.model.fit(space.#numeric(rows));
      else m.model.fit(space.#bags(m.part, rows), space.#sourceBags(m.part).vocabulary);
    }
    return space;
  }

  /** Restores a fitted space over a source of the same ingest (or another one: tokens match by name). */
  static load(json: unknown, source: FeatureSource): FeatureSpace {
    const j = json as Partial<FeatureSpaceJSON> | null;
    if (j?.kind !== KIND) throw new TypeError(`FeatureSpace.load: kind must be '${KIND}' (got '${j?.kind}')`);
    if (j.version !== 1) throw new TypeError(`FeatureSpace.load: unsupported version ${j.version}`);
    const parts = parseFeatureSet(String(j.featureSet));
    const stored = j.parts ?? [];
    if (stored.length !== parts.length || stored.some((s, i) => s.part !== parts[i])) {
      throw new TypeError(`FeatureSpace.load: parts do not match feature set '${j.featureSet}'`);
    }
    const models = stored.map((s): Model => {
      if (s.part === 'numeric') return { part: s.part, model: NumericScaler.load(s.model) };
      return { part: s.part, model: TokenVectorizer.load(s.model) };
    });
    return new FeatureSpace(String(j.featureSet), models, source, j.length === true);
  }

  /** Column names in column order, prefixed with their part. */
  get columnNames(): readonly string[] {
    this.#columnNames ??= Object.freeze([
      ...this.#models.flatMap((m) => m.model.columnNames.map((name) => `${m.part}:${name}`)),
      ...(this.length ? [`length:${this.parts.join('+')}`] : []),
    ]);
    return this.#columnNames;
  }

  /** The fitted vectorizer of a token part of this feature set. */
  vectorizer(part: TokenPart): TokenVectorizer {
    const m = this.#models.find((x) => x.part === part);
    if (!m || m.part === 'numeric') throw new TypeError(`feature set '${this.featureSet}' has no part '${part}'`);
    return m.model;
  }

  /** The sequences as one matrix: a row per sequence, in the given order. */
  transform(sequences: readonly SequenceRef[]): CsrMatrix {
    const rows = this.#rows(sequences);
    const blocks = this.#models.map((m) =>
      m.part === 'numeric'
        ? m.model.transform(this.#numeric(rows))
        : m.model.transform(this.#bags(m.part, rows), this.#sourceBags(m.part).vocabulary),
    );
    if (this.length) blocks.push(this.#lengths(rows));
    return hstack(blocks);
  }

  /** Per sequence, the tokens of `part` that are no column (see TokenVectorizer.unseenCounts). */
  unseenCounts(part: TokenPart, sequences: readonly SequenceRef[]): Int32Array {
    return this.vectorizer(part).unseenCounts(
      this.#bags(part, this.#rows(sequences)),
      this.#sourceBags(part).vocabulary,
    );
  }

  /** The feature-set name and each part's fitted vectorizer. */
  toJSON(): FeatureSpaceJSON {
    return {
      kind: KIND,
      version: 1,
      featureSet: this.featureSet,
      parts: this.#models.map((m) => ({ part: m.part, model: m.model.toJSON() })),
      ...(this.length && { length: true as const }),
    };
  }

  #rows(sequences: readonly SequenceRef[]): Int32Array {
    return Int32Array.from(sequences, (s) => {
      const row = this.#rowOf.get(s.seqId);
      if (row === undefined) throw new RangeError(`sequence ${s.seqId} is not in the feature source`);
      return row;
    });
  }

  /** One column: each row's count of all its tokens over the token parts (the bag counts, before any column is chosen). */
  #lengths(rows: Int32Array): CsrMatrix {
    const b = new CsrBuilder(1, rows.length, rows.length);
    for (const r of rows) {
      let total = 0;
      for (const m of this.#models) {
        if (m.part === 'numeric') continue;
        const counts = this.#sourceBags(m.part).sequences[r]!.counts;
        for (let k = 0; k < counts.length; k++) total += counts[k]!;
      }
      b.push([0], [total]);
    }
    return b.finish();
  }

  #sourceBags(part: TokenPart): SequenceBags {
    const bags = this.#source.bags[part];
    if (!bags) throw new TypeError(`feature set '${this.featureSet}': the source has no ${part} bags`);
    return bags;
  }

  #bags(part: TokenPart, rows: Int32Array): TokenBag[] {
    const all = this.#sourceBags(part).sequences;
    return Array.from(rows, (r) => all[r]!);
  }

  #numeric(rows: Int32Array): NumericTable {
    const numeric = this.#source.numeric;
    if (!numeric) throw new TypeError(`feature set '${this.featureSet}': the source has no numeric columns`);
    return {
      names: NUMERIC_COLUMNS,
      values: NUMERIC_COLUMNS.map((name) => {
        const col = numeric.columns[name];
        return Float64Array.from(rows, (r) => col[r]!);
      }),
    };
  }
}

/** seq_id → row of the source; throws unless every part the set needs lists the same sequences in the same order. */
function indexSource(source: FeatureSource, parts: readonly FeaturePart[], featureSet: string): Map<string, number> {
  const orders = parts.map((p) => {
    const ids = p === 'numeric' ? source.numeric?.seqId : source.bags[p]?.sequences.map((s) => s.seqId);
    if (!ids) {
      throw new TypeError(
        `feature set '${featureSet}': the source has no ${p} data (hint: readFeatureSource(dir, '${featureSet}'))`,
      );
    }
    return { what: p, ids };
  });
  const first = orders[0]!;
  for (const o of orders.slice(1)) {
    if (o.ids.length !== first.ids.length || o.ids.some((id, i) => id !== first.ids[i])) {
      throw new RangeError(
        `feature source: ${o.what} and ${first.what} list different sequences (read both from one ingest)`,
      );
    }
  }
  const rowOf = new Map<string, number>();
  for (const [i, id] of first.ids.entries()) {
    if (rowOf.has(id)) throw new RangeError(`feature source: sequence ${id} appears twice`);
    rowOf.set(id, i);
  }
  return rowOf;
}
