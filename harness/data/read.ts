/**
 * The sequences table read back for the stages downstream: what a split needs to know about each
 * sequence (never its content), and each sequence's bag of tokens of one feature set. The functions
 * on a parsed table are what open-ingest.ts caches; `readSequenceMeta` and `readSequenceBags` parse
 * the files themselves, for one-off reads.
 */
import type { Table } from 'apache-arrow';
import { readIngestTable } from './read-table.ts';
import { SEQUENCES, TEMPLATES } from './schema.ts';

/** What a split needs to know about one sequence: never its content. */
export interface SequenceMeta {
  seqId: string;
  run: string;
  testCase: string;
  service: string;
  anomaly: boolean;
  /** Epoch ms of the sequence's first event (NaN if unknown). */
  startMs: number;
  /**
   * Ground truth, never a feature: how many of the sequence's events the injected fault caused, null
   * when the tree carries no truth (real LO2). The readers always set it; it is optional only so
   * that hand-built records need not.
   */
  faultLines?: number | null;
}

/** Token feature sets stored per sequence. */
export type TokenFeatureSet = 'words' | 'trigrams' | 'drain';

/** One sequence with the token bag of a feature set, for the audit and the vectorizer. */
export interface SequenceBag extends SequenceMeta {
  seqLen: number;
  durationSec: number;
  /** Distinct token ids (ascending) into `SequenceBags.vocabulary`, and their counts. */
  tokens: Int32Array;
  counts: Int32Array;
  /** Distinct Drain template ids of the sequence (ascending). */
  templates: Int32Array;
}

export interface SequenceBags {
  featureSet: TokenFeatureSet;
  sequences: SequenceBag[];
  /** Token names by id (for drain: the template text, by Drain cluster id). */
  vocabulary: string[];
}

/** The metadata of every sequence of a parsed sequences table (no token bags), in table order. */
export function sequenceMetaOf(t: Table): SequenceMeta[] {
  const col = (name: (typeof SEQUENCES.columns)[number]['name']) => t.getChild(name)!;
  const seqId = col('seq_id');
  const run = col('run');
  const testCase = col('test_case');
  const service = col('service');
  const anomaly = col('anomaly');
  const start = col('start_time');
  const faults = col('fault_lines');
  const out: SequenceMeta[] = [];
  for (let i = 0; i < t.numRows; i++) {
    const s = start.get(i);
    const f = faults.get(i);
    out.push({
      seqId: seqId.get(i) as string,
      run: run.get(i) as string,
      testCase: testCase.get(i) as string,
      service: service.get(i) as string,
      anomaly: anomaly.get(i) as boolean,
      startMs: s === null ? Number.NaN : Number(s),
      faultLines: f === null ? null : Number(f),
    });
  }
  return out;
}

/** The Drain templates' texts by cluster id, from a parsed templates table. */
export function templateTextsOf(templates: Table): string[] {
  const id = templates.getChild('e_event_drain_id')!;
  const text = templates.getChild('template')!;
  const vocabulary: string[] = [];
  for (let i = 0; i < templates.numRows; i++) vocabulary[id.get(i) as number] = text.get(i) as string;
  return vocabulary;
}

function sortedBag(ids: number[], counts: number[]): { tokens: Int32Array; counts: Int32Array } {
  // id · 2^20 + position in one double (exact below 2^53), sorted natively: sorting indices with a
  // comparator calls back into JavaScript for every comparison.
  const n = ids.length;
  if (n >= 1 << 20) throw new RangeError(`a sequence has ${n} distinct tokens; at most 2^20 are supported`);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ids[i]! * 1048576 + i;
  keys.sort();
  const tokens = new Int32Array(n);
  const sortedCounts = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = keys[k]! % 1048576;
    tokens[k] = ids[i]!;
    sortedCounts[k] = counts[i]!;
  }
  return { tokens, counts: sortedCounts };
}

/**
 * Every sequence of a parsed sequences table with its bag of `featureSet` tokens, in table order;
 * `meta` is `sequenceMetaOf(t)`, `templateTexts` the Drain templates (the drain vocabulary; only
 * read for drain).
 */
export function sequenceBagsOf(
  t: Table,
  meta: readonly SequenceMeta[],
  featureSet: TokenFeatureSet,
  templateTexts: () => readonly string[],
): SequenceBags {
  const seqLen = t.getChild('seq_len')!;
  const duration = t.getChild('duration_sec')!;
  const drain = t.getChild('e_event_drain_id')!;
  const vocabulary: string[] = featureSet === 'drain' ? [...templateTexts()] : [];
  const ids = new Map<string, number>();
  const tokenCol = featureSet === 'drain' ? null : t.getChild(`e_${featureSet}`)!;
  const countCol = featureSet === 'drain' ? null : t.getChild(`e_${featureSet}_counts`)!;
  const sequences = meta.map((m, i): SequenceBag => {
    const drainIds = drain.get(i) as Int32Array | { toArray(): Int32Array };
    const events = drainIds instanceof Int32Array ? drainIds : drainIds.toArray();
    const perTemplate = new Map<number, number>();
    for (const d of events) perTemplate.set(d, (perTemplate.get(d) ?? 0) + 1);
    const templates = Int32Array.from(perTemplate.keys()).sort();
    let bag: { tokens: Int32Array; counts: Int32Array };
    if (tokenCol && countCol) {
      const names = [...(tokenCol.get(i) as Iterable<string>)];
      const counts = [...(countCol.get(i) as Iterable<number>)];
      const tokenIds = names.map((name) => {
        let id = ids.get(name);
        if (id === undefined) {
          id = vocabulary.length;
          ids.set(name, id);
          vocabulary.push(name);
        }
        return id;
      });
      bag = sortedBag(tokenIds, counts);
    } else {
      bag = sortedBag([...perTemplate.keys()], [...perTemplate.values()]);
    }
    return { ...m, seqLen: seqLen.get(i) as number, durationSec: duration.get(i) as number, ...bag, templates };
  });
  return { featureSet, sequences, vocabulary };
}

/** The metadata of every sequence of an ingest (no token bags), in table order. */
export function readSequenceMeta(ingestDir: string): SequenceMeta[] {
  return sequenceMetaOf(readIngestTable(ingestDir, SEQUENCES));
}

/** Every sequence of an ingest with its bag of `featureSet` tokens, in table order. */
export function readSequenceBags(ingestDir: string, featureSet: TokenFeatureSet): SequenceBags {
  const t = readIngestTable(ingestDir, SEQUENCES);
  return sequenceBagsOf(t, sequenceMetaOf(t), featureSet, () => templateTextsOf(readIngestTable(ingestDir, TEMPLATES)));
}
