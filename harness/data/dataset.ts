/**
 * Datasets an experiment names: a synthetic LO2 tree, generated once into the cache, or a real
 * LO2 tree on disk, read unchanged.
 */
import { readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { dataError } from '../errors/index.ts';
import { openCacheEntry, sourceHash } from './cache.ts';
import { generateSynth, resolveSynthOptions, type SynthOptions, type SynthSummary } from './synth/index.ts';

let synthCodeVersion: string | undefined;

/**
 * The generator's code identity: part of the synthetic cache key, so a code change regenerates.
 * Hashed on first use, not at import: importing the data room must not read its source folders.
 */
function synthCodeVersionOf(): string {
  synthCodeVersion ??= sourceHash([
    new URL('./synth/', import.meta.url),
    new URL('./lo2/constants.ts', import.meta.url),
  ]);
  return synthCodeVersion;
}

export type DatasetSpec =
  | ({ source: 'synthetic' } & Partial<Omit<SynthOptions, 'outDir'>>)
  | { source: 'lo2'; path: string };

export interface MaterializedDataset {
  root: string;
  /** True when this call generated the tree (false: cache hit or real data). */
  generated: boolean;
  synth?: SynthSummary;
}

export interface MaterializeOptions {
  /** Cache root; a synthetic tree goes to `<cacheDir>/synth/<key>/tree/`. */
  cacheDir: string;
  onProgress?: (done: number, total: number) => void;
  /** Stops a generation in progress (checked as files are done); its temporary folder is removed. */
  signal?: AbortSignal;
}

/**
 * The folder holding the dataset's runs, generating a synthetic tree if it is not cached yet. The
 * tree's path is computed from where the cache is now: nothing records it.
 */
export async function materializeDataset(spec: DatasetSpec, opts: MaterializeOptions): Promise<MaterializedDataset> {
  if (spec.source === 'lo2') {
    const st = await stat(spec.path).catch(() => null);
    if (!st?.isDirectory()) {
      throw dataError(`dataset folder not found: ${spec.path}`, {
        file: spec.path,
        field: 'dataset.path',
        hint: 'point dataset.path at the folder holding light-oauth2-data-<epoch>/ runs',
      });
    }
    return { root: spec.path, generated: false };
  }
  const { source: _source, ...partial } = spec;
  const resolved = resolveSynthOptions({ ...partial, outDir: '(cache)' }); // validated here, written below
  const { outDir: _outDir, ...identity } = resolved;
  const entry = await openCacheEntry(opts.cacheDir, 'synth', { code: synthCodeVersionOf(), ...identity });
  const root = join(entry.dir, 'tree');
  const cached = await entry.read<SynthSummary>();
  if (cached) return { root, generated: false, synth: cached };
  const { signal, onProgress } = opts;
  try {
    signal?.throwIfAborted();
    // The generator reports each batch of files done: the place to stop it between files.
    const progress = signal
      ? (done: number, total: number) => {
          signal.throwIfAborted();
          onProgress?.(done, total);
        }
      : onProgress;
    const summary = await generateSynth({ ...identity, outDir: entry.tmpPath('tree') }, progress);
    signal?.throwIfAborted();
    await pinModificationTimes(entry.tmpPath('tree'));
    await entry.commit(summary);
    return { root, generated: true, synth: summary };
  } catch (err) {
    await entry.discard();
    throw err;
  }
}

/**
 * The ingest's key hashes each file's modification time: a generated tree gets one fixed time, so
 * that machines generating the same tree (queue workers, each with its own cache) ingest it under
 * the same key and agree on the dataset's hash and the trials' keys.
 */
const GENERATED_MTIME = new Date('2000-01-01T00:00:00Z');

async function pinModificationTimes(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) await utimes(join(e.parentPath, e.name), GENERATED_MTIME, GENERATED_MTIME);
  }
}
