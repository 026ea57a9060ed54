import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedAggregate, seedInterval } from '../../reports/seed-stats.ts';
import { correctedResampledT, metricDef } from '../../splits/eval/index.ts';

// Five seeds of a row near the top of the scale, with the spread five seeds of a real sweep show.
const values = [0.99, 0.88, 1, 0.84, 1];
const sizes = values.map(() => ({ nTrain: 12, nTest: 4 }));

describe('seedInterval', () => {
  it("cuts the corrected t-interval to the metric's range, keeping the side inside it", () => {
    const formula = correctedResampledT(values, { nTrain: 12, nTest: 4, alpha: 0.05 });
    assert.ok(formula.state !== 'single-seed');
    assert.ok(formula.ci[1] > 1, `the formula's upper end is ${formula.ci[1]}: this fixture must overshoot`);
    const cut = seedInterval(values, sizes, [0, 1]);
    assert.equal(cut.interval, 'corrected-t');
    assert.equal(cut.mean, formula.mean);
    assert.equal(cut.hi, 1);
    assert.equal(cut.lo, formula.ci[0]);
  });

  it('leaves an interval inside its range, and an unbounded metric, as the formula gives them', () => {
    const inside = [0.6, 0.62, 0.58, 0.61, 0.59];
    const formula = correctedResampledT(inside, { nTrain: 12, nTest: 4, alpha: 0.05 });
    assert.ok(formula.state !== 'single-seed');
    const cut = seedInterval(inside, sizes, [0, 1]);
    assert.deepEqual([cut.lo, cut.hi], [...formula.ci]);
    const open = seedInterval(values, sizes);
    assert.ok(open.hi > 1);
  });

  it('takes the range from the metric definition when a row combines its seeds', () => {
    const f1 = seedAggregate(metricDef('f1')!, values, sizes);
    assert.ok(f1.hi <= 1 && f1.lo >= 0, `[${f1.lo}, ${f1.hi}]`);
  });
});
