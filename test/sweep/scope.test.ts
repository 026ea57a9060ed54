import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SequenceBag, SequenceBags, SequenceMeta } from '../../harness/data/read.ts';
import type { SequenceNumeric } from '../../harness/data/read-numeric.ts';
import { BenchError } from '../../harness/errors/index.ts';
import { scopeSequences } from '../../harness/sweep/scope.ts';

// Two runs × (correct + two error cases) × three services. The token case targets `token`, the user
// case targets `user`, which this tree does not have (as in the tiny preset): under target-service
// scope the user case has no sequence left at all.
const TOKEN_CASE = 'access_token_client_secret_wrong_401';
const USER_CASE = 'get_user_404_no_user';
const SERVICES = ['code', 'refresh-token', 'token'] as const;
const CASES = ['correct', TOKEN_CASE, USER_CASE] as const;

interface Fixture {
  meta: SequenceMeta[];
  bags: SequenceBags;
  numeric: SequenceNumeric;
}

function fixture(faults: 'truth' | 'none' = 'truth'): Fixture {
  const meta: SequenceMeta[] = [];
  const sequences: SequenceBag[] = [];
  let row = 0;
  for (const run of ['run_a', 'run_b']) {
    for (const testCase of CASES) {
      for (const [si, service] of SERVICES.entries()) {
        const startMs = run === 'run_a' ? 1_000_000 + si * 500 : Number.NaN;
        const m: SequenceMeta = {
          seqId: `${run}__${testCase}__${service}`,
          run,
          testCase,
          service,
          anomaly: testCase !== 'correct',
          startMs,
          // The token case's fault shows in its target's file only.
          faultLines: faults === 'none' ? null : testCase === TOKEN_CASE && service === 'token' ? 3 : 0,
        };
        meta.push(m);
        // Token ids 0..4: every file has token `si`, and token 4 with count row + 1.
        sequences.push({
          ...m,
          seqLen: 10 + row,
          durationSec: 2 + si,
          tokens: Int32Array.from([si, 4]),
          counts: Int32Array.from([1, row + 1]),
          templates: Int32Array.from([si + 10]),
        });
        row++;
      }
    }
  }
  const numeric: SequenceNumeric = {
    seqId: meta.map((m) => m.seqId),
    columns: {
      seq_len: Float64Array.from(sequences, (s) => s.seqLen),
      duration_sec: Float64Array.from(sequences, (s) => s.durationSec),
      e_words_len: Float64Array.from(sequences, (_, i) => 100 + i),
      e_trigrams_len: Float64Array.from(sequences, (_, i) => 1000 + i),
    },
  };
  return { meta, bags: { featureSet: 'words', sequences, vocabulary: ['a', 'b', 'c', 'd', 'e'] }, numeric };
}

const ids = (rows: readonly { seqId: string }[]) => rows.map((r) => r.seqId);

