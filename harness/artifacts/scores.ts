/**
 * The sequences `bench score` scored, written to a file the user names (`--out`): Parquet or CSV by
 * its extension. Columns: seq_id, run, test_case, service, anomaly (the tree's label), score,
 * threshold, flagged (score ≥ threshold), unseen_tokens (tokens that are no column of the trial's
 * feature space), top_features (`feature=importance` joined with `; `, flagged sequences only).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { arrowToParquet } from '../data/index.ts';
import { usageError } from '../errors/index.ts';
import { artifactTable } from './arrow-table.ts';
import { csvDocument } from './csv.ts';

/**
 * A feature of a flagged sequence: its value in the sequence and how much it pushes the score up,
 * measured as the scorer's method says (a SHAP contribution, weight × value, or value × idf).
 */
export interface TopFeature {
  feature: string;
  value: number;
  importance: number;
}

/** One scored sequence of a new tree. */
export interface ScoredSequence {
  seqId: string;
  run: string;
  testCase: string;
  service: string;
  /** The tree's label (its test case), for reading the flags against. */
  anomaly: boolean;
  score: number;
  flagged: boolean;
  unseenTokens: number;
  /** Empty for sequences that are not flagged. */
  topFeatures: TopFeature[];
}

/** The extensions `writeScores` understands. */
export const SCORE_FILE_FORMATS = ['parquet', 'csv'] as const;
export type ScoreFileFormat = (typeof SCORE_FILE_FORMATS)[number];

const COLUMNS = [
  'seq_id',
  'run',
  'test_case',
  'service',
  'anomaly',
  'score',
  'threshold',
  'flagged',
  'unseen_tokens',
  'top_features',
] as const;

/** The format a file name asks for; a usage error for any other extension. */
export function scoreFileFormat(path: string): ScoreFileFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if ((SCORE_FILE_FORMATS as readonly string[]).includes(ext)) return ext as ScoreFileFormat;
  throw usageError(`--out ${path}: unknown file type '${extname(path) || '(none)'}'`, {
    field: 'out',
    hint: `name a .${SCORE_FILE_FORMATS.join(' or .')} file`,
  });
}

const featureText = (f: readonly TopFeature[]) => f.map((x) => `${x.feature}=${x.importance}`).join('; ');

/** Writes the rows to `path` (Parquet or CSV by extension); returns the format written. */
export function writeScores(path: string, rows: readonly ScoredSequence[], threshold: number): ScoreFileFormat {
  const format = scoreFileFormat(path);
  if (format === 'csv') {
    writeFileSync(
      path,
      csvDocument(
        COLUMNS,
        rows.map((r) => [
          r.seqId,
          r.run,
          r.testCase,
          r.service,
          r.anomaly ? 1 : 0,
          r.score,
          threshold,
          r.flagged ? 1 : 0,
          r.unseenTokens,
          featureText(r.topFeatures),
        ]),
      ),
    );
    return format;
  }
  const table = artifactTable({
    seq_id: rows.map((r) => r.seqId),
    run: rows.map((r) => r.run),
    test_case: rows.map((r) => r.testCase),
    service: rows.map((r) => r.service),
    anomaly: Uint8Array.from(rows, (r) => (r.anomaly ? 1 : 0)),
    score: Float64Array.from(rows, (r) => r.score),
    threshold: Float64Array.from(rows, () => threshold),
    flagged: Uint8Array.from(rows, (r) => (r.flagged ? 1 : 0)),
    unseen_tokens: Int32Array.from(rows, (r) => r.unseenTokens),
    top_features: rows.map((r) => featureText(r.topFeatures)),
  });
  // The Parquet writer converts from an Arrow file: written beside the target, then removed.
  const arrow = `${path}.${process.pid}.arrow`;
  try {
    writeFileSync(arrow, tableToIPC(table, 'file'));
    arrowToParquet(arrow, path);
  } finally {
    rmSync(arrow, { force: true });
  }
  return format;
}
