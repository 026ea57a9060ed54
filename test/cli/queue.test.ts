/**
 * The job queue end to end through the real CLI on a throwaway PostgreSQL server: quickstart
 * submitted with `--enqueue-only`, three `bench worker --exit-when-idle` processes (each with its
 * own BENCH_HOME, as three machines, sharing one --artifacts folder), one killed with SIGKILL once it
 * holds a job. Every trial ends done exactly once with the F1 of a local SQLite run, the killed
 * worker's job is retried by another worker, resubmitting adds no job, and a duplicate commit is
 * rejected. Skipped, with the reason, where PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../harness/store/index.ts';
import { benchCli, benchOk, f1ByVariant, type ListedTrial, tempDir } from '../helpers/fixtures.ts';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const QUICKSTART = join(import.meta.dirname, '../../experiments/quickstart.ts');
const unavailable = postgresAvailable();

interface Worker {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
}

/** The sweep rows of the server, by id: status, experiment. */
async function sweepRows(url: string): Promise<{ id: number; status: string }[]> {
  const store = await PostgresStore.open(url, { create: false });
  try {
    return (await store.db.pool.query('SELECT id, status FROM sweeps ORDER BY id')).rows as {
      id: number;
      status: string;
    }[];
  } finally {
    await store.close();
  }
}

function startBench(home: string, args: string[]): Worker {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, BENCH_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: Worker = {
    child,
    out: '',
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
  };
  child.stdout!.on('data', (b: Buffer) => {
    w.out += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    w.out += b.toString();
  });
  return w;
}

function startWorker(home: string, url: string, artifacts: string, ...more: string[]): Worker {
  return startBench(home, [
    'worker',
    '--store',
    url,
    '--exit-when-idle',
    '--artifacts',
    artifacts,
    '--supervise-seconds',
    '1',
    ...more,
  ]);
}

describe('bench run --enqueue-only and bench worker (real CLI, real PostgreSQL)', {
  skip: unavailable ?? false,
}, () => {
  const { dir, cleanup } = tempDir('lo2-bench-queue-');
  const artifacts = join(dir, 'shared-artifacts');
  const bench = benchCli(join(dir, 'home'));
  let server: ThrowawayPostgres;
  let url = '';
  let killedJob = '';
  let killedPid = 0;
  let sweepId = 0;

  const { ok, json } = benchOk(bench);

  before(async () => {
    server = await startThrowawayPostgres();
    url = server.url;
    // Short expiry: the killed worker's job comes back within seconds.
    const [sub] = json<{ sweepId: number; submitted: number }[]>(
      'run',
      QUICKSTART,
      '--store',
      url,
      '--enqueue-only',
      '--expire-seconds',
      '5',
    );
    assert.equal(sub!.submitted, 14);
    sweepId = sub!.sweepId;
    assert.deepEqual(await sweepRows(url), [{ id: sweepId, status: 'running' }]);
    const workers = [1, 2, 3].map((i) => startWorker(join(dir, `machine-${i}`), url, artifacts));
    // Kill the first worker to hold a job, once it has it.
    const victim = await new Promise<Worker>((found) => {
      const timer = setInterval(() => {
        const w = workers.find((x) => /^claimed /m.test(x.out));
        if (w) {
          clearInterval(timer);
          found(w);
        }
      }, 20);
    });
    await new Promise((r) => setTimeout(r, 300));
    killedJob = /^claimed .*job ([0-9a-f-]{36})/m.exec(victim.out)![1]!;
    killedPid = victim.child.pid!;
    victim.child.kill('SIGKILL');
    const codes = await Promise.all(workers.map((w) => w.exited));
    for (const [i, w] of workers.entries()) {
      if (w !== victim) assert.equal(codes[i], 0, w.out);
    }
    ok('run', QUICKSTART); // the embedded SQLite default, for the F1 to compare
  });
  after(async () => {
    await server?.stop();
    cleanup();
  });

  it('runs every quickstart trial exactly once, done, with the F1 of a local SQLite run', () => {
    const onServer = json<ListedTrial[]>('ls', '--store', url);
    assert.equal(onServer.length, 14);
    assert.equal(new Set(onServer.map((r) => `${r.variant}:${r.feature_set}`)).size, 14);
    assert.deepEqual(
      onServer.map((r) => r.status),
      onServer.map(() => 'done'),
    );
    assert.deepEqual(f1ByVariant(onServer), f1ByVariant(json<ListedTrial[]>('ls')));
  });

  it('ends the submitted sweep done once the workers complete its last job', async () => {
    assert.deepEqual(await sweepRows(url), [{ id: sweepId, status: 'done' }]);
    for (const t of json<(ListedTrial & { sweep_id: number })[]>('ls', '--store', url))
      assert.equal(t.sweep_id, sweepId);
  });

  it('retried the killed worker’s job on another worker', () => {
    const { jobs } = json<{ jobs: { id: string; state: string; retryCount: number }[] }>('queue', 'ls', '--store', url);
    const job = jobs.find((j) => j.id === killedJob);
    assert.ok(job, `job ${killedJob} in the queue`);
    assert.equal(job.state, 'completed');
    assert.ok(job.retryCount >= 1, 'the killed attempt counts');
    for (const t of json<ListedTrial[]>('ls', '--store', url)) {
      const shown = json<{ worker: string | null }>('show', String(t.id), '--store', url);
      assert.ok(shown.worker !== null && !shown.worker.endsWith(`:${killedPid}`), `trial ${t.id}: ${shown.worker}`);
    }
  });

  it('resubmitting the sweep adds no job', () => {
    const before = json<{ counts: Record<string, number> }>('queue', 'ls', '--store', url).counts;
    const [sub] = json<{ submitted: number; skipped: number }[]>('run', QUICKSTART, '--store', url, '--enqueue-only');
    assert.deepEqual([sub!.submitted, sub!.skipped], [0, 14]);
    assert.deepEqual(json<{ counts: Record<string, number> }>('queue', 'ls', '--store', url).counts, before);
  });

  it('rejects a duplicate commit of a done trial by its key', async () => {
    const store = await PostgresStore.open(url, { owner: 'late-worker.invalid:1' });
    try {
      const [first] = await store.listTrials();
      const kept = (await store.getTrial(first!.id))!;
      const late = await store.completeTrial(first!.id, {
        metrics: [{ part: 'test', name: 'f1', value: 0.123 }],
        timings: [],
        artifacts: [],
        throughput: null,
      });
      assert.equal(late, false);
      const now = (await store.getTrial(first!.id))!;
      assert.deepEqual([now.metrics, now.worker], [kept.metrics, kept.worker]);
    } finally {
      await store.close();
    }
  });
});

