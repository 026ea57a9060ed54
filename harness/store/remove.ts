/** SqliteStore's removals: sweeps, the trials they computed and those trials' results (`bench rm`). */
import { BenchError } from '../errors/index.ts';
import type { Db } from './db.ts';
import { ownerAlive } from './owner.ts';
import type { Removal, RemovalOptions, RemovalTarget } from './types.ts';

/** Thrown inside a dry run's transaction: the rollback undoes the removal, the caller gets what it did. */
class DryRun {
  constructor(readonly removal: Removal) {}
}

/**
 * Removes the target's sweeps in one transaction (see Store.removeSweeps). A dry run performs the
 * same statements and rolls them back, so what it reports is exactly what a real run removes.
 */
export function removeSweeps(db: Db, target: RemovalTarget, options: RemovalOptions, self: string): Removal {
  const run = db.transaction(() => {
    const removal = remove(db, target, self);
    if (options.dryRun) throw new DryRun(removal);
    return removal;
  });
  try {
    return run.immediate();
  } catch (err) {
    if (err instanceof DryRun) return err.removal;
    throw err;
  }
}

const ids = (xs: Iterable<number>) => JSON.stringify([...xs]);
const IN = 'IN (SELECT value FROM json_each(?))';

function remove(db: Db, target: RemovalTarget, self: string): Removal {
  const { name, sweeps } = resolve(db, target);
  const list = ids(sweeps);
  refuseLive(
    db.prepare(`SELECT id, owner FROM sweeps WHERE id ${IN} AND status = 'running'`).all(list) as LiveRow[],
    self,
    (s) => `sweep ${s.id} of ${name} is still running (process ${s.owner})`,
  );
  const remaining = db
    .prepare(
      `SELECT COUNT(*) AS n FROM sweeps w JOIN experiments e ON e.id = w.experiment_id WHERE e.name = ? AND w.id NOT ${IN}`,
    )
    .get(name, list) as { n: number };
  // An experiment left without a sweep leaves with its plan: its views would show what others computed.
  const emptied = remaining.n === 0;

  // A trial another experiment plans is that experiment's result too: it stays, credited to its newest sweep.
  const creditOf = db.prepare(
    `SELECT MAX(w.id) AS sweep FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id
     JOIN experiments e2 ON e2.name = e.name JOIN sweeps w ON w.experiment_id = e2.id
     WHERE x.trial_id = ? AND e.name <> ? AND w.id NOT ${IN}`,
  );
  const computed = db
    .prepare(`SELECT id, status, owner FROM trials WHERE sweep_id ${IN} ORDER BY id`)
    .all(list) as (LiveRow & { status: string })[];
  const kept: Removal['kept'] = [];
  const gone: (LiveRow & { status: string })[] = [];
  for (const t of computed) {
    const credit = (creditOf.get(t.id, name, list) as { sweep: number | null }).sweep;
    if (credit === null) gone.push(t);
    else kept.push({ trial: t.id, sweep: credit });
  }
  refuseLive(
    gone.filter((t) => t.status === 'running'),
    self,
    (t) => `trial ${t.id} of ${name} is still running (process ${t.owner})`,
  );
  const trials = gone.map((t) => t.id);
  const count = (table: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE trial_id ${IN}`).get(ids(trials)) as { n: number }).n;
  const rows = {
    metrics: count('metrics'),
    timings: count('timings'),
    artifacts: count('artifacts'),
    throughput: count('throughput'),
  };

  const credit = db.prepare('UPDATE trials SET sweep_id = ? WHERE id = ?');
  for (const k of kept) credit.run(k.sweep, k.trial);
  // Results, throughput and plan rows go with their trial (ON DELETE CASCADE), tags with their sweep.
  db.prepare(`DELETE FROM trials WHERE id ${IN}`).run(ids(trials));
  if (emptied) {
    db.prepare('DELETE FROM experiment_trials WHERE experiment_id IN (SELECT id FROM experiments WHERE name = ?)').run(
      name,
    );
  }
  db.prepare(`DELETE FROM sweeps WHERE id ${IN}`).run(list);
  if (emptied) db.prepare('DELETE FROM experiments WHERE name = ?').run(name);
  return { experiments: emptied ? [name] : [], sweeps, trials, kept, rows };
}

interface LiveRow {
  id: number;
  owner: string | null;
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
function resolve(db: Db, target: RemovalTarget): { name: string; sweeps: number[] } {
  if ('experiment' in target) {
    const name = target.experiment;
    if (!db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(name)) {
      const known = (db.prepare('SELECT DISTINCT name FROM experiments ORDER BY name').pluck().all() as string[]).join(
        ', ',
      );
      throw new BenchError('usage', `no experiment named '${name}' in the database`, {
        hint: known ? `experiments: ${known}` : 'the database has no experiments',
      });
    }
    const sweeps = db
      .prepare('SELECT w.id FROM sweeps w JOIN experiments e ON e.id = w.experiment_id WHERE e.name = ? ORDER BY w.id')
      .pluck()
      .all(name) as number[];
    return { name, sweeps };
  }
  const row = db
    .prepare('SELECT e.name FROM sweeps w JOIN experiments e ON e.id = w.experiment_id WHERE w.id = ?')
    .get(target.sweepId) as { name: string } | undefined;
  if (!row) {
    throw new BenchError('usage', `sweep ${target.sweepId} is not in the database`, {
      hint: 'the sweep ids are in `bench ls` (column sweep)',
    });
  }
  return { name: row.name, sweeps: [target.sweepId] };
}
