/** `bench run --enqueue-only`, `bench worker` and `bench queue`: a sweep's trials as jobs on a PostgreSQL store. */
import { hostname } from 'node:os';
import { usageError } from '../../errors/index.ts';
import type { Experiment } from '../../experiment/index.ts';
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

/** `bench run E --store URL --enqueue-only`: plans each sweep in the store and submits its pending trials as jobs. */
export async function enqueueCommand(
  values: StoreFlags & { json?: boolean; 'retry-failed'?: boolean; 'expire-seconds'?: string },
  experiments: readonly { file: string; e: Experiment }[],
): Promise<number> {
  const target = await postgresTarget(values, 'run --enqueue-only');
  const expireSeconds = intFlag(values['expire-seconds'], 'expire-seconds', 1);
  const [{ openStore }, { planQueuedSweep }, { TrialQueue }] = await Promise.all([
    import('../../store/index.ts'),
    import('../../sweep/index.ts'),
    import('../../queue/index.ts'),
  ]);
  const store = await openStore(target, { artifactsRoot: storeArtifactsDir(values) });
  const out: { experiment: string; sweepId: number; planned: number; submitted: number; skipped: number }[] = [];
  try {
    const queue = await TrialQueue.open(target, expireSeconds !== undefined ? { expireSeconds } : {});
    try {
      for (const { file, e } of experiments) {
        const plan = await planQueuedSweep(file, e, {
          store,
          cacheDir: cacheDir(),
          retryFailed: values['retry-failed'] === true,
        });
        const submitted = await queue.submit(plan.trials);
        out.push({
          experiment: e.name,
          sweepId: plan.sweepId,
          planned: plan.trials.length + plan.skipped.length,
          submitted,
          skipped: plan.skipped.length,
        });
        if (!values.json) {
          process.stdout.write(
            `sweep ${plan.sweepId} (${e.name}): ${submitted} jobs submitted, ${plan.trials.length - submitted} already queued, ` +
              `${plan.skipped.length} trials done, failed or running left out; start workers with \`bench worker --store URL\`\n`,
          );
        }
      }
    } finally {
      await queue.close();
    }
  } finally {
    await store.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
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
  const { controller, dispose } = interruptible('finishing the running trials');
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
          const t = `${ev.job.data.variant} × ${ev.job.data.featureSet} × seed ${ev.job.data.seed} (sweep ${ev.job.data.sweepId}, job ${ev.job.id}, attempt ${ev.job.retryCount + 1})`;
          const line =
            ev.state === 'claimed'
              ? `claimed  ${t}`
              : ev.state === 'done'
                ? `${ev.recorded ? 'done    ' : 'dropped '} ${t}: trial ${ev.trialId}, test F1 ${ev.f1.toFixed(3)}${ev.recorded ? '' : ' (done already by another worker)'}`
                : ev.state === 'skipped'
                  ? `skipped  ${t}: trial ${ev.trialId} already ${ev.status}`
                  : `FAILED   ${t}: ${ev.error}`;
          process.stdout.write(values.json ? `${JSON.stringify({ worker: me, ...ev })}\n` : `${line}\n`);
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
