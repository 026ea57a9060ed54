import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TRUTH_FORMAT, TRUTH_MANIFEST } from '../../harness/data/lo2/constants.ts';
import { benchCli, line, tempDir, writeTree } from '../helpers/fixtures.ts';

const RUN = 'oauth2_logs_LO2_run_1719592986';
const LOG = `${RUN}/access_token_client_secret_wrong_401/light-oauth2-oauth2-token-1.log`;

describe('bench data ingest --continuation, and the truth in its summary', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const bench = benchCli(join(dir, 'home'));
  const tree = join(dir, 'tree');

  before(() => {
    writeTree(tree, {
      [LOG]: `${[
        '\tat com.networknt.Orphan.frame(Orphan.java:1)',
        line('16:43:07.000', 'first'),
        line('16:43:07.100', 'ApiException', 'ERROR'),
        'com.networknt.exception.ApiException: {"statusCode":401}',
        '\tat com.networknt.Foo.bar(Foo.java:12)',
        line('16:43:08.000', 'third'),
      ].join('\n')}\n`,
      [`${LOG}.faults`]: '3\n4\n',
      [`${RUN}/correct/light-oauth2-oauth2-token-1.log`]: `${line('16:43:07.000', 'ok')}\n`,
      [`${RUN}/correct/light-oauth2-oauth2-token-1.log.faults`]: '',
      [TRUTH_MANIFEST]: JSON.stringify({ format: TRUTH_FORMAT, faults: 'injected' }),
    });
  });

  it('prints what each policy did with continuation lines, and the fault events', () => {
    const expected = {
      merge: [/2 continuation lines merged into the event above/, /events\s+4\n/, /1 fault events in 1 sequences/],
      drop: [/2 continuation lines dropped/, /events\s+4\n/, /1 fault events in 1 sequences/],
      keep: [/2 continuation lines kept as events/, /events\s+6\n/, /2 fault events in 1 sequences/],
    };
    for (const [policy, patterns] of Object.entries(expected)) {
      const r = bench('data', 'ingest', tree, '--services', 'token', '--trim', '0', '--continuation', policy);
      assert.equal(r.status, 0, r.stderr);
      for (const p of patterns) assert.match(r.stdout, p, policy);
      assert.match(r.stdout, /truth\s+faults injected: .*\(2 fault lines listed\)/);
      assert.match(r.stdout, /orphan-continuation\s+1\n/);
    }
    const json = JSON.parse(
      bench('data', 'ingest', tree, '--services', 'token', '--trim', '0', '--continuation', 'keep', '--json').stdout,
    );
    assert.equal(json.options.continuation, 'keep');
    assert.deepEqual(json.continuation, { merged: 0, dropped: 0, kept: 2 });
    assert.deepEqual(json.truth, { faults: 'injected', listedLines: 2, faultEvents: 2, faultSequences: 1 });
  });

  it('exits 2 naming the flag for an unknown policy', () => {
    const r = bench('data', 'ingest', tree, '--continuation', 'squash');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /continuation must be one of merge, drop, keep \(got 'squash'\)/);
    assert.match(r.stderr, /^hint: /m);
  });

  it('exits 1 naming a missing fault-lines file, with a hint', () => {
    const bare = join(dir, 'bare');
    writeTree(bare, {
      [LOG]: `${line('16:43:07.000', 'x')}\n`,
      [TRUTH_MANIFEST]: JSON.stringify({ format: TRUTH_FORMAT, faults: 'none' }),
    });
    const r = bench('data', 'ingest', bare, '--services', 'token');
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`missing fault-lines file ${join(bare, LOG)}\\.faults`));
    assert.match(r.stderr, /^hint: regenerate the tree/m);
  });
});
