/** `bench run <experiment files...>` and `bench ls`. */
import { usageError } from '../../errors/index.ts';
import type { Store, SweepAnnotation, SweepEnv, SweepTags } from '../../store/index.ts';
import type { SweepResult, TrialOutcome } from '../../sweep/index.ts';
import { parseFlags, STORE_FLAGS, workersFlag } from '../flags.ts';
import { interruptible } from '../interrupt.ts';
import { cacheDir, storeArtifactsDir, storeTarget } from '../paths.ts';
import { createProgress } from '../progress.ts';

export const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);

function describe(o: TrialOutcome): string {
  const t = `${o.trial.variant} × ${o.trial.featureSet} × seed ${o.trial.seed}`;
  switch (o.state) {
    case 'done':
      return `done     ${t}: test F1 ${num(o.f1)}, AUC-PR ${num(o.aucPr)} (trial ${o.trialId})`;
    case 'failed':
      return `FAILED   ${t}: ${o.error} (trial ${o.trialId}; bench run --retry-failed reruns it)`;
    case 'skipped':
      return `skipped  ${t}: ${o.reason} (trial ${o.trialId})`;
  }
}

const RUN_USAGE =
  'usage: bench run <experiment.ts...> [--db FILE | --store URL] [--artifacts DIR] [--workers N] [--retry-failed] [--fresh] [--note TEXT] [--tag KEY=VALUE]... [--json]\n' +
  '       bench run <experiment.ts...> --store URL --enqueue-only [--retry-failed] [--expire-seconds S] [--json]\n' +
  '       (with --store URL the trials go through its job queue: `bench worker` processes on any machine share them)\n';

/** A tag's key: what `ls --tag` and SQL users type, so no spaces, quotes or `=`. */
const TAG = /^([\w.:/-]+)=(.+)$/s;

/** `--tag key=value` flags as tags; a malformed or repeated key is a usage error naming the flag. */
export function parseTags(flags: readonly string[] | undefined, command: string): SweepTags {
  const tags = new Map<string, string>();
  for (const flag of flags ?? []) {
    const m = TAG.exec(flag);
    if (!m) {
      throw usageError(`${command}: --tag '${flag}' is not key=value`, {
        field: 'tag',
        hint: 'e.g. --tag baseline=v2 (key: letters, digits, _ . : / -; value: any non-empty text)',
      });
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (tags.has(key)) throw usageError(`${command}: --tag ${key} is given twice`, { field: 'tag' });
    tags.set(key, value);
  }
  return Object.fromEntries(tags);
}

/**
 * The store as a sweep sees it, annotating each sweep with the command line's note and tags as soon
 * as it starts: the sweep's id exists only inside runSweep, and a sweep that later fails or is
 * interrupted keeps what was said about it.
 */
function annotating(store: Store, annotation: SweepAnnotation): Store {
  if (annotation.note === undefined && Object.keys(annotation.tags ?? {}).length === 0) return store;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'startSweep') {
        return async (experimentId: number, env: SweepEnv) => {
          const id = await target.startSweep(experimentId, env);
          await target.annotateSweep(id, annotation);
          return id;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      workers: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      fresh: { type: 'boolean' },
      note: { type: 'string' },
      tag: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      'enqueue-only': { type: 'boolean' },
      'expire-seconds': { type: 'string' },
    },
    'run',
  );
  if (values.help || positionals.length === 0) {
    process.stdout.write(RUN_USAGE);
    if (!values.help)
      throw usageError('run: no experiment file given', { hint: 'try `bench run experiments/quickstart.ts`' });
    return 0;
  }
  const workers = workersFlag(values.workers);
  const annotation: SweepAnnotation = {
    ...(values.note !== undefined && { note: values.note }),
    tags: parseTags(values.tag, 'run'),
  };
  // Validate every file before running any, so a typo in the third does not surface after an hour.
  const experiments = [];
  // Loaded here, not at the top: `bench ls` shares this module and needs neither, and
  // `run --help` needs no room at all (the store included).
  const [{ loadExperiment }, { runSweep }, { openStore }] = await Promise.all([
    import('../../experiment/index.ts'),
    import('../../sweep/index.ts'),
    import('../../store/index.ts'),
  ]);
  for (const file of positionals) experiments.push({ file, e: await loadExperiment(file) });
  const artifacts = storeArtifactsDir(values);
  if (values['enqueue-only']) {
    const { enqueueCommand } = await import('./worker.ts');
    return enqueueCommand(values, experiments, annotation);
  }
  const { isPostgresUrl } = await import('../../store/index.ts');
  if (isPostgresUrl(storeTarget(values))) {
    // A shared store: the sweep goes through its queue, so workers on other machines can take its trials.
    const { queuedRunCommand } = await import('./worker.ts');
    const run = await queuedRunCommand(values, experiments, { workers, annotation });
    try {
      if (!values.json && run.experiments.length > 0 && run.store) {
        await summarize(
          run.store,
          run.experiments.map((experiment) => ({ experiment })),
        );
      }
    } finally {
      await run.store?.close();
    }
    return run.code;
  }
  const store = await openStore(storeTarget(values), { artifactsRoot: artifacts });
  // A bar with ETA when a person watches (stderr is a terminal), a line per trial otherwise.
  const tty = process.stderr.isTTY === true && !values.json;
  const results: (SweepResult & { experiment: string; file: string })[] = [];
  // Ctrl-C: the first stops the sweep cleanly (an ingest in progress stops and caches nothing; no new
  // trials, running ones stopped and left pending, the sweep marked interrupted).
  const { controller, dispose } = interruptible('stopping after cleaning up');
  try {
    for (const { file, e } of experiments) {
      if (controller.signal.aborted) break;
      if (!values.json) process.stderr.write(`experiment ${e.name} (${file})\n`);
      const bar = tty ? createProgress(`  trials of ${e.name}`) : null;
      const t0 = performance.now();
      const result = await runSweep(file, e, {
        store: annotating(store, annotation),
        cacheDir: cacheDir(),
        artifactsDir: artifacts,
        signal: controller.signal,
        retryFailed: values['retry-failed'] === true,
        fresh: values.fresh === true,
        ...(workers !== undefined && { workers }),
        tuneIngestHeap: true,
        onTrial: (o, done, total) => {
          if (values.json) return;
          if (!bar) {
            process.stdout.write(`[${done}/${total}] ${describe(o)}\n`);
            return;
          }
          if (o.state === 'failed') {
            bar.finish();
            process.stderr.write(`  ${describe(o)}\n`);
          }
          const last = o.state === 'done' ? `last: ${o.trial.variant} F1 ${num(o.f1)}` : '';
          bar.update(done, total, last);
        },
      }).catch((err: unknown) => {
        // Stopped before its sweep began (the dataset's generation or ingest): nothing was recorded.
        if (controller.signal.aborted) return null;
        throw err;
      });
      bar?.finish();
      if (result === null) {
        if (!values.json) {
          process.stderr.write(
            `${e.name}: stopped while preparing its dataset, nothing cached or recorded; rerun \`bench run ${file}\` to start again\n`,
          );
        }
        break;
      }
      results.push({ ...result, experiment: e.name, file });
      if (!values.json) {
        const count = (s: TrialOutcome['state']) => result.outcomes.filter((o) => o.state === s).length;
        process.stderr.write(
          `sweep ${result.sweepId} ${result.status}: ${count('done')} done, ${count('failed')} failed, ` +
            `${count('skipped')} skipped of ${result.planned} in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
            (result.status === 'interrupted'
              ? `; ${result.released} left pending, rerun \`bench run ${file}\` to resume\n`
              : ' (bench ls, bench show <trial>)\n'),
        );
      }
    }
    if (!values.json && !controller.signal.aborted) await summarize(store, results);
  } finally {
    dispose();
    await store.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (controller.signal.aborted) return 130;
  return results.some((r) => r.outcomes.some((o) => o.state === 'failed')) ? 1 : 0;
}