describe('scopeSequences', () => {
  it('keeps every sequence, as they are, under the default scope', () => {
    const f = fixture();
    const out = scopeSequences({ meta: f.meta, bags: { words: f.bags }, numeric: f.numeric });
    assert.deepEqual(ids(out.meta), ids(f.meta));
    assert.ok(out.bags.words!.sequences.every((s, i) => s === f.bags.sequences[i]));
    assert.deepEqual(out.numeric!.columns.seq_len, f.numeric.columns.seq_len);
  });

  it("target-service leaves out an error case's files of other services, keeps every correct file", () => {
    const f = fixture();
    const out = scopeSequences(
      { meta: f.meta, bags: { words: f.bags }, numeric: f.numeric },
      { labels: 'target-service', seqBy: 'file' },
    );
    const expected = f.meta.filter(
      (m) => m.testCase === 'correct' || (m.testCase === TOKEN_CASE && m.service === 'token'),
    );
    assert.deepEqual(ids(out.meta), ids(expected));
    assert.equal(
      out.meta.filter((m) => m.anomaly).length,
      2,
      "one target file per run; the user case's target is absent",
    );
    assert.deepEqual(ids(out.bags.words!.sequences), ids(expected), 'bags aligned with the metadata');
    assert.deepEqual(out.numeric!.seqId, ids(expected), 'numeric columns aligned');
    const row = f.meta.findIndex((m) => m.seqId === 'run_b__access_token_client_secret_wrong_401__token');
    const at = out.numeric!.seqId.indexOf(f.meta[row]!.seqId);
    assert.equal(out.numeric!.columns.e_words_len[at], 100 + row);
    assert.ok(out.meta.filter((m) => m.anomaly).every((m) => m.faultLines === 3));
  });

  it('test_case grouping sums bags and lengths, spans start to end, unions templates and truth', () => {
    const f = fixture();
    const out = scopeSequences(
      { meta: f.meta, bags: { words: f.bags }, numeric: f.numeric },
      { labels: 'case', seqBy: 'test_case' },
    );
    assert.deepEqual(
      ids(out.meta),
      ['run_a', 'run_b'].flatMap((r) => CASES.map((c) => `${r}__${c}`)),
    );
    const g = out.bags.words!.sequences[1]!; // run_a, token case: files at rows 3, 4, 5
    assert.equal(g.testCase, TOKEN_CASE);
    assert.equal(g.service, 'code+refresh-token+token');
    assert.equal(g.anomaly, true);
    assert.deepEqual([...g.tokens], [0, 1, 2, 4]);
    assert.deepEqual([...g.counts], [1, 1, 1, 4 + 5 + 6]);
    assert.deepEqual([...g.templates], [10, 11, 12]);
    assert.equal(g.seqLen, 13 + 14 + 15);
    assert.equal(g.startMs, 1_000_000);
    // Files start 0, 0.5 and 1 s in and last 2, 3 and 4 s: the last ends at 5 s.
    assert.equal(g.durationSec, 5);
    assert.equal(g.faultLines, 3);
    const n = out.numeric!;
    assert.deepEqual(n.seqId, ids(out.meta));
    assert.equal(n.columns.seq_len[1], 13 + 14 + 15);
    assert.equal(n.columns.duration_sec[1], 5);
    assert.equal(n.columns.e_words_len[1], 103 + 104 + 105);
    assert.equal(n.columns.e_trigrams_len[1], 1003 + 1004 + 1005);
    // run_b has no start times: the longest file is the duration.
    assert.ok(Number.isNaN(out.meta[4]!.startMs));
    assert.equal(out.bags.words!.sequences[4]!.durationSec, 4);
    assert.equal(n.columns.duration_sec[4], 4);
    assert.equal(out.meta[0]!.anomaly, false);
  });

  it('with both, filters first, then groups: an error case is its target file', () => {
    const f = fixture();
    const out = scopeSequences(
      { meta: f.meta, bags: { words: f.bags } },
      { labels: 'target-service', seqBy: 'test_case' },
    );
    assert.deepEqual(ids(out.meta), [
      'run_a__correct',
      `run_a__${TOKEN_CASE}`,
      'run_b__correct',
      `run_b__${TOKEN_CASE}`,
    ]);
    const token = out.bags.words!.sequences[1]!;
    assert.equal(token.service, 'token');
    assert.deepEqual([...token.counts], [1, 6]);
    assert.equal(out.bags.words!.sequences[0]!.service, 'code+refresh-token+token');
  });

  it('keeps a group without truth when a file lacks it', () => {
    const f = fixture('none');
    const out = scopeSequences({ meta: f.meta }, { labels: 'case', seqBy: 'test_case' });
    assert.ok(out.meta.every((m) => m.faultLines === null));
  });

  it('gives the same rows whichever inputs are passed, and changes none of them', () => {
    const f = fixture();
    const before = structuredClone(f);
    const scope = { labels: 'target-service', seqBy: 'test_case' } as const;
    const a = scopeSequences({ meta: f.meta }, scope);
    const b = scopeSequences({ meta: f.meta, bags: { words: f.bags }, numeric: f.numeric }, scope);
    assert.deepEqual(a.meta, b.meta);
    assert.deepEqual(f, before);
  });

  it('names the case and the field when a target is unknown, and refuses misaligned inputs', () => {
    const f = fixture();
    const meta = f.meta.map((m) => (m.testCase === USER_CASE ? { ...m, testCase: 'my_own_case_500' } : m));
    assert.doesNotThrow(() => scopeSequences({ meta }, { labels: 'case', seqBy: 'file' }));
    assert.throws(
      () => scopeSequences({ meta }, { labels: 'target-service', seqBy: 'file' }),
      (err: unknown) =>
        err instanceof BenchError &&
        err.details.field === 'labels' &&
        /test case 'my_own_case_500' has no known target service/.test(err.message) &&
        /labels: 'case'/.test(err.details.hint ?? ''),
    );
    const shuffled = { ...f.bags, sequences: [...f.bags.sequences].reverse() };
    assert.throws(() => scopeSequences({ meta: f.meta, bags: { words: shuffled } }), /words bags and the metadata/);
  });
});
