import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SequenceBag, SequenceBags } from '../../harness/data/read.ts';
import type { SequenceNumeric } from '../../harness/data/read-numeric.ts';
import {
  columnIdf,
  type FeatureSource,
  FeatureSpace,
  featureSpaceFileText,
  parseFeatureSpaceFile,
  type SequenceRecipe,
  toDense,
} from '../../models/vectorize/index.ts';

function seq(seqId: string, tokens: number[], counts: number[]): SequenceBag {
  return {
    seqId,
    run: 'r0',
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
const numeric = (ids: string[], seqLen: number[]): SequenceNumeric => ({
  seqId: ids,
  columns: {
    seq_len: Float64Array.from(seqLen),
    duration_sec: Float64Array.from(seqLen, () => 1),
    e_words_len: Float64Array.from(seqLen, (x) => x / 2),
    e_trigrams_len: Float64Array.from(seqLen, () => 0),
  },
});

// Training ingest: s0 and s1 train.
const train: FeatureSource = {
  bags: {
    words: {
      featureSet: 'words',
      vocabulary: ['status.yml', 'client', 'zz'],
      sequences: [seq('s0', [0, 1], [2, 1]), seq('s1', [0], [4]), seq('s2', [1, 2], [1, 3])],
    } satisfies SequenceBags,
  },
  numeric: numeric(['s0', 's1', 's2'], [10, 20, 40]),
};
// A new ingest: its own vocabulary (other ids, a token never seen in training), its own sequences.
const fresh: FeatureSource = {
  bags: {
    words: {
      featureSet: 'words',
      vocabulary: ['new-token', 'client', 'status.yml'],
      sequences: [seq('n0', [0, 1, 2], [5, 1, 3])],
    } satisfies SequenceBags,
  },
  numeric: numeric(['n0'], [30]),
};
const recipe: SequenceRecipe = {
  trimLines: 0,
  continuation: 'merge',
  drain: { depth: 4, simThreshold: 0.4, maxChildren: 100, maxClusters: 0, paramString: '<*>' },
  services: ['token'],
  ingestCode: 'abc',
  scope: { labels: 'case', seqBy: 'file' },
};

describe('feature-space files', () => {
  const space = FeatureSpace.fit('words+numeric', train, [{ seqId: 's0' }, { seqId: 's1' }]);

  it('writes the same bytes for the same space, and restores it over a new ingest by token name', () => {
    const text = featureSpaceFileText(space, recipe);
    assert.equal(
      text,
      featureSpaceFileText(FeatureSpace.fit('words+numeric', train, [{ seqId: 's1' }, { seqId: 's0' }]), recipe),
    );
    const saved = parseFeatureSpaceFile(text);
    assert.equal(saved.featureSet, 'words+numeric');
    assert.deepEqual(saved.columns, space.columnNames);
    assert.deepEqual(saved.recipe, recipe);
    const loaded = saved.load(fresh);
    // Columns: words:client, words:status.yml, then the numeric ones; 'new-token' is no column.
    const row = toDense(loaded.transform([{ seqId: 'n0' }]))[0]!;
    assert.deepEqual([...row.slice(0, 2)], [1, 3]);
    // seq_len standardised with the training mean 15 and std 5.
    assert.equal(row[2], (30 - 15) / 5);
    assert.deepEqual([...loaded.unseenCounts('words', [{ seqId: 'n0' }])], [5]);
  });

  it('refuses a file of another kind or whose columns disagree with its space', () => {
    assert.throws(() => parseFeatureSpaceFile('{"kind":"model"}'), /kind must be 'feature-space-file'/);
    assert.throws(() => parseFeatureSpaceFile('not json'), /not JSON/);
    const j = JSON.parse(featureSpaceFileText(space, recipe));
    j.columns = ['words:other', ...j.columns.slice(1)];
    assert.throws(() => parseFeatureSpaceFile(JSON.stringify(j)).load(fresh), /other columns than the file lists/);
  });

  it('gives token columns their smooth training idf and numeric columns 1', () => {
    const idf = columnIdf(space);
    // 2 training sequences: client in 1 of them, status.yml in both.
    assert.deepEqual([...idf.slice(0, 2)], [Math.log(3 / 2) + 1, 1]);
    assert.ok(idf.slice(2).every((x) => x === 1));
  });
});
