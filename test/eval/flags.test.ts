import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convergenceFlag, degenerateFlag, flagsFor, trivialFlag } from '../../splits/eval/index.ts';

describe('degenerateFlag', () => {
  it('flags a row that flags every test sequence on every seed (threshold 0)', () => {
    assert.deepEqual(degenerateFlag([1, 1, 1, 1, 1]), {
      flag: 'degenerate',
      reason: 'flags 100 % of test sequences on every seed (5 seeds)',
    });
    // 199/200 = 99.5 % and 99/100 = 99 % are still "≥ 99 %".
    assert.deepEqual(degenerateFlag([199 / 200, 1, 99 / 100]), {
      flag: 'degenerate',
      reason: 'flags 99–100 % of test sequences on every seed (3 seeds)',
    });
  });

  it('flags a row that flags (almost) nothing, and one that is extreme either way', () => {
    assert.equal(degenerateFlag([0, 0.01, 0.005])?.reason, 'flags 0–1 % of test sequences on every seed (3 seeds)');
    assert.equal(
      degenerateFlag([0, 1])?.reason,
      'flags almost all or almost none of the test sequences on every seed (0–100 %, 2 seeds)',
    );
  });

  it('leaves a row alone when one seed is in between (isolation forest at 89–98 %)', () => {
    assert.equal(degenerateFlag([0.98, 0.89, 0.95, 0.97, 0.99]), null);
    assert.equal(degenerateFlag([1, 1, 1, 1, 0.98]), null);
    assert.equal(degenerateFlag([0.011]), null);
    assert.equal(degenerateFlag([]), null);
  });

  it('checks shares and the threshold', () => {
    assert.throws(() => degenerateFlag([0.5, 1.5]), {
      name: 'TypeError',
      message: 'flaggedShare[1] is 1.5; shares must be in [0, 1]',
    });
    assert.throws(() => degenerateFlag([0.5], 0), { message: 'degenerateShare must be a number in (0, 1) (got 0)' });
  });
});

describe('trivialFlag', () => {
  const rules = [
    { name: 'sequence length', f1: 0.67 },
    { name: 'token status.yml', f1: 0.87 },
    { name: 'tokens registered + status.yml', f1: 0.82 },
    { name: 'auc only', f1: Number.NaN },
  ];

  it('names the best rule when the row is within 0.02 of it (or below)', () => {
    // Linear SVM at 0.803 against the one-token rule at 0.870.
    assert.deepEqual(trivialFlag(0.803, rules), {
      flag: 'trivial',
      reason: 'test F1 0.803 is within 0.02 of the trivial rule "token status.yml" (F1 0.870)',
    });
    // Exactly at the margin counts, although 0.12 + 0.02 = 0.13999999999999999 < 0.14 in floats.
    assert.equal(trivialFlag(0.89, rules)?.flag, 'trivial');
    assert.equal(trivialFlag(0.14, [{ name: 'duration', f1: 0.12 }])?.flag, 'trivial');
  });

  it('does not flag a row clearly above every rule, or when no rule has an F1', () => {
    assert.equal(trivialFlag(0.8901, rules), null);
    assert.equal(trivialFlag(0.95, rules), null);
    assert.equal(trivialFlag(0.5, [{ name: 'x', f1: Number.NaN }]), null);
    assert.equal(trivialFlag(0.5, []), null);
  });

  it('compares with the margin given', () => {
    assert.equal(trivialFlag(0.68, [{ name: 'duration', f1: 0.67 }], 0)?.flag, undefined);
    assert.equal(trivialFlag(0.68, [{ name: 'duration', f1: 0.67 }], 0.01)?.flag, 'trivial');
  });
});

describe('convergenceFlag', () => {
  it('names the seeds that used all their iterations, with the final gradient when recorded', () => {
    assert.deepEqual(
      convergenceFlag([
        { seed: 1, iterations: 100, maxIterations: 100, finalGradient: 0.0032 },
        { seed: 2, iterations: 57, maxIterations: 100 },
        { seed: 3, iterations: 100, maxIterations: 100 },
      ]),
      {
        flag: 'not-converged',
        reason:
          'hit the iteration limit on 2 of 3 seeds (seed 1: 100/100 iterations, final gradient 3.20e-3; seed 3: 100/100 iterations)',
      },
    );
  });

  it('numbers seeds by position when unnamed, and stays silent when every fit converged', () => {
    assert.equal(
      convergenceFlag([
        { iterations: 3, maxIterations: 10 },
        { iterations: 10, maxIterations: 10 },
      ])?.reason,
      'hit the iteration limit on 1 of 2 seeds (seed 2: 10/10 iterations)',
    );
    assert.equal(convergenceFlag([{ iterations: 99, maxIterations: 100 }]), null);
    assert.equal(convergenceFlag([]), null);
  });
});

describe('flagsFor', () => {
  it('returns every applicable flag in a fixed order', () => {
    // event_oov_words: threshold 0 flags everything → precision ½, recall 1, F1 2/3, level with the
    // length rule; and a solver that stopped on one seed.
    const flags = flagsFor({
      flaggedShare: [1, 1, 1, 1, 1],
      f1: 2 / 3,
      rules: [{ name: 'sequence length', f1: 0.67 }],
      convergence: [{ seed: 4, iterations: 1000, maxIterations: 1000 }],
    });
    assert.deepEqual(
      flags.map((f) => f.flag),
      ['degenerate', 'trivial', 'not-converged'],
    );
    assert.equal(flags[1]!.reason, 'test F1 0.667 is within 0.02 of the trivial rule "sequence length" (F1 0.670)');
  });

  it('evaluates only the flags whose input is given, with the options given', () => {
    assert.deepEqual(flagsFor({}), []);
    assert.deepEqual(flagsFor({ f1: 0.7 }), [], 'no rules: trivial is not evaluated');
    assert.deepEqual(flagsFor({ flaggedShare: [0.97, 0.98] }), []);
    assert.deepEqual(
      flagsFor({ flaggedShare: [0.97, 0.98] }, { degenerateShare: 0.05 }).map((f) => f.flag),
      ['degenerate'],
    );
    assert.deepEqual(flagsFor({ f1: 0.75, rules: [{ name: 'duration', f1: 0.69 }] }, { trivialMargin: 0.1 }), [
      { flag: 'trivial', reason: 'test F1 0.750 is within 0.1 of the trivial rule "duration" (F1 0.690)' },
    ]);
  });
});
