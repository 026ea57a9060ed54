/**
 * What the entries of a folder of an LO2 tree are, symlinks followed: the listing discovery builds
 * on. A symlink counts as what it points to, inside the tree or outside; one that points nowhere, or
 * round in a loop, is `broken` with the reason, so the tree's report can name it instead of the
 * listing failing or looping. Nothing here opens a file: a FIFO or a device is only looked at.
 */
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { dataError } from '../../errors/index.ts';

export type Entry =
  | { type: 'dir' | 'file'; name: string; path: string }
  /** A FIFO, socket or device: `what` says which ("a FIFO"). */
  | { type: 'special'; name: string; path: string; what: string }
  /** A symlink that leads nowhere readable. */
  | { type: 'broken'; name: string; path: string; reason: string };

/** What a non-regular, non-directory file is, for messages ("a FIFO"). */
export function specialKind(s: Stats | Dirent): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isDirectory()) return 'a directory';
  return 'not a file';
}

/** A folder or file the listing cannot read, as an error that names it. */
export function unreadable(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return dataError(`cannot read ${path} while listing the dataset: ${code ?? (err as Error).message}`, {
    file: path,
    hint:
      code === 'EACCES' || code === 'EPERM'
        ? 'give the user running bench read and search permission on it (chmod -R a+rX)'
        : 'check that it still exists and is readable',
  });
}

/**
 * The entries of `dir`, sorted by name. Entries that are not symlinks take their type from the
 * listing itself (no system call each: a tree has hundreds of thousands of logs); symlinks are
 * followed with one `stat`. Throws a data error naming `dir` when it cannot be listed.
 */
export function listEntries(dir: string): Entry[] {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(dir, err);
  }
  return dirents.map((d) => entryOf(dir, d)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function entryOf(dir: string, d: Dirent): Entry {
  const name = d.name;
  const path = join(dir, name);
  if (!d.isSymbolicLink()) {
    if (d.isDirectory()) return { type: 'dir', name, path };
    if (d.isFile()) return { type: 'file', name, path };
    return { type: 'special', name, path, what: specialKind(d) };
  }
  let target: Stats;
  try {
    target = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'dangling symlink (its target does not exist)'
        : code === 'ELOOP'
          ? 'symlink loop'
          : `symlink whose target cannot be reached (${code ?? (err as Error).message})`;
    return { type: 'broken', name, path, reason };
  }
  if (target.isFile()) return { type: 'file', name, path };
  if (!target.isDirectory()) return { type: 'special', name, path, what: specialKind(target) };
  // A link to the folder it sits in, or to one above it, would list the tree again inside itself.
  if (pointsAbove(path)) return { type: 'broken', name, path, reason: 'symlink loop (to a folder above it)' };
  return { type: 'dir', name, path };
}

/** Whether the folder symlink `path` leads to its own folder or one of that folder's ancestors. */
function pointsAbove(path: string): boolean {
  try {
    const target = realpathSync(path);
    const here = realpathSync(dirname(path));
    return here === target || here.startsWith(target.endsWith(sep) ? target : target + sep);
  } catch {
    return false;
  }
}
