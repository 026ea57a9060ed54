/** Reading the numeric columns of the ingest's sequences table, for the `numeric` feature set. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';

/** The numeric sequence columns, in the order the `numeric` feature set uses them. */
export const NUMERIC_COLUMNS = ['seq_len', 'duration_sec', 'e_words_len', 'e_trigrams_len'] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

/** Numeric columns of every sequence, in table order (the order of readSequenceMeta). */
export interface SequenceNumeric {
  seqId: string[];
  columns: Record<NumericColumn, Float64Array>;
}

/** Reads seq_id and the numeric columns of `<ingestDir>/sequences.arrow` as Float64Arrays. */
export function readSequenceNumeric(ingestDir: string): SequenceNumeric {
  const path = join(ingestDir, 'sequences.arrow');
  const t = tableFromIPC(readFileSync(path));
  const child = (name: string) => {
    const c = t.getChild(name);
    if (!c) throw new Error(`${path}: column ${name} is missing (hint: re-run the ingest with --force)`);
    return c;
  };
  const ids = child('seq_id');
  const seqId: string[] = [];
  for (let i = 0; i < t.numRows; i++) seqId.push(ids.get(i) as string);
  const columns = {} as Record<NumericColumn, Float64Array>;
  for (const name of NUMERIC_COLUMNS) {
    const c = child(name);
    if (c.nullCount > 0) throw new Error(`${path}: column ${name} has ${c.nullCount} null value(s)`);
    // toArray() joins the record batches into one typed array (Int32 or Float64); widen to Float64.
    columns[name] = Float64Array.from(c.toArray() as ArrayLike<number>);
  }
  return { seqId, columns };
}
