/**
 * The table of distinct normalised messages and their event-level features (words, trigrams,
 * Drain template id, lengths). Normalised messages repeat enormously — a 300k-event dataset has a
 * few thousand — so every enhancer runs once per distinct message, here, on the main thread, in
 * a fixed order (sorted files, then first appearance in the file). That order makes the ids, and
 * Drain's order-dependent templates, identical whatever the number of workers.
 */
import type { Utf8Column } from '../io/utf8.ts';
import { Drain, type DrainOptions } from './drain.ts';
import { type TokenBag, trigrams, trigramText, words } from './tokens.ts';

/**
 * Interns token strings to dense ids in first-seen order, and keeps every token's UTF-8 bytes, so
 * the sequences' token lists are written by copying bytes instead of encoding millions of strings
 * on the main thread, the ingest's bottleneck.
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly tokens: string[] = [];
  #offsets = new Int32Array(1025);
  #bytes = new Uint8Array(8192);

  id(token: string): number {
    let id = this.#ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.#ids.set(token, id);
      this.tokens.push(token);
      this.#append(id, token);
    }
    return id;
  }

  #append(id: number, token: string): void {
    if (id + 2 > this.#offsets.length) {
      const grown = new Int32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    const at = this.#offsets[id]!;
    const need = at + 3 * token.length; // the most UTF-8 bytes a UTF-16 string can take
    if (need > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.#bytes.length * 2));
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    const { written } = encoder.encodeInto(token, this.#bytes.subarray(at));
    this.#offsets[id + 1] = at + written;
  }

  /** Every token's UTF-8 bytes, in id order (views, valid until the next new token). */
  get encoded(): Utf8Column {
    const n = this.tokens.length;
    return { offsets: this.#offsets.subarray(0, n + 1), data: this.#bytes.subarray(0, this.#offsets[n]) };
  }

  get size(): number {
    return this.tokens.length;
  }
}

const encoder = new TextEncoder();

/** Distinct ids of `list` (ascending) with how often each occurs. */
export function countTokens(list: Int32Array): TokenBag {
  const sorted = list.slice().sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const ids = new Int32Array(distinct);
  const counts = new Int32Array(distinct);
  let k = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) ids[++k] = sorted[i]!;
    counts[k]!++;
  }
  return { ids, counts };
}

export interface MessageFeatures {
  normalized: string;
  /** Word ids (into `MessageTable.words`), in order, with duplicates. */
  words: Int32Array;
  trigrams: Int32Array;
  /**
   * `words` and `trigrams` as distinct ids (ascending) with counts: what a sequence's bags add up.
   * A standard ingest's messages hold 79,815 trigrams but 32,612 distinct ones per message (stack
   * traces repeat theirs).
   */
  wordBag: TokenBag;
  trigramBag: TokenBag;
  drainId: number;
  /** Events carrying this message. */
  count: number;
}

export class MessageTable {
  readonly #ids = new Map<string, number>();
  readonly messages: MessageFeatures[] = [];
  readonly words = new Vocabulary();
  readonly trigrams = new Vocabulary();
  /** Trigram ids by their three code units (`#trigramIds`). */
  readonly #trigramKeys = new Map<number, number>();
  readonly drain: Drain;

  constructor(drainOptions: Partial<DrainOptions> = {}) {
    this.drain = new Drain(drainOptions);
  }

  /**
   * `trigrams(normalized)` as vocabulary ids. Known trigrams are found by their three UTF-16 code
   * units as one number, without a string each: a standard ingest's messages hold ≈ 80k trigrams
   * of ≈ 1,600 distinct ones.
   */
  #trigramIds(normalized: string): Int32Array {
    const s = trigramText(normalized);
    if (s.length < 3) return Int32Array.from(trigrams(normalized), (t) => this.trigrams.id(t));
    const ids = new Int32Array(s.length - 2);
    for (let i = 0; i + 3 <= s.length; i++) {
      const a = s.charCodeAt(i);
      const b = s.charCodeAt(i + 1);
      const c = s.charCodeAt(i + 2);
      // ASCII trigrams (nearly all) as 21-bit keys, which V8 keeps as small integers; others above
      // them (a 48-bit key is a heap number, several times slower to hash).
      const key = (a | b | c) < 128 ? (a << 14) | (b << 7) | c : 2_097_152 + (a * 65_536 + b) * 65_536 + c;
      let id = this.#trigramKeys.get(key);
      if (id === undefined) {
        id = this.trigrams.id(s.slice(i, i + 3));
        this.#trigramKeys.set(key, id);
      }
      ids[i] = id;
    }
    return ids;
  }

  /** Global id of a normalised message, computing its features the first time it is seen. */
  id(normalized: string): number {
    let id = this.#ids.get(normalized);
    if (id === undefined) {
      id = this.messages.length;
      this.#ids.set(normalized, id);
      const wordIds = Int32Array.from(words(normalized), (w) => this.words.id(w));
      const trigramIds = this.#trigramIds(normalized);
      this.messages.push({
        normalized,
        words: wordIds,
        trigrams: trigramIds,
        wordBag: countTokens(wordIds),
        trigramBag: countTokens(trigramIds),
        drainId: this.drain.add(normalized).clusterId,
        count: 0,
      });
    }
    return id;
  }

  get size(): number {
    return this.messages.length;
  }
}
