/**
 * The ingest's data contract (harness/data/schema.ts): writers hand over columns by name and are
 * refused with an error naming a missing, unknown or mistyped column; the files an ingest writes
 * carry exactly the descriptors' schemas; a file that does not is refused when read back.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Data, Field, Schema, type Table, tableFromIPC, util } from 'apache-arrow';
import { ingest } from '../../harness/data/ingest.ts';
import {
  ArrowFileSink,
  int32Data,
  makeBatch,
  nullableInt32Data,
  type RawColumn,
  rawTableColumns,
  tableBatch,
  utf8Data,
} from '../../harness/data/io/arrow.ts';
import { packUtf8 } from '../../harness/data/io/utf8.ts';
import { readIngestTable } from '../../harness/data/read-table.ts';
import { ColumnMismatch, EVENTS, INGEST_TABLES, SEQUENCES, type TableSchema } from '../../harness/data/schema.ts';
import { generateSynth } from '../../harness/data/synth/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

/** Asserts `f` throws a ColumnMismatch naming `column` of `table`, saying `problem`. */
function refuses(f: () => unknown, table: string, column: string, problem: RegExp): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof ColumnMismatch, `expected a ColumnMismatch, got ${err}`);
    assert.equal(err.name, 'ColumnMismatch');
    assert.equal(err.table, table);
    assert.equal(err.column, column);
    assert.match(err.message, new RegExp(`^${table} table: column ${column} `));
    assert.match(err.message, problem);
    return true;
  });
}

/** The columns of a parsed table by name, as the writers hand them over. */
function columnsOf(t: Table): Record<string, Data> {
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!.data[0]!]));
}

/** `n` rows of every events column as raw buffers, laid out as writeEventBatch lays them out. */
function rawEvents(n: number): Record<string, RawColumn> {
  const none: ArrayBufferView[] = [];
  const ints = (): RawColumn => ({ length: n, nullCount: 0, buffers: [none, [new Int32Array(n)]] });
  const bits = (): RawColumn => ({ length: n, nullCount: 0, buffers: [none, [new Uint8Array((n + 7) >> 3)]] });
  const text = (): RawColumn => ({
    length: n,
    nullCount: 0,
    buffers: [none, [new Int32Array(n + 1)], [new Uint8Array(0)]],
  });
  return {
    seq_id: ints(),
    run: ints(),
    test_case: ints(),
    service: ints(),
    anomaly: bits(),
    fault: { length: n, nullCount: n, buffers: [[new Uint8Array((n + 7) >> 3)], [new Uint8Array((n + 7) >> 3)]] },
    m_time: { length: n, nullCount: 0, buffers: [none, [new Int32Array(2 * n)]] },
    m_level: { length: n, nullCount: 0, buffers: [none, [new Int8Array(n)]] },
    m_thread: text(),
    m_cid: text(),
    m_logger: text(),
    m_method: text(),
    m_message: text(),
    e_message_id: ints(),
    e_event_drain_id: ints(),
    e_chars_len: ints(),
    e_words_len: ints(),
    e_trigrams_len: ints(),
  };
}

/** The schema's fields are the descriptors: names in order, types (dictionary ids too), nullability. */
function assertDescribedBy(schema: Schema, table: TableSchema, file: string): void {
  assert.deepEqual(
    schema.fields.map((f) => f.name),
    table.columns.map((c) => c.name),
    `${file}: column names and order`,
  );
  for (const [i, d] of table.columns.entries()) {
    const f = schema.fields[i]!;
    // A file's types come back as the generic classes (Int_ for Int32): the file's first.
    assert.ok(util.compareTypes(f.type, d.type), `${file}: ${d.name} is ${f.type}, described as ${d.type}`);
    assert.equal(String(f.type), String(d.type), `${file}: ${d.name}`);
    assert.equal(f.nullable, d.nullable, `${file}: ${d.name} nullability`);
  }
}

