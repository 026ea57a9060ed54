/** End to end on a tiny synthetic dataset: ingest → bags → split → words+numeric feature space. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSynth, ingest } from '../../harness/data/index.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { NUMERIC_COLUMNS, readSequenceNumeric } from '../../harness/data/read-numeric.ts';
import { assertCsr, type FeatureSource, FeatureSpace, nnz, readFeatureSource } from '../../models/vectorize/index.ts';
import { assign, makeSplit } from '../../splits/index.ts';
import type { SplitAssignment } from '../../splits/types.ts';
import { tempDir } from '../helpers/fixtures.ts';

describe('vectorize a tiny synthetic ingest', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  let ingestDir = '';
  let source: FeatureSource;
  let split: SplitAssignment;

  before(async () => {
    const tree = join(dir, 'tree');
    await generateSynth({ outDir: tree, preset: 'tiny', seed: 3 });
    const summary = await ingest(tree, { trimLines: 0, workers: 0, cacheDir: join(dir, 'cache') });
    ingestDir = summary.dir;
    source = readFeatureSource(ingestDir, 'words+numeric');
    const meta = readSequenceMeta(ingestDir);
    split = assign(meta, makeSplit(meta, { seed: 11 }));
  });

  it('reads the numeric columns in table order', () => {
    const numeric = readSequenceNumeric(ingestDir);
    const meta = readSequenceMeta(ingestDir);
    assert.deepEqual(
      numeric.seqId,
      meta.map((m) => m.seqId),
    );
    for (const name of NUMERIC_COLUMNS) assert.equal(numeric.columns[name].length, meta.length);
    const words = source.bags.words!;
    for (const [i, s] of words.sequences.entries()) {
      assert.equal(numeric.columns.seq_len[i], s.seqLen);
      assert.equal(numeric.columns.duration_sec[i], s.durationSec);
    }
    assert.ok(numeric.columns.seq_len.some((v) => v > 0));
  });

  it('gives each part a matrix of its rows and the same columns', () => {
    const space = FeatureSpace.fit('words+numeric', source, split.parts.train);
    const names = space.columnNames;
    assert.deepEqual(
      names.slice(-4),
      NUMERIC_COLUMNS.map((c) => `numeric:${c}`),
    );
    assert.ok(names.length > 4, 'some word columns');
    for (const part of ['train', 'val', 'test'] as const) {
      const x = space.transform(split.parts[part]);
      assert.equal(x.nRows, split.parts[part].length, `${part} rows`);
      assert.equal(x.nCols, names.length, `${part} columns`);
      assertCsr(x, part);
      if (x.nRows > 0) assert.ok(nnz(x) > 0, `${part} has entries`);
    }
  });

  it('takes word columns from training sequences only; the others are counted as unseen', () => {
    const space = FeatureSpace.fit('words+numeric', source, split.parts.train);
    const words = source.bags.words!;
    const bySeq = new Map(words.sequences.map((s) => [s.seqId, s]));
    const trainTokens = new Set<string>();
    for (const m of split.parts.train)
      for (const t of bySeq.get(m.seqId)!.tokens) trainTokens.add(words.vocabulary[t]!);
    const columns = space.columnNames.filter((n) => n.startsWith('words:')).map((n) => n.slice('words:'.length));
    assert.deepEqual(new Set(columns), trainTokens, 'columns = tokens of training sequences');

    const heldOut = [...split.parts.val, ...split.parts.test];
    const unseen = space.unseenCounts('words', heldOut);
    let expectedTotal = 0;
    for (const [i, m] of heldOut.entries()) {
      const s = bySeq.get(m.seqId)!;
      let expected = 0;
      for (const [k, t] of s.tokens.entries()) if (!trainTokens.has(words.vocabulary[t]!)) expected += s.counts[k]!;
      assert.equal(unseen[i], expected, `unseen tokens of ${m.seqId}`);
      expectedTotal += expected;
    }
    // The vocabulary spans every part, so a token outside training exists unless the data is degenerate.
    const onlyHeldOut = words.vocabulary.filter((w) => !trainTokens.has(w));
    assert.equal(expectedTotal > 0, onlyHeldOut.length > 0);
  });

  it('is deterministic: fitting twice gives the same columns and matrix', () => {
    const a = FeatureSpace.fit('words+numeric', source, split.parts.train);
    const b = FeatureSpace.fit('words+numeric', source, [...split.parts.train].reverse());
    assert.deepEqual(a.columnNames, b.columnNames);
    const xa = a.transform(split.parts.test);
    const xb = b.transform(split.parts.test);
    assert.deepEqual(xa.indices, xb.indices);
    assert.deepEqual(xa.data, xb.data);
  });
});
