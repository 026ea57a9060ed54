/**
 * One trial file on disk: written atomically and registered with its sha256, read back only if the
 * bytes are still the ones the trial wrote (a later trial may reuse the folder).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors/index.ts';

/** A written trial file as the store records it: its kind (what it holds), path and sha256. */
export interface ArtifactRow {
  kind: string;
  path: string;
  sha256: string;
}

/** Writes `bytes` to `dir/name` atomically (temp name + rename) and returns its artifact row. */
export function writeArtifact(dir: string, name: string, kind: string, bytes: Uint8Array | string): ArtifactRow {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
  } catch (err) {
    // A write cut short (a full disk) leaves no partial file taking the space.
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, path);
  return { kind, path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The bytes of an artifact, checked against the sha256 the trial recorded. */
export function readArtifact(a: ArtifactRow): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(a.path);
  } catch (err) {
    throw new BenchError('io', `cannot read ${a.kind} ${a.path}: ${(err as Error).message}`, {
      file: a.path,
      hint: 'the artifacts folder was moved or cleaned; rerun the trial with `bench run --fresh`',
    });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== a.sha256) {
    throw new BenchError('data', `${a.kind} ${a.path} changed since the trial wrote it (sha256 differs)`, {
      file: a.path,
      hint: 'a later trial may have reused the folder; rerun the trial with `bench run --fresh`',
    });
  }
  return bytes;
}

/** A JSON artifact, parsed (its shape is the caller's claim: see the typed readers). */
export function readJsonArtifact<T>(a: ArtifactRow): T {
  return JSON.parse(readArtifact(a).toString('utf8')) as T;
}
