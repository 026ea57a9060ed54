/**
 * A tuned trial's grid search, `tuning.json` (kind `tuning`): the grid, every point's validation F1
 * and AUC-PR in grid order, and the index of the point the trial chose (harness/sweep/tune.ts).
 */
import type { TuningRecord } from '../experiment/index.ts';
import { type ArtifactRow, readJsonArtifact, writeArtifact } from './file.ts';

export function writeTuning(dir: string, tuning: TuningRecord): ArtifactRow {
  // NaN (a point whose validation part has one class) is not JSON: written as null.
  const points = tuning.points.map((p) => ({
    point: p.point,
    valF1: Number.isFinite(p.valF1) ? p.valF1 : null,
    valAucPr: Number.isFinite(p.valAucPr) ? p.valAucPr : null,
  }));
  return writeArtifact(dir, 'tuning.json', 'tuning', `${JSON.stringify({ ...tuning, points }, null, 1)}\n`);
}

/** The grid search of a tuning artifact (sha256 checked); a null score reads as NaN. */
export function readTuning(artifact: ArtifactRow): TuningRecord {
  const doc = readJsonArtifact<TuningRecord>(artifact);
  return {
    ...doc,
    points: doc.points.map((p) => ({ ...p, valF1: p.valF1 ?? Number.NaN, valAucPr: p.valAucPr ?? Number.NaN })),
  };
}
