/**
 * How queued trials and sweeps end when not everything goes well, through the real CLI on a
 * throwaway PostgreSQL server (the happy path is queue.test.ts):
 *
 * - A trial that fails in a worker: one whose vectorizer options pass validation but cannot be met
 *   on this split (minDf a share of the training sequences, maxDf a count below it), and one whose
 *   trial folder is blocked by a file. Each is stored `failed` with its error, its job fails once
 *   and is not retried (the failure would repeat), the sweep ends `failed` with its end time written
 *   once, and `--retry-failed` runs both again (the unblocked one then ends done).
 * - A worker stopped with Ctrl-C (SIGINT) while both its lanes (`--concurrency 2`) run a trial: both
 *   trials go back to pending and their jobs to the queue without spending an attempt; the worker
 *   restarted completes them and the sweep ends `done`.
 *
 * Skipped, with the reason, where PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { finishIfDrained, TrialQueue } from '../../harness/queue/index.ts';
import { PostgresStore } from '../../harness/store/index.ts';
import { benchCli, benchOk, type ListedTrial, tempDir, writeExperiment } from '../helpers/fixtures.ts';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const unavailable = postgresAvailable();

/** The tiny preset, one split seed, no explanations or throughput: trials take a fraction of a second. */
const TINY = `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: [1],
  explain: false,
  throughput: false,`;

interface Bench {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
}

