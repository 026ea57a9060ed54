import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PlannedTrial, parseExperiment, planTrials } from '../../harness/experiment/index.ts';
import { longestFirst, startOrder, trialCost } from '../../harness/sweep/schedule.ts';

/** One seed's plan of an experiment file's fields, as the sweep plans it. */
function plan(fields: Record<string, unknown>): PlannedTrial[] {
  return planTrials(
    parseExperiment({ name: 'schedule', dataset: { source: 'synthetic' }, seeds: [1], ...fields }, 'schedule.ts'),
  );
}

const byName = (trials: readonly PlannedTrial[], variant: string) => {
  const t = trials.find((x) => x.variant === variant);
  assert.ok(t, `no trial ${variant} in ${trials.map((x) => x.variant).join(', ')}`);
  return t;
};

describe('start order: tuned trials cost their grid', () => {
  const trials = plan({
    variants: [
      'event_lr_words',
      { name: 'dt_tuned', from: 'event_dt_trigrams', featureSet: 'words' },
      { name: 'dt_plain', from: 'event_dt_trigrams', featureSet: 'words' },
    ],
    tune: { dt_tuned: { maxDepth: [2, 4, 8], minSamplesLeaf: [1, 8] } },
  });

  it('plans the grid on the trial (where the cost reads it)', () => {
    assert.deepEqual(byName(trials, 'dt_tuned').tune, { maxDepth: [2, 4, 8], minSamplesLeaf: [1, 8] });
    assert.equal(byName(trials, 'dt_plain').tune, undefined);
  });

  it('a 6-point grid costs 6 untuned fits of the same configuration', () => {
    assert.equal(trialCost(byName(trials, 'dt_tuned')), 6 * trialCost(byName(trials, 'dt_plain')));
  });

  it('a tuned decision tree starts before an untuned logistic regression, which one fit of a tree does not', () => {
    assert.deepEqual(
      longestFirst(trials).map((t) => t.variant),
      ['dt_tuned', 'event_lr_words', 'dt_plain'],
    );
  });
});

describe('start order: event-level trials', () => {
  const trials = plan({
    variants: ['event_rf_words', 'event_xgb_words', 'event_lr_words', 'isolation_forest'],
    levels: ['sequence', 'event'],
  });

  it('a random forest or gradient boosting at event level costs more than any sequence-level trial', () => {
    const sequenceLevel = trials.filter((t) => t.config.level === 'sequence').map(trialCost);
    assert.equal(sequenceLevel.length, 4);
    for (const v of ['event_rf_words@event', 'event_xgb_words@event'])
      assert.ok(trialCost(byName(trials, v)) > Math.max(...sequenceLevel), v);
  });

  it('other detectors at event level cost as at sequence level', () => {
    for (const v of ['event_lr_words', 'isolation_forest'])
      assert.equal(trialCost(byName(trials, `${v}@event`)), trialCost(byName(trials, v)), v);
  });

  it('starts the event-level forest and boosting first, then the sequence-level forest', () => {
    assert.deepEqual(
      startOrder(trials)
        .slice(0, 3)
        .map((t) => t.variant),
      ['event_rf_words@event', 'event_xgb_words@event', 'event_rf_words'],
    );
  });
});