describe('the ingest tables schema', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let ingestDir = '';
  before(async () => {
    const root = join(dir, 'tree');
    await generateSynth({ outDir: root, preset: 'tiny', runs: 2, seed: 3 });
    ingestDir = (await ingest(root, { cacheDir: join(dir, 'cache'), workers: 0 })).dir;
  });

  it('describes every table once, with a meaning for each column', () => {
    for (const table of INGEST_TABLES) {
      assert.equal(new Set(table.columns.map((c) => c.name)).size, table.columns.length, table.name);
      for (const c of table.columns) assert.ok(c.doc.length > 0, `${table.name}.${c.name} has no doc`);
      assertDescribedBy(table.arrow, table, `${table.name} (derived schema)`);
    }
  });

  it('is the schema of every file an ingest writes', () => {
    for (const table of INGEST_TABLES) {
      const file = join(ingestDir, `${table.name}.arrow`);
      const t = tableFromIPC(readFileSync(file));
      assert.ok(t.numRows > 0, `${file} is empty`);
      assertDescribedBy(t.schema, table, file);
    }
  });

  it('refuses a batch with a missing, unknown, mistyped or null column, naming it', () => {
    const good = columnsOf(readIngestTable(ingestDir, SEQUENCES));
    const n = good.seq_id!.length;
    assert.equal(tableBatch(SEQUENCES, good as never).numRows, n);
    const { run: _, ...noRun } = good;
    refuses(() => tableBatch(SEQUENCES, noRun as never), 'sequences', 'run', /is missing/);
    refuses(
      () => tableBatch(SEQUENCES, { ...good, e_sentiment: int32Data(new Int32Array(n)) } as never),
      'sequences',
      'e_sentiment',
      /is not in the schema/,
    );
    const texts = utf8Data(packUtf8(Array.from({ length: n }, (_, i) => String(i))));
    refuses(() => tableBatch(SEQUENCES, { ...good, seq_len: texts } as never), 'sequences', 'seq_len', /is Utf8/);
    // A column swapped for another of its table: same names, wrong places.
    refuses(
      () => tableBatch(SEQUENCES, { ...good, e_words: good.e_words_counts! } as never),
      'sequences',
      'e_words',
      /List<Int32>/,
    );
    // Nulls are fine where the schema allows them, refused where it does not.
    const someNull = nullableInt32Data(Array.from({ length: n }, (_, i) => (i === 0 ? null : i)));
    assert.equal(tableBatch(SEQUENCES, { ...good, fault_lines: someNull } as never).numRows, n);
    refuses(
      () => tableBatch(SEQUENCES, { ...good, seq_len: someNull } as never),
      'sequences',
      'seq_len',
      /has 1 null value\(s\) but is not nullable/,
    );
  });

  it('refuses raw events columns that are missing, unknown or of another width, naming them', () => {
    const n = 13;
    assert.equal(rawTableColumns(EVENTS, n, rawEvents(n) as never).length, EVENTS.columns.length);
    const { m_cid: _, ...noCid } = rawEvents(n);
    refuses(() => rawTableColumns(EVENTS, n, noCid as never), 'events', 'm_cid', /is missing/);
    refuses(
      () => rawTableColumns(EVENTS, n, { ...rawEvents(n), m_sentiment: rawEvents(n).e_words_len } as never),
      'events',
      'm_sentiment',
      /is not in the schema/,
    );
    // Int32 values where the level's Int8 dictionary indices go: four times the bytes.
    refuses(
      () => rawTableColumns(EVENTS, n, { ...rawEvents(n), m_level: rawEvents(n).e_chars_len } as never),
      'events',
      'm_level',
      /52 bytes .* take 13/,
    );
    // A string column handed over as numbers: one buffer short.
    refuses(
      () => rawTableColumns(EVENTS, n, { ...rawEvents(n), m_message: rawEvents(n).e_chars_len } as never),
      'events',
      'm_message',
      /has 2 buffers/,
    );
    refuses(
      () => rawTableColumns(EVENTS, n, { ...rawEvents(n), anomaly: rawEvents(n).fault } as never),
      'events',
      'anomaly',
      /not nullable/,
    );
    refuses(() => rawTableColumns(EVENTS, n + 1, rawEvents(n) as never), 'events', 'seq_id', /has 13 rows/);
  });

  it('refuses to read back a file whose columns are not the descriptors’, naming the column', () => {
    const stale = join(dir, 'stale');
    mkdirSync(stale, { recursive: true });
    copyFileSync(join(ingestDir, 'templates.arrow'), join(stale, 'templates.arrow'));
    // A sequences file whose seq_len holds strings.
    const good = readIngestTable(ingestDir, SEQUENCES);
    const fields = good.schema.fields.map((f) =>
      f.name === 'seq_len' ? new Field('seq_len', texts(good.numRows).type, false) : f,
    );
    const columns = good.schema.fields.map((f) =>
      f.name === 'seq_len' ? texts(good.numRows) : good.getChild(f.name)!.data[0]!,
    );
    const sink = new ArrowFileSink(join(stale, 'sequences.arrow'), new Schema(fields));
    sink.write(makeBatch(new Schema(fields), columns));
    return sink.close().then(() => {
      assert.throws(
        () => readIngestTable(stale, SEQUENCES),
        /sequences\.arrow: column seq_len is Utf8, the schema says Int32/,
      );
      assert.doesNotThrow(() => readIngestTable(stale, INGEST_TABLES[3]));
    });
  });
});

const texts = (n: number) => utf8Data(packUtf8(Array.from({ length: n }, (_, i) => `s${i}`)));
