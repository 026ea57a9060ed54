/**
 * Trial files' paths as both stores record them: a file under the store's folder (SQLite: the
 * database's folder; PostgreSQL: the artifacts root it was opened with) by its path relative to
 * that folder, with `/` whatever the system, and read back under the folder as it is now, so a
 * folder moved, copied or mounted elsewhere finds its own files. A file elsewhere stays absolute.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ArtifactRecord } from './types.ts';

/** An artifact as stored: its path relative to `root` when the file lies under it; null root: as given. */
export function storedArtifact(root: string | null, a: ArtifactRecord): ArtifactRecord {
  if (root === null) return a;
  const r = relative(root, resolve(a.path));
  const outside = r === '' || r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r);
  return outside ? a : { ...a, path: r.split(sep).join('/') };
}

/** A stored path as read: under `root`; an absolute one (stored outside it, or by older versions) as is. */
export function resolvedPath(root: string | null, path: string): string {
  if (root === null || isAbsolute(path)) return path;
  return join(root, path);
}

/** A trial (or its results) with each artifact's path as read (see `resolvedPath`). */
export const withResolvedArtifacts = <T extends { artifacts: ArtifactRecord[] }>(root: string | null, t: T): T => ({
  ...t,
  artifacts: t.artifacts.map((a) => ({ ...a, path: resolvedPath(root, a.path) })),
});
