/**
 * What every trial does once its detector is fitted and its sequences scored, at either level:
 * evaluate the scores by the protocol (threshold on validation only), write predictions, model and
 * tuning, time inference, and build the TrialResult with its metric rows. Also the trial's frame
 * around that: the timing rows it starts with and a failure returned as a result. A level's own work
 * (what the detector fits on, how rows become sequence scores, its extra metrics) stays in trial.ts
 * and event-trial.ts.
 */
import { Bench } from 'tinybench';
import { type CsrMatrix, type Detector, type FitConvergence, sliceRows } from '../../models/index.ts';
import { evaluateTrial, PARTS, type Part, type ScoredPart, type TrialEvaluation } from '../../splits/index.ts';
import { type ArtifactRow, writeModel, writePredictions, writeTuning } from '../artifacts/index.ts';
import type { TuningRecord } from '../experiment/index.ts';
import type { MetricRow, ThroughputRow, TimingRow } from '../store/index.ts';
import type { PartFacts, ThroughputOptions, TrialResult, TrialTask } from './trial.ts';

/** A trial's fitted detector and scored parts: what finishTrial evaluates, stores and times. */
export interface ScoredTrial {
  detector: Detector;
  /** What a tuned trial found (written as tuning.json), or null. */
  tuning: TuningRecord | null;
  /** Each part's sequence scores with their facts (an event-level trial: its sequence view). */
  scored: Record<Part, ScoredPart>;
  /** The rows the detector scores for the test part; inference throughput is timed on a batch of them. */
  testRows: CsrMatrix;
  /** Metric rows only this trial's level has (event level: the `event_` metrics). */
  levelMetrics?: MetricRow[];
  /** Writes the explanation files at the chosen threshold (timed as stage `explain`); none without it. */
  explain?: (threshold: number) => ArtifactRow[];
}

/** The timing rows a trial starts with: the matrices it runs on were built before it, once per split. */
export function trialTimings(task: Pick<TrialTask, 'vectorizeMs'>): TimingRow[] {
  return [
    {
      stage: 'vectorize',
      wallMs: task.vectorizeMs,
      cpuMs: task.vectorizeMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    },
  ];
}

/** A thrown error as the trial's result: the runner records failures instead of stopping. */
export function failedTrial(err: unknown): TrialResult {
  const e = err instanceof Error ? err : new Error(String(err));
  return { state: 'failed', error: e.message, stack: e.stack ?? '' };
}

/**
 * The end of a trial at either level: protocol evaluation of the sequence scores, the trial's files,
 * explanations when asked, inference throughput, and the done result with its metric rows (the
 * protocol's, then the level's own, then how the fit converged). `timings` gets `explain` appended.
 */
export function finishTrial(task: TrialTask, t: ScoredTrial, timings: TimingRow[]): TrialResult {
  const ev = evaluateTrial(t.scored, { seed: task.seed, threshold: task.threshold });
  const threshold = ev.threshold.threshold;
  const artifacts = [
    writePredictions(task.artifactsDir, predictionParts(task, t.scored), threshold),
    writeModel(task.artifactsDir, t.detector),
    ...(t.tuning ? [writeTuning(task.artifactsDir, t.tuning)] : []),
  ];
  const explain = t.explain;
  if (explain) artifacts.push(...timed('explain', timings, () => explain(threshold)));
  let throughput: ThroughputRow | null = null;
  if (task.throughput) {
    const batch = sliceRows(t.testRows, 0, Math.min(task.throughput.rows, t.testRows.nRows));
    throughput = measureThroughput(() => t.detector.score(batch), batch.nRows, task.throughput);
  }
  return {
    state: 'done',
    metrics: [...metricRows(ev), ...(t.levelMetrics ?? []), ...convergenceRows(t.detector.convergence?.() ?? null)],
    timings,
    artifacts,
    throughput,
    f1: ev.parts.test.f1,
    aucPr: ev.parts.test.auc_pr,
  };
}

/** Each part's sequence facts with their scores, as the predictions file takes them. */
function predictionParts(
  task: TrialTask,
  scored: Record<Part, ScoredPart>,
): Record<Part, PartFacts & { scores: Float64Array }> {
  return Object.fromEntries(PARTS.map((p) => [p, { ...task.parts[p], scores: scored[p].scores }])) as Record<
    Part,
    PartFacts & { scores: Float64Array }
  >;
}

/** Runs `f`, appending its wall and CPU time and the peak RSS so far to `timings` as `stage`. */
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
