/**
 * Parquet copies of the ingest's Arrow tables, written on request (`--parquet`) with
 * hyparquet-writer, one row group per Arrow record batch so memory stays bounded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DataType, type RecordBatch, RecordBatchReader, Type } from 'apache-arrow';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';

type SchemaElement = Record<string, unknown>;

function leaf(name: string, t: DataType, repetition: 'REQUIRED' | 'OPTIONAL'): SchemaElement {
  switch (t.typeId) {
    case Type.Utf8:
    case Type.Dictionary:
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: repetition };
    case Type.Int:
      return { name, type: 'INT32', repetition_type: repetition };
    case Type.Float:
      return { name, type: 'DOUBLE', repetition_type: repetition };
    case Type.Bool:
      return { name, type: 'BOOLEAN', repetition_type: repetition };
    case Type.Timestamp:
      return { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: repetition };
    default:
      throw new Error(`parquet export: unsupported Arrow type ${t} for column ${name}`);
  }
}

/** Parquet schema (3-level LIST for list columns) of an Arrow schema. */
function parquetSchema(batch: RecordBatch): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: batch.schema.fields.length }];
  for (const f of batch.schema.fields) {
    const rep = f.nullable ? 'OPTIONAL' : 'REQUIRED';
    if (f.type.typeId === Type.List) {
      out.push({ name: f.name, repetition_type: rep, converted_type: 'LIST', num_children: 1 });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      out.push(leaf('element', f.type.children[0]!.type, 'REQUIRED'));
    } else out.push(leaf(f.name, f.type, rep));
  }
  return out;
}

function columnValues(batch: RecordBatch, name: string, t: DataType): unknown[] {
  const v = batch.getChild(name)!;
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    if (t.typeId === Type.List) out[i] = x === null ? null : Array.from(x as Iterable<unknown>);
    else out[i] = x;
  }
  return out;
}

/** Converts one Arrow IPC file to Parquet. */
export function arrowToParquet(arrowPath: string, parquetPath: string): void {
  const reader = RecordBatchReader.from(readFileSync(arrowPath));
  let writer: ParquetWriter | null = null;
  for (const batch of reader) {
    if (batch.numRows === 0) continue;
    writer ??= new ParquetWriter({ writer: fileWriter(parquetPath), schema: parquetSchema(batch) as never });
    writer.write({
      columnData: batch.schema.fields.map((f) => ({ name: f.name, data: columnValues(batch, f.name, f.type) })),
      rowGroupSize: batch.numRows,
    });
  }
  writer?.finish();
}

/** Writes `<table>.parquet` next to each Arrow table; returns table → Parquet file name. */
export async function exportParquet(
  srcDir: string,
  files: Record<'events' | 'sequences' | 'messages' | 'templates', string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, arrowName] of Object.entries(files)) {
    const name = arrowName.replace(/\.arrow$/, '.parquet');
    arrowToParquet(join(srcDir, arrowName), join(srcDir, name));
    out[table] = name;
  }
  return out;
}
