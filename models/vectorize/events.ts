/**
 * Event-level rows: one row per event (log line), whose token bag is its normalised message's. Lines
 * repeat heavily, so a part's events collapse to their distinct (message, label) pairs, each with its
 * count as a row weight: a detector that takes weights exactly fits them as it would every event, and
 * any detector scores each distinct message once. The vectorizer is fit as on every training event
 * (document frequencies count events), so `minDf`/`maxFeatures` mean the same as on the expanded rows.
 */
import type { CsrMatrix } from '../types.ts';
import { CsrBuilder, hstack } from './csr.ts';
import { isTokenPart, parseFeatureSet, type TokenPart } from './feature-sets.ts';
import { type ResolvedFeatureSpaceOptions, resolveFeatureSpaceOptions } from './space.ts';
import { type TokenBag, TokenVectorizer } from './tokens.ts';

/** Each message's bag of one token part, indexed by message id; token ids index `vocabulary`. */
export interface MessageBags {
  readonly vocabulary: readonly string[];
  readonly bags: readonly TokenBag[];
}

/** A part's events as distinct rows: what a detector fits and scores, and how events map back. */
export interface EventRows {
  /** Message id of each distinct row (ascending by message, then label). */
  readonly messages: Int32Array;
  /** Label of each distinct row (the label of every event it stands for). */
  readonly labels: Uint8Array;
  /** How many events each distinct row stands for (≥ 1). */
  readonly weights: Float64Array;
  /** Distinct row of each event, in event order. */
  readonly eventRow: Int32Array;
}

/**
 * The distinct (message, label) pairs of a part's events, in (message, label) order whatever the
 * order of the events, with their counts. `messages[i]` and `labels[i]` describe event i.
 */
export function distinctEventRows(messages: Int32Array, labels: Uint8Array): EventRows {
  if (messages.length !== labels.length) {
    throw new RangeError(
      `distinctEventRows: ${messages.length} message ids but ${labels.length} labels (one of each per event)`,
    );
  }
  // Message ids are dense row numbers of the messages table: count (message, label) keys in an array.
  let maxMessage = -1;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const y = labels[i]!;
    if (!(Number.isInteger(m) && m >= 0) || y > 1) {
      throw new RangeError(`distinctEventRows: event ${i} has message ${m} and label ${y}`);
    }
    if (m > maxMessage) maxMessage = m;
  }
  const count = new Float64Array(2 * (maxMessage + 1));
  for (let i = 0; i < messages.length; i++) count[messages[i]! * 2 + labels[i]!]!++;
  const rowOf = new Int32Array(count.length).fill(-1);
  let nRows = 0;
  for (let key = 0; key < count.length; key++) if (count[key]! > 0) rowOf[key] = nRows++;
  const out = {
    messages: new Int32Array(nRows),
    labels: new Uint8Array(nRows),
    weights: new Float64Array(nRows),
    eventRow: new Int32Array(messages.length),
  };
  for (let key = 0; key < count.length; key++) {
    const r = rowOf[key]!;
    if (r < 0) continue;
    out.messages[r] = key >> 1;
    out.labels[r] = key & 1;
    out.weights[r] = count[key]!;
  }
  for (let i = 0; i < messages.length; i++) out.eventRow[i] = rowOf[messages[i]! * 2 + labels[i]!]!;
  return out;
}

/** The vectorizers of a token feature set, fit on training events (distinct messages with counts). */
export class EventFeatureSpace {
  readonly featureSet: string;
  readonly parts: readonly TokenPart[];
  /** Whether the last column is each event's count of all its tokens (the `length` option, for OOV). */
  readonly length: boolean;
  readonly #vectorizers: { part: TokenPart; model: TokenVectorizer }[];
  readonly #messages: Partial<Record<TokenPart, MessageBags>>;

  private constructor(
    featureSet: string,
    parts: readonly TokenPart[],
    vectorizers: { part: TokenPart; model: TokenVectorizer }[],
    messages: Partial<Record<TokenPart, MessageBags>>,
    length: boolean,
  ) {
    this.featureSet = featureSet;
    this.parts = parts;
    this.#vectorizers = vectorizers;
    this.#messages = messages;
    this.length = length;
  }

  /**
   * Fits each part's vectorizer as on every training event: message `train.messages[i]` counts
   * `train.weights[i]` times. A feature set with a numeric part is a TypeError (numeric columns
   * describe sequences, not events).
   */
  static fit(
    featureSet: string,
    messages: Partial<Record<TokenPart, MessageBags>>,
    train: { readonly messages: Int32Array; readonly weights: Float64Array },
    options: Partial<ResolvedFeatureSpaceOptions> = {},
  ): EventFeatureSpace {
    const all = parseFeatureSet(featureSet);
    if (!all.every(isTokenPart)) {
      throw new TypeError(`feature set '${featureSet}': event rows need token parts only (words, trigrams, drain)`);
    }
    const parts = all as readonly TokenPart[];
    const o = resolveFeatureSpaceOptions({ tokens: options.tokens, length: options.length });
    const space = new EventFeatureSpace(
      featureSet,
      parts,
      parts.map((part) => ({ part, model: new TokenVectorizer(o.tokens) })),
      messages,
      o.length,
    );
    for (const { part, model } of space.#vectorizers) {
      const source = space.#source(part);
      // Every training event's bag (references, not copies): document frequencies count events.
      const events: TokenBag[] = [];
      for (let r = 0; r < train.messages.length; r++) {
        const w = train.weights[r]!;
        if (!(Number.isInteger(w) && w >= 0)) {
          throw new RangeError(`EventFeatureSpace.fit: weight of row ${r} is ${w}; counts of events are integers ≥ 0`);
        }
        const bag = space.#bag(source, train.messages[r]!);
        for (let k = 0; k < w; k++) events.push(bag);
      }
      model.fit(events, source.vocabulary);
    }
    return space;
  }

  /** Column names in column order, prefixed with their part (as FeatureSpace names them). */
  get columnNames(): readonly string[] {
    return [
      ...this.#vectorizers.flatMap(({ part, model }) => model.columnNames.map((n) => `${part}:${n}`)),
      ...(this.length ? [`length:${this.parts.join('+')}`] : []),
    ];
  }

  /** One row per message id, in the given order. */
  transform(messageIds: Int32Array): CsrMatrix {
    const blocks = this.#vectorizers.map(({ part, model }) => {
      const source = this.#source(part);
      return model.transform(
        Array.from(messageIds, (m) => this.#bag(source, m)),
        source.vocabulary,
      );
    });
    if (this.length) {
      const b = new CsrBuilder(1, messageIds.length, messageIds.length);
      for (const m of messageIds) {
        let total = 0;
        for (const part of this.parts) {
          const counts = this.#bag(this.#source(part), m).counts;
          for (let k = 0; k < counts.length; k++) total += counts[k]!;
        }
        b.push([0], [total]);
      }
      blocks.push(b.finish());
    }
    return hstack(blocks);
  }

  #source(part: TokenPart): MessageBags {
    const s = this.#messages[part];
    if (!s) throw new TypeError(`feature set '${this.featureSet}': no ${part} bags of the messages were given`);
    return s;
  }

  #bag(source: MessageBags, message: number): TokenBag {
    const bag = source.bags[message];
    if (!bag) throw new RangeError(`message ${message} has no bag (the messages table has ${source.bags.length})`);
    return bag;
  }
}
