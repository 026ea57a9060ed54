import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALGORITHMS } from '../../models/index.ts';
import { summarizeLeakage } from '../../reports/leakage-summary.ts';
import { degenerateExplanation, type ExplanationFacts, shapUnit } from '../../reports/shap-meaning.ts';

describe('summarizeLeakage', () => {
  const feature = (name: string, test: string, verb = 'carries much of the label') =>
    `feature '${name}' alone ${verb} (AUC train 0.792, test ${test}; in 40 % of normal vs 98 % of anomalous training sequences)`;

  it('keeps one line per split, feature set and kind, counting its warnings and naming the strongest', () => {
    const summary = summarizeLeakage([
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        warnings: [
          feature('"} ', '0.906'),
          feature("it's", '0.075'),
          feature('ERR', '0.825'),
          feature('abc', '0.990', 'separates the classes'),
          'trivial rule seq_len reaches test AUC 0.812, F1 0.500',
          'trivial rule unseen_templates reaches test AUC 0.969, F1 0.835',
          '12.5 % of test sequences have a token bag identical to a training sequence',
          'something the audit never wrote',
        ],
        trivialRules: [],
      },
      { split: 'split 15 (seed 1)', featureSet: 'words', warnings: [], trivialRules: [] },
      { split: 'split 16 (seed 2)', featureSet: 'trigrams', warnings: [feature('ERR', '0.700')], trivialRules: [] },
    ]);
    assert.deepEqual(summary, [
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        finding: 'single features carry much of the label',
        count: 3,
        // Strength is the distance from chance: a feature absent from anomalies (AUC 0.075) is the strongest.
        strongest: "'it's' (test AUC 0.075)",
      },
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        finding: 'single features separate the classes',
        count: 1,
        strongest: "'abc' (test AUC 0.990)",
      },
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        finding: 'trivial rules reach a high test AUC',
        count: 2,
        strongest: 'unseen_templates (test AUC 0.969, F1 0.835)',
      },
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        finding: 'test sequences repeat a training sequence’s token bag',
        count: 1,
        strongest: '12.5 % of test sequences',
      },
      {
        split: 'split 15 (seed 1)',
        featureSet: 'trigrams',
        finding: 'something the audit never wrote',
        count: 1,
        strongest: '',
      },
      {
        split: 'split 16 (seed 2)',
        featureSet: 'trigrams',
        finding: 'single features carry much of the label',
        count: 1,
        strongest: "'ERR' (test AUC 0.700)",
      },
    ]);
  });
});

describe('shapUnit', () => {
  it('says log-odds for logistic regression and boosting, probability for trees, score units otherwise', () => {
    assert.equal(shapUnit('logistic-regression').unit, 'log-odds');
    assert.equal(shapUnit('gradient-boosting').unit, 'log-odds');
    assert.equal(shapUnit('decision-tree').unit, 'probability');
    assert.equal(shapUnit('random-forest').unit, 'probability');
    assert.match(shapUnit('isolation-forest').meaning, /^score units/);
    assert.equal(shapUnit('no-such-algorithm').unit, 'score units');
  });

  it('knows every algorithm of the registry', () => {
    for (const algorithm of Object.keys(ALGORITHMS)) {
      assert.notEqual(shapUnit(algorithm).unit, 'score units', `${algorithm} has no SHAP unit`);
    }
  });
});

describe('degenerateExplanation', () => {
  const facts = (f: Partial<ExplanationFacts>): ExplanationFacts => ({
    meanAbs: [0.3, 0.2, 0.1],
    perSeed: [
      [0.3, 0.2, 0.1],
      [0.31, 0.2, 0.09],
    ],
    flagsEverything: false,
    constantScores: false,
    ...f,
  });

  it('leaves a real explanation alone, even of a model that flags everything', () => {
    assert.equal(degenerateExplanation(facts({})), null);
    assert.equal(degenerateExplanation(facts({ flagsEverything: true })), null);
    assert.equal(degenerateExplanation(facts({ meanAbs: [0.5], perSeed: [[0.5]] })), null, 'one feature explains');
  });

  it('names a flag-everything model whose top features all weigh the same', () => {
    const same = Array.from({ length: 10 }, () => 0.0078125);
    assert.equal(
      degenerateExplanation(facts({ meanAbs: same, perSeed: [same], flagsEverything: true })),
      "No feature explains this model's scores (it flags everything; every top feature has the same mean |SHAP|, 0.0078).",
    );
  });

  it('names equal weights on every seed even when their mean over seeds differs', () => {
    const text = degenerateExplanation(
      facts({
        meanAbs: [0.019, 0.014, 0.009],
        perSeed: [
          [1 / 72, 1 / 72, 1 / 72],
          [1 / 71, 1 / 71],
        ],
      }),
    );
    assert.equal(
      text,
      "No feature explains this model's scores (every top feature has the same mean |SHAP| on each seed).",
    );
  });

  it('names constant scores, seen in the predictions or as SHAP values that are all zero', () => {
    assert.equal(
      degenerateExplanation(facts({ constantScores: true })),
      "No feature explains this model's scores (constant scores).",
    );
    assert.equal(
      degenerateExplanation(facts({ meanAbs: [0, 0], perSeed: [[0, 0]], flagsEverything: true })),
      "No feature explains this model's scores (it flags everything; constant scores).",
    );
  });
});
