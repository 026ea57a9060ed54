/**
 * Builds the ingest's Arrow record batches from the enhancers' typed arrays: one events batch per
 * reader task, sequence batches of a few hundred rows, and the messages and templates tables at the end.
 */
import type { Dictionary, Int8, Int32, RecordBatch, Utf8, Vector } from 'apache-arrow';
import type { CacheEntry } from './cache.ts';
import type { MessageTable } from './enhance/messages.ts';
import type { EventFeatures, SequenceRow } from './enhance/sequence.ts';
import {
  ArrowFileSink,
  bitmapData,
  boolData,
  dictionaryData,
  eventsSchema,
  float64Data,
  int32Data,
  int32ListData,
  makeBatch,
  messagesSchema,
  sequencesSchema,
  stringVector,
  templatesSchema,
  timestampData,
  tokenListData,
  utf8Data,
} from './io/arrow.ts';
import { packUtf8, type Utf8Column } from './io/utf8.ts';
import type { SequenceFile } from './lo2/discover.ts';
import { LEVELS } from './lo2/parse.ts';
import type { FileEvents } from './lo2/read-file.ts';
import type { StringField } from './lo2/read-task.ts';

type DictColumn = { vector: Vector<Utf8>; index: Map<string, number>; type: Dictionary<Utf8, Int32> };

/** Dictionaries of the events table's repeated strings, fixed up front from the file list. */
export interface EventDictionaries {
  seq_id: DictColumn;
  run: DictColumn;
  test_case: DictColumn;
  service: DictColumn;
  m_level: { vector: Vector<Utf8>; type: Dictionary<Utf8, Int8> };
}

function dictColumn(name: keyof EventDictionaries, values: Iterable<string>): DictColumn {
  const sorted = [...new Set(values)].sort();
  const type = eventsSchema.fields.find((f) => f.name === name)!.type as Dictionary<Utf8, Int32>;
  return { vector: stringVector(sorted), index: new Map(sorted.map((v, i) => [v, i])), type };
}

export function makeEventDictionaries(files: readonly SequenceFile[]): EventDictionaries {
  return {
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
      type: eventsSchema.fields.find((f) => f.name === 'm_level')!.type as Dictionary<Utf8, Int8>,
    },
  };
}

/** One file's events as they go into the events table. */
export interface EventsPart {
  file: SequenceFile;
  events: FileEvents;
  features: EventFeatures;
}

/**
 * Writes the events of one reader task as one record batch. The string columns come as the task
 * laid them out (read-task.ts), so nothing per event is copied here: concatenating files into
 * 64k-row batches cost the main thread ≈ 0.45 s of a large ingest (measured), more than the Arrow
 * bookkeeping of ≈ 750 smaller batches.
 */
