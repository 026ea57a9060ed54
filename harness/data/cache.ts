/**
 * Content-addressed cache: an entry lives at `<root>/<kind>/<key>/` where key = sha256 of the
 * inputs' identity and options. An entry is built in a temporary sibling folder and renamed into
 * place with its manifest, so a crash never leaves a half-written entry that looks complete. The
 * manifest records the sha256 of the files it names, checked each time the entry is read: a file
 * changed or lost since is reported and the entry rebuilt, never used. Nothing in an entry names
 * where it lives, so a cache folder can be moved or copied whole.
 */
import { createHash } from 'node:crypto';
import { hashKey, stableStringify } from '../hash/index.ts';

export { hashKey, stableStringify };

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDigests, digestFiles } from './digest.ts';

const MANIFEST = 'manifest.json';

/**
 * Hash of the source code of a stage — files, or the `.ts` files directly in folders (URLs ending
 * in `/`), sorted — so that a cache entry is invalidated whenever the code that produced it
 * changes: no version constant to forget to bump.
 */
export function sourceHash(sources: readonly URL[]): string {
  const h = createHash('sha256');
  for (const source of sources) {
    const path = fileURLToPath(source);
    const files = source.href.endsWith('/')
      ? readdirSync(path)
          .filter((n) => n.endsWith('.ts'))
          .sort()
          .map((n) => join(path, n))
      : [path];
    for (const file of files) h.update(basename(file)).update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 16);
}

export interface CacheEntry {
  readonly key: string;
  /** Final folder of the entry. */
  readonly dir: string;
  /** Folder being written; becomes `dir` on commit. */
  readonly tmpDir: string;
  tmpPath(name: string): string;
  /**
   * The manifest of a complete entry whose files still match their recorded sha256, or null. An
   * entry that exists but is incomplete or corrupt is reported (`onNotice`) and replaced by the
   * next commit.
   */
  read<T>(): Promise<T | null>;
  /**
   * Writes the manifest, with the sha256 of the `digest` files, and moves the entry into place.
   * When another process committed the same key meanwhile, its copy (identical by construction) is
   * kept and this one dropped, unless `replace` (a forced rebuild) asks to swap it.
   */
  commit(manifest: unknown, options?: CommitOptions): Promise<void>;
  /** Replaces the manifest of a committed entry (e.g. after adding Parquet copies), digests again. */
  rewriteManifest(manifest: unknown, options?: Pick<CommitOptions, 'digest'>): Promise<void>;
  /** Removes the temporary folder after a failed or stopped build. */
  discard(): Promise<void>;
}

export interface CommitOptions {
  /** Swap a complete entry another process committed meanwhile. @default false */
  replace?: boolean;
  /** Files of the entry (names relative to it) whose sha256 the manifest records and every read checks. @default [] */
  digest?: readonly string[];
}

export interface CacheEntryOptions {
  /**
   * Told, in one line naming the entry, when an incomplete or corrupt entry is about to be rebuilt.
   * @default writeNotice (a line on stderr: whoever runs the build must hear of it)
   */
  onNotice?: (message: string) => void;
}

/** The default notice: one line on stderr, which stays out of a command's `--json` output. */
export function writeNotice(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The manifest's own field: the sha256 of the files it vouches for. Stripped before callers see the manifest. */
const DIGESTS = 'sha256';

/**
 * The manifest of a committed cache entry at `dir` (its digests stripped), after checking every file
 * it vouches for against its sha256; or what is wrong: no entry, no readable manifest, a changed or
 * missing file. For readers outside a build (export, score), which must not use a corrupt entry
 * and cannot rebuild it themselves.
 */
export function verifiedManifest<T>(dir: string): { manifest: T } | { problem: string } {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      problem: code === 'ENOENT' ? 'it is not in the cache' : `its manifest is unreadable (${(err as Error).message})`,
    };
  }
  const { [DIGESTS]: digests, ...rest } = manifest;
  const problem = checkDigests(dir, (digests ?? {}) as Record<string, string>);
  return problem === null ? { manifest: rest as T } : { problem: `it is corrupt (${problem})` };
}

