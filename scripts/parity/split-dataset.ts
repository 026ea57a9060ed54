/**
 * The setup the parity and scale scripts share: a synthetic preset (generated and ingested once
 * into the cache), one random-runs split made as a sweep makes it (over all runs, then the
 * sequences of the scope assigned to its parts), and feature matrices fit on its training part.
 * The scope defaults to the standard experiment's (`target-service` labels): under `case` labels an
 * error case's files of untouched services are anomalies by label only, and every detector's best
 * validation threshold flags nearly everything, which says nothing about parity.
 *
 * `eventMatrices` gives the same split's event-level rows as a sweep builds them
 * (harness/sweep/event-matrices.ts): each part's events collapsed to distinct (message, label) rows
 * with their counts, the vectorizers fit as on every training event, and the index back to events
 * and sequences.
 */
import { join } from 'node:path';
import { benchHome } from '../../harness/cli/paths.ts';
import { ingest, materializeDataset } from '../../harness/data/index.ts';
import { buildEventMatrices, type EventMatrices, eventSource } from '../../harness/sweep/event-matrices.ts';
import { IngestInputs } from '../../harness/sweep/index.ts';
import {
  type CsrMatrix,
  FeatureSpace,
  type FeatureSpaceOptions,
  type ResolvedFeatureSpaceOptions,
} from '../../models/index.ts';
import { assign, makeSplit, PARTS, type Part, type SequenceScope, type SplitAssignment } from '../../splits/index.ts';

export interface SplitDataset {
  ingestDir: string;
  split: SplitAssignment;
  labelsOf(part: Part): Uint8Array;
  /** Matrices of every part for a feature set (and a variant's vectorizer options), vectorized on train, with their column names. */
  vectorize(
    featureSet: string,
    options?: Partial<FeatureSpaceOptions>,
  ): { matrices: Record<Part, CsrMatrix>; columnNames: readonly string[] };
  /**
   * Event-level rows of every part for a token feature set (and a variant's vectorizer options), each
   * event labelled by its sequence.
   */
  eventMatrices(featureSet: string, options?: Partial<ResolvedFeatureSpaceOptions>): EventMatrices;
}

export async function splitDataset(
  preset: 'tiny' | 'standard' | 'large',
  seed: number,
  scope: SequenceScope = { labels: 'target-service', seqBy: 'file' },
): Promise<SplitDataset> {
  const cacheDir = join(benchHome(), 'cache');
  const { root } = await materializeDataset({ source: 'synthetic', preset }, { cacheDir });
  const ingested = await ingest(root, { cacheDir });
  const inputs = new IngestInputs(ingested.dir, scope);
  const split = assign(inputs.meta(), makeSplit(inputs.fileMeta(), { seed, scope }));
  return {
    ingestDir: ingested.dir,
    split,
    labelsOf: (p) => Uint8Array.from(split.parts[p], (s) => (s.anomaly ? 1 : 0)),
    vectorize(featureSet, options = {}) {
      const space = FeatureSpace.fit(featureSet, inputs.source(featureSet), split.parts.train, options);
      const matrices = Object.fromEntries(PARTS.map((p) => [p, space.transform(split.parts[p])])) as Record<
        Part,
        CsrMatrix
      >;
      return { matrices, columnNames: space.columnNames };
    },
    eventMatrices(featureSet, options = {}) {
      return buildEventMatrices(featureSet, eventSource(inputs, featureSet), split.parts, { vectorizer: options });
    },
  };
}
