/** `bench run <experiment files...>` and `bench ls`. */
import { join } from 'node:path';
import { usageError } from '../../errors/index.ts';
import { loadExperiment } from '../../experiment/index.ts';
import { openDb } from '../../store/index.ts';
import { listTrials } from '../../store/trials.ts';
import { runSweep, type TrialOutcome } from '../../sweep/run.ts';
import { benchHome } from '../paths.ts';
import { intFlag, parseFlags } from './data.ts';

const dbPath = (value: string | undefined) => value ?? join(benchHome(), 'bench.db');
const num = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '  n/a' : x.toFixed(3);

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

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      db: { type: 'string' },
      workers: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    'run',
  );
  if (values.help || positionals.length === 0) {
    process.stdout.write('usage: bench run <experiment.ts...> [--db FILE] [--workers N] [--retry-failed] [--json]\n');
    if (!values.help)
      throw usageError('run: no experiment file given', { hint: 'try `bench run experiments/quickstart.ts`' });
    return 0;
  }
  const workers = intFlag(values.workers, 'workers', 0);
  // Validate every file before running any, so a typo in the third does not surface after an hour.
  const experiments = [];
  for (const file of positionals) experiments.push({ file, e: await loadExperiment(file) });
  const db = openDb(dbPath(values.db));
  let failed = 0;
  const all: TrialOutcome[] = [];
  try {
    for (const { file, e } of experiments) {
      if (!values.json) process.stderr.write(`experiment ${e.name} (${file})\n`);
      const outcomes = await runSweep(file, e, {
        db,
        cacheDir: join(benchHome(), 'cache'),
        retryFailed: values['retry-failed'] === true,
        ...(workers !== undefined && { workers }),
        onTrial: (o, done, total) => {
          if (!values.json) process.stdout.write(`[${done}/${total}] ${describe(o)}\n`);
        },
      });
      failed += outcomes.filter((o) => o.state === 'failed').length;
      all.push(...outcomes);
    }
  } finally {
    db.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  return failed > 0 ? 1 : 0;
}

export async function lsCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } }, 'ls');
  const db = openDb(dbPath(values.db));
  try {
    const rows = listTrials(db);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    process.stdout.write('trial sweep variant                    feature set  seed status  test F1  AUC-PR AUC-ROC\n');
    for (const r of rows) {
      process.stdout.write(
        `${String(r.id).padStart(5)} ${String(r.sweep_id).padStart(5)} ${r.variant.padEnd(26)} ${r.feature_set.padEnd(12)} ` +
          `${String(r.seed).padStart(4)} ${r.status.padEnd(7)} ${num(r.f1).padStart(7)} ${num(r.auc_pr).padStart(7)} ${num(r.auc_roc).padStart(7)}\n`,
      );
    }
  } finally {
    db.close();
  }
  return 0;
}
