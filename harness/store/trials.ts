/** SqliteStore's experiments, sweeps, trials and their results (writes), and the trial listing. */
import type { Db } from './db.ts';
import { IN_PLAN_SQL, inPlanParams } from './queries.ts';
import {
  artifactValues,
  keptClaim,
  metricValues,
  now,
  sweepValues,
  throughputValues,
  timingValues,
  trialValues,
  withTags,
} from './rows.ts';
import { HAS_TAGS_SQL, sweepTags } from './sweeps.ts';
import type {
  ClaimedTrial,
  ClaimRetry,
  ExperimentRecord,
  SweepEnv,
  SweepStatus,
  TrialClaim,
  TrialFilter,
  TrialListing,
  TrialRecord,
} from './types.ts';

export function upsertExperiment(db: Db, e: ExperimentRecord): number {
  const config = JSON.stringify(e.config);
  return db
    .transaction(() => {
      const row = db
        .prepare('SELECT id FROM experiments WHERE name = ? AND file = ? AND config_json = ?')
        .get(e.name, e.file, config) as { id: number } | undefined;
      if (row) return row.id;
      return Number(
        db
          .prepare('INSERT INTO experiments (name, file, created_at, config_json) VALUES (?, ?, ?, ?)')
          .run(e.name, e.file, now(), config).lastInsertRowid,
      );
    })
    .immediate();
}

/** Starts a sweep run by `owner` (see Store.startSweep). */
export function startSweep(db: Db, experimentId: number, env: SweepEnv, owner: string): number {
  return Number(
    db
      .prepare(
        "INSERT INTO sweeps (experiment_id, started_at, status, git_sha, env_json, owner) VALUES (?, ?, 'running', ?, ?, ?)",
      )
      .run(...sweepValues(experimentId, env, owner)).lastInsertRowid,
  );
}

export function finishSweep(db: Db, sweepId: number, status: Exclude<SweepStatus, 'running'>, error?: string): void {
  db.prepare('UPDATE sweeps SET finished_at = ?, status = ?, error = ? WHERE id = ?').run(
    now(),
    status,
    error ?? null,
    sweepId,
  );
}

