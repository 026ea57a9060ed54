/**
 * The evaluation protocol of one trial, and of a variant across seeds. A model's continuous
 * scores for train, validation and test go in; the threshold is chosen on validation only and
 * applied unchanged to train and test; test labels are never used for any choice.
 */
import seedrandom from 'seedrandom';
import {
  type BootstrapResult,
  bootstrapCI,
  chooseThreshold,
  type Metrics,
  type MetricsOptions,
  metricsAt,
  metricsBySlice,
  psi,
  quantileSorted,
  type ScoredGroup,
  type Summary,
  summarize,
  type ThresholdChoice,
  type ThresholdOptions,
} from './eval/index.ts';
import { PARTS, type Part } from './types.ts';

/** A model's scores on one part, aligned with the sequences' labels and slice keys. */
export interface ScoredPart {
  scores: Float64Array;
  labels: Uint8Array;
  runs: readonly string[];
  services: readonly string[];
  testCases: readonly string[];
  /**
   * Ground truth per sequence, never a feature: how many of its events the injected fault caused;
   * null (or omitted) where the data has no truth (real LO2).
   */
  faultLines?: readonly (number | null)[];
}

/** Names of the ground-truth slices of the test part (see `faultSlices`). */
export const FAULT_SLICES = ['visible', 'hidden'] as const;
export type FaultSlice = (typeof FAULT_SLICES)[number];

export interface ProtocolOptions {
  /** How the threshold is chosen on validation. @default { rule: 'max-f1' } */
  threshold: ThresholdOptions;
  /** Options of precision_at_k and fpr_at_alpha. @default {} */
  metrics: MetricsOptions;
  /** Resamples of the bootstrap over test runs. @default 1000 */
  resamples: number;
  /** Seed of the bootstrap. Required: intervals are reproducible. */
  seed: number;
}

export interface TrialEvaluation {
  threshold: ThresholdChoice;
  /** Metrics of each part at the validation threshold. */
  parts: Record<Part, Metrics>;
  /** Population stability of the score distribution, train → test. */
  psi: number;
  /** Train F1 − test F1 at the same threshold: large gaps mean overfitting or drift. */
  f1Gap: number;
  /**
   * Test metrics per service and per test case (recall per error case), and where the data has
   * ground truth, per fault visibility (see `faultSlices`).
   */
  slices: {
    service: Record<string, Metrics>;
    testCase: Record<string, Metrics>;
    fault?: Record<FaultSlice, Metrics>;
  };
  /** Test F1 with a 95 % interval from a bootstrap over test runs. */
  f1Ci: BootstrapResult;
}

/** Per-run groups of a part, in run order (the bootstrap's resampling unit). */
export function groupsByRun(part: ScoredPart): ScoredGroup[] {
  const byRun = new Map<string, number[]>();
  part.runs.forEach((run, i) => {
    let list = byRun.get(run);
    if (!list) byRun.set(run, (list = []));
    list.push(i);
  });
  return [...byRun.keys()].sort().map((run) => {
    const idx = byRun.get(run)!;
    return {
      scores: Float64Array.from(idx, (i) => part.scores[i]!),
      labels: Uint8Array.from(idx, (i) => part.labels[i]!),
    };
  });
}

/**
 * F1 of `score >= threshold` pooled over groups: confusion counts only (the bootstrap evaluates it a
 * thousand times per trial; `metricsAt` would also sort for the ranking metrics). Same definition as
 * metricsAt's f1 (0 when nothing is predicted or positive).
 */
function f1AtThreshold(threshold: number) {
  return (groups: readonly ScoredGroup[]) => {
    let tp = 0;
    let wrong = 0;
    for (const g of groups) {
      for (let i = 0; i < g.scores.length; i++) {
        const flagged = g.scores[i]! >= threshold;
        if (g.labels[i] === 1) flagged ? tp++ : wrong++;
        else if (flagged) wrong++;
      }
    }
    return 2 * tp + wrong === 0 ? 0 : (2 * tp) / (2 * tp + wrong);
  };
}

