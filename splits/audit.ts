/**
 * Leakage audit of one split and one feature set: is the split sound (no run overlap), does test
 * repeat train (identical token bags), does a single feature separate the classes on its own, and
 * how far do trivial rules (length, duration, unseen templates, the service's share of anomalies,
 * one and two tokens) get? Any model within reach of a trivial rule has learned nothing a one-line
 * rule would not.
 */
import { chooseThreshold, metricsAt } from './eval/index.ts';
import { bestTokenRules, defaultTokenRuleOptions, type TokenRule, type TokenRuleOptions } from './token-rules.ts';
import { PARTS, type Part, type SplitManifest } from './types.ts';

/**
 * Version of the audit's contents: a sweep re-audits a split whose stored audit is older (version 2
 * added the token rules), so the board's trivial flag sees every rule.
 */
export const AUDIT_VERSION = 2;

/** What the audit needs of one sequence in one part. */
export interface AuditSequence {
  seqId: string;
  anomaly: boolean;
  seqLen: number;
  durationSec: number;
  /** Distinct token ids of the feature set (ascending) and their counts. */
  tokens: Int32Array;
  counts: Int32Array;
  /** Distinct Drain template ids of the sequence. */
  templates: Int32Array;
  /** The service that wrote it (absent: the service rule is not computed). */
  service?: string;
}

export interface SeparatingFeature {
  feature: string;
  /** AUC of "the sequence contains this feature" as an anomaly score, per part. */
  aucTrain: number;
  aucTest: number;
  /** Share of normal / anomalous training sequences containing it. */
  normalShareTrain: number;
  anomalyShareTrain: number;
}

export interface TrivialBaseline {
  /**
   * `service_prior` scores a sequence by its service's share of anomalies in train: under the
   * target-service label scope services differ in prevalence (more cases target token than
   * refresh-token), and a model can learn that from words that only say which service wrote a line.
   */
  name: 'seq_len' | 'duration_sec' | 'unseen_templates' | 'service_prior';
  /** +1: larger is more anomalous; -1: smaller is (chosen on train). */
  direction: 1 | -1;
  threshold: number;
  aucTest: number;
  f1Test: number;
}

export interface LeakageAudit {
  /** `AUDIT_VERSION` when written (absent: version 1, before token rules). */
  version?: number;
  splitHash: string;
  featureSet: string;
  /** Runs in more than one part: must be empty (the audit throws otherwise). */
  runOverlap: string[];
  /** Test sequences whose exact token bag (tokens and counts) also occurs in train. */
  duplicateBags: { count: number; share: number; examples: string[] };
  /** Features that alone separate the classes in train AND test (|AUC − 0.5| ≥ `separation`). */
  separatingFeatures: SeparatingFeature[];
  /** The single features with the largest train |AUC − 0.5| (whether or not they separate), for reports. */
  strongestFeatures: SeparatingFeature[];
  baselines: TrivialBaseline[];
  /**
   * The best one-token rule and the best AND of two tokens, chosen on train/validation among the
   * strongest single features (absent in audits before version 2).
   */
  tokenRules?: TokenRule[];
  /** Best trivial test F1 (baselines and token rules): a model within `margin` of it is flagged. */
  bestTrivialF1: number;
  warnings: string[];
}

export interface AuditOptions extends TokenRuleOptions {
  /** |AUC − 0.5| a single feature needs in train and test to count as separating. @default 0.45 */
  separation: number;
  /** |AUC − 0.5| in train and test above which a single feature is named in a warning. @default 0.25 */
  notable: number;
  /** Separating features listed. @default 10 */
  maxFeatures: number;
}

export const defaultAuditOptions: Readonly<AuditOptions> = Object.freeze({
  separation: 0.45,
  notable: 0.25,
  maxFeatures: 10,
  ...defaultTokenRuleOptions,
});

const bagKey = (s: AuditSequence) => `${s.tokens.join(',')}|${s.counts.join(',')}`;
const labelsOf = (seqs: readonly AuditSequence[]) => Uint8Array.from(seqs, (s) => (s.anomaly ? 1 : 0));

