/**
 * One trial's work, the same on the main thread and in a pool worker: fit the variant on the
 * training rows it learns from, score every part, evaluate by the protocol (threshold on
 * validation only), and return metric rows and timings for the store. Never touches SQLite.
 * A sequence-level trial fits and scores here, an event-level one in event-trial.ts; both end in
 * trial-finish.ts.
 */
import { type CsrMatrix, type Detector, fitDetector, type VariantConfig } from '../../models/index.ts';
import type { ThresholdOptions } from '../../splits/eval/index.ts';
import { PARTS, type Part, type ScoredPart } from '../../splits/index.ts';
import type { ArtifactRow } from '../artifacts/index.ts';
import type { OptionGrid } from '../experiment/index.ts';
import type { MetricRow, ThroughputRow, TimingRow } from '../store/index.ts';
import { eventTrialExecutor } from './event-trial.ts';
import { type ExplainOptions, type TemplateLookup, writeExplanations } from './explain.ts';
import { type MatrixFiles, readColumnNames, readMatrices, readTemplates } from './matrices.ts';
import { failedTrial, finishTrial, type ScoredTrial, timed, trialTimings } from './trial-finish.ts';
import { fitTrialModel } from './tune.ts';

/** Per-part sequence facts the protocol needs (labels and slice keys), aligned with the matrices. */
export interface PartFacts {
  seqIds: string[];
  labels: Uint8Array;
  runs: string[];
  services: string[];
  testCases: string[];
  /** Fault-caused lines per sequence (ground truth for the `fault=` slices; null without truth). */
  faultLines: (number | null)[];
}

export interface TrialTask {
  variant: string;
  featureSet: string;
  seed: number;
  /** The variant resolved: the detector is built from its algorithm and options. */
  config: VariantConfig;
  /** The variant's tuning grid (see tune.ts): the model is the grid point best on validation. */
  tune?: OptionGrid;
  threshold: ThresholdOptions;
  parts: Record<Part, PartFacts>;
  /** Time spent building the feature matrices this trial uses (shared by the trials of a split). */
  vectorizeMs: number;
  /** Where this trial's files go (`<artifacts>/<trial id>`). */
  artifactsDir: string;
  /** tinybench budget for the inference-throughput measurement, or false to skip it. */
  throughput: ThroughputOptions | false;
  /** What explanation files to write, or false for none. */
  explain: ExplainOptions | false;
  /** Column names of the matrices, one per line (see matrices.ts). */
  featuresFile: string;
  /** Drain templates of every sequence of the ingest (see matrices.ts `writeTemplates`). */
  templatesFile: string;
}

// Drain templates of the ingest, loaded once per worker and file.
let templateCache: { file: string; lookup: TemplateLookup } | null = null;
function templatesOf(file: string): TemplateLookup {
  if (templateCache?.file !== file) templateCache = { file, lookup: readTemplates(file) };
  return templateCache.lookup;
}

export interface ThroughputOptions {
  /** Minimum measuring time per trial. @default 50 */
  timeMs: number;
  /** Test sequences scored per call (the first ones): a batch, so slow scorers stay cheap to time. @default 256 */
  rows: number;
  /** Minimum timed calls of `score(test)`. @default 5 */
  samples: number;
}

export type TrialResult =
  | {
      state: 'done';
      metrics: MetricRow[];
      timings: TimingRow[];
      artifacts: ArtifactRow[];
      throughput: ThroughputRow | null;
      f1: number;
      aucPr: number;
    }
  | { state: 'failed'; error: string; stack: string };

/** A trial as a runner receives it: the task and the files of the feature matrices it runs on. */
export interface TrialInput {
  task: TrialTask;
  files: MatrixFiles;
}

/**
 * Runs trials one after another, the same in a pool worker and on the main thread. It keeps the last
 * matrices it read: consecutive trials usually share a split and feature set. Event-level trials
 * run in event-trial.ts.
 */
export function trialExecutor(): (input: TrialInput) => TrialResult {
  let cached: { key: string; matrices: Record<Part, CsrMatrix> } | null = null;
  const events = eventTrialExecutor();
  return (input) => {
    if (input.task.config.level === 'event') return events(input);
    const key = JSON.stringify(input.files.parts);
    if (cached?.key !== key) cached = { key, matrices: readMatrices(input.files) };
    return executeTrial(input.task, cached.matrices);
  };
}

/** Runs one trial on already-vectorized matrices. Failures are returned, not thrown. */
export function executeTrial(task: TrialTask, matrices: Record<Part, CsrMatrix>): TrialResult {
  try {
    const timings = trialTimings(task);
    const { detector, tuning } = fitTrialModel(
      {
        ...task,
        fit: (d) => fitDetector(d, matrices.train, task.parts.train.labels),
        validation: (d) => ({ scores: d.score(matrices.val), labels: task.parts.val.labels }),
      },
      timings,
    );
    const scored = timed('score', timings, () =>
      Object.fromEntries(
        PARTS.map((p): [Part, ScoredPart] => [p, { scores: detector.score(matrices[p]), ...task.parts[p] }]),
      ),
    ) as Record<Part, ScoredPart>;
    const explain = explainer(task, detector, matrices, scored.test.scores);
    return finishTrial(task, { detector, tuning, scored, testRows: matrices.test, explain }, timings);
  } catch (err) {
    return failedTrial(err);
  }
}

/** What writes the trial's explanation files at the chosen threshold; undefined when it explains nothing. */
function explainer(
  task: TrialTask,
  detector: Detector,
  matrices: Record<Part, CsrMatrix>,
  testScores: Float64Array,
): ScoredTrial['explain'] {
  const options = task.explain;
  if (!options) return undefined;
  return (threshold) =>
    writeExplanations(
      {
        detector,
        matrices,
        trainLabels: task.parts.train.labels,
        test: { seqIds: task.parts.test.seqIds, labels: task.parts.test.labels, scores: testScores },
        trainSeqIds: task.parts.train.seqIds,
        threshold,
        columnNames: readColumnNames(task.featuresFile),
        // '' when the experiment explains nothing and only a variant's own flag asked for SHAP.
        templates: task.templatesFile ? templatesOf(task.templatesFile) : null,
        seed: task.seed,
        dir: task.artifactsDir,
      },
      options,
    );
}
