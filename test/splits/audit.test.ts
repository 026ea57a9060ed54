import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuditSequence,
  auditSplit,
  makeSplit,
  type SplitManifest,
  withinTrivialReach,
} from '../../splits/index.ts';

/** A sequence: anomalies are longer; token 0 ('status.yml') only in normals when `leaky`. */
function seq(i: number, anomaly: boolean, leaky: boolean): AuditSequence {
  const tokens = anomaly ? [1, 2, 3 + (i % 7)] : leaky ? [0, 1, 2] : [1, 2, 3 + (i % 5)];
  return {
    seqId: `s${i}`,
    anomaly,
    seqLen: anomaly ? 200 + (i % 50) : 100 + (i % 50),
    durationSec: 10 + (i % 13),
    tokens: Int32Array.from(tokens).sort(),
    counts: Int32Array.from(tokens, () => 1 + (i % 3)),
    templates: Int32Array.from(anomaly && i % 2 === 0 ? [1, 2, 99] : [1, 2]),
  };
}

const VOCAB = ['status.yml', 'path', 'normalised', ...Array.from({ length: 10 }, (_, i) => `w${i}`)];
const part = (from: number, n: number, leaky: boolean) =>
  Array.from({ length: n }, (_, k) => seq(from + k, (from + k) % 2 === 0, leaky));

const manifest: SplitManifest = makeSplit(
  Array.from({ length: 10 }, (_, i) => ({
    seqId: `x${i}`,
    run: `run${i}`,
    testCase: 'correct',
    service: 't',
    anomaly: false,
    startMs: i,
  })),
  { seed: 1 },
);

