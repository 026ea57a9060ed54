/**
 * A full disk ends in one clear error naming where the write went, and leaves nothing that looks
 * finished: `data synth` removes its partial tree (no `lo2-truth.json`), a sweep stops with its
 * stopped trials pending (none failed) and, once there is room, a plain rerun finishes with the
 * metrics of a clean run. The disks are real: small tmpfs mounts, so the test needs root.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { benchCli, doneMetrics, tempDir, writeExperiment } from '../helpers/fixtures.ts';

const mount = (dir: string, size: string) => spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
const remount = (dir: string, size: string) => {
  const r = spawnSync('mount', ['-o', `remount,size=${size}`, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `remount ${dir}: ${r.stderr}`);
};
const umount = (dir: string) => {
  if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
};

/** Why this machine cannot run the test (mounting a tmpfs needs root), or undefined when it can. */
function cannotMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs as a full disk';
  const probe = mkdtempSync(join(tmpdir(), 'lo2-bench-mount-probe-'));
  try {
    const r = mount(probe, '64k');
    if (r.status !== 0) return `cannot mount a tmpfs here (${String(r.stderr).trim() || `exit ${r.status}`})`;
    umount(probe);
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** The disks mounted by this file, unmounted (newest first) when its tests end. */
const mounted: string[] = [];

/** A disk of `size` at a new folder under `parent`. */
function disk(parent: string, name: string, size: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  const r = mount(dir, size);
  assert.equal(r.status, 0, `mount ${dir}: ${r.stderr}`);
  mounted.push(dir);
  return dir;
}

/** Every file under `root` (relative path → sha256), sorted. */
function tree(root: string): [string, string][] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort()
    .map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(root, f)))
        .digest('hex'),
    ]);
}

/** Bytes the files under `root` take on a tmpfs (whole 4 KiB pages). */
function pages(root: string): number {
  let total = 0;
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const s = statSync(join(root, f));
    if (s.isFile()) total += Math.ceil(s.size / 4096) * 4096;
  }
  return total;
}

/** The one-line error and its hint: no stack trace, no `internal error`. */
function assertDiskFullError(stderr: string, pattern: RegExp): void {
  assert.doesNotMatch(stderr, /internal error|\n\s+at /, stderr);
  const error = stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(error.length, 1, stderr);
  assert.match(error[0] as string, pattern);
  assert.match(stderr, /\nhint: free space .*(BENCH_HOME|--out)/, stderr);
}

const skip = cannotMount();

