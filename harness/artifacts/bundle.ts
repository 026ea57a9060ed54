/**
 * A trial as a self-contained folder (`bench export <trial> --format bundle`), to score new logs
 * without the database or the cache:
 * - `model.json`: the trial's model artifact, byte for byte;
 * - `feature-space.json`: the vectorizers fit on the trial's training part, their column names, the
 *   feature-set name and the recipe that made its tokens (models/vectorize `featureSpaceFileText`);
 * - `threshold.json`: the decision threshold, chosen on validation when the trial ran;
 * - `bundle.json`: what the trial was (variant, params, experiment, dataset, split, training rows,
 *   metrics per part, git commit, lo2-bench version) and the sha256 of each file above.
 * Nothing in it depends on when it was written: two exports of one trial are the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Detector, loadDetector, parseFeatureSpaceFile, type SavedFeatureSpace } from '../../models/index.ts';
import type { Part, SequenceScope } from '../../splits/index.ts';
import { BenchError } from '../errors/index.ts';
import { writeArtifact } from './file.ts';

/** The metadata file; it lists the others with their sha256. */
export const BUNDLE_META = 'bundle.json';
/** The files `bundle.json` vouches for. */
export const BUNDLE_FILES = ['model.json', 'feature-space.json', 'threshold.json'] as const;

/** The trial's decision rule: flagged = score ≥ threshold. */
export interface BundleThreshold {
  threshold: number;
  /** The part the threshold was chosen on. */
  chosenOn: 'val';
  /** The experiment's threshold options (the trial's params). */
  rule: unknown;
}

/** What the trial was; `bundle.json` holds this plus the files' sha256. */
export interface BundleInfo {
  /** The lo2-bench version that exported the bundle. */
  lo2Bench: string;
  trial: { id: number; variant: string; featureSet: string; seed: number; params: unknown; key: string };
  /** The experiment that computed the trial; `config` is null when its file was changed and rerun since. */
  experiment: { name: string; file: string | null; config: unknown };
  dataset: { hash: string; source: string; nRuns: number; nSequences: number; nEvents: number };
  split: {
    seed: number;
    strategy: string;
    manifestHash: string;
    scope: SequenceScope;
    runs: Record<Part, number>;
    sequences: Record<Part, number>;
  };
  /** Training sequences, and the rows the model learned from (normal ones only for `trainsOn: 'normal'`). */
  training: { sequences: number; anomalies: number; rows: number; trainsOn: string };
  metrics: Record<Part, Record<string, number | null>>;
  /** The sweep's environment: git commit and whether the tree had uncommitted changes. */
  git: { commit: string | null; dirty: boolean | null };
}

export interface BundleMeta extends BundleInfo {
  kind: 'lo2-bench-bundle';
  version: 1;
  /** File name → sha256 of its bytes. */
  files: Record<(typeof BUNDLE_FILES)[number], string>;
}

/** A bundle's contents before they are files. */
export interface BundleContents {
  info: BundleInfo;
  /** The model artifact's bytes. */
  model: Uint8Array;
  /** `featureSpaceFileText` of the trial's fitted space. */
  space: string;
  threshold: BundleThreshold;
}

/** A bundle ready to score: the same objects whether read from a folder or built from a trial. */
export interface LoadedBundle {
  meta: BundleMeta;
  detector: Detector;
  space: SavedFeatureSpace;
  threshold: BundleThreshold;
}

const KIND = 'lo2-bench-bundle';
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** JSON with every object's keys sorted and two-space indents: the same value, the same bytes. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sort(o[k])]),
    );
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** The files' bytes, `bundle.json` last. */
function bundleFiles(c: BundleContents): [string, Uint8Array | string][] {
  const files: [(typeof BUNDLE_FILES)[number], Uint8Array | string][] = [
    ['model.json', c.model],
    ['feature-space.json', c.space],
    ['threshold.json', canonicalJson(c.threshold)],
  ];
  const meta: BundleMeta = {
    kind: KIND,
    version: 1,
    ...c.info,
    files: Object.fromEntries(files.map(([name, bytes]) => [name, sha256(bytes)])) as BundleMeta['files'],
  };
  return [...files, [BUNDLE_META, canonicalJson(meta)]];
}