/**
 * Test metrics by what the anomalies show of their fault, where the data has ground truth:
 * `visible` = every normal sequence + the anomalous ones with at least one fault-caused line;
 * `hidden` = every normal sequence + the anomalous ones without any. Recall on `hidden` is what a
 * detector catches without seeing the fault (under label scope `case`, an error case's files of
 * services it does not target). Anomalous sequences without truth are in neither; null when no test
 * sequence has truth.
 */
export function faultSlices(
  test: ScoredPart,
  threshold: number,
  options: MetricsOptions = {},
): Record<FaultSlice, Metrics> | null {
  const truth = test.faultLines;
  if (!truth?.some((x) => x !== null && x !== undefined)) return null;
  if (truth.length !== test.labels.length) {
    throw new TypeError(
      `faultLines and labels must have the same length (got ${truth.length} and ${test.labels.length})`,
    );
  }
  const subset = (keep: (faultLines: number) => boolean): Metrics => {
    const idx: number[] = [];
    for (let i = 0; i < test.labels.length; i++) {
      const f = truth[i];
      if (test.labels[i] === 0 || (f !== null && f !== undefined && keep(f))) idx.push(i);
    }
    return metricsAt(
      Float64Array.from(idx, (i) => test.scores[i]!),
      Uint8Array.from(idx, (i) => test.labels[i]!),
      threshold,
      options,
    );
  };
  return { visible: subset((f) => f >= 1), hidden: subset((f) => f === 0) };
}

/** Evaluates one trial's scores by the protocol. */
export function evaluateTrial(
  parts: Record<Part, ScoredPart>,
  options: Partial<ProtocolOptions> & { seed: number },
): TrialEvaluation {
  const o = { threshold: { rule: 'max-f1' } as ThresholdOptions, metrics: {}, resamples: 1000, ...options };
  // The only place a threshold is chosen: validation scores and labels.
  const threshold = chooseThreshold(parts.val.scores, parts.val.labels, o.threshold);
  const t = threshold.threshold;
  const metrics = Object.fromEntries(
    PARTS.map((p) => [p, metricsAt(parts[p].scores, parts[p].labels, t, o.metrics)]),
  ) as Record<Part, Metrics>;
  const test = parts.test;
  const slice = (keys: readonly string[]) =>
    Object.fromEntries(metricsBySlice(test.scores, test.labels, t, keys, o.metrics));
  const fault = faultSlices(test, t, o.metrics);
  return {
    threshold,
    parts: metrics,
    psi: psi(parts.train.scores, test.scores),
    f1Gap: metrics.train.f1 - metrics.test.f1,
    slices: { service: slice(test.services), testCase: slice(test.testCases), ...(fault && { fault }) },
    f1Ci: bootstrapCI(groupsByRun(test), f1AtThreshold(t), { seed: o.seed, resamples: o.resamples }),
  };
}

/** One seed's test scores by run and the threshold its validation chose. */
export interface SeedResult {
  testGroups: readonly ScoredGroup[];
  threshold: number;
}

export interface SeedSummary extends Summary {
  /** 95 % interval of the mean test F1 over seeds: each resample redraws every seed's test runs. */
  ci: [number, number];
}

/**
 * Test F1 across seeds (or folds): mean, sd, and a bootstrap interval over runs — every resample
 * redraws the test runs of each seed with replacement and averages the seeds' F1 at their own
 * validation thresholds.
 */
export function summarizeSeeds(
  results: readonly SeedResult[],
  options: { resamples?: number; seed: number },
): SeedSummary {
  if (results.length === 0) throw new TypeError('results must hold at least one seed');
  const f1s = results.map((r) => f1AtThreshold(r.threshold)(r.testGroups));
  const resamples = options.resamples ?? 1000;
  const rngs = results.map((_, i) => seedrandom(`summarize-seeds:${options.seed}:${i}`));
  const means = new Float64Array(resamples);
  for (let k = 0; k < resamples; k++) {
    let sum = 0;
    results.forEach((r, i) => {
      const n = r.testGroups.length;
      const sample = Array.from({ length: n }, () => r.testGroups[Math.floor(rngs[i]!() * n)]!);
      sum += f1AtThreshold(r.threshold)(sample);
    });
    means[k] = sum / results.length;
  }
  means.sort();
  return { ...summarize(f1s), ci: [quantileSorted(means, 0.025), quantileSorted(means, 0.975)] };
}