/**
 * What the sweeps add up to, per experiment: its best row on the leaderboard (mean test F1 over its
 * seeds with the row's interval and flags), then where to look next.
 */
async function summarize(store: Store, results: readonly { experiment: string }[]): Promise<void> {
  const { leaderboard, loadBoardData } = await import('../../../reports/index.ts');
  const data = await loadBoardData(store);
  const names = [...new Set(results.map((r) => r.experiment))];
  for (const name of names) {
    const best = leaderboard(data, 'f1', { experiment: name }).rows.find((r) => r.rank === 1);
    if (!best) continue;
    const f1 = best.f1;
    const interval = Number.isFinite(f1.lo) ? ` [${f1.lo.toFixed(3)}, ${f1.hi.toFixed(3)}]` : ' (1 seed: no interval)';
    const flags = best.flags.length > 0 ? ` — flagged ${best.flags.map((f) => f.flag).join(', ')}` : '';
    process.stdout.write(
      `best of ${name}: ${best.variant} × ${best.featureSet}, test F1 ${f1.mean.toFixed(3)}${interval} over ${best.seeds} seed${best.seeds === 1 ? '' : 's'}${flags}\n`,
    );
  }
  const one = names.length === 1 ? ` --experiment ${names[0]}` : '';
  process.stdout.write(
    `next: npm run bench -- board${one}   (the leaderboard; ⏎ on a row for its detail)\n` +
      `      npm run bench -- report${names.length === 1 ? ` ${names[0]}` : ''}   (HTML and markdown report)\n`,
  );
}

/** `k=v k2=v2`, by key. */
export const tagText = (tags: SweepTags): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export async function lsCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      experiment: { type: 'string' },
      status: { type: 'string' },
      variant: { type: 'string' },
      tag: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    'ls',
  );
  const statuses = ['pending', 'running', 'done', 'failed'] as const;
  const status = values.status as (typeof statuses)[number] | undefined;
  if (status !== undefined && !statuses.includes(status)) {
    throw usageError(`ls: --status must be one of ${statuses.join(', ')} (got '${values.status}')`);
  }
  const tags = parseTags(values.tag, 'ls');
  const { openStore } = await import('../../store/index.ts');
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const rows = await store.listTrials({
      ...(values.experiment !== undefined && { experiment: values.experiment }),
      ...(status !== undefined && { status }),
      ...(values.variant !== undefined && { variant: values.variant }),
      ...(Object.keys(tags).length > 0 && { tags }),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      'trial sweep experiment       variant                    feature set  seed status  test F1  AUC-PR AUC-ROC\n',
    );
    for (const r of rows) {
      // A trial of this plan that another experiment computed (same key): say where it comes from.
      const shared =
        (r.computed_by === r.experiment ? '' : `  (computed by ${r.computed_by})`) +
        (Object.keys(r.tags).length === 0 ? '' : `  [${tagText(r.tags)}]`);
      process.stdout.write(
        `${String(r.id).padStart(5)} ${String(r.sweep_id).padStart(5)} ${r.experiment.slice(0, 16).padEnd(16)} ${r.variant.padEnd(26)} ${r.feature_set.padEnd(12)} ` +
          `${String(r.seed).padStart(4)} ${r.status.padEnd(7)} ${num(r.f1).padStart(7)} ${num(r.auc_pr).padStart(7)} ${num(r.auc_roc).padStart(7)}${shared}\n`,
      );
    }
  } finally {
    await store.close();
  }
  return 0;
}
