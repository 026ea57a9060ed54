/**
 * The job queue: pg-boss in the store's own PostgreSQL database (schema `pgboss`), one queue of
 * trial jobs. pg-boss is loaded only here, when a queue is opened: SQLite users and the CLI's
 * start-up never load it.
 */
import { createHash } from 'node:crypto';
import type { Conn } from '../store/index.ts';
import type { QueuedTrial } from '../sweep/index.ts';

/** The queue every sweep's trial jobs go to (a job names its sweep). */
export const TRIAL_QUEUE = 'bench-trials';

export interface QueueOptions {
  /**
   * How long a worker may hold a job before the queue takes it back and gives it to another worker
   * (pg-boss expiry): longer than the longest trial, with margin. A trial still running then is run
   * again elsewhere; the first of the two to finish is recorded. @default 900
   */
  expireSeconds: number;
  /** Attempts after the first one (an expired or failed job runs again). @default 2 */
  retryLimit: number;
  /** How often this process looks for expired jobs (pg-boss maintenance). @default 60 */
  superviseSeconds: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = { expireSeconds: 900, retryLimit: 2, superviseSeconds: 60 };

/** A job as a worker fetches it. */
export interface TrialJob {
  id: string;
  data: QueuedTrial;
  retryCount: number;
}

/** What pg-boss needs to run a statement inside a caller's transaction. */
const executor = (c: Conn) => ({ executeSql: (text: string, values?: unknown[]) => c.query(text, values) });

/**
 * The job id of a trial: a UUID (pg-boss's id type) made from its key, so a trial submitted twice
 * is one job.
 */
export function jobId(trialKey: string): string {
  const h = createHash('sha256').update(`bench-trial:${trialKey}`).digest('hex');
  // Version 8 (custom) UUID layout: the version and variant nibbles set, the rest the hash.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// biome-ignore lint/suspicious/noExplicitAny: pg-boss 10 ships no types of its own worth pinning here.
type Boss = any;

export class TrialQueue {
  readonly #boss: Boss;
  readonly options: QueueOptions;

  private constructor(boss: Boss, options: QueueOptions) {
    this.#boss = boss;
    this.options = options;
  }

  /** Connects to the queue in the database of `url`, creating pg-boss's schema and the queue the first time. */
  static async open(url: string, options: Partial<QueueOptions> = {}): Promise<TrialQueue> {
    const o = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    const { default: PgBoss } = (await import('pg-boss')) as { default: new (config: object) => Boss };
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: o.superviseSeconds,
    });
    // pg-boss reports maintenance errors as events; unheard, an 'error' event would end the process.
    boss.on('error', (err: Error) => process.stderr.write(`queue: ${err.message}\n`));
    await boss.start();
    if (!(await boss.getQueue(TRIAL_QUEUE))) {
      // Two processes creating it at once: the second's error is harmless once the queue exists.
      await boss.createQueue(TRIAL_QUEUE).catch(async (err: unknown) => {
        if (!(await boss.getQueue(TRIAL_QUEUE))) throw err;
      });
    }
    return new TrialQueue(boss, o);
  }

