import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { countTokens, Vocabulary } from '../../harness/data/enhance/messages.ts';
import { RowLists } from '../../harness/data/enhance/sequence.ts';
import { int32ListData, makeBatch, tokenListData } from '../../harness/data/io/arrow.ts';
import { SEQUENCES } from '../../harness/data/schema.ts';

const decoder = new TextDecoder();

/** 3,000 tokens: ASCII, accented and CJK words, emoji, an empty token, one 18 kB token (3 bytes a character). */
function tokens(): string[] {
  const out: string[] = ['日'.repeat(6000), '', 'é', 'naïve', '日本語', '😀x', 'a😀'];
  for (let i = 0; out.length < 3000; i++) out.push(i % 7 === 0 ? `ü${i}` : `t${i.toString(36)}`);
  return out;
}

describe('vocabulary bytes and token lists', () => {
  it('keeps every token as UTF-8, across growth of its buffers', () => {
    const v = new Vocabulary();
    const all = tokens();
    for (const t of all) v.id(t);
    for (const t of all) assert.equal(v.id(t), all.indexOf(t), 'interning is stable');
    const { offsets, data } = v.encoded;
    assert.equal(offsets.length, all.length + 1);
    for (const [i, t] of all.entries()) assert.equal(decoder.decode(data.subarray(offsets[i], offsets[i + 1])), t);
  });

  it('writes List<Utf8> rows that read back as the tokens', () => {
    const v = new Vocabulary();
    const all = tokens();
    for (const t of all) v.id(t);
    const rows = [
      Int32Array.of(3, 1, 2999, 0),
      Int32Array.of(),
      Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 3000),
    ];
    const column = tokenListData(rows, v.encoded);
    const field = SEQUENCES.arrow.fields.find((f) => f.name === 'e_words')!;
    const back = tableFromIPC(tableToIPC(new Table(makeBatch(new Schema([field]), [column]))));
    const got = back
      .getChild('e_words')!
      .toArray()
      .map((list: { toArray(): string[] }) => [...list.toArray()]);
    assert.deepEqual(
      got,
      rows.map((r) => [...r].map((id) => all[id])),
    );
  });

  it('writes the same lists into reused memory full of old bytes', () => {
    const v = new Vocabulary();
    const all = tokens();
    for (const t of all) v.id(t);
    const rows = [Int32Array.of(5, 4, 2998), Int32Array.of(), Int32Array.of(7)];
    // Memory as a pool lends it: whatever the last user left there.
    const dirty = { take: (bytes: number) => new Uint8Array(bytes + 64).fill(0xab).buffer };
    const read = (data: ReturnType<typeof tokenListData> | ReturnType<typeof int32ListData>, name: string) => {
      const field = SEQUENCES.arrow.fields.find((f) => f.name === name)!;
      const t = tableFromIPC(tableToIPC(new Table(makeBatch(new Schema([field]), [data]))));
      return t
        .getChild(name)!
        .toArray()
        .map((list: { toArray(): ArrayLike<unknown> }) => Array.from(list.toArray()));
    };
    assert.deepEqual(
      read(tokenListData(rows, v.encoded, dirty), 'e_words'),
      read(tokenListData(rows, v.encoded), 'e_words'),
    );
    assert.deepEqual(
      read(int32ListData(rows, dirty), 'e_event_drain_id'),
      read(int32ListData(rows), 'e_event_drain_id'),
    );
  });
});

describe('RowLists', () => {
  it("keeps earlier rows' lists when it grows, and reuses its room after reset", () => {
    const lists = new RowLists(8);
    const a = lists.take(5);
    a.set([1, 2, 3, 4, 5]);
    const b = lists.take(6); // past the 8 values: a larger array, `a` untouched
    b.set([6, 7, 8, 9, 10, 11]);
    assert.deepEqual([...a], [1, 2, 3, 4, 5]);
    assert.deepEqual([...b], [6, 7, 8, 9, 10, 11]);
    lists.reset();
    const c = lists.take(3);
    assert.equal(c.buffer, b.buffer, 'the same room, from its start');
    assert.equal(c.byteOffset, 0);
  });
});

describe('countTokens', () => {
  it('gives the distinct ids of a token list, ascending, with how often each occurs', () => {
    assert.deepEqual(countTokens(Int32Array.of(7, 3, 7, 0, 3, 7)), {
      ids: Int32Array.of(0, 3, 7),
      counts: Int32Array.of(1, 2, 3),
    });
    assert.deepEqual(countTokens(Int32Array.of()), { ids: Int32Array.of(), counts: Int32Array.of() });
    const list = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 311);
    const { ids, counts } = countTokens(list);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      list.length,
    );
    for (let i = 0; i < ids.length; i++) assert.equal(counts[i], list.filter((t) => t === ids[i]).length);
  });
});
