/** Types shared by the split strategies, manifests and the leakage audit. */
import type { SequenceMeta } from '../harness/data/read.ts';

export type { SequenceMeta };

export const PARTS = ['train', 'val', 'test'] as const;
export type Part = (typeof PARTS)[number];

export type SplitStrategy = 'random-runs' | 'temporal' | 'unseen-errors' | 'group-k-fold';

/** One run, the unit of splitting. */
export interface RunInfo {
  run: string;
  /** Earliest sequence start of the run (epoch ms), for the temporal split. */
  startMs: number;
  /** Error cases present in the run, sorted. */
  errorCases: readonly string[];
  sequences: number;
  anomalies: number;
}

export interface SplitOptions {
  /** @default 'random-runs' */
  strategy: SplitStrategy;
  /** Seed of every random choice. Required: there is no unseeded split. */
  seed: number;
  /** Train / validation / test shares of the runs. @default [0.6, 0.2, 0.2] */
  fractions: readonly [number, number, number];
  /** Folds of `group-k-fold`. @default 5 */
  folds: number;
  /** Which fold is the test part (`group-k-fold`); validation is the next one. @default 0 */
  fold: number;
}

/**
 * A split, as stored and hashed: which runs are in which part, and — for `unseen-errors` — the
 * error cases each part may contain (sequences of other cases are left out of that part).
 */
export interface SplitManifest {
  strategy: SplitStrategy;
  seed: number;
  params: { fractions: readonly [number, number, number]; folds?: number; fold?: number };
  parts: Record<Part, string[]>;
  /** unseen-errors only: the error cases allowed in each part. */
  errorCases?: Record<Part, string[]>;
  /** sha256 of the manifest's canonical JSON (without this field). */
  hash: string;
}

/** Sequences of one split, by part, after exclusions. */
export interface SplitAssignment<S extends SequenceMeta = SequenceMeta> {
  parts: Record<Part, S[]>;
  /** Sequences not used: their run is in a part that may not see their error case. */
  excluded: S[];
}
