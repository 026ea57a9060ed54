/**
 * The report model: everything `bench report` shows, already computed from the database.
 * Rendering (HTML, markdown, charts) reads only this, so it can be tested with fixtures.
 */
import type { ConfigurationEntry } from './configuration.ts';

/** Which interval a row's [lo, hi] is. */
export type IntervalKind =
  /** The 95 % corrected resampled t-interval of the mean over split seeds (Nadeau & Bengio 2003). */
  | 'corrected-t'
  /** One seed: a mean, no interval over splits. */
  | 'single-seed'
  /** No seed with a finite value. */
  | 'none';

/** A metric's mean over split seeds and the interval it carries. */
export interface MeanInterval {
  mean: number;
  /** NaN (null in JSON) when there is no interval. */
  lo: number;
  hi: number;
  interval: IntervalKind;
  /** Why there is no interval (`1 seed: no interval over splits`). */
  reason?: string;
}

/** A row flag with the reason a reader sees next to it. */
export interface EntryFlag {
  /**
   * `leak`: above chance on a null dataset; `degenerate`: flags (almost) all or no test sequences
   * on every seed; `trivial`: within 0.02 F1 of a trivial rule; `not-converged`: a seed's solver
   * used all its iterations.
   */
  flag: 'leak' | 'degenerate' | 'trivial' | 'not-converged';
  reason: string;
}

/** One row of the leaderboard (a variant = feature set × algorithm), aggregated over seeds. */
export interface LeaderboardEntry {
  /** Rank within the row's experiment. */
  rank: number;
  /**
   * The corrected resampled t-test over the seeds both share cannot tell the row from the one above
   * (p ≥ 0.05; same experiment and dataset only).
   */
  tied: boolean;
  variant: string;
  featureSet: string;
  algorithm: string;
  supervised: boolean;
  seeds: number;
  /**
   * Each rankable metric of the registry (splits/eval `metricDefs`) over seeds, by metric id,
   * combined as its definition says: what columns, charts and exports read.
   */
  metrics: Record<string, MeanInterval>;
  /** Test F1 mean over seeds with its interval (see `interval`); = `metrics.f1`. */
  f1: MeanInterval;
  /** Means of `metrics.auc_pr`, `metrics.auc_roc` and `metrics.precision_at_k`, kept for the JSON's readers. */
  aucPr: number;
  aucRoc: number;
  precisionAtK: number;
  fitMs: number;
  /** Sequences scored per second. */
  throughputPerS: number | null;
  /** A trivial rule of the leakage audit (length, duration, unseen templates, one or two tokens…) gets within 0.02 F1. */
  withinTrivialReach: boolean;
  /** On a null dataset (`faults: 'none'`): mean test AUC-ROC above chance (> 0.60), so a label leaks. */
  leak?: boolean;
  /** Flags with their reasons, most serious first (leak, degenerate, trivial, not-converged). */
  flags: EntryFlag[];
  /** Test metrics by ground truth over the seeds that have it; null (or absent) where the data has none. */
  faultSlices?: FaultSlices | null;
}

/**
 * One ground-truth slice of the test part over seeds: normal sequences plus the anomalous ones whose
 * fault shows (`visible`, ≥ 1 fault-caused line) or does not (`hidden`, none).
 */
export interface FaultSliceSummary {
  /** Mean over seeds. */
  f1: number;
  /** Pooled over seeds: detected / anomalies (NaN without anomalies in the slice). */
  recall: number;
  /** Mean over seeds (NaN where a slice has one class only). */
  aucRoc: number;
  detected: number;
  anomalies: number;
}

export interface FaultSlices {
  visible: FaultSliceSummary;
  hidden: FaultSliceSummary;
}

/** The whole report. */
export interface ReportModel {
  title: string;
  experiment: string;
  experimentFile: string;
  /** ISO 8601. */
  generatedAt: string;
  /** The experiment's label scope, grouping, dataset order and faults, as one line. */
  scope?: string;
  /** Shown loudly at the top: on a null dataset, each detector above chance (a leaking label). */
  warnings?: string[];
  /** Id of the rankable metric that ranks the leaderboard (splits/eval `rankableMetricIds`). */
  primaryMetric: string;
  leaderboard: LeaderboardEntry[];
  /**
   * Test F1 of each (algorithm, feature set) with done trials: its best row's mean over seeds and
   * interval (`interval` and `reason` as in `MeanInterval`; absent: a corrected-t interval).
   */
  f1ByFeatureSet: {
    algorithm: string;
    featureSet: string;
    /** The row the cell shows (several variants may share an algorithm). */
    variant?: string;
    mean: number;
    lo: number;
    hi: number;
    interval?: IntervalKind;
    reason?: string;
  }[];
  /** One chart per `group` (e.g. supervised / unsupervised), so that no chart holds too many curves. */
  prCurves: { label: string; group?: string; aucPr: number; points: { recall: number; precision: number }[] }[];
  recallByCase: { rows: string[]; columns: string[]; values: (number | null)[][] };
  /** Wall ms per stage. */
  timings: { label: string; stages: Record<string, number> }[];
  /** Every audit of the rows' splits: its warnings in full and its trivial rules. */
  leakage: {
    split: string;
    featureSet: string;
    warnings: string[];
    trivialRules: { rule: string; aucTest: number | null; f1Test: number | null }[];
  }[];
  /**
   * The audits' warnings in short: one line per (split, feature set, kind of finding) with how many
   * warnings it stands for and the strongest of them.
   */
  leakageSummary: { split: string; featureSet: string; finding: string; count: number; strongest: string }[];
  /** git sha, dirty, node, os, cpu, cores, lockfile hash, dataset hash. */
  environment: Record<string, string>;
  explanations?: {
    label: string;
    /** One line under the heading, e.g. the top-k stability across seeds and what the values are in. */
    note?: string;
    /** What the SHAP values are measured in (`log-odds`, `probability`, a detector's score), short. */
    unit?: string;
    /**
     * Set when no feature explains the model's scores (it flags everything, constant scores, every
     * top feature equal): the sentence shown instead of charts and a table of identical numbers.
     */
    degenerate?: string;
    shapTop: { feature: string; meanAbs: number }[];
    shapRows?: { feature: string; points: { shap: number; value: number }[] }[];
  }[];
  /** The highest-scoring false positives of some rows (one seed each), from the trials' lists. */
  falsePositives?: {
    label: string;
    /** Test false positives of that trial in all, and its validation threshold. */
    total: number;
    threshold: number;
    rows: { seqId: string; score: number; topFeatures: string; uniqueTemplates: string }[];
  }[];
  notes?: string[];
  /** Each row's hyperparameters and, for tuned variants, every grid point's validation scores per seed. */
  configurations?: ConfigurationEntry[];
}
