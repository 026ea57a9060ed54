/**
 * A queued sweep's row: one open sweep per experiment and dataset, whichever machine submits it,
 * and finished by whichever worker completes its last job.
 *
 * The jobs of a sweep name its id, and a job submitted twice is one job (its id is the trial's
 * key), so a resubmission must name the same sweep as the jobs it finds queued: it reuses the
 * experiment's open (`running`) sweep on the same dataset instead of starting one that no job would
 * ever point at.
 */
import type { PostgresStore, SweepEnv, SweepStatus } from '../store/index.ts';
import type { TrialQueue } from './boss.ts';

const now = () => new Date().toISOString();

/**
 * The experiment's open sweep on `datasetHash` (status `running`), else a new one. Under an advisory
 * lock per experiment, so two machines submitting at once share one sweep.
 */
export async function openQueuedSweep(
  store: PostgresStore,
  experimentId: number,
  env: SweepEnv,
  datasetHash: string,
): Promise<{ sweepId: number; reused: boolean }> {
  return store.db.tx(async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('bench-queued-sweep'), $1)", [experimentId]);
    const { rows } = await c.query(
      `SELECT id FROM sweeps WHERE experiment_id = $1 AND status = 'running'
         AND env_json IS NOT NULL AND (env_json::jsonb)->>'datasetHash' = $2
       ORDER BY id DESC LIMIT 1`,
      [experimentId, datasetHash],
    );
    const open = rows[0] as { id: number } | undefined;
    if (open) return { sweepId: open.id, reused: true };
    const inserted = await c.query(
      `INSERT INTO sweeps (experiment_id, started_at, status, git_sha, env_json, owner)
       VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id`,
      [experimentId, now(), env.gitSha, JSON.stringify(env.env), store.owner],
    );
    return { sweepId: (inserted.rows[0] as { id: number }).id, reused: false };
  });
}

/**
 * Opens a sweep again before jobs are submitted to it: a worker may have finished it between its
 * planning and the submission (its last job done), and the new jobs' last completion finishes it
 * again.
 */
export async function reopenSweep(store: PostgresStore, sweepId: number): Promise<void> {
  await store.db.tx((c) =>
    c.query("UPDATE sweeps SET status = 'running', finished_at = NULL WHERE id = $1 AND status <> 'running'", [
      sweepId,
    ]),
  );
}

export interface SweepEnd {
  sweepId: number;
  status: Exclude<SweepStatus, 'running'>;
  /** The sweep's trials by status. */
  counts: Record<string, number>;
  /** Why it failed: its failed trials' first error lines (at most 5). */
  errors: { trialId: number; error: string }[];
}

/**
 * Finishes a sweep once none of its jobs is waiting or running: `failed` when one of its trials
 * failed (the trials' errors are the cause), `interrupted` when some are still pending (their jobs
 * were cancelled), else `done`. Returns null while jobs remain. Every worker calls it after each job
 * it ends, outside the job's transaction: the worker that commits the sweep's last job sees every
 * other job ended, so the sweep is finished whoever completes it; two finishing at once write the
 * same row.
 */
export async function finishIfDrained(
  store: PostgresStore,
  queue: TrialQueue,
  sweepId: number,
): Promise<SweepEnd | null> {
  if ((await queue.unfinished(sweepId)) > 0) return null;
  const { rows } = await store.db.pool.query(
    'SELECT status, count(*)::int AS n FROM trials WHERE sweep_id = $1 GROUP BY status',
    [sweepId],
  );
  const counts = Object.fromEntries((rows as { status: string; n: number }[]).map((r) => [r.status, r.n]));
  const failed = await store.db.pool.query(
    `SELECT id AS "trialId", split_part(coalesce(error, ''), E'\\n', 1) AS error FROM trials
     WHERE sweep_id = $1 AND status = 'failed' ORDER BY id LIMIT 5`,
    [sweepId],
  );
  const status: SweepEnd['status'] =
    (counts.failed ?? 0) > 0 ? 'failed' : (counts.pending ?? 0) + (counts.running ?? 0) > 0 ? 'interrupted' : 'done';
  await store.finishSweep(sweepId, status);
  return { sweepId, status, counts, errors: failed.rows as SweepEnd['errors'] };
}
