/** SqliteStore's sweep notes and tags (`sweeps.note`, `sweep_tags`). */
import { BenchError } from '../errors/index.ts';
import type { Db } from './db.ts';
import { type TagDbRow, tagsBySweep, uniqueIds } from './rows.ts';
import type { SweepAnnotation, SweepTags } from './types.ts';

/** Sets a sweep's note and tags in one transaction (see Store.annotateSweep). */
export function annotateSweep(db: Db, sweepId: number, a: SweepAnnotation): void {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(sweepId)) {
      throw new BenchError('usage', `sweep ${sweepId} is not in the database`, { hint: 'list sweeps with `bench ls`' });
    }
    if (a.note !== undefined) db.prepare('UPDATE sweeps SET note = ? WHERE id = ?').run(a.note, sweepId);
    const tag = db.prepare('INSERT OR REPLACE INTO sweep_tags (sweep_id, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of Object.entries(a.tags ?? {})) tag.run(sweepId, key, value);
  }).immediate();
}

/** The tags of the given sweeps, by sweep id (every id asked for has an entry, sorted by key). */
export function sweepTags(db: Db, sweepIds: Iterable<number>): Map<number, SweepTags> {
  const ids = uniqueIds(sweepIds);
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      'SELECT sweep_id, key, value FROM sweep_tags WHERE sweep_id IN (SELECT value FROM json_each(?)) ORDER BY sweep_id, key',
    )
    .all(JSON.stringify(ids)) as TagDbRow[];
  return tagsBySweep(ids, rows);
}

/**
 * SQL condition "the sweep of trial `t` carries every tag of @tags" (a JSON object; `{}` matches
 * every trial): `bench ls --tag`.
 */
export const HAS_TAGS_SQL = `NOT EXISTS (SELECT 1 FROM json_each(@tags) j WHERE NOT EXISTS (
  SELECT 1 FROM sweep_tags g WHERE g.sweep_id = t.sweep_id AND g.key = j.key AND g.value = j.value))`;
