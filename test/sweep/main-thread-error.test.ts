/**
 * An error on the sweep's main thread while trials run in worker threads: the trials it stops go back
 * to pending (never `failed`), the sweep ends `failed`, and a plain rerun runs them. Real worker
 * threads, real SQLite files.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { openStore, type Store } from '../../harness/store/index.ts';
import { runSweep, type SweepOptions } from '../../harness/sweep/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const experiment = parseExperiment(
  {
    name: 'halted',
    dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
    ingest: { trimLines: 0 },
    seeds: [1, 2],
    variants: ['event_lr_words', 'event_rarity_words', 'isolation_forest'],
    explain: false,
    throughput: false,
  },
  'halted.ts',
);
const PLANNED = 6;

interface Rows {
  sweeps: { id: number; status: string; finished: string | null; error: string | null }[];
  trials: Record<string, number>;
}

function rows(db: string): Rows {
  const d = new Database(db, { readonly: true });
  try {
    const sweeps = d
      .prepare('SELECT id, status, finished_at AS finished, error FROM sweeps ORDER BY id')
      .all() as Rows['sweeps'];
    const counts = d.prepare('SELECT status, COUNT(*) AS n FROM trials GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return { sweeps, trials: Object.fromEntries(counts.map((c) => [c.status, c.n])) };
  } finally {
    d.close();
  }
}

/** The store with method `name` replaced by `wrap(the original, bound)`; every other member as it was. */
function withMethod<K extends keyof Store>(store: Store, name: K, wrap: (original: Store[K]) => Store[K]): Store {
  const replaced = wrap((store[name] as (...a: unknown[]) => unknown).bind(store) as Store[K]);
  return new Proxy(store, {
    get(target, key) {
      if (key === name) return replaced;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** The store with one method failing the way a full disk fails a write. */
function failing(store: Store, method: 'saveAudit'): Store {
  return withMethod(
    store,
    method,
    () => async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
  );
}

/**
 * The store with its first trial write held back `ms`: long enough that the other worker's trial
 * ends meanwhile, so its result arrives while the first is being recorded.
 */
function slowFirstCompletion(store: Store, ms: number): Store {
  let first = true;
  return withMethod(store, 'completeTrial', (complete) => async (...args) => {
    if (first) {
      first = false;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return complete(...args);
  });
}

describe('a sweep whose main thread fails while trials run in workers', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  // One dataset for every case: the ingest is cached after the first.
  const cacheDir = join(dir, 'cache');
  const options = (home: string, store: Store): SweepOptions => ({
    store,
    cacheDir,
    artifactsDir: join(dir, home, 'artifacts'),
    workers: 2,
  });

  /** Reruns the experiment plainly (no --retry-failed) and checks it runs every trial left. */
  async function rerunsTheRest(home: string, before: Rows): Promise<void> {
    const db = join(dir, home, 'bench.db');
    const store = await openStore(db);
    try {
      const r = await runSweep('halted.ts', experiment, options(home, store));
      assert.equal(r.status, 'done');
      const count = (s: string) => r.outcomes.filter((o) => o.state === s).length;
      assert.equal(count('skipped'), before.trials.done ?? 0, 'the trials done before are kept');
      assert.equal(count('done'), PLANNED - (before.trials.done ?? 0), 'every other trial runs');
      assert.equal(count('failed'), 0);
    } finally {
      await store.close();
    }
    const after = rows(db);
    assert.deepEqual(after.trials, { done: PLANNED });
    assert.equal(after.sweeps.at(-1)!.status, 'done');
    assert.equal(after.sweeps.at(-1)!.error, null);
  }

  it('a progress callback that throws: in-flight trials are released, the sweep fails, a rerun runs them', async () => {
    // The first result's record is slow, so a second result arrives during it: it must wait its
    // turn, then see the error and stay unrecorded.
    const db = join(dir, 'progress', 'bench.db');
    const store = await openStore(db);
    const outcomes: string[] = [];
    try {
      await assert.rejects(
        runSweep('halted.ts', experiment, {
          ...options('progress', slowFirstCompletion(store, 1500)),
          onTrial: (o) => {
            outcomes.push(o.state);
            throw new Error('EPIPE: the progress display went away');
          },
        }),
        /EPIPE: the progress display went away/,
      );
    } finally {
      await store.close();
    }
    assert.deepEqual(outcomes, ['done'], 'nothing is reported after the error');
    const before = rows(db);
    assert.equal(before.sweeps.length, 1);
    assert.equal(before.sweeps[0]!.status, 'failed');
    assert.ok(before.sweeps[0]!.finished, 'the sweep has ended');
    assert.match(
      before.sweeps[0]!.error ?? '',
      /^Error: EPIPE: the progress display went away\n/,
      'why, with its stack',
    );
    assert.equal(before.trials.failed, undefined, 'no trial failed because the sweep did');
    assert.equal(before.trials.running, undefined, 'no trial is left running');
    assert.ok((before.trials.done ?? 0) >= 1, 'the reported trial is stored');
    assert.ok((before.trials.pending ?? 0) >= 1, 'the trials in flight went back to pending');
    await rerunsTheRest('progress', before);
  });

  it('a store write that fails mid-loop (the audit, after the first split’s trials started): the same', async () => {
    const db = join(dir, 'audit', 'bench.db');
    const store = await openStore(db);
    const outcomes: string[] = [];
    try {
      await assert.rejects(
        runSweep('halted.ts', experiment, {
          ...options('audit', failing(store, 'saveAudit')),
          onTrial: (o) => outcomes.push(o.state),
        }),
        /SQLITE_FULL/,
      );
    } finally {
      await store.close();
    }
    assert.equal(outcomes.length, 0, 'the trials in flight are stopped, not recorded');
    const before = rows(db);
    assert.equal(before.sweeps[0]!.status, 'failed');
    assert.ok(before.sweeps[0]!.finished, 'the sweep has ended');
    // The first split's trials were all handed to the pool before its audit: every one is pending.
    assert.deepEqual(before.trials, { pending: PLANNED / 2 });
    await rerunsTheRest('audit', before);
  });
});