describe('bench run --store URL works on its sweep through the queue (real CLI, real PostgreSQL)', {
  skip: unavailable ?? false,
}, () => {
  const { dir, cleanup } = tempDir('lo2-bench-queue-run-');
  const artifacts = join(dir, 'shared-artifacts');
  const home = join(dir, 'home');
  const bench = benchCli(home);
  let server: ThrowawayPostgres;
  let url = '';
  let submittedSweep = 0;
  let run: Worker;
  let runCode: number | null = null;
  let helper: Worker;

  const { ok, json } = benchOk(bench);

  before(async () => {
    server = await startThrowawayPostgres();
    url = server.url;
    // Submitted first, with no worker: the plain run below finds these jobs queued and must work
    // on this sweep, not start a second one that no job points at.
    const [sub] = json<{ sweepId: number; submitted: number }[]>('run', QUICKSTART, '--store', url, '--enqueue-only');
    assert.equal(sub!.submitted, 14);
    submittedSweep = sub!.sweepId;
    // Another machine's worker, polling before the run starts: it takes jobs of the same sweep.
    helper = startWorker(join(dir, 'machine-2'), url, artifacts, '--concurrency', '1');
    await new Promise((r) => setTimeout(r, 300));
    run = startBench(home, ['run', QUICKSTART, '--store', url, '--artifacts', artifacts, '--workers', '1']);
    runCode = await run.exited;
    await helper.exited;
    ok('run', QUICKSTART); // the embedded SQLite default, for the F1 to compare
  });
  after(async () => {
    helper?.child.kill('SIGKILL');
    await server?.stop();
    cleanup();
  });

  it('submits to the open sweep, works on it with another worker, and prints the summary', () => {
    assert.equal(runCode, 0, run.out);
    // The worker may have taken jobs before the run plans: those trials are left out of its count.
    const planned = run.out.match(
      new RegExp(
        `sweep ${submittedSweep} \\(quickstart\\): 0 jobs submitted, (\\d+) already queued(?:, (\\d+) trials done, failed or running left out)?`,
      ),
    );
    assert.ok(planned, run.out);
    assert.equal(Number(planned[1]) + Number(planned[2] ?? 0), 14, planned[0]);
    assert.match(run.out, new RegExp(`sweep ${submittedSweep} done: 14 done`));
    assert.match(run.out, /^best of quickstart: /m);
    assert.match(run.out, /^next: /m);
    const here = (run.out.match(/^\[\d+\] done /gm) ?? []).length;
    const there = (helper.out.match(/^done /gm) ?? []).length;
    // Which process takes which job is a race; what holds: every trial ran in exactly one of them,
    // and the run, finding two or more jobs queued, took one (the worker holds one at a time).
    assert.equal(here + there, 14, `run ${here}, worker ${there}\n${helper.out}`);
    if (Number(planned[1]) >= 2) assert.ok(here >= 1, `the run took no job of ${planned[1]} queued\n${run.out}`);
  });

  it('leaves every trial done once in that sweep, with the F1 of a local SQLite run, and the sweep row done', async () => {
    const onServer = json<(ListedTrial & { sweep_id: number })[]>('ls', '--store', url);
    assert.equal(onServer.length, 14);
    assert.deepEqual(
      onServer.map((r) => [r.status, r.sweep_id]),
      onServer.map(() => ['done', submittedSweep]),
    );
    assert.deepEqual(f1ByVariant(onServer), f1ByVariant(json<ListedTrial[]>('ls')));
    assert.deepEqual(await sweepRows(url), [{ id: submittedSweep, status: 'done' }]);
  });

  it('runs nothing again: a second plain run finds every trial done and ends its sweep done', async () => {
    const out = ok('run', QUICKSTART, '--store', url, '--workers', '1');
    assert.match(out, /^best of quickstart: /m);
    const rows = await sweepRows(url);
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['done', 'done'],
    );
  });
});
