/**
 * openIngest: one object per ingest folder whose accessors parse each table once, agreeing with the
 * one-off readers.
 */
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingest } from '../../harness/data/ingest.ts';
import { openIngest } from '../../harness/data/open-ingest.ts';
import { readSequenceBags, readSequenceMeta } from '../../harness/data/read.ts';
import { readSequenceNumeric } from '../../harness/data/read-numeric.ts';
import { generateSynth } from '../../harness/data/synth/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

describe('openIngest', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let ingestDir = '';
  before(async () => {
    const root = join(dir, 'tree');
    await generateSynth({ outDir: root, preset: 'tiny', runs: 2, seed: 7 });
    ingestDir = (await ingest(root, { cacheDir: join(dir, 'cache'), workers: 0 })).dir;
  });

  it('gives what the one-off readers give, the same object on every call', () => {
    const tables = openIngest(ingestDir);
    assert.deepEqual(tables.meta(), readSequenceMeta(ingestDir));
    assert.equal(tables.meta(), tables.meta());
    for (const set of ['words', 'trigrams', 'drain'] as const) {
      assert.deepEqual(tables.bags(set), readSequenceBags(ingestDir, set), set);
      assert.equal(tables.bags(set), tables.bags(set), set);
    }
    assert.deepEqual(tables.numeric(), readSequenceNumeric(ingestDir));
    assert.equal(tables.numeric(), tables.numeric());
    assert.ok(tables.meta().length > 0);
  });

  it('parses sequences.arrow once: once read, the file is not needed again', () => {
    const copy = join(dir, 'copy');
    cpSync(ingestDir, copy, { recursive: true });
    const tables = openIngest(copy);
    const meta = tables.meta();
    tables.templates();
    rmSync(join(copy, 'sequences.arrow'));
    rmSync(join(copy, 'templates.arrow'));
    // Every other view comes from the table parsed for the metadata.
    assert.equal(tables.bags('words').sequences.length, meta.length);
    assert.equal(tables.bags('drain').sequences.length, meta.length);
    assert.deepEqual(
      tables.numeric().seqId,
      meta.map((m) => m.seqId),
    );
    // A fresh object reads the folder again, and finds the file gone.
    assert.throws(() => openIngest(copy).meta(), /ENOENT/);
  });
});
