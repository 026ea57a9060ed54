/** Types shared by the split strategies, manifests and the leakage audit. */
import type { SequenceMeta } from '../harness/data/index.ts';

export type { SequenceMeta };

export const PARTS = ['train', 'val', 'test'] as const;
export type Part = (typeof PARTS)[number];

/** The split strategies (strategies.ts): the one list the schema, the CLI and the checks derive from. */
export const SPLIT_STRATEGIES = ['random-runs', 'temporal', 'unseen-errors', 'group-k-fold'] as const;
export type SplitStrategy = (typeof SPLIT_STRATEGIES)[number];

/**
 * Which files count as anomalous (DESIGN.md "label scope"): `case`, every file of an error case, as
 * LogLead labels them; `target-service`, only the file of the service the error case's request
 * targets (its other services log normal traffic under an anomalous label, so they are left out).
 */
export const LABEL_SCOPES = ['case', 'target-service'] as const;
export type LabelScope = (typeof LABEL_SCOPES)[number];
/** What one sequence is: one (run, test case, service) file, or all services' files of one (run, test case). */
export const SEQ_BY = ['file', 'test_case'] as const;
export type SeqBy = (typeof SEQ_BY)[number];

/** The sequences a split's parts hold: label scope, then grouping (harness/sweep/scope.ts applies it). */
export interface SequenceScope {
  labels: LabelScope;
  seqBy: SeqBy;
}

/** LogLead's scope: every file of an error case anomalous, one sequence per file. */
export const DEFAULT_SCOPE: Readonly<SequenceScope> = Object.freeze({ labels: 'case', seqBy: 'file' });

export const isDefaultScope = (s: SequenceScope | undefined): boolean =>
  s === undefined || (s.labels === DEFAULT_SCOPE.labels && s.seqBy === DEFAULT_SCOPE.seqBy);

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
  /** The sequences the split is made for; recorded in the manifest. @default DEFAULT_SCOPE */
  scope: SequenceScope;
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
  /**
   * The sequence scope the parts hold when it is not DEFAULT_SCOPE. Absent for the default, so that
   * manifests made before scopes existed keep their hash; present otherwise, so that two scopes over
   * the same runs are two splits (their own trials, matrices and leakage audits).
   */
  scope?: SequenceScope;
  /** sha256 of the manifest's canonical JSON (without this field). */
  hash: string;
}

/** Sequences of one split, by part, after exclusions. */
export interface SplitAssignment<S extends SequenceMeta = SequenceMeta> {
  parts: Record<Part, S[]>;
  /** Sequences not used: their run is in a part that may not see their error case. */
  excluded: S[];
}