/** Claims the trial of `t.key` for `owner` (see Store.claimTrial). */
export function claimTrial(db: Db, t: TrialClaim, retry: ClaimRetry, owner: string): ClaimedTrial {
  const plan = db.prepare(
    'INSERT OR IGNORE INTO experiment_trials (experiment_id, trial_id) SELECT experiment_id, ? FROM sweeps WHERE id = ?',
  );
  return db
    .transaction(() => {
      const claimed = claim();
      plan.run(claimed.id, t.sweepId);
      return claimed;
    })
    .immediate();

  function claim(): ClaimedTrial {
    const row = db.prepare('SELECT id, status, owner FROM trials WHERE key = ?').get(t.key) as
      | { id: number; status: ClaimedTrial['status']; owner: string | null }
      | undefined;
    if (row) {
      const kept = keptClaim(row, retry, owner);
      if (kept) return kept;
      db.prepare(
        "UPDATE trials SET status = 'running', error = NULL, started_at = ?, sweep_id = ?, owner = ? WHERE id = ?",
      ).run(now(), t.sweepId, owner, row.id);
      return { id: row.id, status: 'running' as const, resumed: false };
    }
    const id = Number(
      db
        .prepare(
          `INSERT INTO trials (sweep_id, split_id, variant, feature_set, seed, params_json, key, status, started_at, owner)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run(...trialValues(t, owner)).lastInsertRowid,
    );
    return { id, status: 'running' as const, resumed: false };
  }
}

/**
 * Records a finished trial run by `worker` (see Store.completeTrial): nothing is written, and false
 * returned, when the trial is done already (a late duplicate) or unknown.
 */
export function completeTrial(db: Db, trialId: number, r: TrialRecord, worker: string): boolean {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT status FROM trials WHERE id = ?').get(trialId) as { status: string } | undefined;
      if (row === undefined || row.status === 'done') return false;
      for (const table of ['metrics', 'timings', 'artifacts', 'throughput']) {
        db.prepare(`DELETE FROM ${table} WHERE trial_id = ?`).run(trialId);
      }
      const m = db.prepare('INSERT INTO metrics (trial_id, part, name, value, slice) VALUES (?, ?, ?, ?, ?)');
      for (const x of r.metrics) m.run(trialId, ...metricValues(x));
      const t = db.prepare(
        'INSERT INTO timings (trial_id, stage, wall_ms, cpu_ms, peak_rss_mb) VALUES (?, ?, ?, ?, ?)',
      );
      for (const x of r.timings) t.run(trialId, ...timingValues(x));
      const a = db.prepare('INSERT INTO artifacts (trial_id, kind, path, sha256) VALUES (?, ?, ?, ?)');
      for (const x of r.artifacts) a.run(trialId, ...artifactValues(x));
      if (r.throughput) {
        db.prepare(
          'INSERT INTO throughput (trial_id, rows, mean_ms, p99_ms, rme, samples, sequences_per_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(trialId, ...throughputValues(r.throughput));
      }
      db.prepare("UPDATE trials SET status = 'done', finished_at = ?, owner = NULL, worker = ? WHERE id = ?").run(
        now(),
        worker,
        trialId,
      );
      return true;
    })
    .immediate();
}

export function failTrial(db: Db, trialId: number, error: string, worker: string): void {
  db.prepare(
    "UPDATE trials SET status = 'failed', error = ?, finished_at = ?, owner = NULL, worker = ? WHERE id = ? AND status <> 'done'",
  ).run(error, now(), worker, trialId);
}

/** Gives back the trials `owner` was running in a sweep (see Store.releaseTrials). */
export function releaseTrials(db: Db, sweepId: number, owner: string): number {
  return db
    .prepare(
      "UPDATE trials SET status = 'pending', owner = NULL WHERE sweep_id = ? AND status = 'running' AND owner = ?",
    )
    .run(sweepId, owner).changes;
}

/**
 * Test-part headline metrics of the trials matching `filter`, for listings (oldest first). Each trial
 * once: `experiment` is the filter's experiment when one is given, else the one that computed it
 * (`computed_by`, the experiment of its sweep).
 */
export function listTrials(db: Db, filter: TrialFilter = {}): TrialListing[] {
  const { tags, ...rest } = filter;
  const f = { experiment: null, status: null, variant: null, ...rest };
  const rows = db
    .prepare(
      `SELECT t.id, t.sweep_id, COALESCE(@experiment, e.name) AS experiment, e.name AS computed_by, t.variant,
              t.feature_set, t.seed, t.status,
              MAX(CASE WHEN m.name = 'f1' THEN m.value END) AS f1,
              MAX(CASE WHEN m.name = 'auc_pr' THEN m.value END) AS auc_pr,
              MAX(CASE WHEN m.name = 'auc_roc' THEN m.value END) AS auc_roc,
              w.note
       FROM trials t JOIN sweeps w ON w.id = t.sweep_id JOIN experiments e ON e.id = w.experiment_id
       LEFT JOIN metrics m ON m.trial_id = t.id AND m.part = 'test' AND m.slice = ''
       WHERE ${IN_PLAN_SQL} AND (@status IS NULL OR t.status = @status) AND (@variant IS NULL OR t.variant = @variant)
         AND ${HAS_TAGS_SQL}
       GROUP BY t.id ORDER BY t.id`,
    )
    .all({ ...f, ...inPlanParams(db, f.experiment), tags: JSON.stringify(tags ?? {}) }) as Omit<TrialListing, 'tags'>[];
  return withTags(
    rows,
    sweepTags(
      db,
      rows.map((r) => r.sweep_id),
    ),
  );
}
