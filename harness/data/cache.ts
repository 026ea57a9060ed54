/**
 * Content-addressed cache: an entry lives at `<root>/<kind>/<key>/` where key = sha256 of the
 * inputs' identity and options. An entry is built in a temporary sibling folder and renamed into
 * place with its manifest, so a crash never leaves a half-written entry that looks complete. The
 * manifest records the sha256 of the files it names, checked each time the entry is read: a file
 * changed or lost since is reported and the entry rebuilt, never used. Nothing in an entry names
 * where it lives, so a cache folder can be moved or copied whole.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDigests, digestFiles } from './digest.ts';

const MANIFEST = 'manifest.json';

/** Stable JSON: object keys sorted, so equal inputs hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashKey(inputs: unknown): string {
  return createHash('sha256').update(stableStringify(inputs)).digest('hex').slice(0, 32);
}

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
  /** The manifest of a complete entry, or null. */
  read<T>(): Promise<T | null>;
  /**
   * Writes the manifest and moves the entry into place. When another process committed the same
   * key meanwhile, its copy (identical by construction) is kept and this one dropped, unless
   * `replace` (a forced rebuild) asks to swap it.
   */
  commit(manifest: unknown, options?: { replace?: boolean }): Promise<void>;
  /** Replaces the manifest of a committed entry (e.g. after adding Parquet copies). */
  rewriteManifest(manifest: unknown): Promise<void>;
  /** Removes the temporary folder after a failed build. */
  discard(): Promise<void>;
}

export async function openCacheEntry(root: string, kind: string, inputs: unknown): Promise<CacheEntry> {
  const key = hashKey(inputs);
  const dir = resolve(root, kind, key);
  const tmpDir = `${dir}.tmp-${process.pid}-${Date.now()}`;
  // Created on first use (sinks open files synchronously), so a cache hit leaves nothing behind.
  let created = false;
  const ensureTmp = () => {
    if (!created) mkdirSync(tmpDir, { recursive: true });
    created = true;
  };
  await mkdir(resolve(root, kind), { recursive: true });
  async function readManifest<T>(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as T;
    } catch {
      return null; // absent or unreadable manifest: the entry is not complete, rebuild it
    }
  }
  return {
    key,
    dir,
    tmpDir,
    tmpPath(name) {
      ensureTmp();
      return join(tmpDir, name);
    },
    read: readManifest,
    async commit(manifest, options = {}) {
      ensureTmp();
      await writeFile(join(tmpDir, MANIFEST), JSON.stringify(manifest, null, 2));
      // An incomplete folder (no manifest: a crashed build) is always replaced; a complete one only
      // on request, so a concurrent reader of it never sees it vanish.
      if (options.replace || (await readManifest()) === null) await rm(dir, { recursive: true, force: true });
      try {
        await rename(tmpDir, dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        await rm(tmpDir, { recursive: true, force: true });
      }
    },
    async rewriteManifest(manifest) {
      await writeFile(join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
    },
    async discard() {
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}
