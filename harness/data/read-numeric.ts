/** The numeric columns of the ingest's sequences table, for the `numeric` feature set. */
import type { Table } from 'apache-arrow';
import { dataError } from '../errors/index.ts';
import { readIngestTable, tablePath } from './read-table.ts';
import { SEQUENCES } from './schema.ts';

/** The numeric sequence columns, in the order the `numeric` feature set uses them. */
export const NUMERIC_COLUMNS = ['seq_len', 'duration_sec', 'e_words_len', 'e_trigrams_len'] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

/** Numeric columns of every sequence, in table order (the order of readSequenceMeta). */
export interface SequenceNumeric {
  seqId: string[];
  columns: Record<NumericColumn, Float64Array>;
}

/** seq_id and the numeric columns of a parsed sequences table as Float64Arrays; `path` names it in errors. */
export function sequenceNumericOf(t: Table, path: string): SequenceNumeric {
  const ids = t.getChild('seq_id')!;
  const seqId: string[] = [];
  for (let i = 0; i < t.numRows; i++) seqId.push(ids.get(i) as string);
  const columns = {} as Record<NumericColumn, Float64Array>;
  for (const name of NUMERIC_COLUMNS) {
    const c = t.getChild(name)!;
    if (c.nullCount > 0)
      throw dataError(`${path}: column ${name} has ${c.nullCount} null value(s)`, {
        file: path,
        hint: 're-run the ingest with --force',
      });
    // toArray() joins the record batches into one typed array (Int32 or Float64); widen to Float64.
    columns[name] = Float64Array.from(c.toArray() as ArrayLike<number>);
  }
  return { seqId, columns };
}

/** Reads seq_id and the numeric columns of `<ingestDir>/sequences.arrow` as Float64Arrays. */
export function readSequenceNumeric(ingestDir: string): SequenceNumeric {
  return sequenceNumericOf(readIngestTable(ingestDir, SEQUENCES), tablePath(ingestDir, SEQUENCES));
}
