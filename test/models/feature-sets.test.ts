import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SequenceBag, SequenceBags } from '../../harness/data/read.ts';
import type { SequenceNumeric } from '../../harness/data/read-numeric.ts';
import { type FeatureSource, FeatureSpace, parseFeatureSet, toDense } from '../../models/vectorize/index.ts';

describe('parseFeatureSet', () => {
  it('accepts single parts and combinations, in the order written', () => {
    assert.deepEqual(parseFeatureSet('words'), ['words']);
    assert.deepEqual(parseFeatureSet('drain+numeric'), ['drain', 'numeric']);
    assert.deepEqual(parseFeatureSet('numeric+trigrams+words'), ['numeric', 'trigrams', 'words']);
  });

  it('rejects bad names word for word', () => {
    const cases: [string, string][] = [
      ['wrds+numeric', "feature set 'wrds+numeric': unknown part 'wrds' (expected words, trigrams, drain, numeric)"],
      ['Words', "feature set 'Words': unknown part 'Words' (expected words, trigrams, drain, numeric)"],
      ['words++numeric', "feature set 'words++numeric': empty part (expected parts joined with a single +)"],
      ['words+', "feature set 'words+': empty part (expected parts joined with a single +)"],
      ['words+words', "feature set 'words+words': part 'words' appears twice"],
      ['', "feature set '': empty name (expected parts words, trigrams, drain, numeric joined with +)"],
    ];
    for (const [name, message] of cases) assert.throws(() => parseFeatureSet(name), { name: 'TypeError', message });
  });
});

function seq(seqId: string, run: string, tokens: number[], counts: number[]): SequenceBag {
  return {
    seqId,
    run,
    testCase: 'correct',
    service: 'token',
    anomaly: false,
    startMs: 0,
    seqLen: 0,
    durationSec: 0,
    tokens: Int32Array.from(tokens),
    counts: Int32Array.from(counts),
    templates: new Int32Array(0),
  };
}

// Sequences s0, s1 train; s2 test. 'zz' occurs only in s2.
const words: SequenceBags = {
  featureSet: 'words',
  vocabulary: ['status.yml', 'client', 'zz'],
  sequences: [seq('s0', 'r0', [0, 1], [2, 1]), seq('s1', 'r0', [0], [4]), seq('s2', 'r1', [1, 2], [1, 3])],
};
const numeric: SequenceNumeric = {
  seqId: ['s0', 's1', 's2'],
  columns: {
    seq_len: Float64Array.from([10, 20, 40]),
    duration_sec: Float64Array.from([1, 1, 1]),
    e_words_len: Float64Array.from([3, 4, 4]),
    e_trigrams_len: Float64Array.from([0, 0, 0]),
  },
};
const source: FeatureSource = { bags: { words }, numeric };
const ref = (...ids: string[]) => ids.map((seqId) => ({ seqId }));

describe('FeatureSpace', () => {
  it('words+numeric: prefixed column names, parts side by side in name order, fit on train only', () => {
    const space = FeatureSpace.fit('words+numeric', source, ref('s0', 's1'));
    assert.deepEqual(space.columnNames, [
      'words:client',
      'words:status.yml',
      'numeric:seq_len',
      'numeric:duration_sec',
      'numeric:e_words_len',
      'numeric:e_trigrams_len',
    ]);
    const x = space.transform(ref('s2', 's0'));
    assert.equal(x.nRows, 2);
    assert.equal(x.nCols, 6);
    // seq_len: train mean 15, std 5; e_words_len: mean 3.5, std 0.5; constant columns scale 1.
    assert.deepEqual(
      toDense(x).map((r) => [...r]),
      [
        [1, 0, 5, 0, 1, 0],
        [1, 2, -1, 0, -1, 0],
      ],
    );
    assert.deepEqual([...space.unseenCounts('words', ref('s0', 's2'))], [0, 3]);
  });

  it('numeric+words puts the numeric columns first', () => {
    const space = FeatureSpace.fit('numeric+words', source, ref('s0', 's1'));
    assert.deepEqual(space.columnNames.slice(3, 6), ['numeric:e_trigrams_len', 'words:client', 'words:status.yml']);
    assert.deepEqual([...toDense(space.transform(ref('s1')))[0]!], [1, 0, 1, 0, 0, 4]);
  });

  it('round-trips through JSON', () => {
    const space = FeatureSpace.fit('words+numeric', source, ref('s0', 's1'), { tokens: { binary: true } });
    const loaded = FeatureSpace.load(JSON.parse(JSON.stringify(space)), source);
    assert.deepEqual(loaded.columnNames, space.columnNames);
    assert.deepEqual(toDense(loaded.transform(ref('s0', 's2'))), toDense(space.transform(ref('s0', 's2'))));
    assert.equal(toDense(loaded.transform(ref('s0')))[0]![1], 1);
  });

  it('fails clearly on a source that lacks a part, unknown sequences and mismatched sources', () => {
    assert.throws(() => FeatureSpace.fit('trigrams', source, ref('s0')), {
      name: 'TypeError',
      message: "feature set 'trigrams': the source has no trigrams data (hint: readFeatureSource(dir, 'trigrams'))",
    });
    const space = FeatureSpace.fit('words', source, ref('s0'));
    assert.throws(() => space.transform(ref('nope')), /sequence nope is not in the feature source/);
    const shuffled = { ...numeric, seqId: ['s1', 's0', 's2'] };
    assert.throws(
      () => FeatureSpace.fit('words+numeric', { bags: { words }, numeric: shuffled }, ref('s0')),
      /numeric and words list different sequences/,
    );
  });
});
