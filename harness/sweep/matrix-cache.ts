/**
 * Feature matrices in the content-addressed cache: one folder per (ingest, split manifest, feature
 * set, vectorizer options, level and event labels, code), built by the first sweep that needs it and reused by every later one — a
 * rerun with `--fresh`, another experiment over the same splits. Building them is the main thread's
 * largest job in a sweep, and it competes with the pool workers for the cores while they run
 * trials (docs/PERFORMANCE.md). The key holds the hash of the code that turns an ingest and a
 * split into matrices, so changed code never reads matrices an older version wrote. Each folder's
 * manifest, written last, records the sha256 of its files by name (nothing in it says where the
 * folder lives); every use checks them, and a set changed or lost since is rebuilt, never used.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Level, ResolvedFeatureSpaceOptions } from '../../models/index.ts';
import { isDefaultScope, PARTS, type SequenceScope } from '../../splits/index.ts';
import { checkDigests, digestFiles, hashKey, pidAlive, STALE_TEMP_MS, sourceHash, writeNotice } from '../data/index.ts';
import type { EventLabels } from '../experiment/index.ts';
import { type MatrixFiles, matrixFiles, type SplitMatrices, writeMatrices } from './matrices.ts';

/** Not in matrices.ts: pool workers load that module from a bundle, where these paths do not exist. */
const MATRIX_CODE_VERSION = sourceHash(
  [
    '../../models/vectorize/',
    '../../splits/',
    './matrices.ts',
    './matrix-file.ts',
    './event-matrices.ts',
    './event-inputs.ts',
    './scope.ts',
    '../data/read.ts',
    '../data/read-numeric.ts',
  ].map((p) => new URL(p, import.meta.url)),
);

export interface MatrixKey {
  /** The ingest's cache key. */
  dataset: string;
  /** The split manifest's hash. */
  split: string;
  featureSet: string;
  /** The feature space's options (a variant's vectorizer settings); absent = the defaults. */
  vectorizer?: ResolvedFeatureSpaceOptions;
  /** The sequences the matrices hold; the default (LogLead's) scope leaves the key as it was. */
  scope?: SequenceScope;
  /** A row per sequence (absent: the default) or per distinct event row. */
  level?: Level;
  /** Event level: the label each event row has (its sequence's, or the fault ground truth). */
  eventLabels?: EventLabels;
}

function matrixDir(cacheDir: string, key: MatrixKey): string {
  const { scope, level, eventLabels, ...rest } = key;
  return join(
    cacheDir,
    'matrices',
    hashKey({
      ...rest,
      ...(!isDefaultScope(scope) && { scope }),
      // Sequence matrices keep the key they had; event ones hash their level and labels.
      ...(level === 'event' && { level, eventLabels: eventLabels ?? 'sequence' }),
      code: MATRIX_CODE_VERSION,
    }),
  );
}

export interface MatrixCacheOptions {
  /**
   * Told, in one line naming the folder, when a cached set is incomplete or corrupt and is rebuilt.
   * @default writeNotice (a line on stderr)
   */
  onNotice?: (message: string) => void;
}

const MANIFEST = 'manifest.json';

/**
 * The matrix files of `key`, built with `build` unless a complete set whose files match their
 * recorded sha256 is already cached. The manifest is renamed into place after the files, so it
 * marks a complete set.
 */
export function cachedMatrices(
  cacheDir: string,
  key: MatrixKey,
  build: () => SplitMatrices,
  options: MatrixCacheOptions = {},
): { files: MatrixFiles; cacheHit: boolean } {
  const dir = matrixDir(cacheDir, key);
  const files = matrixFiles(dir, key.level);
  const problem = entryProblem(dir);
  if (problem === null) return { files, cacheHit: true };
  if (problem !== ABSENT)
    (options.onNotice ?? writeNotice)(`cache: matrices entry ${dir} is ${problem}; rebuilding it`);
  // The old manifest goes first: a rebuild stopped halfway must not leave it vouching for new files.
  rmSync(join(dir, MANIFEST), { force: true });
  removeStaleTemps(dir);
  writeMatrices(dir, build());
  const names = [
    ...PARTS.map((p) => files.parts[p]),
    ...(files.events ? PARTS.map((p) => files.events![p]) : []),
    files.features,
  ].map((f) => relative(dir, f));
  const tmp = join(dir, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ sha256: digestFiles(dir, names) }, null, 2));
  renameSync(tmp, join(dir, MANIFEST));
  return { files, cacheHit: false };
}

const ABSENT = 'absent';

/** Null for a complete set whose files match the manifest; else what is wrong (ABSENT: nothing there). */
function entryProblem(dir: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    const exists = statSync(dir, { throwIfNoEntry: false }) !== undefined;
    return exists ? 'incomplete (no manifest)' : ABSENT;
  }
  let digests: Record<string, string>;
  try {
    digests = (JSON.parse(text) as { sha256: Record<string, string> }).sha256;
    if (typeof digests !== 'object' || digests === null) throw new Error('no sha256');
  } catch {
    return 'incomplete (unreadable manifest)';
  }
  const problem = checkDigests(dir, digests);
  return problem === null ? null : `corrupt (${problem})`;
}

/**
 * Removes the temporary files (`<file>.<pid>.tmp`) a killed build left in `dir`: its process is
 * gone and it was last written more than STALE_TEMP_MS ago (a pid not alive here may be another
 * machine's, sharing the folder).
 */
function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const m = /\.(\d+)\.tmp$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs >= STALE_TEMP_MS) rmSync(path, { force: true });
  }
}