/** A temporary folder `<key>.tmp-<pid>-<ms>` of a build. */
const TEMP_DIR = /^[0-9a-f]+\.tmp-(\d+)-(\d+)$/;

/**
 * How old a temporary folder of a dead process must be before it is removed: a pid that is not
 * alive here may belong to a live process of another machine or container sharing the folder,
 * whose build has only just started.
 */
export const STALE_TEMP_MS = 60_000;

/** Whether a process with this pid runs on this machine (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary folders in `kindDir` left by builds whose process died (killed, crashed)
 * more than STALE_TEMP_MS ago; a folder of a live process is its build in progress.
 */
async function removeStaleTemps(kindDir: string, now = Date.now()): Promise<void> {
  const names = await readdir(kindDir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const m = TEMP_DIR.exec(name);
      if (!m) return;
      const pid = Number(m[1]);
      if (now - Number(m[2]) < STALE_TEMP_MS || pidAlive(pid)) return;
      await rm(join(kindDir, name), { recursive: true, force: true });
    }),
  );
}

export async function openCacheEntry(
  root: string,
  kind: string,
  inputs: unknown,
  options: CacheEntryOptions = {},
): Promise<CacheEntry> {
  const key = hashKey(inputs);
  const kindDir = resolve(root, kind);
  const dir = join(kindDir, key);
  const tmpDir = `${dir}.tmp-${process.pid}-${Date.now()}`;
  // Created on first use (sinks open files synchronously), so a cache hit leaves nothing behind.
  let created = false;
  const ensureTmp = () => {
    if (!created) mkdirSync(tmpDir, { recursive: true });
    created = true;
  };
  await mkdir(kindDir, { recursive: true });
  await removeStaleTemps(kindDir);
  /** Set when read() found the entry incomplete or corrupt: the next commit replaces it. */
  let rejected = false;
  const notice = options.onNotice ?? writeNotice;
  async function readManifest(): Promise<Record<string, unknown> | null> {
    try {
      return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Record<string, unknown>;
    } catch {
      return null; // absent or unreadable manifest: the entry is not complete, rebuild it
    }
  }
  const withDigests = (manifest: unknown, from: string, names: readonly string[] = []) =>
    JSON.stringify({ ...(manifest as object), [DIGESTS]: digestFiles(from, names) }, null, 2);
  return {
    key,
    dir,
    tmpDir,
    tmpPath(name) {
      ensureTmp();
      return join(tmpDir, name);
    },
    async read<T>() {
      const manifest = await readManifest();
      if (manifest === null) {
        // A folder without its manifest is what a build of an older version left when it died.
        const exists = await readdir(dir).then(
          () => true,
          () => false,
        );
        if (exists) {
          rejected = true;
          notice(`cache: ${kind} entry ${dir} is incomplete (no readable manifest); rebuilding it`);
        }
        return null;
      }
      const { [DIGESTS]: digests, ...rest } = manifest;
      const problem = checkDigests(dir, (digests ?? {}) as Record<string, string>);
      if (problem !== null) {
        rejected = true;
        notice(`cache: ${kind} entry ${dir} is corrupt (${problem}); rebuilding it`);
        return null;
      }
      return rest as T;
    },
    async commit(manifest, commitOptions = {}) {
      ensureTmp();
      await writeFile(join(tmpDir, MANIFEST), withDigests(manifest, tmpDir, commitOptions.digest));
      // An incomplete or corrupt folder is always replaced; a complete one only on request, so a
      // concurrent reader of it never sees it vanish.
      if (commitOptions.replace || rejected || (await readManifest()) === null) {
        await rm(dir, { recursive: true, force: true });
      }
      try {
        await rename(tmpDir, dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        await rm(tmpDir, { recursive: true, force: true });
      }
      rejected = false;
    },
    async rewriteManifest(manifest, rewriteOptions = {}) {
      const tmp = join(dir, `${MANIFEST}.${process.pid}.tmp`);
      await writeFile(tmp, withDigests(manifest, dir, rewriteOptions.digest));
      await rename(tmp, join(dir, MANIFEST));
    },
    async discard() {
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}
