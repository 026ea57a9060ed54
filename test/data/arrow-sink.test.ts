import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Field, Int32, Schema, tableFromIPC, Utf8 } from 'apache-arrow';
import { ArrowFileSink, int32Data, makeBatch, utf8Data } from '../../harness/data/io/arrow.ts';
import { packUtf8 } from '../../harness/data/io/utf8.ts';
import { BenchError } from '../../harness/errors/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const schema = new Schema([new Field('id', new Int32(), false), new Field('text', new Utf8(), false)]);

/** A batch of `rows` rows whose text column holds ≈ `bytesPerRow` bytes a row, seeded by `batch`. */
function batchOf(batch: number, rows: number, bytesPerRow: number) {
  const ids = Int32Array.from({ length: rows }, (_, i) => batch * rows + i);
  const texts = Array.from({ length: rows }, (_, i) =>
    `${batch}:${i}:`.padEnd(bytesPerRow, String.fromCharCode(97 + ((batch + i) % 26))),
  );
  return { ids, texts, batch: makeBatch(schema, [int32Data(ids), utf8Data(packUtf8(texts))]) };
}

describe('ArrowFileSink', () => {
  it('writes small and large column buffers, in and past the background window, in order', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 't.arrow');
      const sink = new ArrowFileSink(path, schema);
      // Chunks are grouped into 4 MB writes in the background; 40 batches with 600 KB text buffers
      // (24 MB) overflow the 16 MB background window into synchronous writes.
      const expected: { ids: Int32Array; texts: string[] }[] = [];
      for (let b = 0; b < 60; b++) {
        const { ids, texts, batch } = b % 3 === 0 ? batchOf(b, 20, 10) : batchOf(b, 1000, 600);
        expected.push({ ids, texts });
        sink.write(batch);
      }
      await sink.close();
      const table = tableFromIPC(readFileSync(path));
      assert.equal(table.batches.length, 60);
      for (const [b, e] of expected.entries()) {
        const got = table.batches[b]!;
        assert.deepEqual(got.getChild('id')!.toArray(), e.ids, `batch ${b} ids`);
        assert.deepEqual(got.getChild('text')!.toArray(), e.texts, `batch ${b} texts`);
      }
    } finally {
      cleanup();
    }
  });

  it('says when the bytes written so far are on disk: their buffers may then be overwritten', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'w.arrow');
      const sink = new ArrowFileSink(path, schema);
      const expected: { ids: Int32Array; texts: string[] }[] = [];
      const called: number[] = [];
      // Past the 4 MB groups and the 16 MB background window: background and synchronous writes.
      for (let b = 0; b < 40; b++) {
        const { ids, texts, batch } = batchOf(b, 1000, 600);
        expected.push({ ids: ids.slice(), texts });
        sink.write(batch);
        const text = batch.getChild('text')!.data[0]!;
        sink.whenWritten(() => {
          called.push(b);
          // Scribbled over once on disk; scribbled too early, the file would show it.
          ids.fill(-1);
          text.values.fill(0x21);
          text.valueOffsets.fill(0);
        });
      }
      await sink.close();
      assert.deepEqual(called, [...Array(40).keys()], 'each callback once, in order');
      const table = tableFromIPC(readFileSync(path));
      for (const [b, e] of expected.entries()) {
        assert.deepEqual(table.batches[b]!.getChild('id')!.toArray(), e.ids, `batch ${b} ids`);
        assert.deepEqual(table.batches[b]!.getChild('text')!.toArray(), e.texts, `batch ${b} texts`);
      }
    } finally {
      cleanup();
    }
  });

  it('names the file and gives a hint when the disk is full', { skip: !existsSync('/dev/full') }, async () => {
    const sink = new ArrowFileSink('/dev/full', schema);
    let error: unknown;
    try {
      for (let b = 0; b < 4; b++) sink.write(batchOf(b, 1000, 600).batch);
      await sink.close();
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof BenchError, `expected a BenchError, got ${error}`);
    assert.match(error.message, /writing \/dev\/full failed: .*ENOSPC/);
    assert.equal(error.details.file, '/dev/full');
    assert.match(error.details.hint ?? '', /disk is full/);
  });
});
