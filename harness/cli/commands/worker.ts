/** `bench run --enqueue-only`, `bench worker` and `bench queue`: a sweep's trials as jobs on a PostgreSQL store. */
import { availableParallelism, hostname } from 'node:os';
import { usageError } from '../../errors/index.ts';
import type { Experiment } from '../../experiment/index.ts';
import type { JobEvent, SweepEnd, TrialQueue } from '../../queue/index.ts';
import type { PostgresStore, SweepAnnotation } from '../../store/index.ts';
import { intFlag, parseFlags, STORE_FLAGS } from '../flags.ts';
import { interruptible } from '../interrupt.ts';
import { cacheDir, type StoreFlags, storeArtifactsDir, storeTarget } from '../paths.ts';

/** The store's URL: the queue lives in a PostgreSQL store's database only. */
async function postgresTarget(flags: StoreFlags, command: string): Promise<string> {
  const target = storeTarget(flags);
  const { isPostgresUrl } = await import('../../store/index.ts');
  if (!isPostgresUrl(target)) {
    throw usageError(`${command} needs a PostgreSQL store: the job queue lives in its database`, {
      field: 'store',
      hint: 'pass --store postgres://… (or set BENCH_STORE); see docs/SCALE-OUT.md',
    });
  }
  return target;
}

type RunValues = StoreFlags & {
  json?: boolean;
  'retry-failed'?: boolean;
  fresh?: boolean;
  'expire-seconds'?: string;
};

interface Submitted {
  experiment: string;
  file: string;
  sweepId: number;
  planned: number;
  submitted: number;
  skipped: number;
}

/** The queue's side of `bench run` on a PostgreSQL store: its store, its queue, and each experiment's sweep submitted. */
async function openQueued(values: RunValues, command: string) {
  const target = await postgresTarget(values, command);
  const expireSeconds = intFlag(values['expire-seconds'], 'expire-seconds', 1);
  const [{ openStore, PostgresStore }, { TrialQueue }] = await Promise.all([
    import('../../store/index.ts'),
    import('../../queue/index.ts'),
  ]);
  const store = await openStore(target, { artifactsRoot: storeArtifactsDir(values) });
  if (!(store instanceof PostgresStore)) throw new Error(`${command}: ${target} did not open a PostgreSQL store`);
  const queue = await TrialQueue.open(target, expireSeconds !== undefined ? { expireSeconds } : {}).catch(
    async (err: unknown) => {
      await store.close();
      throw err;
    },
  );
  return { store, queue };
}

/**
 * Plans one experiment's sweep in the store (the experiment's open sweep on the same dataset, or a
 * new one) and submits its pending trials; a sweep with nothing left to run is finished at once.
 */
async function submitSweep(
  store: PostgresStore,
  queue: TrialQueue,
  file: string,
  e: Experiment,
  values: RunValues,
  annotation: SweepAnnotation | undefined,
): Promise<Submitted> {
  const [{ planQueuedSweep }, { finishIfDrained, openQueuedSweep, reopenSweep }] = await Promise.all([
    import('../../sweep/index.ts'),
    import('../../queue/index.ts'),
  ]);
  const plan = await planQueuedSweep(file, e, {
    store,
    cacheDir: cacheDir(),
    retryFailed: values['retry-failed'] === true,
    fresh: values.fresh === true,
    openSweep: async (experimentId, env, datasetHash) =>
      (await openQueuedSweep(store, experimentId, env, datasetHash)).sweepId,
  });
  if (annotation && (annotation.note !== undefined || Object.keys(annotation.tags ?? {}).length > 0)) {
    await store.annotateSweep(plan.sweepId, annotation);
  }
  if (plan.trials.length > 0) await reopenSweep(store, plan.sweepId);
  const submitted = await queue.submit(plan.trials);
  await finishIfDrained(store, queue, plan.sweepId);
  return {
    experiment: e.name,
    file,
    sweepId: plan.sweepId,
    planned: plan.trials.length + plan.skipped.length,
    submitted,
    skipped: plan.skipped.length,
  };
}

const submittedLine = (s: Submitted, queued: number) =>
  `sweep ${s.sweepId} (${s.experiment}): ${s.submitted} jobs submitted, ${queued - s.submitted} already queued, ` +
  `${s.skipped} trials done, failed or running left out`;

