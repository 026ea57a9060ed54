/** The split strategies are one list: the schema, the checks and both help texts follow SPLIT_STRATEGIES. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { commandHelp } from '../../harness/cli/main.ts';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { makeSplit, SPLIT_STRATEGIES, type SplitStrategy } from '../../splits/index.ts';
import { benchCli, tempDir } from '../helpers/fixtures.ts';

const experiment = (strategy: string) =>
  parseExperiment({ name: 'x', dataset: { source: 'synthetic' }, split: { strategy } }, 'x.ts');

describe('SPLIT_STRATEGIES', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('is what an experiment may name, and its error lists them', () => {
    for (const s of SPLIT_STRATEGIES) assert.equal(experiment(s).split.strategy, s);
    assert.throws(() => experiment('random'), {
      message: `x.ts: split.strategy: Invalid option: expected one of ${SPLIT_STRATEGIES.map((s) => `"${s}"`).join('|')}`,
    });
  });

  it('is what makeSplit accepts: a name an object inherits is no strategy', () => {
    assert.throws(() => makeSplit([], { seed: 1, strategy: 'toString' as SplitStrategy }), {
      message: `split.strategy must be one of ${SPLIT_STRATEGIES.join(', ')} (got 'toString')`,
    });
  });

  it('is what both help texts offer', () => {
    const option = `[--strategy ${SPLIT_STRATEGIES.join('|')}]`;
    assert.ok(commandHelp('split').includes(option), commandHelp('split'));
    const r = benchCli(join(dir, 'home'))('split', '--help');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(option), r.stdout);
  });
});
