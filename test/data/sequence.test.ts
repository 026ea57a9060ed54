import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageTable } from '../../harness/data/enhance/messages.ts';
import { enhanceSequence, ReaderIds } from '../../harness/data/enhance/sequence.ts';
import type { SequenceFile } from '../../harness/data/lo2/discover.ts';
import type { FileEvents } from '../../harness/data/lo2/read-file.ts';

const file = { seqId: 's', run: 'r', testCase: 'correct', service: 'token', anomaly: false } as SequenceFile;

/** A sequence's bag the slow way: every event's message's tokens, counted in a Map. */
function naiveBag(table: MessageTable, messageIds: number[], kind: 'words' | 'trigrams') {
  const counts = new Map<number, number>();
  for (const g of messageIds) for (const t of table.messages[g]![kind]) counts.set(t, (counts.get(t) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  return { ids, counts: ids.map((t) => counts.get(t)!) };
}

/** Enhances a file whose events carry `texts[localIds[i]]`, read by `ids`' reader. */
function enhance(table: MessageTable, ids: ReaderIds, texts: string[], localIds: number[]) {
  ids.add(ids.texts.length, texts);
  const first = ids.texts.length - texts.length;
  const events = {
    count: localIds.length,
    localMessageId: Int32Array.from(localIds, (l) => first + l),
    timeMs: Float64Array.from(localIds, (_, i) => 1_700_000_000_000 + 1000 * i),
  } as unknown as FileEvents;
  return enhanceSequence(file, events, ids, table);
}

describe('enhanceSequence', () => {
  it('adds up the bags of its messages, dense or sparse among all the tokens seen', () => {
    const table = new MessageTable();
    const ids = new ReaderIds();
    // Dense: a file of a few messages sharing most of their tokens.
    const texts = ['user 1 logged in', 'user 2 logged out', 'token issued for user', 'user 1 logged in again'];
    const local = [0, 1, 0, 2, 3, 3, 0];
    const dense = enhance(table, ids, texts, local);
    const g = [...dense.features.messageId];
    for (const kind of ['words', 'trigrams'] as const) {
      const want = naiveBag(table, g, kind);
      assert.deepEqual([...dense.row[kind].ids], want.ids, `dense ${kind} ids`);
      assert.deepEqual([...dense.row[kind].counts], want.counts, `dense ${kind} counts`);
    }
    // Sparse: 400 messages of their own words make a large vocabulary; a file of two of the last
    // ones counts a handful of tokens with large ids.
    const many = Array.from({ length: 400 }, (_, i) => `w${i}a w${i}b w${i}c distinct${i}`);
    const everyOne = many.map((_, i) => i);
    enhance(table, ids, many, everyOne);
    const sparse = enhance(table, ids, [many[398]!, many[399]!], [1, 0, 1, 1]);
    const gs = [...sparse.features.messageId];
    for (const kind of ['words', 'trigrams'] as const) {
      const want = naiveBag(table, gs, kind);
      assert.deepEqual([...sparse.row[kind].ids], want.ids, `sparse ${kind} ids`);
      assert.deepEqual([...sparse.row[kind].counts], want.counts, `sparse ${kind} counts`);
    }
    assert.equal(sparse.row.seqLen, 4);
    assert.equal(sparse.row.durationSec, 3);
  });
});
