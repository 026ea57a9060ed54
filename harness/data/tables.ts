/**
 * Builds the ingest's Arrow record batches from the enhancers' typed arrays: one events batch per
 * reader task, sequence batches of a few hundred rows, and the messages and templates tables at the
 * end. Every batch names its columns; schema.ts checks them and puts them in the files' order.
 */
import type { Dictionary, Int8, Int32, RecordBatch, Utf8, Vector } from 'apache-arrow';
import type { CacheEntry } from './cache.ts';
import type { MessageTable } from './enhance/messages.ts';
import type { EventFeatures, SequenceRow } from './enhance/sequence.ts';
import {
  type Allocator,
  ArrowFileSink,
  type BufferPieces,
  boolData,
  float64Data,
  int32Data,
  int32ListData,
  nullableInt32Data,
  type RawColumn,
  rawTableColumns,
  stringVector,
  tableBatch,
  timestampData,
  timestampHalves,
  tokenListData,
  utf8Data,
} from './io/arrow.ts';
import { type BufferPool, Layout } from './io/buffer-pool.ts';
import { packUtf8 } from './io/utf8.ts';
import type { SequenceFile } from './lo2/discover.ts';
import { LEVELS } from './lo2/parse.ts';
import type { FileEvents } from './lo2/read-file.ts';
import { STRING_FIELDS, type StringField } from './lo2/read-task.ts';
import { EVENTS, MESSAGES, SEQUENCES, TEMPLATES } from './schema.ts';

type DictColumn = { vector: Vector<Utf8>; index: Map<string, number>; type: Dictionary<Utf8, Int32> };

/** Dictionaries of the events table's repeated strings, fixed up front from the file list. */
export interface EventDictionaries {
  seq_id: DictColumn;
  run: DictColumn;
  test_case: DictColumn;
  service: DictColumn;
  m_level: { vector: Vector<Utf8>; type: Dictionary<Utf8, Int8> };
  /** The dictionaries by id, in the order of the table's columns (the order they are written in). */
  batches: ReadonlyMap<number, Vector<Utf8>>;
}

const eventsType = (name: keyof EventDictionaries) => EVENTS.columns.find((c) => c.name === name)!.type;

function dictColumn(name: keyof EventDictionaries, values: Iterable<string>): DictColumn {
  const sorted = [...new Set(values)].sort();
  const type = eventsType(name) as Dictionary<Utf8, Int32>;
  return { vector: stringVector(sorted), index: new Map(sorted.map((v, i) => [v, i])), type };
}

export function makeEventDictionaries(files: readonly SequenceFile[]): EventDictionaries {
  const d: Omit<EventDictionaries, 'batches'> = {
    seq_id: dictColumn(
      'seq_id',
      files.map((f) => f.seqId),
    ),
    run: dictColumn(
      'run',
      files.map((f) => f.run),
    ),
    test_case: dictColumn(
      'test_case',
      files.map((f) => f.testCase),
    ),
    service: dictColumn(
      'service',
      files.map((f) => f.service),
    ),
    m_level: {
      vector: stringVector(LEVELS),
      type: eventsType('m_level') as Dictionary<Utf8, Int8>,
    },
  };
  const batches = new Map<number, Vector<Utf8>>();
  for (const c of EVENTS.columns) {
    const column = d[c.name as keyof typeof d];
    if (column) batches.set(column.type.id, column.vector);
  }
  return { ...d, batches };
}

/** One file's events as they go into the events table. */
export interface EventsPart {
  file: SequenceFile;
  events: FileEvents;
  features: EventFeatures;
}

/**
 * Writes the events of one reader task as one record batch, straight from the files' columns:
 * each file's strings and numbers are pieces of the batch's buffers (ArrowFileSink.writeColumns),
 * so no per-event value is copied here but the string offsets (rebased from file to batch) and the
 * times (as Arrow's 64-bit milliseconds): concatenating files into larger batches, or letting
 * apache-arrow assemble each batch, would copy every event again on the main thread, the ingest's
 * bottleneck. The batch's own columns share one buffer of `pool`, given back once they are on disk.
 */