describe('a full disk', { skip }, () => {
  const { dir, cleanup } = tempDir('lo2-bench-full-disk-');
  after(() => {
    for (const m of mounted.reverse()) umount(m);
    cleanup();
  });

  describe('bench data synth', () => {
    const synth = (home: string, ...args: string[]) =>
      benchCli(home)('data', 'synth', '--preset', 'tiny', '--order', 'v1', '--json', ...args);
    let small: string;
    let clean: [string, string][];

    before(() => {
      const r = synth(join(dir, 'synth-home'), '--out', join(dir, 'synth-clean'));
      assert.equal(r.status, 0, r.stderr);
      clean = tree(join(dir, 'synth-clean'));
      // The tiny tree needs about 1.6 MB: 1 MB free cannot hold it.
      small = disk(dir, 'synth-disk', '3m');
      writeFileSync(join(small, 'filler'), Buffer.alloc(2 << 20));
    });

    for (const workers of ['0', '2']) {
      it(`stops with the folder named and removes the partial tree (--workers ${workers})`, () => {
        const out = join(small, `tree-${workers}`);
        const r = synth(join(dir, 'synth-home'), '--out', out, '--workers', workers);
        assert.equal(r.status, 1, r.stderr);
        assertDiskFullError(r.stderr, /^error: disk full: cannot write synthetic tree \S+tree-\d \(ENOSPC: /);
        assert.equal(r.stdout, '', 'no summary of a tree that was not written');
        assert.ok(!existsSync(join(out, 'lo2-truth.json')), 'the tree does not look finished');
        assert.deepEqual(readdirSync(out), [], 'the runs written before the disk filled are removed');
      });
    }

    it('stops a generation into the cache and caches nothing', () => {
      const home = join(small, 'home');
      const r = synth(home);
      assert.equal(r.status, 1, r.stderr);
      assertDiskFullError(r.stderr, /^error: disk full: cannot write synthetic tree \S+cache\/synth\/\S+ \(ENOSPC: /);
      assert.deepEqual(readdirSync(join(home, 'cache', 'synth')), [], 'no cache entry, whole or partial');
    });

    it('writes the same tree as on a roomy disk once there is room', () => {
      remount(small, '16m');
      const out = join(small, 'tree-0');
      const r = synth(join(dir, 'synth-home'), '--out', out);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(tree(out), clean);
    });
  });

  describe('bench run', () => {
    const file = writeExperiment(
      dir,
      'full-disk',
      `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 3 },
  ingest: { trimLines: 0 },
  seeds: [1, 2],
  variants: ['event_lr_words', 'event_dt_trigrams', 'event_lof_words', 'isolation_forest'],
  throughput: { timeMs: 5, samples: 3 },`,
    );
    const cleanHome = join(dir, 'run-clean');
    const run = (home: string, db: string) => benchCli(home)('run', file, '--workers', '2', '--db', db);
    let cleanMetrics: unknown[];
    let cleanArtifacts: number;

    before(() => {
      const db = join(cleanHome, 'bench.db');
      const r = run(cleanHome, db);
      assert.equal(r.status, 0, r.stderr);
      cleanMetrics = doneMetrics(db);
      assert.ok(cleanMetrics.length > 0);
      cleanArtifacts = pages(join(cleanHome, 'artifacts'));
    });

    /** Sweep and trial states of the database at `db`. */
    function states(db: string): { sweeps: string[]; trials: Record<string, number> } {
      const d = new Database(db, { readonly: true });
      try {
        const sweeps = d.prepare('SELECT status FROM sweeps ORDER BY id').pluck().all() as string[];
        const rows = d.prepare('SELECT status, count(*) AS n FROM trials GROUP BY status').all() as {
          status: string;
          n: number;
        }[];
        return { sweeps, trials: Object.fromEntries(rows.map((x) => [x.status, x.n])) };
      } finally {
        d.close();
      }
    }

    it('stops when the trials’ files fill BENCH_HOME, then a rerun finishes with the clean metrics', () => {
      // BENCH_HOME with the clean run's cache (datasets and matrices) and room for a third of its
      // trials' files: the sweep fills it with artifacts.
      const cache = join(cleanHome, 'cache');
      const size = Math.ceil((pages(cache) + cleanArtifacts / 3) / 1024);
      const home = disk(dir, 'run-disk', `${size}k`);
      // `cp -a`: the cache's source fingerprints include times, which cpSync does not keep on folders.
      assert.equal(spawnSync('cp', ['-a', cache, join(home, 'cache')]).status, 0);
      const db = join(dir, 'artifacts-case.db');
      const r = run(home, db);
      assert.equal(r.status, 1, r.stderr);
      assertDiskFullError(
        r.stderr,
        /^error: disk full: cannot write (the files of trial \d+ \S+\/artifacts\/\S+|the cache \S+) \(ENOSPC: /,
      );
      const s = states(db);
      assert.deepEqual(s.sweeps, ['failed'], 'the sweep ends failed, not running');
      assert.equal(s.trials.failed, undefined, 'no trial is failed for a full disk');
      assert.equal(s.trials.running, undefined, 'the stopped trials are released');
      assert.ok((s.trials.pending ?? 0) > 0, JSON.stringify(s));

      remount(home, '64m');
      const again = run(home, db);
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(states(db).trials, { done: 8 });
      assert.deepEqual(doneMetrics(db), cleanMetrics);
    });

    it('stops when the results database fills its disk, then a rerun finishes with the clean metrics', () => {
      // Room for the schema and a few trials' rows; BENCH_HOME (cache, artifacts) has room.
      const dbDisk = disk(dir, 'db-disk', '256k');
      const db = join(dbDisk, 'bench.db');
      const r = run(cleanHome, db);
      assert.equal(r.status, 1, r.stderr);
      assertDiskFullError(r.stderr, /^error: disk full\b.*\((SQLITE_FULL|ENOSPC): /);
      // The store may have no room left to record the sweep's end: nothing may be done or failed wrongly.
      if (existsSync(db)) {
        const s = states(db);
        assert.ok(!s.sweeps.includes('done'), JSON.stringify(s));
        assert.equal(s.trials.failed, undefined, 'no trial is failed for a full disk');
      }

      remount(dbDisk, '16m');
      const again = run(cleanHome, db);
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(states(db).trials, { done: 8 });
      assert.deepEqual(doneMetrics(db), cleanMetrics);
    });
  });
});