export function writeEventBatch(
  sink: ArrowFileSink,
  d: EventDictionaries,
  columns: Record<StringField, Utf8Column>,
  parts: readonly EventsPart[],
): void {
  let n = 0;
  for (const p of parts) n += p.events.count;
  if (n !== columns.message.offsets.length - 1)
    throw new Error(`internal: ${n} events in the files, ${columns.message.offsets.length - 1} in the task's columns`);
  if (n === 0) return;
  // One pass over the files fills every non-string column: a `map` + concat and a closure per
  // column took ≈ 60 ms of this function's 253 ms on standard (profiled).
  const seqId = new Int32Array(n);
  const run = new Int32Array(n);
  const testCase = new Int32Array(n);
  const service = new Int32Array(n);
  const anomaly = new Uint8Array((n + 7) >> 3);
  const time = new Float64Array(n);
  const level = new Int8Array(n);
  const messageId = new Int32Array(n);
  const drainId = new Int32Array(n);
  const charsLen = new Int32Array(n);
  const wordsLen = new Int32Array(n);
  const trigramsLen = new Int32Array(n);
  let o = 0;
  for (const { file, events, features } of parts) {
    const end = o + events.count;
    seqId.fill(d.seq_id.index.get(file.seqId)!, o, end);
    run.fill(d.run.index.get(file.run)!, o, end);
    testCase.fill(d.test_case.index.get(file.testCase)!, o, end);
    service.fill(d.service.index.get(file.service)!, o, end);
    if (file.anomaly) setBits(anomaly, o, end);
    time.set(events.timeMs, o);
    level.set(events.level, o);
    charsLen.set(events.charsLen, o);
    messageId.set(features.messageId, o);
    drainId.set(features.drainId, o);
    wordsLen.set(features.wordsLen, o);
    trigramsLen.set(features.trigramsLen, o);
    o = end;
  }
  sink.write(
    makeBatch(eventsSchema, [
      dictionaryData(d.seq_id.type, seqId, d.seq_id.vector),
      dictionaryData(d.run.type, run, d.run.vector),
      dictionaryData(d.test_case.type, testCase, d.test_case.vector),
      dictionaryData(d.service.type, service, d.service.vector),
      bitmapData(anomaly, n),
      timestampData(time),
      dictionaryData(d.m_level.type, level, d.m_level.vector),
      utf8Data(columns.thread),
      utf8Data(columns.cId),
      utf8Data(columns.logger),
      utf8Data(columns.method),
      utf8Data(columns.message),
      int32Data(messageId),
      int32Data(drainId),
      int32Data(charsLen),
      int32Data(wordsLen),
      int32Data(trigramsLen),
    ]),
  );
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

/** A batch of sequence rows. */
export function sequenceBatch(rows: readonly SequenceRow[], table: MessageTable): RecordBatch {
  const ints = (f: (r: SequenceRow) => number) => int32Data(Int32Array.from(rows, f));
  return makeBatch(sequencesSchema, [
    utf8Data(packUtf8(rows.map((r) => r.seqId))),
    utf8Data(packUtf8(rows.map((r) => r.run))),
    utf8Data(packUtf8(rows.map((r) => r.testCase))),
    utf8Data(packUtf8(rows.map((r) => r.service))),
    boolData(rows.map((r) => r.anomaly)),
    ints((r) => r.seqLen),
    timestampData(Float64Array.from(rows, (r) => r.startMs)),
    timestampData(Float64Array.from(rows, (r) => r.endMs)),
    float64Data(Float64Array.from(rows, (r) => r.durationSec)),
    tokenListData(
      rows.map((r) => r.words.ids),
      table.words.encoded,
    ),
    int32ListData(rows.map((r) => r.words.counts)),
    tokenListData(
      rows.map((r) => r.trigrams.ids),
      table.trigrams.encoded,
    ),
    int32ListData(rows.map((r) => r.trigrams.counts)),
    int32ListData(rows.map((r) => r.drainIds)),
    ints((r) => r.wordsLen),
    ints((r) => r.trigramsLen),
  ]);
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
    makeBatch(messagesSchema, [
      int32Data(Int32Array.from(msgs, (_, i) => i)),
      utf8Data(packUtf8(msgs.map((m) => m.normalized))),
      tokenListData(
        msgs.map((m) => m.words),
        table.words.encoded,
      ),
      tokenListData(
        msgs.map((m) => m.trigrams),
        table.trigrams.encoded,
      ),
      int32Data(Int32Array.from(msgs, (m) => m.drainId)),
      int32Data(Int32Array.from(msgs, (m) => m.words.length)),
      int32Data(Int32Array.from(msgs, (m) => m.trigrams.length)),
      int32Data(Int32Array.from(msgs, (m) => m.count)),
    ]),
  );
  const clusters = table.drain.clusters();
  await writeTable(
    entry.tmpPath(paths.templates),
    makeBatch(templatesSchema, [
      int32Data(Int32Array.from(clusters, (c) => c.id)),
      utf8Data(packUtf8(clusters.map((c) => table.drain.templateOf(c.id)))),
      int32Data(Int32Array.from(clusters, (c) => c.size)),
    ]),
  );
}
