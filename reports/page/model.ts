/**
 * The report model: everything `bench report` shows, already computed from the database.
 * Rendering (HTML, markdown, charts) reads only this, so it can be tested with fixtures.
 */

/** One row of the leaderboard (a variant = feature set × algorithm), aggregated over seeds. */
export interface LeaderboardEntry {
  rank: number;
  /** Statistically tied with the row above. */
  tied: boolean;
  variant: string;
  featureSet: string;
  algorithm: string;
  supervised: boolean;
  seeds: number;
  /** Test F1 mean over seeds with a 95% CI. */
  f1: { mean: number; lo: number; hi: number };
  aucPr: number;
  aucRoc: number;
  precisionAtK: number;
  fitMs: number;
  /** Sequences scored per second. */
  throughputPerS: number | null;
  /** A trivial rule (sequence length, duration, unseen templates) gets within 0.02 F1. */
  withinTrivialReach: boolean;
}

/** The whole report. */
export interface ReportModel {
  title: string;
  experiment: string;
  experimentFile: string;
  /** ISO 8601. */
  generatedAt: string;
  primaryMetric: 'f1' | 'auc_pr' | 'auc_roc' | 'precision_at_k';
  leaderboard: LeaderboardEntry[];
  f1ByFeatureSet: { algorithm: string; featureSet: string; mean: number; lo: number; hi: number }[];
  /** One chart per `group` (e.g. supervised / unsupervised), so that no chart holds too many curves. */
  prCurves: { label: string; group?: string; aucPr: number; points: { recall: number; precision: number }[] }[];
  recallByCase: { rows: string[]; columns: string[]; values: (number | null)[][] };
  /** Wall ms per stage. */
  timings: { label: string; stages: Record<string, number> }[];
  leakage: {
    split: string;
    featureSet: string;
    warnings: string[];
    trivialRules: { rule: string; aucTest: number | null; f1Test: number | null }[];
  }[];
  /** git sha, dirty, node, os, cpu, cores, lockfile hash, dataset hash. */
  environment: Record<string, string>;
  explanations?: {
    label: string;
    /** One line under the heading, e.g. the top-k stability across seeds. */
    note?: string;
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
}
