/**
 * The table of distinct normalised messages and their event-level features (words, trigrams,
 * Drain template id, lengths). Normalised messages repeat enormously — a 300k-event dataset has a
 * few thousand — so every enhancer runs once per distinct message, here, on the main thread, in
 * a fixed order (sorted files, then first appearance in the file). That order makes the ids, and
 * Drain's order-dependent templates, identical whatever the number of workers.
 */
import { Drain, type DrainOptions } from './drain.ts';
import { trigrams, words } from './tokens.ts';

/** Interns token strings to dense ids in first-seen order. */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly tokens: string[] = [];

  id(token: string): number {
    let id = this.#ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.#ids.set(token, id);
      this.tokens.push(token);
    }
    return id;
  }

  get size(): number {
    return this.tokens.length;
  }
}

export interface MessageFeatures {
  normalized: string;
  /** Word ids (into `MessageTable.words`), in order, with duplicates. */
  words: Int32Array;
  trigrams: Int32Array;
  drainId: number;
  /** Events carrying this message. */
  count: number;
}

export class MessageTable {
  readonly #ids = new Map<string, number>();
  readonly messages: MessageFeatures[] = [];
  readonly words = new Vocabulary();
  readonly trigrams = new Vocabulary();
  readonly drain: Drain;

  constructor(drainOptions: Partial<DrainOptions> = {}) {
    this.drain = new Drain(drainOptions);
  }

  /** Global id of a normalised message, computing its features the first time it is seen. */
  id(normalized: string): number {
    let id = this.#ids.get(normalized);
    if (id === undefined) {
      id = this.messages.length;
      this.#ids.set(normalized, id);
      this.messages.push({
        normalized,
        words: Int32Array.from(words(normalized), (w) => this.words.id(w)),
        trigrams: Int32Array.from(trigrams(normalized), (t) => this.trigrams.id(t)),
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