/** Presence AUC of every feature in a part: AUC of a binary score = 0.5 + (P(f|anomaly) − P(f|normal)) / 2. */
function presenceAuc(seqs: readonly AuditSequence[]): Map<number, { auc: number; pNormal: number; pAnomaly: number }> {
  const inAnomaly = new Map<number, number>();
  const inNormal = new Map<number, number>();
  let anomalies = 0;
  for (const s of seqs) {
    if (s.anomaly) anomalies++;
    const m = s.anomaly ? inAnomaly : inNormal;
    for (const t of s.tokens) m.set(t, (m.get(t) ?? 0) + 1);
  }
  const normals = seqs.length - anomalies;
  const out = new Map<number, { auc: number; pNormal: number; pAnomaly: number }>();
  if (anomalies === 0 || normals === 0) return out;
  for (const t of new Set([...inAnomaly.keys(), ...inNormal.keys()])) {
    const pAnomaly = (inAnomaly.get(t) ?? 0) / anomalies;
    const pNormal = (inNormal.get(t) ?? 0) / normals;
    out.set(t, { auc: 0.5 + (pAnomaly - pNormal) / 2, pNormal, pAnomaly });
  }
  return out;
}

function baseline(
  name: TrivialBaseline['name'],
  score: (s: AuditSequence) => number,
  parts: Record<Part, readonly AuditSequence[]>,
): TrivialBaseline {
  const scoresOf = (seqs: readonly AuditSequence[], dir: number) => Float64Array.from(seqs, (s) => dir * score(s));
  const trainAuc = metricsAt(scoresOf(parts.train, 1), labelsOf(parts.train), Number.POSITIVE_INFINITY).auc_roc;
  const direction: 1 | -1 = Number.isNaN(trainAuc) || trainAuc >= 0.5 ? 1 : -1;
  const { threshold } = chooseThreshold(scoresOf(parts.val, direction), labelsOf(parts.val));
  const test = metricsAt(scoresOf(parts.test, direction), labelsOf(parts.test), threshold);
  return { name, direction, threshold, aucTest: test.auc_roc, f1Test: test.f1 };
}

/** Each service's share of anomalous sequences in train; null unless every sequence names one of ≥ 2 services. */
function servicePrior(train: readonly AuditSequence[]): Map<string, number> | null {
  const counts = new Map<string, { n: number; anomalies: number }>();
  for (const s of train) {
    if (s.service === undefined) return null;
    const c = counts.get(s.service) ?? { n: 0, anomalies: 0 };
    c.n++;
    if (s.anomaly) c.anomalies++;
    counts.set(s.service, c);
  }
  if (counts.size < 2) return null;
  return new Map([...counts].map(([service, c]) => [service, c.anomalies / c.n]));
}

