/**
 * A trial's nearest-normal mapping, `nearest-normal.json` (kind `nearest-normal`): for each listed test
 * anomaly and false positive, the nearest normal training sequence in the model's feature space
 * (cosine), the features and Drain templates only in the flagged sequence and those only in its neighbour.
 */
import { type ArtifactRow, readJsonArtifact, writeArtifact } from './file.ts';

export interface FeatureValue {
  feature: string;
  value: number;
}

/** One listed test sequence and its nearest normal training sequence. */
export interface NearestNormalRow {
  seqId: string;
  anomaly: boolean;
  flagged: boolean;
  score: number;
  /** Its nearest normal training sequence, or null when there is none to compare with. */
  neighbour: string | null;
  /** Cosine similarity to the neighbour; null when undefined (an empty row). */
  similarity: number | null;
  featuresOnlyInSequence: FeatureValue[];
  featuresOnlyInNeighbour: FeatureValue[];
  /** Drain template texts only in one of the two; null without templates. */
  templates: { onlyInSequence: string[]; onlyInNeighbour: string[] } | null;
}

/** The document of `nearest-normal.json`. */
export interface NearestNormalMapping {
  /** Test sequences a reader asks "why?" about: anomalies and flagged ones. */
  asked: number;
  /** Of those, the ones listed (a seeded sample beyond the trial's row budget). */
  listed: number;
  threshold: number;
  rows: NearestNormalRow[];
}

const featureValues = (xs: readonly FeatureValue[]) => xs.map((x) => ({ feature: x.feature, value: x.value }));

export function writeNearestNormal(dir: string, m: NearestNormalMapping): ArtifactRow {
  // Built field by field: the file's key order is its format, whatever order the caller's objects have.
  const doc: NearestNormalMapping = {
    asked: m.asked,
    listed: m.listed,
    threshold: m.threshold,
    rows: m.rows.map((r) => ({
      seqId: r.seqId,
      anomaly: r.anomaly,
      flagged: r.flagged,
      score: r.score,
      neighbour: r.neighbour,
      similarity: r.similarity,
      featuresOnlyInSequence: featureValues(r.featuresOnlyInSequence),
      featuresOnlyInNeighbour: featureValues(r.featuresOnlyInNeighbour),
      templates: r.templates && {
        onlyInSequence: r.templates.onlyInSequence,
        onlyInNeighbour: r.templates.onlyInNeighbour,
      },
    })),
  };
  return writeArtifact(dir, 'nearest-normal.json', 'nearest-normal', JSON.stringify(doc));
}

/** The document of a `nearest-normal` artifact (a NaN score reads as null, as JSON wrote it). */
export function readNearestNormal(a: ArtifactRow): NearestNormalMapping {
  return readJsonArtifact<NearestNormalMapping>(a);
}
