/** SqliteStore's datasets, split manifests and leakage audits (`datasets`, `splits`, `split_members`, `leakage_audits`). */
import type { SplitManifest } from '../../splits/index.ts';
import type { Db } from './db.ts';
import { datasetValues, splitLeak, splitValues, storedAudit, uniqueIds } from './rows.ts';
import type { SplitMember } from './split-check.ts';
import type { DatasetRecord, SplitLeak, StoredAudit } from './types.ts';

export function upsertDataset(db: Db, d: DatasetRecord): number {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT id FROM datasets WHERE hash = ?').get(d.hash) as { id: number } | undefined;
      if (row) return row.id;
      return Number(
        db
          .prepare(
            'INSERT INTO datasets (hash, source, n_runs, n_sequences, n_events, options_json) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(...datasetValues(d)).lastInsertRowid,
      );
    })
    .immediate();
}

/** Stores a manifest with its members (`manifestMembers`: the manifest checked) unless it is stored already. */
export function saveSplit(db: Db, datasetId: number, m: SplitManifest, members: readonly SplitMember[]): number {
  return db
    .transaction(() => {
      const row = db
        .prepare('SELECT id FROM splits WHERE dataset_id = ? AND manifest_hash = ?')
        .get(datasetId, m.hash) as { id: number } | undefined;
      if (row) return row.id;
      const id = Number(
        db
          .prepare(
            'INSERT INTO splits (dataset_id, seed, strategy, manifest_hash, manifest_json) VALUES (?, ?, ?, ?, ?)',
          )
          .run(...splitValues(datasetId, m)).lastInsertRowid,
      );
      const member = db.prepare('INSERT INTO split_members (split_id, run, part) VALUES (?, ?, ?)');
      for (const { run, part } of members) member.run(id, run, part);
      return id;
    })
    .immediate();
}

/** A stored manifest's JSON and its member rows, for `checkedManifest`. */
export function loadSplitRows(db: Db, splitId: number): { json: string; members: { run: string; part: string }[] } {
  const row = db.prepare('SELECT manifest_json FROM splits WHERE id = ?').get(splitId) as
    | { manifest_json: string }
    | undefined;
  if (!row) throw new Error(`split ${splitId} is not in the database`);
  const members = db.prepare('SELECT run, part FROM split_members WHERE split_id = ? ORDER BY run').all(splitId) as {
    run: string;
    part: string;
  }[];
  return { json: row.manifest_json, members };
}

/**
 * The SQL anyone can run to check that no run sits in two parts of a split (always empty: the
 * primary key (split_id, run) of split_members forbids it).
 */
export const LEAK_CHECK_SQL = `SELECT split_id, run, COUNT(DISTINCT part) AS parts
FROM split_members GROUP BY split_id, run HAVING COUNT(DISTINCT part) > 1`;

export function leakCheck(db: Db): SplitLeak[] {
  return (db.prepare(LEAK_CHECK_SQL).all() as { split_id: number; run: string; parts: number }[]).map(splitLeak);
}

export function hasAudit(db: Db, splitId: number, featureSet: string, version = 1): boolean {
  return (
    db
      .prepare(
        "SELECT 1 FROM leakage_audits WHERE split_id = ? AND feature_set = ? AND COALESCE(json_extract(audit_json, '$.version'), 1) >= ?",
      )
      .get(splitId, featureSet, version) !== undefined
  );
}

export function saveAudit(db: Db, splitId: number, featureSet: string, audit: unknown): void {
  db.prepare('INSERT OR REPLACE INTO leakage_audits (split_id, feature_set, audit_json) VALUES (?, ?, ?)').run(
    splitId,
    featureSet,
    JSON.stringify(audit),
  );
}

export function audits(db: Db, splitIds: readonly number[]): StoredAudit[] {
  if (splitIds.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT split_id, feature_set, audit_json FROM leakage_audits WHERE split_id IN (SELECT value FROM json_each(?))
       ORDER BY split_id, feature_set`,
    )
    .all(JSON.stringify(uniqueIds(splitIds))) as { split_id: number; feature_set: string; audit_json: string }[];
  return rows.map(storedAudit);
}
