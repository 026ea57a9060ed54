/**
 * A trial's files under `<artifacts>/<trial id>/`, each registered in SQLite with its sha256 so a
 * report can tell a file from a later overwrite: the predictions (every sequence of every part with
 * its score, label and decision at the trial's threshold) and the fitted model.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { PARTS, type Part } from '../../splits/index.ts';

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
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return { kind, path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** One part's sequences as the predictions file lists them. */
export interface PredictionPart {
  seqIds: readonly string[];
  runs: readonly string[];
  testCases: readonly string[];
  services: readonly string[];
  labels: Uint8Array;
  scores: Float64Array;
}

/**
 * The predictions table (Arrow IPC): seq_id, part, run, test_case, service, anomaly (label),
 * score, predicted (score ≥ threshold, the threshold chosen on validation).
 */
export function predictionsArrow(parts: Record<Part, PredictionPart>, threshold: number): Uint8Array {
  const n = PARTS.reduce((s, p) => s + parts[p].labels.length, 0);
  const str = () => new Array<string>(n);
  const cols = { seq_id: str(), part: str(), run: str(), test_case: str(), service: str() };
  const anomaly = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  const score = new Float64Array(n);
  let i = 0;
  for (const p of PARTS) {
    const x = parts[p];
    for (let j = 0; j < x.labels.length; j++, i++) {
      cols.seq_id[i] = x.seqIds[j]!;
      cols.part[i] = p;
      cols.run[i] = x.runs[j]!;
      cols.test_case[i] = x.testCases[j]!;
      cols.service[i] = x.services[j]!;
      anomaly[i] = x.labels[j]!;
      score[i] = x.scores[j]!;
      predicted[i] = x.scores[j]! >= threshold ? 1 : 0;
    }
  }
  return tableToIPC(tableFromArrays({ ...cols, anomaly, score, predicted }), 'file');
}

/** One CSV line (RFC 4180: cells with a comma, quote or line break are quoted). */
export function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((v) => {
      const s = String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(',');
}
