/**
 * Sequence enhancer: turns one file's events (with global message ids) into its sequence row —
 * seq_len, start/end time, duration, token bags, the Drain id list, lengths — and the per-event
 * feature columns looked up from the message table.
 */
import type { SequenceFile } from '../lo2/discover.ts';
import type { FileEvents } from '../lo2/read-file.ts';
import type { MessageTable } from './messages.ts';
import type { TokenBag } from './tokens.ts';

export type { TokenBag } from './tokens.ts';

export interface SequenceRow {
  seqId: string;
  run: string;
  testCase: string;
  service: string;
  anomaly: boolean;
  seqLen: number;
  /** Epoch ms; NaN for an empty sequence. */
  startMs: number;
  endMs: number;
  durationSec: number;
  words: TokenBag;
  trigrams: TokenBag;
  /** Drain template id of each event, in file order. */
  drainIds: Int32Array;
  /** Total words / trigrams over the sequence's events. */
  wordsLen: number;
  trigramsLen: number;
}

/** Event-level columns derived from the message table. */
export interface EventFeatures {
  messageId: Int32Array;
  drainId: Int32Array;
  wordsLen: Int32Array;
  trigramsLen: Int32Array;
}

/**
 * Token counts of a sequence from its distinct messages' bags (`messageBags[m]` of reader id
 * `touched[m]`) and how often each message occurs. Dense counters indexed by token id (reused
 * across calls) are several times faster than a Map. The loops are small functions of their own:
 * V8 optimises each as soon as it is hot, instead of compiling them together before the later ones
 * have run (which cost recompilations, traced with --trace-deopt).
 */
function bagOf(
  touched: readonly number[],
  messageBags: readonly TokenBag[],
  occurrences: Int32Array,
  scratch: Scratch,
  lists: RowLists,
): TokenBag {
  const distinct = addTokens(touched, messageBags, occurrences, scratch);
  const ids = lists.take(distinct.length);
  const counts = lists.take(ids.length);
  // The counted ids ascending: when they are dense enough among the ids up to the largest, a scan
  // of the counters gives them in order, faster than sorting them (a file counts ≈ 500 of standard's
  // ≈ 1,600 trigrams).
  if (scratch.largest < SCAN_RATIO * distinct.length) scanCounts(scratch.counts, scratch.largest, ids, counts);
  else {
    ids.set(distinct);
    ids.sort();
    takeCounts(ids, scratch.counts, counts);
  }
  scratch.largest = -1;
  return { ids, counts };
}

/** Counters scanned rather than ids sorted when there are fewer than this many counters per id. */
const SCAN_RATIO = 16;

/** The non-zero counters up to `largest`, in id order, into ids and counts; they go back to zero. */
function scanCounts(counters: Int32Array, largest: number, ids: Int32Array, counts: Int32Array): void {
  let k = 0;
  for (let t = 0; t <= largest; t++) {
    const c = counters[t]!;
    if (c !== 0) {
      ids[k] = t;
      counts[k++] = c;
      counters[t] = 0;
    }
  }
}

/** Adds each message's bag, times its occurrences, to the counters; returns the tokens first counted. */
function addTokens(
  touched: readonly number[],
  messageBags: readonly TokenBag[],
  occurrences: Int32Array,
  scratch: Scratch,
): number[] {
  const distinct: number[] = [];
  for (let m = 0; m < touched.length; m++) {
    const c = occurrences[touched[m]!]!;
    const { ids, counts: k } = messageBags[m]!;
    // Ascending ids: the last is the largest.
    if (ids.length === 0) continue;
    const last = ids[ids.length - 1]!;
    const counts = scratch.ensure(last);
    if (last > scratch.largest) scratch.largest = last;
    for (let j = 0; j < ids.length; j++) {
      const t = ids[j]!;
      if (counts[t] === 0) distinct.push(t);
      counts[t]! += c * k[j]!;
    }
  }
  return distinct;
}

