/**
 * Feature matrices in the content-addressed cache: one folder per (ingest, split manifest, feature
 * set, vectorizer code), built by the first sweep that needs it and reused by every later one — a
 * rerun with `--fresh`, another experiment over the same splits. Building them is the main thread's
 * largest job in a sweep, and it competes with the pool workers for the cores while they run
 * trials (docs/PERFORMANCE.md). The key holds the hash of the code that turns an ingest and a
 * split into matrices, so changed code never reads matrices an older version wrote.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedFeatureSpaceOptions } from '../../models/index.ts';
import { isDefaultScope, PARTS, type SequenceScope } from '../../splits/index.ts';
import { hashKey, sourceHash } from '../data/index.ts';
import { type MatrixFiles, matrixFiles, type SplitMatrices, writeMatrices } from './matrices.ts';

/** Not in matrices.ts: pool workers load that module from a bundle, where these paths do not exist. */
const MATRIX_CODE_VERSION = sourceHash(
  [
    '../../models/vectorize/',
    '../../splits/',
    './matrices.ts',
    './matrix-file.ts',
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
}

function matrixDir(cacheDir: string, key: MatrixKey): string {
  const { scope, ...rest } = key;
  return join(
    cacheDir,
    'matrices',
    hashKey({ ...rest, ...(!isDefaultScope(scope) && { scope }), code: MATRIX_CODE_VERSION }),
  );
}

/**
 * The matrix files of `key`, built with `build` unless a complete set is already cached.
 * `features.txt` is renamed into place after the part files, so it marks a complete set.
 */
export function cachedMatrices(
  cacheDir: string,
  key: MatrixKey,
  build: () => SplitMatrices,
): { files: MatrixFiles; cacheHit: boolean } {
  const dir = matrixDir(cacheDir, key);
  const files = matrixFiles(dir);
  if (existsSync(files.features) && PARTS.every((p) => existsSync(files.parts[p]))) return { files, cacheHit: true };
  return { files: writeMatrices(dir, build()), cacheHit: false };
}
