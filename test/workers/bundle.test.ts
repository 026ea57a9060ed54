/**
 * The worker bundles piscina loads. piscina require()s its task file; on Node 20 an ES module loaded
 * that way (the bundle itself, or a package it requires at start) goes through require(esm), and a
 * worker terminated during that load aborts the process. So each bundle must load in a Node that
 * refuses require(esm) outright. Real esbuild, real child processes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledWorker } from '../../harness/workers/index.ts';

const ENTRIES = [
  'harness/sweep/trial-worker.ts',
  'harness/data/read-worker.ts',
  'harness/data/synth/generate-worker.ts',
];

describe('worker bundles', () => {
  for (const entry of ENTRIES) {
    it(`${entry}: loads by require() with require(esm) turned off, and exports its task function`, async () => {
      const url = await bundledWorker(new URL(`../../${entry}`, import.meta.url));
      const file = fileURLToPath(url);
      assert.match(file, /\.cjs$/);
      const out = execFileSync(
        process.execPath,
        [
          '--no-experimental-require-module',
          '-e',
          'process.stdout.write(typeof require(process.argv[1]).default)',
          file,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      assert.equal(out, 'function');
    });
  }
});
