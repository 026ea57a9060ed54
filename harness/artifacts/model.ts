/** A trial's fitted model, `model.json` (kind `model`): the detector's `toJSON()`, restorable by `readModel`. */
import { type Detector, loadDetector } from '../../models/index.ts';
import { type ArtifactRow, readJsonArtifact, writeArtifact } from './file.ts';

export function writeModel(dir: string, detector: Detector): ArtifactRow {
  return writeArtifact(dir, 'model.json', 'model', JSON.stringify(detector.toJSON()));
}

/** The fitted detector of a model artifact (its sha256 checked): scores as the trial's did. */
export function readModel(artifact: ArtifactRow): Detector {
  return loadDetector(readJsonArtifact(artifact));
}