export function writeEventBatch(
  sink: ArrowFileSink,
  d: EventDictionaries,
  parts: readonly EventsPart[],
  pool: BufferPool,
): void {
  let n = 0;
  for (const p of parts) n += p.events.count;
  if (n === 0) return;
  const fields = STRING_FIELDS.length;
  const bitmap = (n + 7) >> 3;
  const l = new Layout(0);
  const at = {
    time: l.take(8 * n),
    seqId: l.take(4 * n),
    run: l.take(4 * n),
    testCase: l.take(4 * n),
    service: l.take(4 * n),
    offsets: l.take(4 * fields * (n + 1)),
    anomaly: l.take(bitmap),
    valid: l.take(bitmap),
    fault: l.take(bitmap),
    faultValid: l.take(bitmap),
  };
  const buffer = pool.take(l.at);
  const seqId = new Int32Array(buffer, at.seqId, n);
  const run = new Int32Array(buffer, at.run, n);
  const testCase = new Int32Array(buffer, at.testCase, n);
  const service = new Int32Array(buffer, at.service, n);
  const anomaly = new Uint8Array(buffer, at.anomaly, bitmap).fill(0);
  const valid = new Uint8Array(buffer, at.valid, bitmap).fill(0);
  const fault = new Uint8Array(buffer, at.fault, bitmap).fill(0);
  const faultValid = new Uint8Array(buffer, at.faultValid, bitmap).fill(0);
  const time = new Int32Array(buffer, at.time, 2 * n);
  let nullTimes = 0;
  let nullFaults = 0;
  let o = 0;
  for (const { file, events } of parts) {
    const end = o + events.count;
    seqId.fill(d.seq_id.index.get(file.seqId)!, o, end);
    run.fill(d.run.index.get(file.run)!, o, end);
    testCase.fill(d.test_case.index.get(file.testCase)!, o, end);
    service.fill(d.service.index.get(file.service)!, o, end);
    if (file.anomaly) setBits(anomaly, o, end);
    nullTimes += timestampHalves(events.timeMs, time, valid, o);
    const faults = events.faultEvents;
    if (faults === null) nullFaults += events.count;
    else {
      setBits(faultValid, o, end);
      for (let k = 0; k < faults.length; k++) fault[(o + faults[k]!) >> 3]! |= 1 << ((o + faults[k]!) & 7);
    }
    o = end;
  }
  const none: BufferPieces = [];
  const values = (v: ArrayBufferView): RawColumn => ({ length: n, nullCount: 0, buffers: [none, [v]] });
  const pieces = (f: (p: EventsPart) => ArrayBufferView): RawColumn => ({
    length: n,
    nullCount: 0,
    buffers: [none, parts.map(f)],
  });
  const strings = (field: StringField, k: number): RawColumn => {
    const offsets = new Int32Array(buffer, at.offsets + 4 * k * (n + 1), n + 1);
    offsets[0] = 0;
    const data: Uint8Array[] = [];
    let row = 0;
    let base = 0;
    for (const p of parts) {
      const c = p.events[field];
      const count = p.events.count;
      const first = c.offsets[0]!;
      rebase(offsets, row, c.offsets, count, base - first);
      data.push(c.data.subarray(first, c.offsets[count]));
      row += count;
      base += c.offsets[count]! - first;
    }
    return { length: n, nullCount: 0, buffers: [none, [offsets], data] };
  };
  const text = Object.fromEntries(STRING_FIELDS.map((f, k) => [f, strings(f, k)])) as Record<StringField, RawColumn>;
  sink.writeColumns(
    n,
    rawTableColumns(EVENTS, n, {
      seq_id: values(seqId),
      run: values(run),
      test_case: values(testCase),
      service: values(service),
      anomaly: values(anomaly),
      fault: { length: n, nullCount: nullFaults, buffers: [nullFaults > 0 ? [faultValid] : none, [fault]] },
      m_time: { length: n, nullCount: nullTimes, buffers: [nullTimes > 0 ? [valid] : none, [time]] },
      m_level: pieces((p) => p.events.level),
      m_thread: text.thread,
      m_cid: text.cId,
      m_logger: text.logger,
      m_method: text.method,
      m_message: text.message,
      e_message_id: pieces((p) => p.features.messageId),
      e_event_drain_id: pieces((p) => p.features.drainId),
      e_chars_len: pieces((p) => p.events.charsLen),
      e_words_len: pieces((p) => p.features.wordsLen),
      e_trigrams_len: pieces((p) => p.features.trigramsLen),
    }),
    d.batches,
  );
  sink.whenWritten(() => pool.give(buffer));
}

/**
 * `to[at + i] = from[i] + shift` for i in 1..count: a file's string offsets placed in its batch's. A
 * small function of its own, so that V8 compiles this per-event loop early (docs/PERFORMANCE.md).
 */