/** Audits one split for one feature set. `vocabulary[id]` names token ids in the warnings. */
export function auditSplit(
  manifest: SplitManifest,
  featureSet: string,
  parts: Record<Part, readonly AuditSequence[]>,
  vocabulary: readonly string[],
  options: Partial<AuditOptions> = {},
): LeakageAudit {
  const o = { ...defaultAuditOptions, ...options };
  const warnings: string[] = [];

  const seen = new Map<string, Part>();
  const runOverlap: string[] = [];
  for (const p of PARTS) {
    for (const run of manifest.parts[p]) {
      if (seen.has(run)) runOverlap.push(run);
      seen.set(run, p);
    }
  }
  if (runOverlap.length > 0) {
    throw new Error(
      `leakage audit: split ${manifest.hash.slice(0, 12)} puts ${runOverlap.length} run(s) in two parts, e.g. ${runOverlap[0]}`,
    );
  }

  const trainBags = new Set(parts.train.map(bagKey));
  const dup = parts.test.filter((s) => trainBags.has(bagKey(s)));
  const duplicateBags = {
    count: dup.length,
    share: parts.test.length ? dup.length / parts.test.length : 0,
    examples: dup.slice(0, 5).map((s) => s.seqId),
  };
  if (duplicateBags.share > 0.05) {
    warnings.push(
      `${(100 * duplicateBags.share).toFixed(1)} % of test sequences have a token bag identical to a training sequence`,
    );
  }

  const train = presenceAuc(parts.train);
  const test = presenceAuc(parts.test);
  const candidates: (SeparatingFeature & { id: number })[] = [];
  for (const [t, tr] of train) {
    const te = test.get(t);
    candidates.push({
      id: t,
      feature: vocabulary[t] ?? String(t),
      aucTrain: tr.auc,
      aucTest: te?.auc ?? 0.5,
      normalShareTrain: tr.pNormal,
      anomalyShareTrain: tr.pAnomaly,
    });
  }
  const strength = (f: SeparatingFeature) => Math.abs(f.aucTrain - 0.5);
  const byStrength = [...candidates].sort((a, b) => strength(b) - strength(a) || (a.feature < b.feature ? -1 : 1));
  const strongestFeatures = byStrength.slice(0, 5).map(({ id: _, ...f }) => f);
  const tokenRules = bestTokenRules(
    parts,
    byStrength.filter((f) => strength(f) > 0).map((f) => ({ id: f.id, present: f.aucTrain > 0.5 })),
    vocabulary,
    o,
  );
  const separatingFeatures: SeparatingFeature[] = candidates
    .filter(
      (f) =>
        Math.sign(f.aucTrain - 0.5) === Math.sign(f.aucTest - 0.5) &&
        Math.abs(f.aucTrain - 0.5) >= o.separation &&
        Math.abs(f.aucTest - 0.5) >= o.separation,
    )
    .map(({ id: _, ...f }) => f);
  separatingFeatures.sort(
    (a, b) => Math.abs(b.aucTest - 0.5) - Math.abs(a.aucTest - 0.5) || (a.feature < b.feature ? -1 : 1),
  );
  separatingFeatures.splice(o.maxFeatures);
  const notable = candidates
    .filter(
      (f) =>
        Math.sign(f.aucTrain - 0.5) === Math.sign(f.aucTest - 0.5) &&
        Math.abs(f.aucTrain - 0.5) >= o.notable &&
        Math.abs(f.aucTest - 0.5) >= o.notable,
    )
    .sort((a, b) => Math.abs(b.aucTest - 0.5) - Math.abs(a.aucTest - 0.5) || (a.feature < b.feature ? -1 : 1))
    .slice(0, o.maxFeatures);
  for (const f of notable) {
    const verb =
      Math.abs(f.aucTest - 0.5) >= o.separation ? 'alone separates the classes' : 'alone carries much of the label';
    warnings.push(
      `feature '${f.feature}' ${verb} (AUC train ${f.aucTrain.toFixed(3)}, test ${f.aucTest.toFixed(3)}; ` +
        `in ${(100 * f.normalShareTrain).toFixed(0)} % of normal vs ${(100 * f.anomalyShareTrain).toFixed(0)} % of anomalous training sequences)`,
    );
  }

  // Templates seen in normal training sequences; "contains an unseen template" counts the others.
  const normalTemplates = new Set(parts.train.filter((s) => !s.anomaly).flatMap((s) => [...s.templates]));
  const unseen = (s: AuditSequence) => {
    let n = 0;
    for (const t of s.templates) if (!normalTemplates.has(t)) n++;
    return n;
  };
  const baselines = [
    baseline('seq_len', (s) => s.seqLen, parts),
    baseline('duration_sec', (s) => s.durationSec, parts),
    baseline('unseen_templates', unseen, parts),
  ];
  const prior = servicePrior(parts.train);
  if (prior !== null) baselines.push(baseline('service_prior', (s) => prior.get(s.service ?? '') ?? 0, parts));
  const bestTrivialF1 = Math.max(
    0,
    ...[...baselines, ...tokenRules].map((b) => (Number.isNaN(b.f1Test) ? 0 : b.f1Test)),
  );
  for (const b of baselines) {
    if (b.aucTest >= 0.8)
      warnings.push(`trivial rule ${b.name} reaches test AUC ${b.aucTest.toFixed(3)}, F1 ${b.f1Test.toFixed(3)}`);
  }
  return {
    version: AUDIT_VERSION,
    splitHash: manifest.hash,
    featureSet,
    runOverlap,
    duplicateBags,
    separatingFeatures,
    strongestFeatures,
    baselines,
    tokenRules,
    bestTrivialF1,
    warnings,
  };
}

/** True when a model's test F1 is within `margin` of the best trivial rule: flag it. */
export function withinTrivialReach(modelF1: number, audit: LeakageAudit, margin = 0.02): boolean {
  return modelF1 <= audit.bestTrivialF1 + margin;
}
