/**
 * Readers of a trial's explanation files (written by harness/sweep/explain.ts): the SHAP summary
 * (`shap.csv`: feature, mean_abs, mean — largest mean |SHAP| first) and the JSON documents
 * (`shap-points.json`, `nearest-normal.json`, `false-positives.json`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BenchError } from '../harness/errors/index.ts';
import type { ArtifactRecord } from '../harness/store/index.ts';

/** The bytes of an artifact, checked against the sha256 the trial recorded. */
export function readArtifact(a: ArtifactRecord): Buffer {
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

/** Splits one CSV line (RFC 4180 quoting). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

export function readShapSummary(a: ArtifactRecord): { feature: string; meanAbs: number; mean: number }[] {
  const lines = readArtifact(a)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  return lines.slice(1).map((l) => {
    const [feature, meanAbs, mean] = parseCsvLine(l);
    return { feature: feature ?? '', meanAbs: Number(meanAbs), mean: Number(mean) };
  });
}

export function readJsonArtifact<T>(a: ArtifactRecord): T {
  return JSON.parse(readArtifact(a).toString('utf8')) as T;
}
