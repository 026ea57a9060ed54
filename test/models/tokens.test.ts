import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { type TokenBag, TokenVectorizer, type TokenVectorizerOptions } from '../../models/vectorize/index.ts';

const bag = (tokens: number[], counts: number[]): TokenBag => ({
  tokens: Int32Array.from(tokens),
  counts: Int32Array.from(counts),
});

// Ids are not in name order, so column order (by name) differs from id order.
const VOCAB = ['b', 'a', 'c', 'd', 'e'];
const TRAIN = [bag([0, 1], [2, 1]), bag([1, 2], [3, 1]), bag([1, 3], [1, 5])]; // df: a 3, b 1, c 1, d 1, e 0
const TEST = [bag([0, 4], [1, 7])]; // e occurs only here

const columns = (o: Partial<TokenVectorizerOptions>) => [...new TokenVectorizer(o).fit(TRAIN, VOCAB).columnNames];

describe('TokenVectorizer', () => {
  it('counts: exact CSR with columns sorted by token name', () => {
    const v = new TokenVectorizer().fit(TRAIN, VOCAB);
    assert.deepEqual(v.columnNames, ['a', 'b', 'c', 'd']);
    assert.deepEqual([...v.documentFrequency], [3, 1, 1, 1]);
    const x = v.transform(TRAIN);
    assert.equal(x.nRows, 3);
    assert.equal(x.nCols, 4);
    assert.deepEqual([...x.indptr], [0, 2, 4, 6]);
    assert.deepEqual([...x.indices], [0, 1, 0, 2, 0, 3]);
    assert.deepEqual([...x.data], [1, 2, 3, 1, 1, 5]);
  });

  it('binary: presence instead of counts', () => {
    const x = new TokenVectorizer({ binary: true }).fit(TRAIN, VOCAB).transform(TRAIN);
    assert.deepEqual([...x.indptr], [0, 2, 4, 6]);
    assert.deepEqual([...x.indices], [0, 1, 0, 2, 0, 3]);
    assert.deepEqual([...x.data], [1, 1, 1, 1, 1, 1]);
  });

  it('orders columns by name in sparse rows (sorted) and dense rows (scanned) alike', () => {
    // Names run opposite to ids: token id i is column 39 − i.
    const vocab = Array.from({ length: 40 }, (_, i) => `w${String(39 - i).padStart(2, '0')}`);
    const all = Array.from({ length: 40 }, (_, i) => i);
    const rows = [
      bag(
        all,
        all.map((i) => i + 1),
      ),
      bag([3, 30], [7, 9]),
    ];
    const x = new TokenVectorizer().fit(rows, vocab).transform(rows);
    assert.deepEqual([...x.indptr], [0, 40, 42]);
    assert.deepEqual([...x.indices.subarray(0, 40)], all);
    assert.deepEqual(
      [...x.data.subarray(0, 40)],
      all.map((c) => 40 - c),
    ); // column c = id 39 − c, count id + 1
    assert.deepEqual([...x.indices.subarray(40)], [9, 36]);
    assert.deepEqual([...x.data.subarray(40)], [9, 7]);
  });

  it('fits on train only: a token seen only in test is no column, unseenCounts counts it', () => {
    const v = new TokenVectorizer().fit(TRAIN, VOCAB);
    assert.ok(!v.columnNames.includes('e'));
    const x = v.transform(TEST);
    assert.deepEqual([...x.indptr], [0, 1]);
    assert.deepEqual([...x.indices], [1]);
    assert.deepEqual([...x.data], [1]);
    assert.deepEqual([...v.unseenCounts(TEST)], [7]);
    assert.deepEqual([...v.unseenCounts(TRAIN)], [0, 0, 0]);
    assert.deepEqual([...new TokenVectorizer({ binary: true }).fit(TRAIN, VOCAB).unseenCounts(TEST)], [1]);
  });

  it('minDf as a count and as a share of training sequences', () => {
    assert.deepEqual(columns({ minDf: 2 }), ['a']);
    assert.deepEqual(columns({ minDf: 0.5 }), ['a']); // df ≥ 1.5
    assert.deepEqual(columns({ minDf: 0.3 }), ['a', 'b', 'c', 'd']); // df ≥ 0.9
    assert.deepEqual(columns({ minDf: 0 }), ['a', 'b', 'c', 'd']); // never tokens with df 0
  });

  it('maxDf as a share and as a count', () => {
    assert.deepEqual(columns({ maxDf: 0.5 }), ['b', 'c', 'd']); // df ≤ 1.5
    assert.deepEqual(columns({ maxDf: 2 }), ['b', 'c', 'd']);
    assert.deepEqual(columns({ maxDf: 1 }), ['a', 'b', 'c', 'd']); // 1 = 100 %
    assert.throws(() => columns({ minDf: 2, maxDf: 0.5 }), {
      name: 'RangeError',
      message: 'tokens: maxDf 0.5 keeps fewer training sequences than minDf 2 (n = 3)',
    });
  });

  it('maxFeatures keeps the highest document frequencies, ties by name', () => {
    assert.deepEqual(columns({ maxFeatures: 1 }), ['a']);
    assert.deepEqual(columns({ maxFeatures: 2 }), ['a', 'b']);
    assert.deepEqual(columns({ maxFeatures: 3 }), ['a', 'b', 'c']);
    assert.deepEqual(columns({ maxFeatures: 9 }), ['a', 'b', 'c', 'd']);
    // After pruning by maxDf: a is gone, and b wins the tie with c and d by name.
    assert.deepEqual(columns({ maxDf: 2, maxFeatures: 1 }), ['b']);
  });

  it('rejects bad options naming the option', () => {
    assert.throws(() => new TokenVectorizer({ minDf: 1.5 }), {
      name: 'TypeError',
      message: 'tokens.minDf must be a share in [0, 1) or an integer count ≥ 1 (got 1.5)',
    });
    assert.throws(() => new TokenVectorizer({ maxDf: 0 }), {
      name: 'TypeError',
      message: 'tokens.maxDf must be a share in (0, 1] or an integer count ≥ 2 (got 0)',
    });
    assert.throws(() => new TokenVectorizer({ maxFeatures: 0 }), {
      name: 'TypeError',
      message: 'tokens.maxFeatures must be null or an integer ≥ 1 (got 0)',
    });
  });

  it('rejects bags that break the contract', () => {
    const v = new TokenVectorizer();
    assert.throws(() => v.transform(TRAIN), /call fit\(\)/);
    assert.throws(() => v.fit([bag([3, 1], [1, 1])], VOCAB), /row 0: token ids are not distinct and ascending/);
    assert.throws(() => v.fit([bag([9], [1])], VOCAB), /row 0: token id 9 is outside the vocabulary \(size 5\)/);
  });

  it('round-trips through JSON and matches another vocabulary by name', () => {
    const v = new TokenVectorizer().fit(TRAIN, VOCAB);
    const loaded = TokenVectorizer.load(JSON.parse(JSON.stringify(v)));
    assert.deepEqual(loaded.columnNames, v.columnNames);
    assert.throws(() => loaded.transform(TEST), /needs the vocabulary/);
    // The same bags with ids renumbered: e b a c d.
    const vocab2 = ['e', 'b', 'a', 'c', 'd'];
    const renum = [1, 2, 3, 4, 0];
    const train2 = TRAIN.map((r) => {
      const pairs = [...r.tokens].map((t, k) => [renum[t]!, r.counts[k]!] as const).sort((p, q) => p[0] - q[0]);
      return bag(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
    });
    const x1 = v.transform(TRAIN);
    const x2 = loaded.transform(train2, vocab2);
    assert.deepEqual([...x2.indices], [...x1.indices]);
    assert.deepEqual([...x2.data], [...x1.data]);
    assert.throws(() => TokenVectorizer.load({ kind: 'numeric-scaler', version: 1 }), {
      name: 'TypeError',
      message: "TokenVectorizer.load: kind must be 'token-vectorizer' (got 'numeric-scaler')",
    });
  });
});

const hasSklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

describe('TokenVectorizer against scikit-learn CountVectorizer', () => {
  it('same vocabulary and matrix for minDf / maxDf shares and counts, binary and not', (t) => {
    if (!hasSklearn) return t.skip('python3-sklearn not installed');
    const rng = seedrandom('tokens-vs-sklearn');
    const vocab = Array.from({ length: 30 }, (_, i) => `t${String.fromCharCode(97 + ((i * 7) % 26))}${i}`);
    const docs = Array.from({ length: 40 }, () => {
      const ids = [...new Set(Array.from({ length: 1 + Math.floor(rng() * 8) }, () => Math.floor(rng() ** 2 * 30)))];
      ids.sort((p, q) => p - q);
      return bag(
        ids,
        ids.map(() => 1 + Math.floor(rng() * 4)),
      );
    });
    const cases: Partial<TokenVectorizerOptions>[] = [
      {},
      { binary: true },
      { minDf: 2 },
      { minDf: 0.1, maxDf: 0.6 },
      { minDf: 3, maxDf: 20, binary: true },
    ];
    const script = [
      'import json, sys',
      'from sklearn.feature_extraction.text import CountVectorizer',
      'spec = json.load(sys.stdin)',
      'docs = [sum(([spec["vocab"][t]] * c for t, c in zip(d[0], d[1])), []) for d in spec["docs"]]',
      // sklearn reads a float as a share and an int as a count: pass each the way our options mean it.
      'num = lambda v, share: float(v) if share else int(v)',
      'out = []',
      'for o in spec["cases"]:',
      '    v = CountVectorizer(analyzer=lambda d: d, binary=o["binary"], min_df=num(*o["minDf"]), max_df=num(*o["maxDf"]))',
      '    x = v.fit_transform(docs).tocsr(); x.sort_indices()',
      '    out.append({"columns": list(v.get_feature_names_out()), "indptr": x.indptr.tolist(), "indices": x.indices.tolist(), "data": x.data.tolist()})',
      'print(json.dumps(out))',
    ].join('\n');
    const resolved = cases.map((c) => new TokenVectorizer(c).options);
    const input = JSON.stringify({
      vocab,
      docs: docs.map((d) => [[...d.tokens], [...d.counts]]),
      cases: resolved.map((o) => ({
        binary: o.binary,
        minDf: [o.minDf, o.minDf < 1],
        maxDf: [o.maxDf, o.maxDf <= 1],
      })),
    });
    const r = spawnSync('/usr/bin/python3', ['-c', script], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as {
      columns: string[];
      indptr: number[];
      indices: number[];
      data: number[];
    }[];
    for (const [i, o] of resolved.entries()) {
      const v = new TokenVectorizer(o).fit(docs, vocab);
      const x = v.transform(docs);
      const e = expected[i]!;
      assert.deepEqual(v.columnNames, e.columns, `case ${i} columns`);
      assert.deepEqual([...x.indptr], e.indptr, `case ${i} indptr`);
      assert.deepEqual([...x.indices], e.indices, `case ${i} indices`);
      assert.deepEqual([...x.data], e.data, `case ${i} data`);
    }
  });
});
