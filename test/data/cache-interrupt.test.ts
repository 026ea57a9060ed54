/**
 * Ctrl-C during an ingest: `bench data ingest` and the ingest stage of `bench run` stop between
 * read tasks, exit 130 and leave nothing in the cache, not even the entry's temporary folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSynth } from '../../harness/data/synth/generate.ts';
import { tempDir, writeExperiment } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

/** The ingest folder's entries: finished ones and temporary folders of builds in progress. */
const ingestEntries = (home: string) => {
  const dir = join(home, 'cache', 'ingest');
  return existsSync(dir) ? readdirSync(dir) : [];
};

/**
 * Runs `bench ...args` and sends it SIGINT as soon as its ingest has a temporary folder (it is
 * reading files); resolves with its exit code and stderr.
 */
function interruptDuringIngest(home: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BENCH_HOME: home } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdout.resume();
  let sent = false;
  const poll = setInterval(() => {
    if (!sent && ingestEntries(home).some((n) => n.includes('.tmp-'))) {
      sent = true;
      child.kill('SIGINT');
    }
  }, 20);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr: sent ? stderr : `never interrupted: the ingest ended first\n${stderr}` });
    });
  });
}

describe('Ctrl-C during an ingest', () => {
  const { dir, cleanup } = tempDir('lo2-bench-interrupt-');
  after(cleanup);
  const tree = join(dir, 'tree');

  before(async () => {
    // Large enough that reading it on the main thread takes a second or more.
    await generateSynth({ preset: 'standard', runs: 60, seed: 3, outDir: tree });
  });

  it('bench data ingest stops, exits 130 and caches nothing', async () => {
    const home = join(dir, 'home-data');
    const r = await interruptDuringIngest(home, ['data', 'ingest', tree, '--workers', '0']);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /ingest stopped: nothing was cached/);
    assert.deepEqual(ingestEntries(home), [], 'no entry and no temporary folder');
  });

  it('bench run stops in its ingest stage, exits 130 and caches nothing', async () => {
    const home = join(dir, 'home-run');
    const file = writeExperiment(
      dir,
      'interrupted',
      `  dataset: { source: 'lo2', path: ${JSON.stringify(tree)} },\n  seeds: [1],\n  variants: ['event_lr_words'],`,
    );
    const r = await interruptDuringIngest(home, ['run', file]);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopped while preparing its dataset/);
    assert.deepEqual(ingestEntries(home), [], 'no entry and no temporary folder');
  });
});