/** `bench run E --store URL --enqueue-only`: plans each sweep in the store and submits its pending trials as jobs. */
export async function enqueueCommand(
  values: RunValues,
  experiments: readonly { file: string; e: Experiment }[],
  annotation?: SweepAnnotation,
): Promise<number> {
  const { store, queue } = await openQueued(values, 'run --enqueue-only');
  const out: Submitted[] = [];
  try {
    for (const { file, e } of experiments) {
      const s = await submitSweep(store, queue, file, e, values, annotation);
      out.push(s);
      if (!values.json) {
        process.stdout.write(
          `${submittedLine(s, s.planned - s.skipped)}; start workers with \`bench worker --store URL\`\n`,
        );
      }
    }
  } finally {
    await queue.close();
    await store.close();
  }
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify(
        out.map(({ file: _, ...s }) => s),
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}

/** One line of a worker's progress. */
function jobLine(ev: JobEvent): string {
  const t = `${ev.job.data.variant} × ${ev.job.data.featureSet} × seed ${ev.job.data.seed} (sweep ${ev.job.data.sweepId}, job ${ev.job.id}, attempt ${ev.job.retryCount + 1})`;
  switch (ev.state) {
    case 'claimed':
      return `claimed  ${t}`;
    case 'done':
      return `${ev.recorded ? 'done    ' : 'dropped '} ${t}: trial ${ev.trialId}, test F1 ${ev.f1.toFixed(3)}${ev.recorded ? '' : ' (done already by another worker)'}`;
    case 'skipped':
      return `skipped  ${t}: trial ${ev.trialId} already ${ev.status}`;
    case 'released':
      return `released ${t}: stopped, back in the queue`;
    case 'failed':
      return `FAILED   ${t}: ${ev.error}`;
  }
}

const sweepEndLine = (end: SweepEnd) =>
  `sweep ${end.sweepId} ${end.status}: ${Object.entries(end.counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')}${end.errors.map((x) => `\n  trial ${x.trialId}: ${x.error}`).join('')}`;

/**
 * `bench run E --store URL`: submits each experiment's sweep as `--enqueue-only` does, then works on
 * the queue in this process (its `--workers` trials at once) until none of these sweeps' jobs is
 * waiting or running, whichever worker, here or on another machine, runs them. Ctrl-C gives the
 * running trials' jobs back to the queue (pending again; any worker takes them) and leaves the
 * sweeps open for other workers or the next `bench run`.
 */
export async function queuedRunCommand(
  values: RunValues,
  experiments: readonly { file: string; e: Experiment }[],
  o: { workers: number | undefined; annotation: SweepAnnotation },
): Promise<{ code: number; experiments: string[]; store: PostgresStore | null }> {
  const { store, queue } = await openQueued(values, 'run');
  const { runWorker, finishIfDrained } = await import('../../queue/index.ts');
  const { controller, dispose } = interruptible('giving the running trials back to the queue');
  const sweeps: Submitted[] = [];
  const ends = new Map<number, SweepEnd>();
  const t0 = performance.now();
  let failedTrials = 0;
  try {
    for (const { file, e } of experiments) {
      const s = await submitSweep(store, queue, file, e, values, o.annotation);
      sweeps.push(s);
      if (!values.json)
        process.stderr.write(`experiment ${e.name} (${file}): ${submittedLine(s, s.planned - s.skipped)}\n`);
    }
    const mine = new Set(sweeps.map((s) => s.sweepId));
    let ran = 0;
    await runWorker({
      store,
      queue,
      cacheDir: cacheDir(),
      artifactsDir: storeArtifactsDir(values),
      concurrency: o.workers ?? availableParallelism(),
      signal: controller.signal,
      until: async () => {
        for (const id of mine) if ((await queue.unfinished(id)) > 0) return false;
        return true;
      },
      onJob: (ev) => {
        if (values.json || ev.state === 'claimed') return;
        if (ev.state === 'done' || ev.state === 'failed') ran++;
        process.stdout.write(`[${ran}] ${jobLine(ev)}\n`);
      },
      onSweep: (end) => ends.set(end.sweepId, end),
    });
    for (const s of sweeps) {
      const end =
        ends.get(s.sweepId) ?? (controller.signal.aborted ? null : await finishIfDrained(store, queue, s.sweepId));
      if (end) failedTrials += end.counts.failed ?? 0;
      if (values.json) continue;
      process.stderr.write(
        end
          ? `${sweepEndLine(end)} of ${s.planned} planned in ${((performance.now() - t0) / 1000).toFixed(1)} s (bench ls, bench show <trial>)\n`
          : `sweep ${s.sweepId} left open: ${await queue.unfinished(s.sweepId)} jobs in the queue; \`bench worker --store URL\` or rerunning \`bench run ${s.file} --store URL\` finishes it\n`,
      );
    }
  } catch (err) {
    await queue.close();
    await store.close();
    dispose();
    throw err;
  }
  dispose();
  await queue.close();
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify(
        sweeps.map(({ file: _, ...s }) => ({
          ...s,
          status: ends.get(s.sweepId)?.status ?? 'running',
          counts: ends.get(s.sweepId)?.counts ?? {},
        })),
        null,
        2,
      )}\n`,
    );
  }
  const code = controller.signal.aborted ? 130 : failedTrials > 0 ? 1 : 0;
  return { code, experiments: controller.signal.aborted ? [] : sweeps.map((s) => s.experiment), store };
}

const WORKER_USAGE =
  'usage: bench worker --store URL [--concurrency N] [--exit-when-idle] [--artifacts DIR] [--supervise-seconds S] [--json]\n';

/** `bench worker`: runs trial jobs of the store's queue until stopped (Ctrl-C) or, with --exit-when-idle, until none is left. */
export async function workerCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      concurrency: { type: 'string' },
      'exit-when-idle': { type: 'boolean' },
      'supervise-seconds': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    'worker',
  );
  if (values.help) {
    process.stdout.write(WORKER_USAGE);
    return 0;
  }
  const target = await postgresTarget(values, 'worker');
  const concurrency = intFlag(values.concurrency, 'concurrency', 1) ?? 1;
  const superviseSeconds = intFlag(values['supervise-seconds'], 'supervise-seconds', 1);
  const artifacts = storeArtifactsDir(values);
  const [{ openStore }, { TrialQueue, runWorker }] = await Promise.all([
    import('../../store/index.ts'),
    import('../../queue/index.ts'),
  ]);
  const store = await openStore(target, { artifactsRoot: artifacts });
  const { controller, dispose } = interruptible('giving the running trials back to the queue');
  const me = `${hostname()}:${process.pid}`;
  try {
    const queue = await TrialQueue.open(target, superviseSeconds !== undefined ? { superviseSeconds } : {});
    try {
      const n = await runWorker({
        store,
        queue,
        cacheDir: cacheDir(),
        artifactsDir: artifacts,
        concurrency,
        exitWhenIdle: values['exit-when-idle'] === true,
        signal: controller.signal,
        onJob: (ev) => {
          process.stdout.write(values.json ? `${JSON.stringify({ worker: me, ...ev })}\n` : `${jobLine(ev)}\n`);
        },
        onSweep: (end) => {
          process.stdout.write(
            values.json ? `${JSON.stringify({ worker: me, sweep: end })}\n` : `${sweepEndLine(end)}\n`,
          );
        },
      });
      if (!values.json) process.stderr.write(`worker ${me}: ${n} jobs finished\n`);
    } finally {
      await queue.close();
    }
  } finally {
    dispose();
    await store.close();
  }
  return controller.signal.aborted ? 130 : 0;
}

const QUEUE_USAGE = 'usage: bench queue ls|retry|cancel --store URL [--sweep ID] [--json]\n';

/** `bench queue ls|retry|cancel`: the jobs by state, failed ones back in the queue, waiting ones cancelled. */
export async function queueCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAGS, sweep: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    'queue',
  );
  const action = positionals[0];
  if (values.help) {
    process.stdout.write(QUEUE_USAGE);
    return 0;
  }
  if (action !== 'ls' && action !== 'retry' && action !== 'cancel') {
    process.stdout.write(QUEUE_USAGE);
    throw usageError(`queue: expected ls, retry or cancel (got '${action ?? ''}')`, {
      hint: 'e.g. bench queue ls --store postgres://…',
    });
  }
  const target = await postgresTarget(values, 'queue');
  const sweep = intFlag(values.sweep, 'sweep', 1);
  const { TrialQueue } = await import('../../queue/index.ts');
  const queue = await TrialQueue.open(target);
  try {
    if (action === 'ls') {
      const counts = await queue.counts(sweep);
      const jobs = await queue.list(undefined, sweep);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ counts, jobs }, null, 2)}\n`);
        return 0;
      }
      const states = ['created', 'retry', 'active', 'completed', 'failed', 'cancelled'];
      process.stdout.write(`${states.map((s) => `${s} ${counts[s] ?? 0}`).join(', ')}\n`);
      for (const j of jobs) {
        process.stdout.write(
          `${j.id}  ${j.state.padEnd(9)} sweep ${String(j.sweepId).padStart(4)}  ${j.variant} × ${j.featureSet} × seed ${j.seed}  retries ${j.retryCount}\n`,
        );
      }
      return 0;
    }
    const n = action === 'retry' ? await queue.retryFailed(sweep) : await queue.cancelWaiting(sweep);
    if (values.json) process.stdout.write(`${JSON.stringify({ [action === 'retry' ? 'retried' : 'cancelled']: n })}\n`);
    else process.stdout.write(`${n} jobs ${action === 'retry' ? 'back in the queue' : 'cancelled'}\n`);
    return 0;
  } finally {
    await queue.close();
  }
}
