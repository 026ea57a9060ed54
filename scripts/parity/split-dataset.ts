/**
 * The setup the parity and scale scripts share: a synthetic preset (generated and ingested once
 * into the cache), one random-runs split, and feature matrices fit on its training part.
 */
import { join } from 'node:path';
import { benchHome } from '../../harness/cli/paths.ts';
import { ingest, materializeDataset } from '../../harness/data/index.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { type CsrMatrix, FeatureSpace, readFeatureSource } from '../../models/index.ts';
import { assign, makeSplit, PARTS, type Part, type SplitAssignment } from '../../splits/index.ts';

export interface SplitDataset {
  ingestDir: string;
  split: SplitAssignment;
  labelsOf(part: Part): Uint8Array;
  /** Matrices of every part for a feature set, vectorized on train, with their column names. */
  vectorize(featureSet: string): { matrices: Record<Part, CsrMatrix>; columnNames: readonly string[] };
}

export async function splitDataset(preset: 'tiny' | 'standard' | 'large', seed: number): Promise<SplitDataset> {
  const cacheDir = join(benchHome(), 'cache');
  const { root } = await materializeDataset({ source: 'synthetic', preset }, { cacheDir });
  const ingested = await ingest(root, { cacheDir });
  const meta = readSequenceMeta(ingested.dir);
  const split = assign(meta, makeSplit(meta, { seed }));
  return {
    ingestDir: ingested.dir,
    split,
    labelsOf: (p) => Uint8Array.from(split.parts[p], (s) => (s.anomaly ? 1 : 0)),
    vectorize(featureSet) {
      const space = FeatureSpace.fit(featureSet, readFeatureSource(ingested.dir, featureSet), split.parts.train);
      const matrices = Object.fromEntries(PARTS.map((p) => [p, space.transform(split.parts[p])])) as Record<
        Part,
        CsrMatrix
      >;
      return { matrices, columnNames: space.columnNames };
    },
  };
}
