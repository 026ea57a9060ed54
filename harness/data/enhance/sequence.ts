/**
 * Sequence enhancer: turns one file's events (with global message ids) into its sequence row —
 * seq_len, start/end time, duration, token bags, the Drain id list, lengths — and the per-event
 * feature columns looked up from the message table.
 */
import type { SequenceFile } from '../lo2/discover.ts';
import type { FileEvents } from '../lo2/read-file.ts';
import type { MessageFeatures, MessageTable } from './messages.ts';

/** Distinct token ids (ascending) with their number of occurrences in the sequence. */
export interface TokenBag {
  ids: Int32Array;
  counts: Int32Array;
}

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
 * Token counts of a sequence from its distinct messages' token lists and how often each occurs.
 * Dense counters indexed by token id (reused across calls) are several times faster than a Map.
 */
function bagOf(perMessage: readonly Int32Array[], occurrences: Int32Array, scratch: Scratch): TokenBag {
  const touched: number[] = [];
  for (let m = 0; m < perMessage.length; m++) {
    const c = occurrences[m]!;
    if (c === 0) continue;
    const tokens = perMessage[m]!;
    for (let j = 0; j < tokens.length; j++) {
      const t = tokens[j]!;
      const counts = scratch.ensure(t);
      if (counts[t] === 0) touched.push(t);
      counts[t]! += c;
    }
  }
  const ids = Int32Array.from(touched).sort();
  const counts = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    counts[i] = scratch.counts[ids[i]!]!;
    scratch.counts[ids[i]!] = 0;
  }
  return { ids, counts };
}

/** Zeroed counters indexed by token id, grown on demand and left zeroed after each use. */
class Scratch {
  counts = new Int32Array(1024);
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
 * Registers the file's distinct messages in `table` (in first-appearance order, which keeps ids
 * deterministic) and builds the sequence row and event features.
 */
export function enhanceSequence(
  file: SequenceFile,
  events: FileEvents,
  normalized: readonly string[],
  table: MessageTable,
): { row: SequenceRow; features: EventFeatures } {
  // Per distinct message: its features once, then cheap per-event gathers through local ids. Plain
  // loops: `Int32Array.from` with a callback, five times per file, was a third of this function.
  const distinct = normalized.length;
  const globalIds = new Int32Array(distinct);
  const messages: MessageFeatures[] = new Array(distinct);
  const localDrain = new Int32Array(distinct);
  const localWords = new Int32Array(distinct);
  const localTrigrams = new Int32Array(distinct);
  const wordLists: Int32Array[] = new Array(distinct);
  const trigramLists: Int32Array[] = new Array(distinct);
  for (let m = 0; m < distinct; m++) {
    const g = table.id(normalized[m]!);
    const message = table.messages[g]!;
    globalIds[m] = g;
    messages[m] = message;
    localDrain[m] = message.drainId;
    localWords[m] = message.words.length;
    localTrigrams[m] = message.trigrams.length;
    wordLists[m] = message.words;
    trigramLists[m] = message.trigrams;
  }
  const n = events.count;
  const messageId = new Int32Array(n);
  const drainId = new Int32Array(n);
  const wordsLen = new Int32Array(n);
  const trigramsLen = new Int32Array(n);
  const occurrences = new Int32Array(normalized.length);
  const localIds = events.localMessageId;
  const times = events.timeMs;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const local = localIds[i]!;
    occurrences[local]!++;
    messageId[i] = globalIds[local]!;
    drainId[i] = localDrain[local]!;
    wordsLen[i] = localWords[local]!;
    trigramsLen[i] = localTrigrams[local]!;
    const t = times[i]!;
    if (t < start) start = t;
    if (t > end) end = t;
  }
  let totalWords = 0;
  let totalTrigrams = 0;
  for (let m = 0; m < messages.length; m++) {
    const c = occurrences[m]!;
    messages[m]!.count += c;
    totalWords += c * localWords[m]!;
    totalTrigrams += c * localTrigrams[m]!;
  }
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
    words: bagOf(wordLists, occurrences, wordScratch),
    trigrams: bagOf(trigramLists, occurrences, trigramScratch),
    drainIds: drainId,
    wordsLen: totalWords,
    trigramsLen: totalTrigrams,
  };
  return { row, features: { messageId, drainId, wordsLen, trigramsLen } };
}
