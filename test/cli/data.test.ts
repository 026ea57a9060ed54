import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { realSamplePath, tempDir, writeTree } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

describe('bench data (the real CLI in a child process)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const env = { ...process.env, BENCH_HOME: join(dir, 'home') };
  const bench = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  const tree = join(dir, 'tree');

  before(() => {
    const real = readFileSync(realSamplePath(), 'utf8').split('\n');
    writeTree(tree, {
      'light-oauth2-data-1719592986/correct/light-oauth2-oauth2-token-1.log': `${real.slice(0, 300).join('\n')}\n`,
      'light-oauth2-data-1719592986/delete_token_404/light-oauth2-oauth2-token-1.log': `${real.slice(300, 600).join('\n')}\nnot a log line\n`,
    });
  });

  it('ingest prints counts and skipped lines by reason, then reports a cache hit', () => {
    const first = bench('data', 'ingest', tree, '--workers', '0');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^ingested .* in [\d.]+ s → /m);
    assert.match(first.stdout, /sequences\s+2\n/);
    assert.match(first.stdout, /events\s+400\n/);
    assert.match(first.stdout, /skipped\s+1 lines\n\s+no-timestamp\s+1/);
    const second = bench('data', 'ingest', tree);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /^cache hit: /);
  });

  it('ingest --json gives the summary for machines', () => {
    const r = bench('data', 'ingest', tree, '--json', '--trim', '0', '--services', 'token');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.events, 600);
    assert.equal(s.skipped['no-timestamp'], 1);
    assert.deepEqual(s.options.selection.services, ['token']);
  });

  it('synth writes a tree that ingest reads', () => {
    const out = join(dir, 'synth');
    const s = bench('data', 'synth', '--preset', 'tiny', '--out', out, '--json');
    assert.equal(s.status, 0, s.stderr);
    const synth = JSON.parse(s.stdout);
    const r = bench('data', 'ingest', out, '--json', '--trim', '0');
    assert.equal(r.status, 0, r.stderr);
    const ingested = JSON.parse(r.stdout);
    assert.equal(ingested.sequences, synth.sequences);
    assert.equal(ingested.lines, synth.lines);
    assert.equal(ingested.runs, synth.runs);
  });

  it('exits 1 with the path and a hint for a missing dataset folder', () => {
    const r = bench('data', 'ingest', join(dir, 'missing'));
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n')[0], `error: dataset folder not found: ${join(dir, 'missing')}`);
    assert.match(r.stderr, /^hint: .*bench data synth/m);
  });

  it('exits 2 on usage errors, naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['data', 'ingest', tree, '--workers', 'many'], /--workers must be an integer ≥ 0 \(got 'many'\)/],
      [['data', 'ingest', tree, '--bogus'], /data ingest: unknown option '--bogus'/],
      [['data', 'frobnicate'], /data: unknown subcommand 'frobnicate'/],
      [['nope'], /unknown command 'nope'/],
      [['data', 'ingest', tree, '--services', 'tokn'], /services: unknown service 'tokn'/],
      [['data', 'ingest', tree, '--preset', 'tiny'], /--preset and --order pick the synthetic default/],
    ];
    for (const [args, message] of cases) {
      const r = bench(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
