/**
 * A trial's predictions, `predictions.arrow` (kind `predictions`, Arrow IPC file): every sequence of
 * train, val and test with its score, label and decision at the trial's threshold (chosen on
 * validation). Columns: seq_id, part, run, test_case, service, anomaly (label), score, predicted.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { PARTS, type Part } from '../../splits/index.ts';
import { arrowToParquet } from '../data/index.ts';
import { BenchError } from '../errors/index.ts';
import { artifactTable } from './arrow-table.ts';
import { csvDocument } from './csv.ts';
import { type ArtifactRow, readArtifact, writeArtifact } from './file.ts';

/** The file's columns, in order. */
const PREDICTION_COLUMNS = ['seq_id', 'part', 'run', 'test_case', 'service', 'anomaly', 'score', 'predicted'] as const;

/** One part's sequences as the predictions file lists them. */
export interface PredictionPart {
  seqIds: readonly string[];
  runs: readonly string[];
  testCases: readonly string[];
  services: readonly string[];
  labels: Uint8Array;
  scores: Float64Array;
}

/** Writes `predictions.arrow` into `dir`: the parts in PARTS order, predicted = score ≥ threshold. */
export function writePredictions(dir: string, parts: Record<Part, PredictionPart>, threshold: number): ArtifactRow {
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
  const bytes = tableToIPC(artifactTable({ ...cols, anomaly, score, predicted }), 'file');
  return writeArtifact(dir, 'predictions.arrow', 'predictions', bytes);
}

/** The predictions file's columns, one entry per sequence in file order. */
export interface Predictions {
  seqId: string[];
  part: string[];
  run: string[];
  testCase: string[];
  service: string[];
  anomaly: Uint8Array;
  score: Float64Array;
  predicted: Uint8Array;
}

/** Reads a predictions artifact, checking it is the file the trial wrote (its sha256). */
export function readPredictions(artifact: ArtifactRow): Predictions {
  const t = tableFromIPC(readArtifact(artifact));
  const col = (name: string) => {
    const c = t.getChild(name);
    if (!c)
      throw new BenchError('data', `predictions ${artifact.path} have no column '${name}'`, { file: artifact.path });
    return c;
  };
  const strings = (name: string) => Array.from(col(name), (v) => String(v));
  return {
    seqId: strings('seq_id'),
    part: strings('part'),
    run: strings('run'),
    testCase: strings('test_case'),
    service: strings('service'),
    anomaly: Uint8Array.from(col('anomaly'), Number),
    score: Float64Array.from(col('score'), Number),
    predicted: Uint8Array.from(col('predicted'), Number),
  };
}

/** Rows of one part, in file order. */
export function rowsOf(p: Predictions, part: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.part.length; i++) if (p.part[i] === part) out.push(i);
  return out;
}

/** Formats `exportPredictions` writes: the Arrow file as it is, or a Parquet or CSV copy. */
export const PREDICTION_EXPORT_FORMATS = ['arrow', 'parquet', 'csv'] as const;
export type PredictionExportFormat = (typeof PREDICTION_EXPORT_FORMATS)[number];

/**
 * Writes a copy of a predictions artifact into `dir` as `predictions.<format>` (after checking its
 * sha256) and returns the file's name. The CSV has the Arrow file's columns and rows.
 */
export function exportPredictions(artifact: ArtifactRow, format: PredictionExportFormat, dir: string): string {
  const p = readPredictions(artifact);
  const name = `predictions.${format}`;
  const target = join(dir, name);
  if (format === 'arrow') copyFileSync(artifact.path, target);
  else if (format === 'parquet') arrowToParquet(artifact.path, target);
  else {
    const rows = p.seqId.map((s, i) => [
      s,
      p.part[i]!,
      p.run[i]!,
      p.testCase[i]!,
      p.service[i]!,
      p.anomaly[i]!,
      p.score[i]!,
      p.predicted[i]!,
    ]);
    writeFileSync(target, csvDocument(PREDICTION_COLUMNS, rows));
  }
  return name;
}
