/**
 * The event-level matrices of one (split, feature set, event labels): each part's events collapsed
 * to distinct (message, label) rows with their counts (models/vectorize/events.ts), the vectorizers
 * fit as on every training event, and per part the index that maps events back: each event's
 * distinct row and its sequence (by position in the part, as the trial's PartFacts list them). The
 * rows go to `<part>.csr` like sequence matrices; the index to `<part>.events`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  distinctEventRows,
  EventFeatureSpace,
  isTokenPart,
  type MessageBags,
  parseFeatureSet,
  type ResolvedFeatureSpaceOptions,
  type TokenPart,
} from '../../models/index.ts';
import { PARTS, type Part } from '../../splits/index.ts';
import { Layout, type SequenceMeta } from '../data/index.ts';
import { dataError } from '../errors/index.ts';
import type { EventLabels } from '../experiment/index.ts';
import type { EventColumns } from './event-inputs.ts';
import type { IngestInputs } from './inputs.ts';
import type { SplitMatrices } from './matrices.ts';

/** How a part's events map to its distinct rows and sequences. */
export interface EventPartIndex {
  /** Label of each distinct row (every event it stands for has it). */
  labels: Uint8Array;
  /** Events each distinct row stands for. */
  weights: Float64Array;
  /** Distinct row of each event, in events-table order. */
  eventRow: Int32Array;
  /** Each event's sequence: its position in the part's sequences (PartFacts order). */
  eventSeq: Int32Array;
}

/** Sequence matrices plus, for event rows, each part's event index. */
export interface EventMatrices extends SplitMatrices {
  events: Record<Part, EventPartIndex>;
}

/** What event matrices are built from: the events, the scoped sequence of each file, the messages' bags. */
export interface EventSource {
  events: EventColumns;
  /** Per file of `events.fileSeqIds`, its sequence in scope, or null when the scope leaves it out. */
  sequenceOfFile: readonly (string | null)[];
  messages: Partial<Record<TokenPart, MessageBags>>;
}

/** The events and message bags `featureSet` needs, from a sweep's inputs (each read once there). */
export function eventSource(inputs: IngestInputs, featureSet: string): EventSource {
  const events = inputs.events();
  const parts = parseFeatureSet(featureSet).filter(isTokenPart);
  return {
    events,
    sequenceOfFile: inputs.scopedSequenceOf(events.fileSeqIds),
    messages: Object.fromEntries(parts.map((p) => [p, inputs.messageBags(p)])),
  };
}

export interface EventMatrixOptions {
  /** The feature space's options (a variant's vectorizer settings). */
  vectorizer?: Partial<ResolvedFeatureSpaceOptions>;
  /** Each event's label: its sequence's, or the fault ground truth. @default 'sequence' */
  eventLabels?: EventLabels;
}

/**
 * The event matrices of a split's parts (`parts`: the sequences in scope per part). Events of files
 * outside the scope, or of sequences in no part, are left out.
 */