/** `out[i]` = the counter of token `ids[i]`, which goes back to zero. */
function takeCounts(ids: Int32Array, counters: Int32Array, out: Int32Array): void {
  for (let i = 0; i < ids.length; i++) {
    out[i] = counters[ids[i]!]!;
    counters[ids[i]!] = 0;
  }
}

/** Zeroed counters indexed by token id, grown on demand and left zeroed after each use. */
class Scratch {
  counts = new Int32Array(1024);
  /** The largest id counted since the counters were last taken, −1 for none. */
  largest = -1;
  ensure(id: number): Int32Array {
    if (id >= this.counts.length) {
      const grown = new Int32Array(Math.max(id + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    return this.counts;
  }
}

const wordScratch = new Scratch();
const trigramScratch = new Scratch();

/**
 * Where sequence rows keep their lists (token bags, drain ids): consecutive views of one array,
 * reused once the rows are written (`reset`), instead of four buffers per file for the collector.
 */
export class RowLists {
  #data: Int32Array;
  #used = 0;

  constructor(capacity = 1 << 16) {
    this.#data = new Int32Array(capacity);
  }

  /** A list of `length` values (not zeroed), valid until `reset`. */
  take(length: number): Int32Array {
    // A full array stays with the rows that view it; later lists go to a larger one.
    if (this.#used + length > this.#data.length) {
      this.#data = new Int32Array(Math.max(2 * this.#data.length, length));
      this.#used = 0;
    }
    return this.#data.subarray(this.#used, (this.#used += length));
  }

  /** Every row viewing these lists is written: their room serves the next rows. */
  reset(): void {
    this.#used = 0;
  }
}

/** Lists of rows that are never reset (each row's lists are its own). */
const ownLists = { take: (length: number) => new Int32Array(length) } as RowLists;

/**
 * One reader's message ids (lo2/read-task.ts) mapped to the message table's: the texts as the
 * reader sent them and, per reader id, the table's id (−1 until a folded file uses it) and the
 * features the events table repeats. Plain typed arrays reused from file to file: a dozen small
 * typed arrays per file, each with its own backing store, were a good part of the main thread's
 * garbage collection (profiled).
 */
export class ReaderIds {
  readonly texts: string[] = [];
  globalId = new Int32Array(256).fill(-1);
  drainId = new Int32Array(256);
  words = new Int32Array(256);
  trigrams = new Int32Array(256);
  /** Occurrences in the file being enhanced; zero between files. */
  occurrences = new Int32Array(256);

  /** Messages the reader sent with a task: ids `first`, `first + 1`, … */
  add(first: number, texts: readonly string[]): void {
    if (first !== this.texts.length)
      throw new Error(`internal: reader message ids out of order (${first}, expected ${this.texts.length})`);
    this.texts.push(...texts);
    const need = this.texts.length;
    if (need <= this.globalId.length) return;
    const cap = Math.max(need, 2 * this.globalId.length);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const globalId = grow(this.globalId);
    globalId.fill(-1, this.globalId.length);
    this.globalId = globalId;
    this.drainId = grow(this.drainId);
    this.words = grow(this.words);
    this.trigrams = grow(this.trigrams);
    this.occurrences = grow(this.occurrences);
  }
}

// The per-event loops are small functions of their own: V8 optimises a small function sooner, and
// a first ingest in a fresh process runs much of its work before that (docs/PERFORMANCE.md).

/** The distinct reader ids of a file's events in first-appearance order; counts each one's events. */
function countMessages(readerIds: Int32Array, n: number, occurrences: Int32Array): number[] {
  const touched: number[] = [];
  for (let i = 0; i < n; i++) if (occurrences[readerIds[i]!]!++ === 0) touched.push(readerIds[i]!);
  return touched;
}

/**
 * Each event's message id, drain id, word and trigram counts, as four consecutive columns; and the
 * first and last of the events' times into `span`.
 */
function fillFeatures(
  readerIds: Int32Array,
  times: Float64Array,
  n: number,
  ids: ReaderIds,
  columns: Int32Array,
  span: Float64Array,
): void {
  const { globalId, drainId, words, trigrams } = ids;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = readerIds[i]!;
    columns[i] = globalId[r]!;
    columns[n + i] = drainId[r]!;
    columns[2 * n + i] = words[r]!;
    columns[3 * n + i] = trigrams[r]!;
    const t = times[i]!;
    if (t < start) start = t;
    if (t > end) end = t;
  }
  span[0] = start;
  span[1] = end;
}

/** `fillFeatures`' time span: two numbers back without an object per file. */
const span = new Float64Array(2);

/**
 * Registers the file's distinct messages in `table` (in first-appearance order, which keeps ids
 * deterministic) and builds the sequence row and event features. The events' `localMessageId`
 * are the reader's ids (`ids`).
 */
export function enhanceSequence(
  file: SequenceFile,
  events: FileEvents,
  ids: ReaderIds,
  table: MessageTable,
  /** Where the four event feature columns go, one after the other (4 × the events). */
  columns = new Int32Array(4 * events.count),
  /** Where the row's lists go. */
  lists: RowLists = ownLists,
): { row: SequenceRow; features: EventFeatures } {
  const n = events.count;
  const readerIds = events.localMessageId;
  const occurrences = ids.occurrences;
  // The file's distinct messages in first-appearance order; the table meets new ones in that order.
  const touched = countMessages(readerIds, n, occurrences);
  // Indexed loops: this runs once per file, much of a first ingest before V8 has optimised it,
  // and iterators cost the unoptimised code several times more.
  const m = touched.length;
  for (let i = 0; i < m; i++) {
    const r = touched[i]!;
    if (ids.globalId[r]! >= 0) continue;
    const g = table.id(ids.texts[r]!);
    const message = table.messages[g]!;
    ids.globalId[r] = g;
    ids.drainId[r] = message.drainId;
    ids.words[r] = message.words.length;
    ids.trigrams[r] = message.trigrams.length;
  }
  const messageId = columns.subarray(0, n);
  const drainId = columns.subarray(n, 2 * n);
  const wordsLen = columns.subarray(2 * n, 3 * n);
  const trigramsLen = columns.subarray(3 * n);
  fillFeatures(readerIds, events.timeMs, n, ids, columns, span);
  const start = span[0]!;
  const end = span[1]!;
  let totalWords = 0;
  let totalTrigrams = 0;
  const wordBags: TokenBag[] = [];
  const trigramBags: TokenBag[] = [];
  for (let i = 0; i < m; i++) {
    const r = touched[i]!;
    const c = occurrences[r]!;
    const message = table.messages[ids.globalId[r]!]!;
    message.count += c;
    totalWords += c * ids.words[r]!;
    totalTrigrams += c * ids.trigrams[r]!;
    wordBags.push(message.wordBag);
    trigramBags.push(message.trigramBag);
  }
  const words = bagOf(touched, wordBags, occurrences, wordScratch, lists);
  const trigrams = bagOf(touched, trigramBags, occurrences, trigramScratch, lists);
  const drainIds = lists.take(n);
  drainIds.set(drainId);
  for (let i = 0; i < m; i++) occurrences[touched[i]!] = 0;
  const row: SequenceRow = {
    seqId: file.seqId,
    run: file.run,
    testCase: file.testCase,
    service: file.service,
    anomaly: file.anomaly,
    seqLen: n,
    startMs: n > 0 ? start : Number.NaN,
    endMs: n > 0 ? end : Number.NaN,
    durationSec: n > 0 ? (end - start) / 1000 : 0,
    words,
    trigrams,
    drainIds,
    wordsLen: totalWords,
    trigramsLen: totalTrigrams,
  };
  return { row, features: { messageId, drainId, wordsLen, trigramsLen } };
}
