/**
 * One split seed of a sweep: the split made over all runs of the ingest and stored, the sequences in
 * scope assigned to its parts, and the facts about them each trial's protocol needs.
 */
import { assign, makeSplit, PARTS, type Part, type SplitManifest } from '../../splits/index.ts';
import type { SequenceMeta } from '../data/index.ts';
import type { Experiment } from '../experiment/index.ts';
import type { Store } from '../store/index.ts';
import type { SweepPlan } from './plan.ts';
import type { PartFacts } from './trial.ts';

export interface PreparedSplit {
  seed: number;
  splitId: number;
  manifest: SplitManifest;
  /** The sequences in scope, per part: what the feature matrices are built from. */
  parts: Record<Part, SequenceMeta[]>;
  /** The same sequences' labels and slice keys, aligned with the matrices' rows. */
  facts: Record<Part, PartFacts>;
}

export async function prepareSplit(
  store: Store,
  datasetId: number,
  e: Experiment,
  plan: SweepPlan,
  seed: number,
): Promise<PreparedSplit> {
  // The split is made over all runs (fileMeta), so every scope of a dataset has the same runs per
  // part; the parts, matrices, audits and the protocol see the sequences in scope.
  const manifest = makeSplit(plan.inputs.fileMeta(), {
    strategy: e.split.strategy,
    seed,
    ...(e.split.fractions && { fractions: e.split.fractions }),
    ...(e.split.folds !== undefined && { folds: e.split.folds, fold: seed % e.split.folds }),
    scope: plan.scope,
  });
  const splitId = await store.saveSplit(datasetId, manifest);
  const parts = assign(plan.inputs.meta(), manifest).parts;
  return { seed, splitId, manifest, parts, facts: partFacts(parts) };
}

/** What a trial needs to know of each part's sequences, column by column. */
export function partFacts(parts: Record<Part, readonly SequenceMeta[]>): Record<Part, PartFacts> {
  return Object.fromEntries(
    PARTS.map((p) => [
      p,
      {
        seqIds: parts[p].map((x) => x.seqId),
        labels: Uint8Array.from(parts[p], (x) => (x.anomaly ? 1 : 0)),
        runs: parts[p].map((x) => x.run),
        services: parts[p].map((x) => x.service),
        testCases: parts[p].map((x) => x.testCase),
        faultLines: parts[p].map((x) => x.faultLines ?? null),
      },
    ]),
  ) as Record<Part, PartFacts>;
}