/**
 * Writes the bundle into `dir` (each file atomically, `bundle.json` last, so a folder with it is
 * complete) and returns the file names.
 */
export function writeBundle(dir: string, c: BundleContents): string[] {
  const files = bundleFiles(c);
  for (const [name, bytes] of files) writeArtifact(dir, name, 'bundle', bytes);
  return files.map(([name]) => name);
}

/** Parses a bundle's files (already checked) into a scorer; errors name the bundle and the file. */
function parseBundle(where: string, files: ReadonlyMap<string, Buffer | string>): LoadedBundle {
  const text = (name: string) => {
    const b = files.get(name)!;
    return typeof b === 'string' ? b : b.toString('utf8');
  };
  const parse = <T>(name: string, f: (s: string) => T): T => {
    try {
      return f(text(name));
    } catch (err) {
      throw new BenchError('data', `bundle ${where}: ${name} cannot be read: ${(err as Error).message}`, {
        file: join(where, name),
        hint: 'export the bundle again with `bench export <trial> --format bundle`',
      });
    }
  };
  const meta = parse(BUNDLE_META, (s) => JSON.parse(s) as BundleMeta);
  const threshold = parse('threshold.json', (s) => {
    const t = JSON.parse(s) as BundleThreshold;
    if (typeof t.threshold !== 'number') throw new TypeError('threshold must be a number');
    return t;
  });
  return {
    meta,
    detector: parse('model.json', (s) => loadDetector(JSON.parse(s))),
    space: parse('feature-space.json', parseFeatureSpaceFile),
    threshold,
  };
}

/** The bundle a trial would export, loaded without writing it: scores exactly as `readBundle` of its export. */
export function loadBundle(c: BundleContents): LoadedBundle {
  const files = bundleFiles(c).map(([n, b]): [string, Buffer | string] => [
    n,
    typeof b === 'string' ? b : Buffer.from(b),
  ]);
  return parseBundle(`of trial ${c.info.trial.id}`, new Map(files));
}

/**
 * Reads a bundle folder: every file `bundle.json` lists must be there with the sha256 it records
 * (a named error otherwise), then the model, feature space and threshold are restored.
 */
export function readBundle(dir: string): LoadedBundle {
  const hint = 'export the bundle again with `bench export <trial> --format bundle`';
  const metaPath = join(dir, BUNDLE_META);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new BenchError('data', `bundle folder not found: ${dir}`, { file: dir, hint });
  }
  let metaBytes: Buffer;
  try {
    metaBytes = readFileSync(metaPath);
  } catch {
    throw new BenchError('data', `${dir} is not a bundle: it has no ${BUNDLE_META}`, { file: metaPath, hint });
  }
  let meta: Partial<BundleMeta>;
  try {
    meta = JSON.parse(metaBytes.toString('utf8')) as Partial<BundleMeta>;
  } catch (err) {
    throw new BenchError('data', `bundle ${dir}: ${BUNDLE_META} is not JSON (${(err as Error).message})`, {
      file: metaPath,
      hint,
    });
  }
  if (meta.kind !== KIND || meta.version !== 1 || typeof meta.files !== 'object' || meta.files === null) {
    throw new BenchError('data', `bundle ${dir}: ${BUNDLE_META} is not a version-1 lo2-bench bundle`, {
      file: metaPath,
      hint,
    });
  }
  const files = new Map<string, Buffer>([[BUNDLE_META, metaBytes]]);
  for (const name of BUNDLE_FILES) {
    const path = join(dir, name);
    const expected = meta.files[name];
    if (typeof expected !== 'string') {
      throw new BenchError('data', `bundle ${dir}: ${BUNDLE_META} lists no sha256 for ${name}`, {
        file: metaPath,
        hint,
      });
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new BenchError('data', `bundle ${dir}: ${name} is missing`, { file: path, hint });
    }
    if (sha256(bytes) !== expected) {
      throw new BenchError('data', `bundle ${dir}: ${name} changed since it was exported (sha256 differs)`, {
        file: path,
        hint,
      });
    }
    files.set(name, bytes);
  }
  return parseBundle(dir, files);
}
