/**
 * The bad-input corpus: wrong experiment files, flags and paths, each run through the real CLI.
 * Every case must end in a one-line `error:` naming what is wrong (and the right exit code), never a
 * stack trace, an `internal error` or a hang.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { benchCli, tempDir, writeExperiment } from '../helpers/fixtures.ts';

const { dir, cleanup } = tempDir('bad-input-');
after(cleanup);
const home = join(dir, 'home');
const bench = benchCli(home);
const TINY = "  dataset: { source: 'synthetic', preset: 'tiny' },";

interface BadInput {
  name: string;
  /** Arguments, after writing any files the case needs (paths under the case's folder). */
  args: () => string[];
  exit: 1 | 2;
  /** What the error line must say. */
  says: RegExp;
  /** Extra check after the run (e.g. nothing written). */
  check?: () => void;
}

const experiment = (name: string, fields: string) => () => [
  'run',
  writeExperiment(dir, name, fields),
  '--workers',
  '0',
];

const CASES: BadInput[] = [
  {
    name: 'experiment: a misspelt top-level key',
    args: experiment('seedz', `${TINY}\n  seedz: [1, 2],`),
    exit: 1,
    says: /seedz\.ts: seedz: unknown key — did you mean 'seeds'\?/,
  },
  {
    name: 'experiment: `variant` for `variants`',
    args: experiment('variant', `${TINY}\n  variant: ['event_lr_words'],`),
    exit: 1,
    says: /variant: unknown key — did you mean 'variants'\?/,
  },
  {
    name: 'experiment: `featureset` for `featureSets`',
    args: experiment('featureset', `${TINY}\n  featureset: ['words'],`),
    exit: 1,
    says: /featureset: unknown key — did you mean 'featureSets'\?/,
  },
  {
    name: 'experiment: a misspelt key inside the dataset',
    args: experiment('presett', "  dataset: { source: 'synthetic', presett: 'tiny' },"),
    exit: 1,
    says: /dataset\.presett: unknown key — did you mean 'preset'\?/,
  },
  {
    name: 'experiment: a syntax error keeps its line and column',
    args: () => {
      const file = join(dir, 'syntax.ts');
      writeFileSync(
        file,
        "export default {\n  name: 'syntax',\n  seeds: [1, 2,,\n  dataset: { source: 'synthetic' },\n};\n",
      );
      return ['run', file];
    },
    exit: 1,
    says: /syntax\.ts:4:\d+: syntax error: /,
  },
  {
    name: 'experiment: a seed listed twice',
    args: experiment('dupseeds', `${TINY}\n  seeds: [1, 2, 1],`),
    exit: 1,
    says: /seeds: seed 1 is listed twice/,
  },
  {
    name: "experiment: the name '..' cannot become a folder outside its own",
    args: () => {
      const file = join(dir, 'dotdot.ts');
      writeFileSync(file, `export default { name: '..', ${TINY.trim()} };\n`);
      return ['run', file];
    },
    exit: 1,
    says: /name: "\.\." cannot name an experiment/,
  },
  {
    name: 'experiment: a name with a path separator',
    args: () => {
      const file = join(dir, 'slash.ts');
      writeFileSync(file, `export default { name: '../../etc', ${TINY.trim()} };\n`);
      return ['run', file];
    },
    exit: 1,
    says: /cannot name an experiment/,
  },
  {
    name: '--workers far above the machine',
    args: () => ['run', 'experiments/quickstart.ts', '--workers', '200'],
    exit: 2,
    says: /--workers 200 is more than this machine can use/,
  },
  {
    name: '--workers 100000 on data ingest',
    args: () => ['data', 'ingest', dir, '--workers', '100000'],
    exit: 2,
    says: /--workers 100000 is more than this machine can use/,
  },
  {
    name: 'data synth --out on a file',
    args: () => {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'not a folder\n');
      return ['data', 'synth', '--preset', 'tiny', '--out', file];
    },
    exit: 1,
    says: /cannot create synthetic tree folder .*a-file is a file, not a folder/,
  },
  {
    name: 'data synth --out under /proc (no endless mkdir loop)',
    args: () => ['data', 'synth', '--preset', 'tiny', '--out', '/proc/lo2-bench-x/tree'],
    exit: 1,
    says: /cannot create synthetic tree folder \/proc\/lo2-bench-x\/tree/,
  },
];

describe('bad input ends in a clear one-line error', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const r = bench(...c.args());
      const err = r.stderr;
      assert.equal(r.status, c.exit, `exit ${r.status}, stderr:\n${err}`);
      assert.match(err, c.says);
      assert.match(err, /^error: /m);
      assert.doesNotMatch(err, /internal error|\n\s+at .+:\d+:\d+\)?\n/, `a stack trace or internal error:\n${err}`);
      c.check?.();
    });
  }
});
