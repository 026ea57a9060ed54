import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Bool, Dictionary, Field, Int8, Int32, Schema, TimestampMillisecond, tableFromIPC, Utf8 } from 'apache-arrow';
import {
  ArrowFileSink,
  boolData,
  dictionaryData,
  int32Data,
  makeBatch,
  type RawColumn,
  stringVector,
  timestampData,
  utf8Data,
} from '../../harness/data/io/arrow.ts';
import { packUtf8 } from '../../harness/data/io/utf8.ts';
import { tempDir } from '../helpers/fixtures.ts';

// One column of each kind the events table writes from its buffers.
const service = new Dictionary(new Utf8(), new Int32(), 0);
const level = new Dictionary(new Utf8(), new Int8(), 1);
const schema = new Schema([
  new Field('service', service, false),
  new Field('anomaly', new Bool(), false),
  new Field('time', new TimestampMillisecond('UTC'), true),
  new Field('level', level, false),
  new Field('text', new Utf8(), false),
  new Field('n', new Int32(), false),
]);
const services = stringVector(['code', 'token']);
const levels = stringVector(['DEBUG', 'INFO', 'ERROR']);

/** Rows of batch `b`: texts of varied lengths (multi-byte too), a null time now and then. */
function rowsOf(b: number, rows: number) {
  return {
    service: Int32Array.from({ length: rows }, (_, i) => (b + i) % 2),
    anomaly: Array.from({ length: rows }, (_, i) => (i * 7 + b) % 3 === 0),
    time: Float64Array.from({ length: rows }, (_, i) => (i % 11 === 5 ? Number.NaN : 1_719_592_986_000 + b * 1000 + i)),
    level: Int8Array.from({ length: rows }, (_, i) => (i + b) % 3),
    text: Array.from({ length: rows }, (_, i) => `${b}/${i}:${'é'.repeat(i % 4)}${'x'.repeat((i * 13) % 40)}`),
    n: Int32Array.from({ length: rows }, (_, i) => i * b - 5),
  };
}

/** The same columns as pieces of `parts` rows each, the way writeEventBatch hands over files. */
function rawColumns(r: ReturnType<typeof rowsOf>, cuts: number[]): RawColumn[] {
  const length = r.n.length;
  const none: ArrayBufferView[] = [];
  const pieces = <T extends Int32Array | Int8Array>(a: T) =>
    cuts.slice(0, -1).map((from, k) => a.subarray(from, cuts[k + 1]));
  const text = packUtf8(r.text);
  const time = timestampData(r.time);
  const anomaly = boolData(r.anomaly);
  return [
    { length, nullCount: 0, buffers: [none, pieces(r.service)] },
    { length, nullCount: 0, buffers: [none, [anomaly.values]] },
    { length, nullCount: time.nullCount, buffers: [[time.nullBitmap!], [time.values]] },
    { length, nullCount: 0, buffers: [none, pieces(r.level)] },
    {
      length,
      nullCount: 0,
      buffers: [
        none,
        [text.offsets],
        cuts.slice(0, -1).map((from, k) => text.data.subarray(text.offsets[from], text.offsets[cuts[k + 1]!])),
      ],
    },
    { length, nullCount: 0, buffers: [none, pieces(r.n)] },
  ];
}

describe('ArrowFileSink.writeColumns', () => {
  it('writes the bytes apache-arrow writes for the same batches, from pieces of buffers', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const batches = [rowsOf(1, 37), rowsOf(2, 64), rowsOf(3, 5)];
      const viaArrow = new ArrowFileSink(join(dir, 'arrow.arrow'), schema);
      const viaColumns = new ArrowFileSink(join(dir, 'columns.arrow'), schema);
      for (const r of batches) {
        viaArrow.write(
          makeBatch(schema, [
            dictionaryData(service, r.service, services),
            boolData(r.anomaly),
            timestampData(r.time),
            dictionaryData(level, r.level, levels),
            utf8Data(packUtf8(r.text)),
            int32Data(r.n),
          ]),
        );
        const rows = r.n.length;
        // Uneven pieces, an empty one included.
        const cuts = [0, Math.floor(rows / 3), Math.floor(rows / 3), rows - 1, rows];
        viaColumns.writeColumns(
          rows,
          rawColumns(r, cuts),
          new Map([
            [0, services],
            [1, levels],
          ]),
        );
      }
      await Promise.all([viaArrow.close(), viaColumns.close()]);
      const a = readFileSync(join(dir, 'arrow.arrow'));
      const b = readFileSync(join(dir, 'columns.arrow'));
      assert.ok(a.equals(b), 'the two files differ');
      const table = tableFromIPC(b);
      assert.equal(table.numRows, 37 + 64 + 5);
      assert.deepEqual([...table.getChild('text')!].slice(36, 39), [
        batches[0]!.text[36],
        batches[1]!.text[0],
        batches[1]!.text[1],
      ]);
      assert.equal(table.getChild('time')!.get(5), null);
      assert.equal(table.getChild('level')!.get(1), 'ERROR'); // (1 + 1) % 3
    } finally {
      cleanup();
    }
  });
});