function startBench(home: string, args: string[]): Bench {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, BENCH_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const b: Bench = { child, out: '', exited: new Promise((done) => child.on('exit', (code) => done(code))) };
  const append = (chunk: Buffer) => {
    b.out += chunk.toString();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return b;
}

/** A `bench worker --json` on the server: one JSON line per job event on stdout. */
function startWorker(home: string, url: string, artifacts: string, ...more: string[]): Bench {
  return startBench(home, ['worker', '--store', url, '--artifacts', artifacts, '--json', ...more]);
}

interface JobLine {
  state: string;
  job: { id: string; data: { variant: string } };
  error?: string;
}

/** The job events a `bench worker --json` printed. */
const jobEvents = (out: string): JobLine[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"state"'))
    .map((l) => JSON.parse(l) as JobLine);

interface SweepRow {
  id: number;
  status: string;
  finished_at: string | null;
}

interface QueueJob {
  id: string;
  state: string;
  sweepId: number;
  variant: string;
  retryCount: number;
}

/** Runs `f` with a store (and queue) of the server, closed after. */
async function withStore<T>(url: string, f: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = await PostgresStore.open(url, { create: false });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

const sweepRows = (url: string) =>
  withStore(
    url,
    async (store) =>
      (await store.db.pool.query('SELECT id, status, finished_at FROM sweeps ORDER BY id')).rows as SweepRow[],
  );

const trialRows = (url: string) =>
  withStore(
    url,
    async (store) =>
      (await store.db.pool.query('SELECT variant, status, owner FROM trials ORDER BY variant')).rows as {
        variant: string;
        status: string;
        owner: string | null;
      }[],
  );

/** The queue's jobs, oldest first (what `bench queue ls --json` lists). */
async function queuedJobs(url: string): Promise<QueueJob[]> {
  const queue = await TrialQueue.open(url);
  try {
    return await queue.list();
  } finally {
    await queue.close();
  }
}

/** `finishIfDrained` as a worker or `bench run` calls it after a job: a look at a sweep that has ended. */
async function lookAgain(url: string, sweepId: number) {
  return withStore(url, async (store) => {
    const queue = await TrialQueue.open(url);
    try {
      return await finishIfDrained(store, queue, sweepId);
    } finally {
      await queue.close();
    }
  });
}

describe('a trial that fails in a queue worker (real CLI, real PostgreSQL)', { skip: unavailable ?? false }, () => {
  const { dir, cleanup } = tempDir('lo2-bench-queue-fail-');
  const artifacts = join(dir, 'shared-artifacts');
  const home = join(dir, 'home');
  const { ok, json } = benchOk(benchCli(home));
  // Validation takes each option alone; on this split minDf 0.5 asks for ≥ 31 training sequences
  // and maxDf 2 for ≤ 2, which the vectorizer refuses when it is fit.
  const file = writeExperiment(
    dir,
    'failing',
    `${TINY}
  variants: [
    'event_lr_words',
    'event_rarity_words',
    { name: 'lr_df_clash', from: 'event_lr_words', vectorizer: { minDf: 0.5, maxDf: 2 } },
  ],`,
  );
  let server: ThrowawayPostgres;
  let url = '';
  let sweepId = 0;
  let worker: Bench;
  let workerCode: number | null = null;
  /** The first sweep's row as it ended (last). */
  let firstEnd: SweepRow;
  const ids: Record<string, number> = {};

  const listed = () => json<(ListedTrial & { sweep_id: number })[]>('ls', '--store', url);
  const stored = (id: number) => withStore(url, async (store) => (await store.getTrial(id))!);

  before(async () => {
    server = await startThrowawayPostgres();
    url = server.url;
    const [sub] = json<{ sweepId: number; submitted: number }[]>('run', file, '--store', url, '--enqueue-only');
    assert.equal(sub!.submitted, 3);
    sweepId = sub!.sweepId;
    for (const t of await withStore(url, (store) => store.listTrials())) ids[t.variant] = t.id;
    // The rarity trial's folder is taken by a file: its files cannot be written.
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, String(ids.event_rarity_words)), 'not a folder');
    // The submitting machine's home: its dataset cache is warm.
    worker = startWorker(home, url, artifacts, '--exit-when-idle', '--supervise-seconds', '1');
    workerCode = await worker.exited;
    firstEnd = (await sweepRows(url)).find((s) => s.id === sweepId)!;
  });
  after(async () => {
    worker?.child.kill('SIGKILL');
    await server?.stop();
    cleanup();
  });

  it('stores each failed trial failed with its error, the others done; bench ls shows them', async () => {
    assert.equal(workerCode, 0, worker.out);
    const byVariant = Object.fromEntries(listed().map((t) => [t.variant, t.status]));
    assert.deepEqual(byVariant, { event_lr_words: 'done', event_rarity_words: 'failed', lr_df_clash: 'failed' });
    const clash = await stored(ids.lr_df_clash!);
    assert.match(clash.error ?? '', /maxDf 2 keeps fewer training sequences than minDf 0\.5/);
    assert.ok(clash.worker, 'the worker that failed it is recorded');
    assert.match(
      (await stored(ids.event_rarity_words!)).error ?? '',
      /EEXIST|ENOTDIR|not a directory|file already exists/,
    );
    const failed = ok('ls', '--store', url, '--status', 'failed').split('\n').slice(1).filter(Boolean);
    assert.equal(failed.length, 2, failed.join('\n'));
    assert.match(failed.join('\n'), /event_rarity_words .* failed/);
    assert.match(failed.join('\n'), /lr_df_clash .* failed/);
  });

  it('fails each job once, for good: a failure that would repeat is not retried', async () => {
    const events = jobEvents(worker.out);
    for (const variant of ['event_rarity_words', 'lr_df_clash']) {
      const mine = events.filter((e) => e.job.data.variant === variant);
      assert.deepEqual(
        mine.map((e) => e.state),
        ['claimed', 'failed'],
        `${variant}: ${worker.out}`,
      );
    }
    const byVariant = Object.fromEntries((await queuedJobs(url)).map((j) => [j.variant, [j.state, j.retryCount]]));
    assert.deepEqual(byVariant, {
      event_lr_words: ['completed', 0],
      event_rarity_words: ['failed', 0],
      lr_df_clash: ['failed', 0],
    });
  });

  it('ends the sweep failed once its jobs have ended, and the worker says why', () => {
    assert.equal(firstEnd.status, 'failed');
    assert.ok(firstEnd.finished_at, 'an end time');
    const end = worker.out.split('\n').find((l) => l.includes('"sweep"'));
    assert.ok(end, worker.out);
    const { sweep } = JSON.parse(end) as {
      sweep: { status: string; endedNow: boolean; errors: { error: string }[] };
    };
    assert.equal(sweep.status, 'failed');
    assert.match(sweep.errors.map((e) => e.error).join('\n'), /maxDf 2 keeps fewer/);
  });

  it('writes a sweep’s end once: a later look keeps its status and end time', async () => {
    const again = await lookAgain(url, sweepId);
    assert.deepEqual([again?.status, again?.endedNow], ['failed', false]);
    assert.deepEqual(
      (await sweepRows(url)).find((s) => s.id === sweepId),
      firstEnd,
    );
  });

  it('bench queue retry opens the ended sweep again, and it ends anew once those jobs have', async () => {
    assert.match(ok('queue', 'retry', '--sweep', String(sweepId), '--store', url), /^2 jobs back in the queue/);
    const again = startWorker(home, url, artifacts, '--exit-when-idle', '--supervise-seconds', '1');
    assert.equal(await again.exited, 0, again.out);
    // The rarity trial's folder is still blocked: both fail again, each once more.
    const ran = jobEvents(again.out).filter((e) => e.state !== 'claimed');
    assert.deepEqual(ran.map((e) => `${e.job.data.variant} ${e.state}`).sort(), [
      'event_rarity_words failed',
      'lr_df_clash failed',
    ]);
    const end = (await sweepRows(url)).find((s) => s.id === sweepId)!;
    assert.equal(end.status, 'failed');
    assert.ok(end.finished_at! > firstEnd.finished_at!, `${end.finished_at} after ${firstEnd.finished_at}`);
    firstEnd = end;
    const failedJobs = (await queuedJobs(url)).filter((j) => j.state === 'failed');
    assert.deepEqual(
      failedJobs.map((j) => j.retryCount),
      [1, 1],
    );
  });

  it('leaves failed trials out of a plain resubmission; --retry-failed runs them again', async () => {
    const [plain] = json<{ submitted: number; skipped: number }[]>('run', file, '--store', url, '--enqueue-only');
    assert.deepEqual([plain!.submitted, plain!.skipped], [0, 3]);
    rmSync(join(artifacts, String(ids.event_rarity_words)));
    const [retry] = json<{ sweepId: number; submitted: number; skipped: number }[]>(
      'run',
      file,
      '--store',
      url,
      '--enqueue-only',
      '--retry-failed',
    );
    assert.deepEqual([retry!.submitted, retry!.skipped], [2, 1]);
    assert.notEqual(retry!.sweepId, sweepId, 'the failed sweep has ended: a new one');
    const again = startWorker(home, url, artifacts, '--exit-when-idle', '--supervise-seconds', '1');
    assert.equal(await again.exited, 0, again.out);
    const ran = jobEvents(again.out).filter((e) => e.state !== 'claimed');
    assert.deepEqual(ran.map((e) => `${e.job.data.variant} ${e.state}`).sort(), [
      'event_rarity_words done',
      'lr_df_clash failed',
    ]);
    const byVariant = Object.fromEntries(
      (await withStore(url, (store) => store.listTrials())).map((t) => [t.variant, t.status]),
    );
    assert.deepEqual(byVariant, { event_lr_words: 'done', event_rarity_words: 'done', lr_df_clash: 'failed' });
    const rows = await sweepRows(url);
    assert.equal(rows.find((s) => s.id === retry!.sweepId)?.status, 'failed');
    // The first sweep's trials have moved on (one is done now), but how it ended stays as written.
    await lookAgain(url, sweepId);
    assert.deepEqual(
      (await sweepRows(url)).find((s) => s.id === sweepId),
      firstEnd,
    );
  });
});

describe('a worker stopped with Ctrl-C mid-trial (real CLI, real PostgreSQL)', { skip: unavailable ?? false }, () => {
  const { dir, cleanup } = tempDir('lo2-bench-queue-sigint-');
  const artifacts = join(dir, 'shared-artifacts');
  const machine = join(dir, 'home');
  const { json } = benchOk(benchCli(machine));
  // Two forests big enough that each trial runs for seconds: both lanes are mid-fit at Ctrl-C.
  const file = writeExperiment(
    dir,
    'stopped',
    `${TINY}
  variants: [
    { name: 'rf_many', from: 'event_rf_words', options: { nEstimators: 4000 } },
    { name: 'rf_many_deep', from: 'event_rf_words', options: { nEstimators: 4000, maxDepth: 12 } },
  ],`,
  );
  let server: ThrowawayPostgres;
  let url = '';
  let sweepId = 0;
  let stopped: Bench;
  let stoppedCode: number | null = null;
  let afterStop: { trials: Awaited<ReturnType<typeof trialRows>>; jobs: QueueJob[]; sweeps: SweepRow[] };
  let restarted: Bench;
  let restartedCode: number | null = null;

  before(async () => {
    server = await startThrowawayPostgres();
    url = server.url;
    const [sub] = json<{ sweepId: number; submitted: number }[]>('run', file, '--store', url, '--enqueue-only');
    assert.equal(sub!.submitted, 2);
    sweepId = sub!.sweepId;
    stopped = startWorker(machine, url, artifacts, '--concurrency', '2');
    // Ctrl-C once both trials are claimed by this worker, both lanes in their trial. Watched on one
    // open connection, so that a look costs milliseconds against trials of seconds.
    const watch = await PostgresStore.open(url, { create: false });
    try {
      for (;;) {
        const states = ((await watch.db.pool.query('SELECT status FROM trials')).rows as { status: string }[]).map(
          (r) => r.status,
        );
        if (states.filter((x) => x === 'running').length === 2) break;
        assert.ok(
          !states.includes('done') && stopped.child.exitCode === null,
          `a trial ended before Ctrl-C could reach it (make the forests bigger):\n${stopped.out}`,
        );
        await sleep(20);
      }
      await sleep(200);
      stopped.child.kill('SIGINT');
    } finally {
      await watch.close();
    }
    stoppedCode = await stopped.exited;
    afterStop = {
      trials: await trialRows(url),
      jobs: await queuedJobs(url),
      sweeps: await sweepRows(url),
    };
    // The same machine's worker, started again.
    restarted = startWorker(machine, url, artifacts, '--concurrency', '2', '--exit-when-idle');
    restartedCode = await restarted.exited;
  });
  after(async () => {
    stopped?.child.kill('SIGKILL');
    restarted?.child.kill('SIGKILL');
    await server?.stop();
    cleanup();
  });

  it('gives both lanes’ trials back: pending, their jobs back in the queue (not failed), the sweep open', () => {
    assert.equal(stoppedCode, 130, stopped.out);
    const events = jobEvents(stopped.out);
    assert.deepEqual(
      events.filter((e) => e.state !== 'claimed').map((e) => e.state),
      ['released', 'released'],
      stopped.out,
    );
    assert.deepEqual(
      afterStop.trials.map((t) => [t.variant, t.status, t.owner]),
      [
        ['rf_many', 'pending', null],
        ['rf_many_deep', 'pending', null],
      ],
    );
    assert.deepEqual(afterStop.jobs.map((j) => [j.variant, j.state, j.retryCount]).sort(), [
      ['rf_many', 'retry', 0],
      ['rf_many_deep', 'retry', 0],
    ]);
    assert.deepEqual(
      afterStop.sweeps.map((s) => [s.id, s.status, s.finished_at]),
      [[sweepId, 'running', null]],
    );
  });

  it('the restarted worker completes them without a spent attempt, and the sweep ends done', async () => {
    assert.equal(restartedCode, 0, restarted.out);
    const done = jobEvents(restarted.out).filter((e) => e.state === 'done');
    assert.equal(done.length, 2, restarted.out);
    assert.deepEqual(
      (await trialRows(url)).map((t) => t.status),
      ['done', 'done'],
    );
    assert.deepEqual(
      (await queuedJobs(url)).map((j) => [j.state, j.retryCount]),
      [
        ['completed', 0],
        ['completed', 0],
      ],
    );
    const [sweep] = await sweepRows(url);
    assert.equal(sweep?.status, 'done');
    assert.ok(sweep?.finished_at);
  });
});
