import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discover, runEpochFromName } from '../../harness/data/lo2/discover.ts';
import { BenchError } from '../../harness/errors/index.ts';
import { line, tempDir, writeTree } from '../helpers/fixtures.ts';

const ERRORS = [
  'access_token_auth_header_error_401',
  'delete_token_404',
  'get_user_404_no_user',
  'verification_failed_pkce_400',
];

describe('discover', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  before(() => {
    const spec: Record<string, string> = {};
    // Written in reverse order so that creation order differs from sorted order.
    for (let r = 9; r >= 0; r--) {
      const run = `light-oauth2-data-${1_719_592_986 + r * 1000}`;
      for (const c of ['correct', ...ERRORS]) {
        for (const svc of ['token', 'code', 'refresh-token', 'user']) {
          spec[`${run}/${c}/light-oauth2-oauth2-${svc}-1.log`] = `${line('16:43:07.000', `${c} ${svc}`)}\n`;
        }
        spec[`${run}/${c}/metric_cpu.json`] = '{}';
      }
    }
    spec['README.txt'] = 'not a run';
    spec['empty-run/notes.txt'] = 'no cases here';
    spec['run_legacy/correct/oauth2-token.log.gz'] = 'x';
    writeTree(dir, spec);
  });

  it('lists all runs, cases and the default services in sorted order', async () => {
    const d = await discover(dir);
    assert.equal(d.runsFound, 11);
    assert.equal(d.files.length, 10 * 5 * 3 + 1);
    // Runs in sorted order; in each run correct first, then error cases sorted; services sorted.
    const runs = d.files.map((f) => f.run);
    assert.deepEqual(runs, [...runs].sort());
    assert.deepEqual(
      d.files.slice(0, 4).map((f) => `${f.testCase}/${f.service}`),
      ['correct/code', 'correct/refresh-token', 'correct/token', 'access_token_auth_header_error_401/code'],
    );
    assert.equal(d.files[0]!.seqId, 'light-oauth2-data-1719592986__correct__light-oauth2-oauth2-code-1');
    assert.ok(d.files.every((f) => f.anomaly === (f.testCase !== 'correct')));
    assert.deepEqual(d.ignored['folder without test cases holding service logs'], [join(dir, 'empty-run')]);
    const legacy = d.files.find((f) => f.run === 'run_legacy')!;
    assert.equal(legacy.service, 'token');
    assert.equal(legacy.runEpochSec, null);
  });

  it('samples runs and error cases with the seed: same seed same pick, other seed other pick', async () => {
    const pick = async (seed: number) =>
      (await discover(dir, { runs: 4, errorsPerRun: 1, seed, services: ['token'] })).files.map((f) => f.seqId);
    const a = await pick(7);
    assert.deepEqual(a, await pick(7));
    assert.notDeepEqual(a, await pick(8));
    assert.equal(a.length, 4 * 2);
    assert.equal(a.filter((id) => id.includes('__correct__')).length, 4);
  });

  it('selects one error case in every run, and only the services asked for', async () => {
    const d = await discover(dir, { errorCase: 'delete_token_404', services: ['user', 'token'] });
    const cases = new Set(d.files.map((f) => f.testCase));
    assert.deepEqual([...cases].sort(), ['correct', 'delete_token_404']);
    assert.deepEqual([...new Set(d.files.map((f) => f.service))].sort(), ['token', 'user']);
  });

  it('errorsPerRun 0 keeps only correct', async () => {
    const d = await discover(dir, { errorsPerRun: 0, services: ['token'] });
    assert.ok(d.files.every((f) => f.testCase === 'correct'));
  });

  it('fails with the path and a hint for a missing folder or a tree without runs', async () => {
    await assert.rejects(discover(join(dir, 'nope')), (e: BenchError) => {
      assert.ok(e instanceof BenchError);
      assert.equal(e.message, `dataset folder not found: ${join(dir, 'nope')}`);
      assert.match(e.details.hint!, /bench data synth/);
      return true;
    });
    await assert.rejects(discover(join(dir, 'empty-run')), /no LO2 runs found under .*empty-run/);
    await assert.rejects(discover(join(dir, 'README.txt')), /dataset path is not a folder/);
  });

  it('rejects bad selection options naming the option', async () => {
    await assert.rejects(discover(dir, { services: ['tokn' as never] }), /services: unknown service 'tokn'/);
    await assert.rejects(discover(dir, { runs: -1 }), /runs must be a non-negative integer \(got -1\)/);
    await assert.rejects(discover(dir, { errorCase: 'no_such_case' }), /error case 'no_such_case' is not present/);
  });

  it('reads the run start from v1, v2 and millisecond run names', () => {
    assert.equal(runEpochFromName('light-oauth2-data-1719592986'), 1_719_592_986);
    assert.equal(runEpochFromName('oauth2_logs_LO2_run_1719592986'), 1_719_592_986);
    assert.equal(runEpochFromName('run_1719592986123'), 1_719_592_986);
    assert.equal(runEpochFromName('run_7'), null);
  });
});