export function buildEventMatrices(
  featureSet: string,
  source: EventSource,
  parts: Record<Part, readonly SequenceMeta[]>,
  options: EventMatrixOptions = {},
): EventMatrices {
  const { events } = source;
  const labelsBy = options.eventLabels ?? 'sequence';
  if (labelsBy === 'fault' && events.fault === null) {
    throw dataError("eventLabels 'fault': this ingest has no fault ground truth (a real LO2 tree)", {
      field: 'eventLabels',
      hint: "use eventLabels: 'sequence', or a synthetic dataset",
    });
  }
  // Each file's part (index into PARTS, −1: none) and its sequence's position in that part.
  const position = new Map<string, { part: number; at: number }>();
  PARTS.forEach((p, k) => {
    parts[p].forEach((s, at) => {
      position.set(s.seqId, { part: k, at });
    });
  });
  const filePart = new Int32Array(events.fileSeqIds.length).fill(-1);
  const fileAt = new Int32Array(events.fileSeqIds.length);
  source.sequenceOfFile.forEach((seqId, f) => {
    const pos = seqId === null ? undefined : position.get(seqId);
    if (pos) {
      filePart[f] = pos.part;
      fileAt[f] = pos.at;
    }
  });
  const n = events.file.length;
  const sizes = new Int32Array(PARTS.length);
  for (let e = 0; e < n; e++) {
    const k = filePart[events.file[e]!]!;
    if (k >= 0) sizes[k]!++;
  }
  const rows = PARTS.map((p, k) => {
    const message = new Int32Array(sizes[k]!);
    const label = new Uint8Array(sizes[k]!);
    const eventSeq = new Int32Array(sizes[k]!);
    const seqs = parts[p];
    let at = 0;
    for (let e = 0; e < n; e++) {
      const f = events.file[e]!;
      if (filePart[f] !== k) continue;
      message[at] = events.message[e]!;
      eventSeq[at] = fileAt[f]!;
      label[at] = labelsBy === 'fault' ? events.fault![e]! : seqs[fileAt[f]!]!.anomaly ? 1 : 0;
      at++;
    }
    return { ...distinctEventRows(message, label), eventSeq };
  });
  const train = rows[PARTS.indexOf('train')]!;
  const space = EventFeatureSpace.fit(featureSet, source.messages, train, options.vectorizer);
  return {
    matrices: Object.fromEntries(PARTS.map((p, k) => [p, space.transform(rows[k]!.messages)])) as Record<
      Part,
      EventMatrices['matrices'][Part]
    >,
    columnNames: space.columnNames,
    events: Object.fromEntries(
      PARTS.map((p, k) => {
        const r = rows[k]!;
        return [p, { labels: r.labels, weights: r.weights, eventRow: r.eventRow, eventSeq: r.eventSeq }];
      }),
    ) as Record<Part, EventPartIndex>,
  };
}

// `<part>.events`: a 16-byte header (distinct rows, events as uint32, reserved), then weights
// (Float64 per row), eventRow and eventSeq (Int32 per event), labels (Uint8 per row), 8-byte aligned.
const HEADER_BYTES = 16;

function regions(nRows: number, nEvents: number) {
  const l = new Layout(HEADER_BYTES);
  const weights = l.take(nRows * 8);
  const eventRow = l.take(nEvents * 4);
  const eventSeq = l.take(nEvents * 4);
  const labels = l.take(nRows);
  return { weights, eventRow, eventSeq, labels, bytes: l.at };
}

export function writeEventIndexFile(path: string, x: EventPartIndex): void {
  const nRows = x.weights.length;
  const nEvents = x.eventRow.length;
  const at = regions(nRows, nEvents);
  const buf = new ArrayBuffer(at.bytes);
  new Uint32Array(buf, 0, 4).set([nRows, nEvents, 0, 0]);
  new Float64Array(buf, at.weights, nRows).set(x.weights);
  new Int32Array(buf, at.eventRow, nEvents).set(x.eventRow);
  new Int32Array(buf, at.eventSeq, nEvents).set(x.eventSeq);
  new Uint8Array(buf, at.labels, nRows).set(x.labels);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, new Uint8Array(buf));
  renameSync(tmp, path);
}

export function readEventIndexFile(path: string): EventPartIndex {
  const file = readFileSync(path);
  const buf = new ArrayBuffer(file.byteLength);
  new Uint8Array(buf).set(file);
  const [nRows, nEvents] = new Uint32Array(buf, 0, 4) as unknown as [number, number];
  const at = regions(nRows, nEvents);
  if (at.bytes !== buf.byteLength) {
    throw dataError(`${path}: ${buf.byteLength} bytes where ${nRows} rows and ${nEvents} events take ${at.bytes}`, {
      file: path,
      hint: 'remove the file: the next run rebuilds it',
    });
  }
  return {
    weights: new Float64Array(buf, at.weights, nRows),
    eventRow: new Int32Array(buf, at.eventRow, nEvents),
    eventSeq: new Int32Array(buf, at.eventSeq, nEvents),
    labels: new Uint8Array(buf, at.labels, nRows),
  };
}
