/**
 * PostgresStore's removals (`bench rm`): remove.ts's statements in PostgreSQL's words, in one
 * transaction. The sweeps and trials to remove are locked first (`FOR UPDATE`), so a process
 * claiming one of those trials meanwhile waits, and then finds it gone or finds it still there
 * (the removal refused); a dry run performs the same statements and rolls them back.
 */
import { BenchError } from '../errors/index.ts';
import { ownerAlive } from './owner.ts';
import { all, type Conn, one, type PgDb, run } from './postgres-db.ts';
import type { Removal, RemovalOptions, RemovalTarget } from './types.ts';

export async function removeSweeps(
  db: PgDb,
  target: RemovalTarget,
  options: RemovalOptions,
  self: string,
): Promise<Removal> {
  return db.tx((c) => remove(c, target, self), { rollback: options.dryRun });
}

interface LiveRow {
  id: number;
  owner: string | null;
}

async function remove(c: Conn, target: RemovalTarget, self: string): Promise<Removal> {
  const { name, sweeps } = await resolve(c, target);
  const live = await all<LiveRow & { status: string }>(
    c,
    'SELECT id, owner, status FROM sweeps WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [sweeps],
  );
  refuseLive(
    live.filter((s) => s.status === 'running'),
    self,
    (s) => `sweep ${s.id} of ${name} is still running (process ${s.owner})`,
  );
  const remaining = await one<{ n: number }>(
    c,
    `SELECT COUNT(*)::int AS n FROM sweeps w JOIN experiments e ON e.id = w.experiment_id
     WHERE e.name = $1 AND NOT (w.id = ANY($2::int[]))`,
    [name, sweeps],
  );
  // An experiment left without a sweep leaves with its plan: its views would show what others computed.
  const emptied = remaining!.n === 0;

  const computed = await all<LiveRow & { status: string }>(
    c,
    'SELECT id, status, owner FROM trials WHERE sweep_id = ANY($1::int[]) ORDER BY id FOR UPDATE',
    [sweeps],
  );
  const kept: Removal['kept'] = [];
  const gone: (LiveRow & { status: string })[] = [];
  for (const t of computed) {
    // A trial another experiment plans is that experiment's result too: it stays, credited to its newest sweep.
    const credit = await one<{ sweep: number | null }>(
      c,
      `SELECT MAX(w.id) AS sweep FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id
       JOIN experiments e2 ON e2.name = e.name JOIN sweeps w ON w.experiment_id = e2.id
       WHERE x.trial_id = $1 AND e.name <> $2 AND NOT (w.id = ANY($3::int[]))`,
      [t.id, name, sweeps],
    );
    if (credit?.sweep == null) gone.push(t);
    else kept.push({ trial: t.id, sweep: credit.sweep });
  }
  refuseLive(
    gone.filter((t) => t.status === 'running'),
    self,
    (t) => `trial ${t.id} of ${name} is still running (process ${t.owner})`,
  );
  const trials = gone.map((t) => t.id);
  const count = async (table: string) =>
    (await one<{ n: number }>(c, `SELECT COUNT(*)::int AS n FROM ${table} WHERE trial_id = ANY($1::int[])`, [trials]))!
      .n;
  const rows = {
    metrics: await count('metrics'),
    timings: await count('timings'),
    artifacts: await count('artifacts'),
    throughput: await count('throughput'),
  };

  for (const k of kept) await run(c, 'UPDATE trials SET sweep_id = $1 WHERE id = $2', [k.sweep, k.trial]);
  // Results, throughput and plan rows go with their trial (ON DELETE CASCADE), tags with their sweep.
  await run(c, 'DELETE FROM trials WHERE id = ANY($1::int[])', [trials]);
  if (emptied) {
    await run(c, 'DELETE FROM experiment_trials WHERE experiment_id IN (SELECT id FROM experiments WHERE name = $1)', [
      name,
    ]);
  }
  await run(c, 'DELETE FROM sweeps WHERE id = ANY($1::int[])', [sweeps]);
  if (emptied) await run(c, 'DELETE FROM experiments WHERE name = $1', [name]);
  return { experiments: emptied ? [name] : [], sweeps, trials, kept, rows };
}

/** Refuses when a row is still owned by a live process: its results would be written into nothing. */
function refuseLive<T extends LiveRow>(rows: readonly T[], self: string, says: (row: T) => string): void {
  const live = rows.find((r) => ownerAlive(r.owner, self));
  if (live) {
    throw new BenchError('usage', `${says(live)}: not removed`, {
      hint: 'let it finish or stop it (Ctrl-C), then run bench rm again',
    });
  }
}

/** The experiment name and the sweeps a target stands for; an unknown name or id is a usage error. */
async function resolve(c: Conn, target: RemovalTarget): Promise<{ name: string; sweeps: number[] }> {
  if ('experiment' in target) {
    const name = target.experiment;
    if (!(await one(c, 'SELECT 1 FROM experiments WHERE name = $1', [name]))) {
      const known = (await all<{ name: string }>(c, 'SELECT DISTINCT name FROM experiments ORDER BY name'))
        .map((r) => r.name)
        .join(', ');
      throw new BenchError('usage', `no experiment named '${name}' in the database`, {
        hint: known ? `experiments: ${known}` : 'the database has no experiments',
      });
    }
    const sweeps = await all<{ id: number }>(
      c,
      'SELECT w.id FROM sweeps w JOIN experiments e ON e.id = w.experiment_id WHERE e.name = $1 ORDER BY w.id',
      [name],
    );
    return { name, sweeps: sweeps.map((s) => s.id) };
  }
  const row = await one<{ name: string }>(
    c,
    'SELECT e.name FROM sweeps w JOIN experiments e ON e.id = w.experiment_id WHERE w.id = $1',
    [target.sweepId],
  );
  if (!row) {
    throw new BenchError('usage', `sweep ${target.sweepId} is not in the database`, {
      hint: 'the sweep ids are in `bench ls` (column sweep)',
    });
  }
  return { name: row.name, sweeps: [target.sweepId] };
}
