/** Experiments, sweeps, trials, metrics and timings in SQLite (the main thread is the only writer). */
import type { Db } from './db.ts';

const now = () => new Date().toISOString();

/** The experiment's id, reusing the row of an identical (name, file, config). */
export function upsertExperiment(db: Db, e: { name: string; file: string; config: unknown }): number {
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

export function startSweep(db: Db, experimentId: number, env: { gitSha: string | null; env: unknown }): number {
  return Number(
    db
      .prepare('INSERT INTO sweeps (experiment_id, started_at, status, git_sha, env_json) VALUES (?, ?, ?, ?, ?)')
      .run(experimentId, now(), 'running', env.gitSha, JSON.stringify(env.env)).lastInsertRowid,
  );
}

export function finishSweep(db: Db, sweepId: number, status: 'done' | 'failed' | 'interrupted'): void {
  db.prepare('UPDATE sweeps SET finished_at = ?, status = ? WHERE id = ?').run(now(), status, sweepId);
}

export interface TrialRow {
  id: number;
  status: 'pending' | 'running' | 'done' | 'failed';
}

/**
 * The trial for `key`: an existing done trial is returned as is (resume); a failed, pending or
 * running one (left by a dead process) is reset to running; otherwise a new row is inserted.
 */
export function claimTrial(
  db: Db,
  t: {
    sweepId: number;
    splitId: number;
    variant: string;
    featureSet: string;
    seed: number;
    params: unknown;
    key: string;
  },
  retry: { failed: boolean },
): TrialRow & { resumed: boolean } {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT id, status FROM trials WHERE key = ?').get(t.key) as TrialRow | undefined;
      if (row?.status === 'done') return { ...row, resumed: true };
      if (row?.status === 'failed' && !retry.failed) return { ...row, resumed: true };
      if (row) {
        db.prepare("UPDATE trials SET status = 'running', error = NULL, started_at = ?, sweep_id = ? WHERE id = ?").run(
          now(),
          t.sweepId,
          row.id,
        );
        return { id: row.id, status: 'running' as const, resumed: false };
      }
      const id = Number(
        db
          .prepare(
            `INSERT INTO trials (sweep_id, split_id, variant, feature_set, seed, params_json, key, status, started_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
          )
          .run(t.sweepId, t.splitId, t.variant, t.featureSet, t.seed, JSON.stringify(t.params), t.key, now())
          .lastInsertRowid,
      );
      return { id, status: 'running' as const, resumed: false };
    })
    .immediate();
}

export interface MetricRow {
  part: 'train' | 'val' | 'test';
  name: string;
  value: number;
  slice?: string;
}

export interface TimingRow {
  stage: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

/** Records a finished trial's metrics and timings and marks it done, all or nothing. */
export function completeTrial(
  db: Db,
  trialId: number,
  metrics: readonly MetricRow[],
  timings: readonly TimingRow[],
): void {
  db.transaction(() => {
    db.prepare('DELETE FROM metrics WHERE trial_id = ?').run(trialId);
    db.prepare('DELETE FROM timings WHERE trial_id = ?').run(trialId);
    const m = db.prepare('INSERT INTO metrics (trial_id, part, name, value, slice) VALUES (?, ?, ?, ?, ?)');
    // NaN (undefined metric) and ±Infinity (a "predict nothing" threshold) are stored as NULL.
    for (const r of metrics) m.run(trialId, r.part, r.name, Number.isFinite(r.value) ? r.value : null, r.slice ?? '');
    const t = db.prepare('INSERT INTO timings (trial_id, stage, wall_ms, cpu_ms, peak_rss_mb) VALUES (?, ?, ?, ?, ?)');
    for (const r of timings) t.run(trialId, r.stage, r.wallMs, r.cpuMs, r.peakRssMb);
    db.prepare("UPDATE trials SET status = 'done', finished_at = ? WHERE id = ?").run(now(), trialId);
  }).immediate();
}

export function failTrial(db: Db, trialId: number, error: string): void {
  db.prepare("UPDATE trials SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, now(), trialId);
}

/** Test-part headline metrics of the trials of a sweep (or of every sweep), for listings. */
export function listTrials(db: Db, sweepId?: number) {
  return db
    .prepare(
      `SELECT t.id, t.sweep_id, t.variant, t.feature_set, t.seed, t.status,
              MAX(CASE WHEN m.name = 'f1' THEN m.value END) AS f1,
              MAX(CASE WHEN m.name = 'auc_pr' THEN m.value END) AS auc_pr,
              MAX(CASE WHEN m.name = 'auc_roc' THEN m.value END) AS auc_roc
       FROM trials t LEFT JOIN metrics m ON m.trial_id = t.id AND m.part = 'test' AND m.slice = ''
       ${sweepId === undefined ? '' : 'WHERE t.sweep_id = ?'}
       GROUP BY t.id ORDER BY t.id`,
    )
    .all(...(sweepId === undefined ? [] : [sweepId])) as {
    id: number;
    sweep_id: number;
    variant: string;
    feature_set: string;
    seed: number;
    status: string;
    f1: number | null;
    auc_pr: number | null;
    auc_roc: number | null;
  }[];
}
