/**
 * One trial's work, the same on the main thread and in a pool worker: fit the variant on the
 * training rows it learns from, score every part, evaluate by the protocol (threshold on
 * validation only), and return metric rows and timings for the store. Never touches SQLite.
 */
import { Bench } from 'tinybench';
import { type CsrMatrix, type FitConvergence, fitDetector, sliceRows, type VariantConfig } from '../../models/index.ts';
import type { ThresholdOptions } from '../../splits/eval/index.ts';
import { evaluateTrial, PARTS, type Part, type ScoredPart, type TrialEvaluation } from '../../splits/index.ts';
import { type ArtifactRow, writeModel, writePredictions, writeTuning } from '../artifacts/index.ts';
import type { OptionGrid } from '../experiment/index.ts';
import type { MetricRow, ThroughputRow, TimingRow } from '../store/index.ts';
import { eventTrialExecutor } from './event-trial.ts';
import { type ExplainOptions, type TemplateLookup, writeExplanations } from './explain.ts';
import { type MatrixFiles, readColumnNames, readMatrices, readTemplates } from './matrices.ts';
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

export function timed<T>(stage: string, timings: TimingRow[], f: () => T): T {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  timings.push({
    stage,
    wallMs: performance.now() - t0,
    cpuMs: (c.user + c.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
  return out;
}

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
    const timings: TimingRow[] = [
      {
        stage: 'vectorize',
        wallMs: task.vectorizeMs,
        cpuMs: task.vectorizeMs,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      },
    ];
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
    const ev = evaluateTrial(scored, { seed: task.seed, threshold: task.threshold });
    const artifacts = [
      writePredictions(
        task.artifactsDir,
        Object.fromEntries(PARTS.map((p) => [p, { ...task.parts[p], scores: scored[p].scores }])) as Record<
          Part,
          PartFacts & { scores: Float64Array }
        >,
        ev.threshold.threshold,
      ),
      writeModel(task.artifactsDir, detector),
      ...(tuning ? [writeTuning(task.artifactsDir, tuning)] : []),
    ];
    if (task.explain) {
      const explain = task.explain;
      artifacts.push(
        ...timed('explain', timings, () =>
          writeExplanations(
            {
              detector,
              matrices,
              trainLabels: task.parts.train.labels,
              test: { seqIds: task.parts.test.seqIds, labels: task.parts.test.labels, scores: scored.test.scores },
              trainSeqIds: task.parts.train.seqIds,
              threshold: ev.threshold.threshold,
              columnNames: readColumnNames(task.featuresFile),
              // '' when the experiment explains nothing and only a variant's own flag asked for SHAP.
              templates: task.templatesFile ? templatesOf(task.templatesFile) : null,
              seed: task.seed,
              dir: task.artifactsDir,
            },
            explain,
          ),
        ),
      );
    }
    let throughput: ThroughputRow | null = null;
    if (task.throughput) {
      const batch = sliceRows(matrices.test, 0, Math.min(task.throughput.rows, matrices.test.nRows));
      throughput = measureThroughput(() => detector.score(batch), batch.nRows, task.throughput);
    }
    return {
      state: 'done',
      metrics: [...metricRows(ev), ...convergenceRows(detector.convergence?.() ?? null)],
      timings,
      artifacts,
      throughput,
      f1: ev.parts.test.f1,
      aucPr: ev.parts.test.auc_pr,
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { state: 'failed', error: e.message, stack: e.stack ?? '' };
  }
}

const SLICE_METRICS = ['recall', 'precision', 'f1', 'tp', 'fp', 'tn', 'fn'] as const;
const FAULT_SLICE_METRICS = [...SLICE_METRICS, 'auc_roc', 'auc_pr'] as const;

/** The store's metric rows of an evaluation: every part, PSI and the F1 interval, test slices. */
export function metricRows(ev: TrialEvaluation): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const p of PARTS) for (const [name, value] of Object.entries(ev.parts[p])) rows.push({ part: p, name, value });
  rows.push(
    { part: 'test', name: 'psi', value: ev.psi },
    { part: 'test', name: 'f1_ci_lo', value: ev.f1Ci.lo },
    { part: 'test', name: 'f1_ci_hi', value: ev.f1Ci.hi },
  );
  for (const [kind, slices] of Object.entries(ev.slices)) {
    // The fault slices hold normal sequences too, so their ranking metrics are defined and telling.
    const names = kind === 'fault' ? FAULT_SLICE_METRICS : SLICE_METRICS;
    for (const [key, m] of Object.entries(slices)) {
      for (const name of names) rows.push({ part: 'test', name, value: m[name], slice: `${kind}=${key}` });
    }
  }
  return rows;
}

/**
 * How an iterative fit ended, as train-part metrics (`iterations`, `max_iterations`, `final_gradient`,
 * `gradient_tol`): the board flags a row `not-converged` when a seed used all its iterations.
 */
export function convergenceRows(c: FitConvergence | null): MetricRow[] {
  if (c === null) return [];
  return [
    { part: 'train', name: 'iterations', value: c.iterations },
    { part: 'train', name: 'max_iterations', value: c.maxIterations },
    { part: 'train', name: 'final_gradient', value: c.finalGradient },
    { part: 'train', name: 'gradient_tol', value: c.tolerance },
  ];
}

/**
 * Inference throughput of a fitted model: tinybench times `score` (one warm-up call, then at least
 * `samples` calls and `timeMs`). Measured inside the trial, so with several workers it is the
 * throughput under the sweep's load, not on an idle machine.
 */
export function measureThroughput(score: () => unknown, rows: number, o: ThroughputOptions): ThroughputRow {
  const bench = new Bench({ time: o.timeMs, iterations: o.samples, warmupIterations: 1, warmupTime: 0 });
  bench.add('score', score);
  const [task] = bench.runSync();
  const r = task?.result;
  if (r?.state !== 'completed')
    throw new Error(`throughput measurement failed: ${r && 'error' in r ? String(r.error) : 'no result'}`);
  const l = r.latency;
  return {
    rows,
    meanMs: l.mean,
    p99Ms: l.p99,
    rme: l.rme,
    samples: l.samplesCount,
    sequencesPerS: l.mean > 0 ? (rows * 1000) / l.mean : Number.POSITIVE_INFINITY,
  };
}
