/**
 * A corrupt cache never reaches the metrics: after a byte of a cached matrix, of events.arrow or of
 * sequences.arrow changes, the next `bench run --fresh` says which entry it rebuilds and ends with
 * the metrics of a clean run.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { benchCli, doneMetrics as metrics, tempDir, writeExperiment } from '../helpers/fixtures.ts';

/** Flips a byte `fromEnd` bytes before the end of the file (the file keeps its size). */
function flip(path: string, fromEnd: number): void {
  const bytes = readFileSync(path);
  const at = bytes.length - fromEnd;
  bytes[at] = bytes[at]! ^ 0x01;
  writeFileSync(path, bytes);
}

describe('a corrupt cache entry is rebuilt, never used', () => {
  const { dir, cleanup } = tempDir('lo2-bench-corrupt-');
  after(cleanup);
  const home = join(dir, 'home');
  const bench = benchCli(home);
  const file = writeExperiment(
    dir,
    'corrupt',
    `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: [1],
  variants: ['event_lr_words'],
  throughput: { timeMs: 5, samples: 3 },`,
  );
  const cache = join(home, 'cache');
  const entry = (kind: string) => {
    const [key] = readdirSync(join(cache, kind)).filter((n) => /^[0-9a-f]{32}$/.test(n));
    return join(cache, kind, key!);
  };
  let clean: unknown[];

  before(() => {
    const r = bench('run', file);
    assert.equal(r.status, 0, r.stderr);
    clean = metrics(join(home, 'bench.db'));
    assert.ok(clean.length > 0);
  });

  it('a matrix value and events.arrow: both entries rebuilt, with a notice each, same metrics', () => {
    // The last bytes of a .csr file are its last float64 value: still a well-formed matrix.
    flip(join(entry('matrices'), 'train.csr'), 3);
    flip(join(entry('ingest'), 'events.arrow'), 1000);
    const r = bench('run', file, '--fresh');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cache: ingest entry \S+ is corrupt \(events\.arrow: sha256 differs\); rebuilding it/);
    assert.match(r.stderr, /cache: matrices entry \S+ is corrupt \(train\.csr: sha256 differs\); rebuilding it/);
    assert.deepEqual(metrics(join(home, 'bench.db')), clean);
    const again = bench('run', file, '--fresh');
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /cache: /, 'the rebuilt entries are used as they are');
  });

  it('sequences.arrow: rebuilt with a notice, same metrics', () => {
    flip(join(entry('ingest'), 'sequences.arrow'), 2000);
    const r = bench('run', file, '--fresh');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cache: ingest entry \S+ is corrupt \(sequences\.arrow: sha256 differs\)/);
    assert.deepEqual(metrics(join(home, 'bench.db')), clean);
  });
});
