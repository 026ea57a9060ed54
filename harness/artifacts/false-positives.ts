/**
 * A trial's false-positive list, `false-positives.csv` (kind `false-positives`): each normal test
 * sequence at or above the threshold, in the order given (highest score first), with its top positive
 * SHAP contributions and the Drain templates no normal training sequence has.
 * Columns: seq_id, score, threshold, top_features (`name (+shap)`, `; `-separated), unique_templates
 * (` | `-separated).
 */
import { csvDocument, readCsvRows } from './csv.ts';
import { type ArtifactRow, writeArtifact } from './file.ts';

/** One false positive as the sweep knows it. */
export interface FalsePositive {
  seqId: string;
  score: number;
  /** Its largest positive SHAP contributions, largest first (empty when it was not explained). */
  topFeatures: readonly { feature: string; shap: number }[];
  /** Texts of its templates that no normal training sequence has (empty without templates). */
  uniqueTemplates: readonly string[];
}

/** One line of the file as the report shows it: the list cells as written. */
export interface FalsePositiveLine {
  seqId: string;
  score: number;
  threshold: number;
  topFeatures: string;
  uniqueTemplates: string;
}

const HEADER = ['seq_id', 'score', 'threshold', 'top_features', 'unique_templates'] as const;

export function writeFalsePositives(dir: string, threshold: number, rows: readonly FalsePositive[]): ArtifactRow {
  const lines = rows.map((r) => [
    r.seqId,
    r.score,
    threshold,
    r.topFeatures.map((f) => `${f.feature} (+${f.shap.toPrecision(3)})`).join('; '),
    r.uniqueTemplates.join(' | '),
  ]);
  return writeArtifact(dir, 'false-positives.csv', 'false-positives', csvDocument(HEADER, lines));
}

export function readFalsePositives(a: ArtifactRow): FalsePositiveLine[] {
  return readCsvRows(a).map(([seqId = '', score = '', threshold = '', topFeatures = '', uniqueTemplates = '']) => ({
    seqId,
    score: Number(score),
    threshold: Number(threshold),
    topFeatures,
    uniqueTemplates,
  }));
}