describe('auditSplit', () => {
  it('names a token that alone separates the classes, with its AUC in train and test', () => {
    const a = auditSplit(
      manifest,
      'words',
      { train: part(0, 60, true), val: part(60, 20, true), test: part(80, 20, true) },
      VOCAB,
    );
    assert.equal(a.separatingFeatures[0]?.feature, 'status.yml');
    assert.equal(a.separatingFeatures[0]?.aucTrain, 0);
    assert.equal(a.separatingFeatures[0]?.aucTest, 0);
    assert.ok(a.warnings.some((w) => w.startsWith("feature 'status.yml' alone separates the classes")));
    const clean = auditSplit(
      manifest,
      'words',
      { train: part(0, 60, false), val: part(60, 20, false), test: part(80, 20, false) },
      VOCAB,
    );
    assert.equal(clean.separatingFeatures.length, 0);
  });

  it('reports trivial rules: sequence length separates these classes perfectly, duration does not', () => {
    const a = auditSplit(
      manifest,
      'words',
      { train: part(0, 60, false), val: part(60, 20, false), test: part(80, 20, false) },
      VOCAB,
    );
    const byName = Object.fromEntries(a.baselines.map((b) => [b.name, b]));
    assert.equal(byName.seq_len?.aucTest, 1);
    assert.equal(byName.seq_len?.f1Test, 1);
    assert.ok(Math.abs(byName.duration_sec!.aucTest - 0.5) < 0.2);
    // Template 99 never occurs in normal training sequences: "unseen template" flags half the anomalies.
    assert.equal(byName.unseen_templates?.direction, 1);
    assert.equal(a.bestTrivialF1, 1);
    assert.equal(withinTrivialReach(0.99, a), true);
    assert.ok(a.warnings.some((w) => w.startsWith('trivial rule seq_len reaches test AUC 1.000')));
  });

  it("scores the service's share of anomalies in train as a trivial rule when sequences name their service", () => {
    // Service 'a': 3 in 4 anomalous; service 'b': 1 in 4. Nothing else differs.
    const withService = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => {
        const i = from + k;
        const service = i % 2 === 0 ? 'a' : 'b';
        const anomaly = service === 'a' ? i % 8 !== 0 : i % 8 === 1;
        return { ...seq(i, false, false), anomaly, seqLen: 100, service };
      });
    const a = auditSplit(
      manifest,
      'words',
      { train: withService(0, 80), val: withService(80, 40), test: withService(120, 40) },
      VOCAB,
    );
    const prior = a.baselines.find((b) => b.name === 'service_prior');
    assert.ok(prior !== undefined, 'no service_prior rule');
    // Test: 20 'a' (15 anomalous), 20 'b' (5 anomalous); the rule ranks every 'a' above every 'b':
    // AUC = P(score anomaly > score normal) + ½ P(tie) = (15·15 + ½(15·5 + 5·15)) / (20·20) = 0.75.
    assert.equal(prior.aucTest, 0.75);
    const none = auditSplit(
      manifest,
      'words',
      { train: part(0, 60, false), val: part(60, 20, false), test: part(80, 20, false) },
      VOCAB,
    );
    assert.equal(
      none.baselines.some((b) => b.name === 'service_prior'),
      false,
    );
  });

  it('chooses the best one-token rule on train/validation and reports its test F1 (v1 order: lacks status.yml)', () => {
    const a = auditSplit(
      manifest,
      'words',
      { train: part(0, 60, true), val: part(60, 20, true), test: part(80, 20, true) },
      VOCAB,
    );
    assert.equal(a.version, 2);
    const one = a.tokenRules?.find((r) => r.kind === 'token');
    assert.deepEqual(
      one && { name: one.name, literals: one.literals, f1Val: one.f1Val, f1Test: one.f1Test, aucTest: one.aucTest },
      {
        name: "lacks 'status.yml'",
        literals: [{ token: 'status.yml', present: false }],
        f1Val: 1,
        f1Test: 1,
        aucTest: 1,
      },
    );
    assert.equal(a.bestTrivialF1, 1);
  });

  it('finds an AND of two tokens that neither token alone gets to, among the strongest features only', () => {
    // Anomalies hold tokens 5 and 6; normals one of them or neither. Either token alone flags the
    // anomalies and a third of the normals: F1 = 2·10 / (2·10 + 10) = 0.667 on 40 sequences.
    const kinds = [[5, 6], [5], [6], []];
    const seqs = (from: number, n: number): AuditSequence[] =>
      Array.from({ length: n }, (_, k) => {
        const tokens = kinds[(from + k) % 4]!;
        return {
          seqId: `p${from + k}`,
          anomaly: tokens.length === 2,
          seqLen: 100,
          durationSec: 10,
          tokens: Int32Array.from([1, ...tokens]),
          counts: Int32Array.from([1, ...tokens], () => 1),
          templates: Int32Array.from([1]),
        };
      });
    const parts = { train: seqs(0, 80), val: seqs(80, 40), test: seqs(120, 40) };
    const a = auditSplit(manifest, 'words', parts, VOCAB);
    const [one, two] = a.tokenRules!;
    assert.equal(one!.kind, 'token');
    assert.ok(Math.abs(one!.f1Test - 2 / 3) < 1e-12);
    assert.equal(two!.kind, 'token-pair');
    assert.equal(two!.name, "contains 'w2' and contains 'w3'");
    assert.deepEqual([two!.f1Val, two!.f1Test, two!.aucTest], [1, 1, 1]);
    assert.equal(a.bestTrivialF1, 1);
    // Only the single strongest feature paired with itself: no pair to try.
    const bounded = auditSplit(manifest, 'words', parts, VOCAB, { pairCandidates: 1 });
    assert.deepEqual(
      bounded.tokenRules!.map((r) => r.kind),
      ['token'],
    );
  });

  it('counts test sequences whose exact bag occurs in train', () => {
    const train = part(0, 60, false);
    const test = [...part(80, 18, false), { ...train[3]!, seqId: 'copy-a' }, { ...train[4]!, seqId: 'copy-b' }];
    const base = auditSplit(manifest, 'words', { train, val: part(60, 20, false), test: part(80, 18, false) }, VOCAB);
    const a = auditSplit(manifest, 'words', { train, val: part(60, 20, false), test }, VOCAB);
    assert.equal(a.duplicateBags.count, base.duplicateBags.count + 2);
    assert.equal(a.duplicateBags.share, a.duplicateBags.count / 20);
  });

  it('throws when a run is in two parts', () => {
    const leaky = {
      ...manifest,
      parts: { ...manifest.parts, test: [...manifest.parts.test, manifest.parts.train[0]!] },
    };
    assert.throws(
      () =>
        auditSplit(
          leaky,
          'words',
          { train: part(0, 6, false), val: part(6, 2, false), test: part(8, 2, false) },
          VOCAB,
        ),
      /puts 1 run\(s\) in two parts/,
    );
  });
});
