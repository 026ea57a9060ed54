/** Seeded splits over runs, split manifests and (with splits/eval) the evaluation protocol. */

export {
  type AuditOptions,
  type AuditSequence,
  auditSplit,
  defaultAuditOptions,
  type LeakageAudit,
  withinTrivialReach,
} from './audit.ts';
export { assign, defaultSplitOptions, makeSplit, resolveSplitOptions, runsOf, verifyManifest } from './manifest.ts';
export {
  evaluateTrial,
  groupsByRun,
  type ProtocolOptions,
  type ScoredPart,
  type SeedResult,
  type SeedSummary,
  summarizeSeeds,
  type TrialEvaluation,
} from './protocol.ts';
export { allocate } from './strategies.ts';
export {
  PARTS,
  type Part,
  type RunInfo,
  type SequenceMeta,
  type SplitAssignment,
  type SplitManifest,
  type SplitOptions,
  type SplitStrategy,
} from './types.ts';
