/**
 * `bench rm --experiment NAME | --sweep ID [--dry-run]`: removes sweeps, the trials they computed
 * with their results, and those trials' folders under the artifacts dir. It asks nothing and says
 * what it removes; `--dry-run` only says it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError, usageError } from '../../errors/index.ts';
import { openStore, type Removal, type RemovalTarget } from '../../store/index.ts';
import { idArg, parseFlags, STORE_FLAGS } from '../flags.ts';
import { storeArtifactsDir, storeTarget } from '../paths.ts';

/** `1–4, 7, 9–10`: ids (ascending) as runs of consecutive values. */
export function idRanges(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describe(r: Removal, target: RemovalTarget, folders: readonly string[], root: string): string {
  const what = 'experiment' in target ? `experiment ${target.experiment}` : `sweep ${target.sweepId}`;
  const lines = [
    `${what}: ${plural(r.sweeps.length, 'sweep')}${r.sweeps.length > 0 ? ` (${idRanges(r.sweeps)})` : ''}, ` +
      `${plural(r.trials.length, 'trial')}${r.trials.length > 0 ? ` (${idRanges(r.trials)})` : ''}`,
    `  result rows: ${r.rows.metrics} metrics, ${r.rows.timings} timings, ${r.rows.artifacts} artifacts, ${r.rows.throughput} throughput`,
    `  trial folders: ${folders.length} under ${root}`,
  ];
  if (r.experiments.length > 0)
    lines.push(`  experiment ${r.experiments.join(', ')} leaves the database with its plan`);
  if (r.kept.length > 0) {
    lines.push(
      `  kept: ${plural(r.kept.length, 'trial')} another experiment also plans (${idRanges(r.kept.map((k) => k.trial))}), ` +
        `now credited to its newest sweep (${idRanges([...new Set(r.kept.map((k) => k.sweep))])})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function rmCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      experiment: { type: 'string' },
      sweep: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'rm',
  );
  if (positionals.length > 0) {
    throw usageError(`rm: unexpected argument '${positionals[0]}'`, {
      hint: 'name what to remove with --experiment NAME or --sweep ID',
    });
  }
  if ((values.experiment === undefined) === (values.sweep === undefined)) {
    throw usageError('rm: give one of --experiment NAME or --sweep ID', {
      hint: 'bench rm --experiment quickstart --dry-run lists what it would remove',
    });
  }
  const target: RemovalTarget =
    values.experiment !== undefined
      ? { experiment: values.experiment }
      : { sweepId: idArg(values.sweep, 'sweep', 'rm') };
  const dryRun = values['dry-run'] === true;
  const root = storeArtifactsDir(values);
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: root });
  let removal: Removal;
  try {
    removal = await store.removeSweeps(target, { dryRun });
  } finally {
    await store.close();
  }
  // The rows are gone (committed) before the files: a crash in between leaves folders no row names,
  // never rows naming missing files.
  const folders = removal.trials.map((id) => join(root, String(id))).filter((f) => existsSync(f));
  const failed: string[] = [];
  if (!dryRun) {
    for (const f of folders) {
      try {
        rmSync(f, { recursive: true, force: true });
      } catch (err) {
        failed.push(`${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dryRun, ...removal, folders }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${dryRun ? 'would remove' : 'removed'} ${describe(removal, target, folders, root)}` +
        (dryRun ? 'dry run: nothing was removed\n' : ''),
    );
  }
  if (failed.length > 0) {
    throw new BenchError('io', `could not delete ${plural(failed.length, 'trial folder')}: ${failed.join('; ')}`, {
      hint: 'their trials are already gone from the database: delete the folders by hand',
    });
  }
  return 0;
}
