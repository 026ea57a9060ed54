/** Seeded splits over runs, split manifests and (with splits/eval) the evaluation protocol. */

export {
  AUDIT_VERSION,
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
  FAULT_SLICES,
  type FaultSlice,
  faultSlices,
  groupsByRun,
  type ProtocolOptions,
  type ScoredPart,
  type SeedResult,
  type SeedSummary,
  summarizeSeeds,
  type TrialEvaluation,
} from './protocol.ts';
export { allocate } from './strategies.ts';
export type { TokenLiteral, TokenRule, TokenRuleOptions } from './token-rules.ts';
export {
  DEFAULT_SCOPE,
  isDefaultScope,
  LABEL_SCOPES,
  type LabelScope,
  PARTS,
  type Part,
  type RunInfo,
  SEQ_BY,
  type SeqBy,
  type SequenceMeta,
  type SequenceScope,
  SPLIT_STRATEGIES,
  type SplitAssignment,
  type SplitManifest,
  type SplitOptions,
  type SplitStrategy,
} from './types.ts';
