/**
 * One ingest's output read back for a sweep: each table parsed at most once and each view of it
 * built at most once, on first use. A sweep needs the split's metadata, the token bags of several
 * feature sets and the numeric columns, all from sequences.arrow, and parsing that file is most of
 * what reading any one of them costs: one parse serves them all.
 */
import type { Table } from 'apache-arrow';
import {
  type SequenceBags,
  type SequenceMeta,
  sequenceBagsOf,
  sequenceMetaOf,
  type TokenFeatureSet,
  templateTextsOf,
} from './read.ts';
import { type SequenceNumeric, sequenceNumericOf } from './read-numeric.ts';
import { readIngestTable, tablePath } from './read-table.ts';
import { SEQUENCES, TEMPLATES } from './schema.ts';

/**
 * The tables of one ingest folder. Every accessor returns the same object on every call: callers
 * share it and must not change it.
 */
export interface IngestTables {
  /** The ingest folder (`IngestSummary.dir`). */
  readonly dir: string;
  /** Every sequence's metadata, in table order. */
  meta(): readonly SequenceMeta[];
  /** Every sequence with its bag of `featureSet` tokens, in table order. */
  bags(featureSet: TokenFeatureSet): SequenceBags;
  /** seq_id and the numeric columns, in table order. */
  numeric(): SequenceNumeric;
  /** The Drain templates' texts by cluster id. */
  templates(): readonly string[];
}

/** The tables of the ingest at `dir`; nothing is read until an accessor needs it. */
export function openIngest(dir: string): IngestTables {
  return new IngestFolder(dir);
}

class IngestFolder implements IngestTables {
  readonly dir: string;
  #sequences: Table | undefined;
  #templates: string[] | undefined;
  #meta: SequenceMeta[] | undefined;
  #numeric: SequenceNumeric | undefined;
  readonly #bags = new Map<TokenFeatureSet, SequenceBags>();

  constructor(dir: string) {
    this.dir = dir;
  }

  get #table(): Table {
    this.#sequences ??= readIngestTable(this.dir, SEQUENCES);
    return this.#sequences;
  }

  meta(): readonly SequenceMeta[] {
    this.#meta ??= sequenceMetaOf(this.#table);
    return this.#meta;
  }

  bags(featureSet: TokenFeatureSet): SequenceBags {
    let b = this.#bags.get(featureSet);
    if (!b) {
      b = sequenceBagsOf(this.#table, this.meta(), featureSet, () => this.templates());
      this.#bags.set(featureSet, b);
    }
    return b;
  }

  numeric(): SequenceNumeric {
    this.#numeric ??= sequenceNumericOf(this.#table, tablePath(this.dir, SEQUENCES));
    return this.#numeric;
  }

  templates(): readonly string[] {
    this.#templates ??= templateTextsOf(readIngestTable(this.dir, TEMPLATES));
    return this.#templates;
  }
}
