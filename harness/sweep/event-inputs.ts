/**
 * What event-level trials read from an ingest: per event its file, message and labels (events table),
 * and per message its token bag of each part (messages table). The events table is the ingest's
 * largest file; its four columns are read chunk by chunk from the Arrow buffers, since a per-row
 * `get` on millions of rows costs seconds.
 */
import type { Data, Vector } from 'apache-arrow';
import type { MessageBags, TokenPart } from '../../models/index.ts';
import { EVENTS, MESSAGES, readIngestTable } from '../data/index.ts';
import { dataError } from '../errors/index.ts';

/** The events table's columns an event-level trial needs, one entry per event in table order. */
export interface EventColumns {
  /** File seq_id of each event, as an index into `fileSeqIds`. */
  file: Int32Array;
  fileSeqIds: string[];
  /** e_message_id: its row in the messages table. */
  message: Int32Array;
  /** 1 when its sequence's test case is an error case. */
  anomaly: Uint8Array;
  /** Ground truth: 1 when the injected fault caused the event; null when the ingest has none (real LO2). */
  fault: Uint8Array | null;
}

const bit = (bytes: Uint8Array, i: number): number => (bytes[i >> 3]! >> (i & 7)) & 1;

/** A boolean column as 0/1 per row, and whether any row is null. */
function bools(v: Vector): { values: Uint8Array; nulls: number } {
  const out = new Uint8Array(v.length);
  let at = 0;
  let nulls = 0;
  for (const d of v.data as Data[]) {
    const validity = d.nullCount > 0 ? d.nullBitmap : null;
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      if (validity && bit(validity, j) === 0) nulls++;
      else out[at + i] = bit(d.values as Uint8Array, j);
    }
    at += d.length;
  }
  return { values: out, nulls };
}

/** A dictionary-encoded string column as indices into one list of its distinct strings. */
function dictionaryIndices(v: Vector): { indices: Int32Array; values: string[] } {
  const out = new Int32Array(v.length);
  const values: string[] = [];
  const idOf = new Map<string, number>();
  const decoded = new Map<unknown, Int32Array>();
  let at = 0;
  for (const d of v.data as Data[]) {
    const dict = d.dictionary as Vector | undefined;
    let map = decoded.get(dict);
    if (!map) {
      // Batches usually share one dictionary (possibly grown by deltas): decode each once.
      const n = dict?.length ?? 0;
      map = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const s = String(dict!.get(k));
        let id = idOf.get(s);
        if (id === undefined) {
          id = values.length;
          values.push(s);
          idOf.set(s, id);
        }
        map[k] = id;
      }
      decoded.set(dict, map);
    }
    const keys = d.values as Int32Array;
    for (let i = 0; i < d.length; i++) out[at + i] = map[keys[d.offset + i]!]!;
    at += d.length;
  }
  return { indices: out, values };
}

/** The events table's seq_id, e_message_id, anomaly and fault columns. */
export function readEventColumns(ingestDir: string): EventColumns {
  const t = readIngestTable(ingestDir, EVENTS);
  const col = (name: (typeof EVENTS.columns)[number]['name']) => t.getChild(name)!;
  const seq = dictionaryIndices(col('seq_id'));
  const message = col('e_message_id').toArray() as Int32Array;
  const fault = bools(col('fault'));
  return {
    file: seq.indices,
    fileSeqIds: seq.values,
    message: Int32Array.from(message),
    anomaly: bools(col('anomaly')).values,
    // Truth is all or nothing: a generated tree records every event's, a real one none.
    fault: fault.nulls === 0 && t.numRows > 0 ? fault.values : null,
  };
}

/** Each message's token bag of `part`, indexed by e_message_id (drain: its template id, once). */
export function readMessageBags(
  ingestDir: string,
  part: TokenPart,
  templateTexts: () => readonly string[],
): MessageBags {
  const t = readIngestTable(ingestDir, MESSAGES);
  const ids = t.getChild('e_message_id')!;
  const vocabulary: string[] = part === 'drain' ? [...templateTexts()] : [];
  const idOf = new Map<string, number>();
  const bags: MessageBags['bags'][number][] = [];
  const drain = t.getChild('e_event_drain_id')!;
  const tokens = part === 'drain' ? null : t.getChild(`e_${part}`)!;
  for (let r = 0; r < t.numRows; r++) {
    const id = ids.get(r) as number;
    if (!(Number.isInteger(id) && id >= 0) || bags[id] !== undefined) {
      throw dataError(`${ingestDir}/messages.arrow: e_message_id ${id} at row ${r} is negative or repeated`, {
        file: `${ingestDir}/messages.arrow`,
        hint: 're-run the ingest with --force',
      });
    }
    const count = new Map<number, number>();
    if (tokens) {
      for (const name of tokens.get(r) as Iterable<string>) {
        let token = idOf.get(name);
        if (token === undefined) {
          token = vocabulary.length;
          vocabulary.push(name);
          idOf.set(name, token);
        }
        count.set(token, (count.get(token) ?? 0) + 1);
      }
    } else {
      count.set(drain.get(r) as number, 1);
    }
    const sorted = Int32Array.from(count.keys()).sort();
    bags[id] = { tokens: sorted, counts: Int32Array.from(sorted, (k) => count.get(k)!) };
  }
  // Ids the table skips would leave holes a lookup could fall into: fill them with empty bags.
  for (let id = 0; id < bags.length; id++) bags[id] ??= { tokens: new Int32Array(0), counts: new Int32Array(0) };
  return { vocabulary, bags };
}