function rebase(to: Int32Array, at: number, from: Int32Array, count: number, shift: number): void {
  for (let i = 1; i <= count; i++) to[at + i] = from[i]! + shift;
}

/** Sets bits [from, to) of an LSB-first bitmap. */
function setBits(bits: Uint8Array, from: number, to: number): void {
  let i = from;
  for (; i < to && (i & 7) !== 0; i++) bits[i >> 3]! |= 1 << (i & 7);
  const wholeEnd = to & ~7;
  if (i < wholeEnd) {
    bits.fill(0xff, i >> 3, wholeEnd >> 3);
    i = wholeEnd;
  }
  for (; i < to; i++) bits[i >> 3]! |= 1 << (i & 7);
}

/**
 * A sequence row as the table stores it: the enhancers' row and the ground truth, which the ingest
 * adds after them (none of them sees it): how many of its events are fault events, null without truth.
 */
export interface SequenceTableRow extends SequenceRow {
  faultLines: number | null;
}

/** A batch of sequence rows; its list columns' arrays get their memory from `memory`. */
export function sequenceBatch(rows: readonly SequenceTableRow[], table: MessageTable, memory?: Allocator): RecordBatch {
  const ints = (f: (r: SequenceRow) => number) => int32Data(Int32Array.from(rows, f));
  const strings = (f: (r: SequenceRow) => string) => utf8Data(packUtf8(rows.map(f)));
  return tableBatch(SEQUENCES, {
    seq_id: strings((r) => r.seqId),
    run: strings((r) => r.run),
    test_case: strings((r) => r.testCase),
    service: strings((r) => r.service),
    anomaly: boolData(rows.map((r) => r.anomaly)),
    fault_lines: nullableInt32Data(rows.map((r) => r.faultLines)),
    seq_len: ints((r) => r.seqLen),
    start_time: timestampData(Float64Array.from(rows, (r) => r.startMs)),
    end_time: timestampData(Float64Array.from(rows, (r) => r.endMs)),
    duration_sec: float64Data(Float64Array.from(rows, (r) => r.durationSec)),
    e_words: tokenListData(
      rows.map((r) => r.words.ids),
      table.words.encoded,
      memory,
    ),
    e_words_counts: int32ListData(
      rows.map((r) => r.words.counts),
      memory,
    ),
    e_trigrams: tokenListData(
      rows.map((r) => r.trigrams.ids),
      table.trigrams.encoded,
      memory,
    ),
    e_trigrams_counts: int32ListData(
      rows.map((r) => r.trigrams.counts),
      memory,
    ),
    e_event_drain_id: int32ListData(
      rows.map((r) => r.drainIds),
      memory,
    ),
    e_words_len: ints((r) => r.wordsLen),
    e_trigrams_len: ints((r) => r.trigramsLen),
  });
}

async function writeTable(path: string, batch: RecordBatch): Promise<void> {
  const sink = new ArrowFileSink(path, batch.schema);
  sink.write(batch);
  await sink.close();
}

/** Writes the messages and templates tables once all files are folded in. */
export async function writeIngestTables(
  entry: CacheEntry,
  paths: { messages: string; templates: string },
  table: MessageTable,
): Promise<void> {
  const msgs = table.messages;
  await writeTable(
    entry.tmpPath(paths.messages),
    tableBatch(MESSAGES, {
      e_message_id: int32Data(Int32Array.from(msgs, (_, i) => i)),
      e_message_normalized: utf8Data(packUtf8(msgs.map((m) => m.normalized))),
      e_words: tokenListData(
        msgs.map((m) => m.words),
        table.words.encoded,
      ),
      e_trigrams: tokenListData(
        msgs.map((m) => m.trigrams),
        table.trigrams.encoded,
      ),
      e_event_drain_id: int32Data(Int32Array.from(msgs, (m) => m.drainId)),
      e_words_len: int32Data(Int32Array.from(msgs, (m) => m.words.length)),
      e_trigrams_len: int32Data(Int32Array.from(msgs, (m) => m.trigrams.length)),
      count: int32Data(Int32Array.from(msgs, (m) => m.count)),
    }),
  );
  const clusters = table.drain.clusters();
  await writeTable(
    entry.tmpPath(paths.templates),
    tableBatch(TEMPLATES, {
      e_event_drain_id: int32Data(Int32Array.from(clusters, (c) => c.id)),
      template: utf8Data(packUtf8(clusters.map((c) => table.drain.templateOf(c.id)))),
      size: int32Data(Int32Array.from(clusters, (c) => c.size)),
    }),
  );
}
