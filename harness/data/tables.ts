/**
 * Builds the ingest's Arrow record batches from the enhancers' typed arrays: one events batch per
 * file, sequence batches of a few hundred rows, and the messages and templates tables at the end.
 */
import type { Dictionary, Int8, Int32, RecordBatch, Utf8, Vector } from 'apache-arrow';
import type { CacheEntry } from './cache.ts';
import type { MessageTable } from './enhance/messages.ts';
import type { EventFeatures, SequenceRow } from './enhance/sequence.ts';
import {
  ArrowFileSink,
  boolData,
  constantBoolData,
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
import { packUtf8 } from './io/utf8.ts';
import type { SequenceFile } from './lo2/discover.ts';
import { LEVELS } from './lo2/parse.ts';
import type { FileEvents } from './lo2/read-file.ts';

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

function constantIndex(dict: DictColumn, value: string, length: number) {
  return dictionaryData(dict.type, new Int32Array(length).fill(dict.index.get(value)!), dict.vector);
}

/** Appends one file's events to the events table. */
export function writeEventBatch(
  sink: ArrowFileSink,
  file: SequenceFile,
  events: FileEvents,
  features: EventFeatures,
  dicts: EventDictionaries,
): void {
  const n = events.count;
  sink.write(
    makeBatch(eventsSchema, [
      constantIndex(dicts.seq_id, file.seqId, n),
      constantIndex(dicts.run, file.run, n),
      constantIndex(dicts.test_case, file.testCase, n),
      constantIndex(dicts.service, file.service, n),
      constantBoolData(file.anomaly, n),
      timestampData(events.timeMs),
      dictionaryData(dicts.m_level.type, events.level, dicts.m_level.vector),
      utf8Data(events.thread),
      utf8Data(events.cId),
      utf8Data(events.logger),
      utf8Data(events.method),
      utf8Data(events.message),
      int32Data(features.messageId),
      int32Data(features.drainId),
      int32Data(events.charsLen),
      int32Data(features.wordsLen),
      int32Data(features.trigramsLen),
    ]),
  );
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
      table.words.tokens,
    ),
    int32ListData(rows.map((r) => r.words.counts)),
    tokenListData(
      rows.map((r) => r.trigrams.ids),
      table.trigrams.tokens,
    ),
    int32ListData(rows.map((r) => r.trigrams.counts)),
    int32ListData(rows.map((r) => r.drainIds)),
    ints((r) => r.wordsLen),
    ints((r) => r.trigramsLen),
  ]);
}

function writeTable(path: string, batch: RecordBatch): void {
  const sink = new ArrowFileSink(path, batch.schema);
  sink.write(batch);
  sink.close();
}

/** Writes the messages and templates tables once all files are folded in. */
export function writeIngestTables(
  entry: CacheEntry,
  paths: { messages: string; templates: string },
  table: MessageTable,
): void {
  const msgs = table.messages;
  writeTable(
    entry.tmpPath(paths.messages),
    makeBatch(messagesSchema, [
      int32Data(Int32Array.from(msgs, (_, i) => i)),
      utf8Data(packUtf8(msgs.map((m) => m.normalized))),
      tokenListData(
        msgs.map((m) => m.words),
        table.words.tokens,
      ),
      tokenListData(
        msgs.map((m) => m.trigrams),
        table.trigrams.tokens,
      ),
      int32Data(Int32Array.from(msgs, (m) => m.drainId)),
      int32Data(Int32Array.from(msgs, (m) => m.words.length)),
      int32Data(Int32Array.from(msgs, (m) => m.trigrams.length)),
      int32Data(Int32Array.from(msgs, (m) => m.count)),
    ]),
  );
  const clusters = table.drain.clusters();
  writeTable(
    entry.tmpPath(paths.templates),
    makeBatch(templatesSchema, [
      int32Data(Int32Array.from(clusters, (c) => c.id)),
      utf8Data(packUtf8(clusters.map((c) => table.drain.templateOf(c.id)))),
      int32Data(Int32Array.from(clusters, (c) => c.size)),
    ]),
  );
}