  /**
   * Submits one job per trial (id from its key); returns how many were new. A job still waiting or
   * running is left as it is (a waiting one is pointed at the trial's sweep); one that ended
   * (completed, failed or cancelled) while its trial is to run again (removed, retried, cancelled)
   * is replaced.
   */
  async submit(trials: readonly QueuedTrial[]): Promise<number> {
    let added = 0;
    for (const t of trials) {
      const id = jobId(t.key);
      const send = () =>
        this.#boss.send(TRIAL_QUEUE, t, {
          id,
          expireInSeconds: this.options.expireSeconds,
          retryLimit: this.options.retryLimit,
          retryDelay: 0,
        });
      if (await send()) {
        added++;
        continue;
      }
      const { rows } = await this.#boss
        .getDb()
        .executeSql('SELECT state::text AS state FROM pgboss.job WHERE name = $1 AND id = $2', [TRIAL_QUEUE, id]);
      const state = (rows as { state: string }[])[0]?.state;
      if (state === 'completed' || state === 'failed' || state === 'cancelled') {
        await this.#boss.deleteJob(TRIAL_QUEUE, id);
        if (await send()) added++;
      } else if (state === 'created' || state === 'retry') {
        await this.#boss.getDb().executeSql(
          `UPDATE pgboss.job SET data = jsonb_set(data, '{sweepId}', to_jsonb($3::int))
             WHERE name = $1 AND id = $2 AND state IN ('created', 'retry')`,
          [TRIAL_QUEUE, id, t.sweepId],
        );
      }
    }
    return added;
  }

  /** The next job to run (now active for this worker), or null when none is waiting. */
  async fetch(): Promise<TrialJob | null> {
    const [job] = await this.#boss.fetch(TRIAL_QUEUE, { batchSize: 1, includeMetadata: true });
    return job ? { id: job.id, data: job.data, retryCount: job.retryCount ?? job.retry_count ?? 0 } : null;
  }

  /** Completes a job inside the caller's transaction (the trial's results commit with it). */
  async completeIn(c: Conn, id: string): Promise<void> {
    await this.#boss.complete(TRIAL_QUEUE, id, null, { db: executor(c) });
  }

  async complete(id: string): Promise<void> {
    await this.#boss.complete(TRIAL_QUEUE, id);
  }

  /**
   * Gives a job this worker holds back to the queue at once (Ctrl-C), without spending one of its
   * attempts: any worker may fetch it next. pg-boss counts a retry when it hands out a job that was
   * started before, so the start is cleared too.
   */
  async release(id: string): Promise<void> {
    await this.#boss.getDb().executeSql(
      `UPDATE pgboss.job SET state = 'retry', start_after = now(), started_on = NULL
         WHERE name = $1 AND id = $2 AND state = 'active'`,
      [TRIAL_QUEUE, id],
    );
  }

  /**
   * Fails a job with a message. With `retry` (the default) the queue runs it again while its
   * attempts last; without, it stays `failed` now (a failure that would only repeat), until
   * `bench queue retry` or a resubmission puts it back.
   */
  async fail(id: string, message: string, o: { retry?: boolean } = {}): Promise<void> {
    if (o.retry === false) {
      await this.#boss
        .getDb()
        .executeSql(
          "UPDATE pgboss.job SET retry_limit = retry_count WHERE name = $1 AND id = $2 AND state = 'active'",
          [TRIAL_QUEUE, id],
        );
    }
    await this.#boss.fail(TRIAL_QUEUE, id, { message });
  }

  /** Jobs waiting or running (of one sweep, or all): a worker with `--exit-when-idle` stops at 0. */
  async unfinished(sweepId?: number): Promise<number> {
    const rows = await this.counts(sweepId);
    return (rows.created ?? 0) + (rows.retry ?? 0) + (rows.active ?? 0);
  }

  /** Jobs by state (created, retry, active, completed, cancelled, failed), of one sweep or all. */
  async counts(sweepId?: number): Promise<Record<string, number>> {
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT state::text AS state, count(*)::int AS n FROM pgboss.job
       WHERE name = $1 AND ($2::int IS NULL OR (data->>'sweepId')::int = $2) GROUP BY state`,
      [TRIAL_QUEUE, sweepId ?? null],
    );
    return Object.fromEntries((rows as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  }

  /** Jobs of a state (of one sweep, or all), oldest first. */
  async list(
    state?: string,
    sweepId?: number,
  ): Promise<
    {
      id: string;
      state: string;
      sweepId: number;
      variant: string;
      featureSet: string;
      seed: number;
      retryCount: number;
    }[]
  > {
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT id, state::text AS state, (data->>'sweepId')::int AS "sweepId", data->>'variant' AS variant,
              data->>'featureSet' AS "featureSet", (data->>'seed')::int AS seed, retry_count AS "retryCount"
       FROM pgboss.job WHERE name = $1 AND ($2::text IS NULL OR state::text = $2)
         AND ($3::int IS NULL OR (data->>'sweepId')::int = $3)
       ORDER BY created_on, id`,
      [TRIAL_QUEUE, state ?? null, sweepId ?? null],
    );
    return rows;
  }

  /** Puts failed jobs (of one sweep, or all) back in the queue; returns how many. */
  async retryFailed(sweepId?: number): Promise<number> {
    const ids = (await this.list('failed', sweepId)).map((j) => j.id);
    if (ids.length === 0) return 0;
    return (await this.#boss.retry(TRIAL_QUEUE, ids)).affected;
  }

  /** Cancels waiting jobs (of one sweep, or all): running ones finish; returns how many. */
  async cancelWaiting(sweepId?: number): Promise<number> {
    const ids = [...(await this.list('created', sweepId)), ...(await this.list('retry', sweepId))].map((j) => j.id);
    if (ids.length === 0) return 0;
    return (await this.#boss.cancel(TRIAL_QUEUE, ids)).affected;
  }

  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true });
  }
}
