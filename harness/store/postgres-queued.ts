/**
 * PostgresStore's queued sweeps (harness/queue): one open sweep per experiment and dataset,
 * whichever machine submits it, and what its trials came to once its jobs have ended.
 */
import { all, type Conn, one, type PgDb, run } from './postgres-db.ts';
import { insertSweep } from './postgres-trials.ts';
import { now } from './rows.ts';
import type { QueuedSweep, SweepEnv, SweepStatus, SweepTrialStates } from './types.ts';

/**
 * The experiment's open sweep on `datasetHash` (status `running`), else a new one owned by
 * `owner`. Under an advisory lock per experiment, so two machines submitting at once share one sweep.
 */
export async function openQueuedSweep(
  db: PgDb,
  experimentId: number,
  env: SweepEnv,
  datasetHash: string,
  owner: string,
): Promise<QueuedSweep> {
  return db.tx(async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('bench-queued-sweep'), $1)", [experimentId]);
    const open = await openSweepOn(c, experimentId, datasetHash);
    if (open) return { sweepId: open.id, reused: true };
    return { sweepId: await insertSweep(c, experimentId, env, owner), reused: false };
  });
}

/** The newest `running` sweep of the experiment whose environment names `datasetHash`. */
function openSweepOn(c: Conn, experimentId: number, datasetHash: string) {
  return one<{ id: number }>(
    c,
    `SELECT id FROM sweeps WHERE experiment_id = $1 AND status = 'running'
       AND env_json IS NOT NULL AND (env_json::jsonb)->>'datasetHash' = $2
     ORDER BY id DESC LIMIT 1`,
    [experimentId, datasetHash],
  );
}

/** Sets a finished sweep `running` again (its finish time cleared); a running one is left as it is. */
export async function reopenSweep(db: PgDb, sweepId: number): Promise<void> {
  await run(
    db.pool,
    "UPDATE sweeps SET status = 'running', finished_at = NULL, error = NULL WHERE id = $1 AND status <> 'running'",
    [sweepId],
  );
}

/**
 * Ends a `running` sweep with `status` and the time now. A sweep that has ended already keeps its
 * row: its status and end time are written once, however often workers and submissions look at it
 * again. Returns the sweep's status as stored afterwards and whether this call ended it; null when
 * there is no such sweep (removed).
 */
export async function finishQueuedSweep(
  db: PgDb,
  sweepId: number,
  status: Exclude<SweepStatus, 'running'>,
): Promise<{ status: Exclude<SweepStatus, 'running'>; ended: boolean } | null> {
  return db.tx(async (c) => {
    const row = await one<{ status: SweepStatus }>(c, 'SELECT status FROM sweeps WHERE id = $1 FOR UPDATE', [sweepId]);
    if (!row) return null;
    if (row.status !== 'running') return { status: row.status, ended: false };
    await run(c, 'UPDATE sweeps SET finished_at = $1, status = $2 WHERE id = $3', [now(), status, sweepId]);
    return { status, ended: true };
  });
}

/** A sweep's trials by status, and the first lines of its failed trials' errors (at most `errors`, by id). */
export async function sweepTrialStates(db: PgDb, sweepId: number, errors = 5): Promise<SweepTrialStates> {
  return db.read(async (c) => {
    const counts = await all<{ status: string; n: number }>(
      c,
      'SELECT status, count(*)::int AS n FROM trials WHERE sweep_id = $1 GROUP BY status',
      [sweepId],
    );
    const failed = await all<{ trialId: number; error: string }>(
      c,
      `SELECT id AS "trialId", split_part(coalesce(error, ''), E'\\n', 1) AS error FROM trials
       WHERE sweep_id = $1 AND status = 'failed' ORDER BY id LIMIT $2`,
      [sweepId, errors],
    );
    return { counts: Object.fromEntries(counts.map((r) => [r.status, r.n])), errors: failed };
  });
}
