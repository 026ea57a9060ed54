import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, assign, makeSplit, PARTS, type SequenceMeta, verifyManifest } from '../../splits/index.ts';

const CASES = Array.from({ length: 20 }, (_, i) => `error_case_${String(i).padStart(2, '0')}`);

/** n runs × (correct + one error case) × 3 services; run i starts i hours after the first. */
function sequences(n: number): SequenceMeta[] {
  const out: SequenceMeta[] = [];
  for (let i = 0; i < n; i++) {
    const run = `light-oauth2-data-${1_719_592_986 + ((i * 7919) % n) * 3600}`;
    for (const testCase of ['correct', CASES[i % CASES.length]!]) {
      for (const service of ['code', 'refresh-token', 'token']) {
        out.push({
          seqId: `${run}__${testCase}__${service}`,
          run,
          testCase,
          service,
          anomaly: testCase !== 'correct',
          startMs: (1_719_592_986 + ((i * 7919) % n) * 3600) * 1000,
        });
      }
    }
  }
  return out;
}

const seqs = sequences(200);

describe('makeSplit', () => {
  for (const strategy of ['random-runs', 'temporal', 'unseen-errors', 'group-k-fold'] as const) {
    it(`${strategy}: every run in exactly one part, same seed same manifest`, () => {
      const a = makeSplit(seqs, { strategy, seed: 1 });
      const b = makeSplit([...seqs].reverse(), { strategy, seed: 1 });
      assert.deepEqual(a, b, 'input order must not matter');
      const all = PARTS.flatMap((p) => a.parts[p]);
      assert.equal(all.length, 200);
      assert.equal(new Set(all).size, 200);
      assert.match(a.hash, /^[0-9a-f]{64}$/);
    });
  }

  it('random-runs: 60/20/20 of the runs, seed changes the split, parts see many error cases', () => {
    const a = makeSplit(seqs, { strategy: 'random-runs', seed: 1 });
    assert.deepEqual(
      PARTS.map((p) => a.parts[p].length),
      [120, 40, 40],
    );
    assert.notEqual(makeSplit(seqs, { strategy: 'random-runs', seed: 2 }).hash, a.hash);
    const { parts } = assign(seqs, a);
    for (const p of PARTS) {
      const cases = new Set(parts[p].filter((s) => s.anomaly).map((s) => s.testCase));
      assert.ok(cases.size >= 18, `${p} sees ${cases.size} of 20 error cases`);
      const normalShare = parts[p].filter((s) => !s.anomaly).length / parts[p].length;
      assert.ok(Math.abs(normalShare - 0.5) < 0.02, `${p} normal share ${normalShare}`);
    }
  });

  it('temporal: every train run starts before every val run, every val run before every test run', () => {
    const m = makeSplit(seqs, { strategy: 'temporal', seed: 1 });
    const start = new Map(seqs.map((s) => [s.run, s.startMs]));
    const latest = (p: 'train' | 'val') => Math.max(...m.parts[p].map((r) => start.get(r)!));
    const earliest = (p: 'val' | 'test') => Math.min(...m.parts[p].map((r) => start.get(r)!));
    assert.ok(latest('train') < earliest('val'));
    assert.ok(latest('val') < earliest('test'));
  });

  it('unseen-errors: no error case of val or test occurs in train', () => {
    const m = makeSplit(seqs, { strategy: 'unseen-errors', seed: 3 });
    const { parts, excluded } = assign(seqs, m);
    const casesIn = (p: (typeof PARTS)[number]) => new Set(parts[p].filter((s) => s.anomaly).map((s) => s.testCase));
    const train = casesIn('train');
    for (const p of ['val', 'test'] as const) {
      assert.ok(casesIn(p).size > 0, `${p} has anomalies`);
      for (const c of casesIn(p)) assert.ok(!train.has(c), `${c} is in train and ${p}`);
    }
    // With one error case per run every error sequence finds its part: nothing is excluded.
    assert.equal(excluded.length, 0);
    assert.ok(parts.train.some((s) => !s.anomaly) && parts.test.some((s) => !s.anomaly));
  });

  it('group-k-fold: each run is the test part in exactly one fold', () => {
    const tested = new Map<string, number>();
    for (let fold = 0; fold < 5; fold++) {
      const m = makeSplit(seqs, { strategy: 'group-k-fold', seed: 1, folds: 5, fold });
      for (const r of m.parts.test) tested.set(r, (tested.get(r) ?? 0) + 1);
      assert.equal(m.parts.test.length, 40);
      assert.equal(m.parts.val.length, 40);
    }
    assert.equal(tested.size, 200);
    assert.ok([...tested.values()].every((n) => n === 1));
  });

  it('verifyManifest fails loudly on a run in two parts or a tampered manifest', () => {
    const m = makeSplit(seqs, { strategy: 'random-runs', seed: 1 });
    const leaky = { ...m, parts: { ...m.parts, test: [...m.parts.test, m.parts.train[0]!] } };
    assert.throws(() => verifyManifest(leaky), new RegExp(`leaks: run ${m.parts.train[0]} is in both train and test`));
    const { hash: _hash, ...rest } = m;
    assert.throws(() => verifyManifest({ ...rest, seed: 2, hash: m.hash }), /manifest hash does not match/);
  });

  it('rejects bad options naming the field, and too few runs', () => {
    assert.throws(
      () => makeSplit(seqs, { seed: 1, strategy: 'random' as never }),
      /split.strategy must be one of random-runs, temporal, unseen-errors, group-k-fold \(got 'random'\)/,
    );
    assert.throws(
      () => makeSplit(seqs, { seed: 1, fractions: [0.5, 0.5, 0.5] }),
      /split.fractions must be three shares/,
    );
    assert.throws(() => makeSplit(seqs, { seed: 1.5 }), /split.seed must be an integer \(got 1.5\)/);
    assert.throws(
      () => makeSplit(seqs, { seed: 1, strategy: 'group-k-fold', folds: 5, fold: 5 }),
      /split.fold must be an integer in \[0, 4\]/,
    );
    assert.throws(() => makeSplit(sequences(2), { seed: 1 }), /cannot split 2 run\(s\)/);
  });
});

describe('allocate', () => {
  it('splits counts by largest remainder and keeps every non-zero share non-empty', () => {
    assert.deepEqual(allocate(10, [0.6, 0.2, 0.2]), [6, 2, 2]);
    assert.deepEqual(allocate(7, [0.6, 0.2, 0.2]), [4, 2, 1]);
    assert.deepEqual(allocate(3, [0.8, 0.1, 0.1]), [1, 1, 1]);
    assert.deepEqual(allocate(5, [1, 1, 1, 1, 1]), [1, 1, 1, 1, 1]);
  });
});
