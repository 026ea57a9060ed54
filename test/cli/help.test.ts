/** Every command and subcommand answers --help (and -h) with its usage on stdout and exit 0. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HELP_SPLIT_STRATEGIES } from '../../harness/cli/main.ts';
import { SPLIT_STRATEGIES } from '../../splits/index.ts';
import { benchCli, tempDir } from '../helpers/fixtures.ts';

describe('bench <command> --help (real CLI)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const bench = benchCli(join(dir, 'home'));

  const commands: [string[], RegExp][] = [
    [['run'], /usage: bench run/],
    [['ls'], /^ {2}ls +\[--experiment NAME\]/m],
    [['show'], /^ {2}show +<trial>/m],
    [['compare'], /^ {2}compare +<trial> <trial>/m],
    [['export'], /^ {2}export +<trial>/m],
    [['board'], /^ {2}board +\[--experiment NAME\]/m],
    [['report'], /^ {2}report +\[experiment\]/m],
    [['store'], /^ {2}store pull +<URL> --to FILE\.db/m],
    [['store', 'pull'], /^ {2}store pull +<URL> --to FILE\.db/m],
    [['worker'], /usage: bench worker --store URL/],
    [['queue'], /usage: bench queue ls\|retry\|cancel/],
    [['split'], /usage: bench split/],
    [['data'], /^ {2}data synth[\s\S]*^ {2}data ingest/m],
    [['data', 'synth'], /usage: bench data synth/],
    [['data', 'ingest'], /usage: bench data ingest/],
  ];
  for (const [command, usage] of commands) {
    for (const flag of ['--help', '-h']) {
      it(`${command.join(' ')} ${flag}`, () => {
        const r = bench(...command, flag);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, usage);
        assert.equal(r.stderr, '');
      });
    }
  }

  it('asking for help writes nothing under BENCH_HOME (no database is created)', () => {
    for (const command of ['ls', 'board', 'report']) bench(command, '--help');
    assert.equal(spawnSync('ls', [join(dir, 'home')]).status !== 0, true);
  });
});

describe('wrong options get a clear one-line error (real CLI)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const bench = benchCli(join(dir, 'home'));

  const cases: [string[], RegExp][] = [
    [['ls', '--experimnt', 'x'], /^error: ls: unknown option '--experimnt' — did you mean '--experiment'\?$/m],
    [['run', 'x.ts', '--worker', '2'], /^error: run: unknown option '--worker' — did you mean '--workers'\?$/m],
    [['board', '--zzzzzz'], /^error: board: unknown option '--zzzzzz'$/m],
    [['data', 'synth', '--runs', '-3'], /^error: --runs must be an integer ≥ 1 \(got '-3'\)$/m],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => {
      const r = bench(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    });
  }
});

describe('the help text', () => {
  it("lists the split strategies the splits room knows (main.ts spells them out for start-up's sake)", () => {
    assert.deepEqual([...HELP_SPLIT_STRATEGIES], [...SPLIT_STRATEGIES]);
  });
});
