/** One table of an ingest read back from its Arrow file and checked against its descriptors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import { dataError } from '../errors/index.ts';
import { fieldProblem, type TableSchema } from './schema.ts';

/** The path of `table`'s file in an ingest folder. */
export const tablePath = (ingestDir: string, table: TableSchema): string => join(ingestDir, `${table.name}.arrow`);

/**
 * Parses `<ingestDir>/<table>.arrow`. A column the descriptors name that the file lacks, or holds
 * with another type or nullability, is a data error naming it: the file was written by another
 * version of the ingest.
 */
export function readIngestTable(ingestDir: string, table: TableSchema): Table {
  const path = tablePath(ingestDir, table);
  const t = tableFromIPC(readFileSync(path));
  for (const d of table.columns) {
    const problem = fieldProblem(
      d,
      t.schema.fields.find((f) => f.name === d.name),
    );
    if (problem !== null)
      throw dataError(`${path}: column ${d.name} ${problem}`, { file: path, hint: 're-run the ingest with --force' });
  }
  return t;
}
