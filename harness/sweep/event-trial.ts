/**
 * One event-level trial: the detector fits the training part's distinct event rows — with their
 * counts as row weights where it takes them exactly, else on the distinct rows unweighted, as its
 * params record — and scores each part's distinct rows once. Scores go back to events through the
 * part's event index, and to sequences as the maximum of their events' scores (the sequence view).
 * The sequence view is evaluated by the protocol like any sequence-level trial and gives the trial's
 * main metrics; the event-level metrics (threshold on validation events, metrics on test events) are
 * stored beside them with an `event_` prefix.
 */
import { type CsrMatrix, type Detector, fitDetector } from '../../models/index.ts';
import { chooseThreshold, metricsAt, type ThresholdOptions } from '../../splits/eval/index.ts';
import { PARTS, type Part, type ScoredPart } from '../../splits/index.ts';
import type { MetricRow } from '../store/index.ts';
import { type EventPartIndex, readEventIndexFile } from './event-matrices.ts';
import { type MatrixFiles, readMatrices } from './matrices.ts';
import type { TrialInput, TrialResult, TrialTask } from './trial.ts';
import { failedTrial, finishTrial, timed, trialTimings } from './trial-finish.ts';
import { fitTrialModel } from './tune.ts';

/** An event-level trial's inputs: each part's distinct rows and event index. */
export interface EventTrialData {
  matrices: Record<Part, CsrMatrix>;
  events: Record<Part, EventPartIndex>;
}

export function readEventMatrices(files: MatrixFiles): EventTrialData {
  const eventFiles = files.events;
  if (!eventFiles) throw new TypeError('an event-level trial needs event matrices (MatrixFiles.events is missing)');
  return {
    matrices: readMatrices(files),
    events: Object.fromEntries(PARTS.map((p) => [p, readEventIndexFile(eventFiles[p])])) as Record<
      Part,
      EventPartIndex
    >,
  };
}

/** Per event, its distinct row's value (scores or labels). */
export function perEvent<T extends Float64Array | Uint8Array>(rowValues: T, index: EventPartIndex): T {
  const out = new (rowValues.constructor as { new (n: number): T })(index.eventRow.length);
  for (let e = 0; e < index.eventRow.length; e++) out[e] = rowValues[index.eventRow[e]!]!;
  return out;
}

/**
 * The sequence view: each of `nSequences` sequences scores the maximum of its events' scores. A
 * sequence without an event (none survived the ingest's trim) gets `empty` (partView: its part's
 * lowest score), so it is never flagged for having nothing.
 */
export function sequenceView(
  eventScores: Float64Array,
  eventSeq: Int32Array,
  nSequences: number,
  empty: number,
): Float64Array {
  const out = new Float64Array(nSequences).fill(Number.NEGATIVE_INFINITY);
  for (let e = 0; e < eventScores.length; e++) {
    const s = eventSeq[e]!;
    if (eventScores[e]! > out[s]!) out[s] = eventScores[e]!;
  }
  for (let s = 0; s < nSequences; s++) if (out[s] === Number.NEGATIVE_INFINITY) out[s] = empty;
  return out;
}

/**
 * A part's scores per event and per sequence (the maximum of its events'); a sequence without an
 * event scores the lowest score of its part's rows.
 */
export function partView(
  rowScores: Float64Array,
  index: EventPartIndex,
  nSequences: number,
): { events: Float64Array; sequences: Float64Array } {
  let lowest = Number.POSITIVE_INFINITY;
  for (const s of rowScores) if (s < lowest) lowest = s;
  const events = perEvent(rowScores, index);
  return {
    events,
    sequences: sequenceView(events, index.eventSeq, nSequences, Number.isFinite(lowest) ? lowest : 0),
  };
}

const EVENT_TEST_METRICS = ['f1', 'precision', 'recall', 'auc_pr', 'auc_roc', 'tp', 'fp', 'tn', 'fn'] as const;

/**
 * Event-level metric rows: the threshold chosen on validation events by the experiment's rule, then
 * metrics on test events (f1, precision, recall, auc_pr, auc_roc and the confusion counts), each
 * named `event_<metric>`; train rows say how many events and distinct rows the detector fit.
 */
export function eventMetricRows(
  events: Record<'val' | 'test', { scores: Float64Array; labels: Uint8Array }>,
  threshold: ThresholdOptions,
  train: EventPartIndex,
): MetricRow[] {
  const choice = chooseThreshold(events.val.scores, events.val.labels, threshold);
  const test = metricsAt(events.test.scores, events.test.labels, choice.threshold);
  const val = metricsAt(events.val.scores, events.val.labels, choice.threshold);
  let trainEvents = 0;
  for (const w of train.weights) trainEvents += w;
  return [
    ...EVENT_TEST_METRICS.map((m) => ({ part: 'test' as const, name: `event_${m}`, value: test[m] })),
    { part: 'test', name: 'event_threshold', value: choice.threshold },
    { part: 'test', name: 'events', value: events.test.labels.length },
    { part: 'val', name: 'event_f1', value: val.f1 },
    { part: 'val', name: 'events', value: events.val.labels.length },
    { part: 'train', name: 'events', value: trainEvents },
    { part: 'train', name: 'event_rows', value: train.weights.length },
  ];
}

/** Runs one event-level trial on read event matrices. Failures are returned, not thrown. */
export function executeEventTrial(task: TrialTask, data: EventTrialData): TrialResult {
  try {
    const { matrices, events } = data;
    const timings = trialTimings(task);
    const train = events.train;
    // Weighted where the detector takes weights exactly; else distinct rows unweighted (the params say which).
    const fit = (d: Detector) =>
      d.rowWeights === 'exact'
        ? fitDetector(d, matrices.train, train.labels, train.weights)
        : fitDetector(d, matrices.train, train.labels);
    // A tuned variant's grid points are compared on the validation sequences' view, as the trial is.
    const { detector, tuning } = fitTrialModel(
      {
        ...task,
        fit,
        validation: (d) => ({
          scores: partView(d.score(matrices.val), events.val, task.parts.val.seqIds.length).sequences,
          labels: task.parts.val.labels,
        }),
      },
      timings,
    );
    const rowScores = timed(
      'score',
      timings,
      () => Object.fromEntries(PARTS.map((p) => [p, detector.score(matrices[p])])) as Record<Part, Float64Array>,
    );
    const views = Object.fromEntries(
      PARTS.map((p) => [p, partView(rowScores[p], events[p], task.parts[p].seqIds.length)]),
    ) as Record<Part, ReturnType<typeof partView>>;
    const scored = Object.fromEntries(
      PARTS.map((p): [Part, ScoredPart] => [p, { scores: views[p].sequences, ...task.parts[p] }]),
    ) as Record<Part, ScoredPart>;
    const levelMetrics = eventMetricRows(
      {
        val: { scores: views.val.events, labels: perEvent(events.val.labels, events.val) },
        test: { scores: views.test.events, labels: perEvent(events.test.labels, events.test) },
      },
      task.threshold,
      train,
    );
    return finishTrial(task, { detector, tuning, scored, testRows: matrices.test, levelMetrics }, timings);
  } catch (err) {
    return failedTrial(err);
  }
}

/** Runs event-level trials one after another, keeping the last event matrices it read. */
export function eventTrialExecutor(): (input: TrialInput) => TrialResult {
  let cached: { key: string; data: EventTrialData } | null = null;
  return (input) => {
    const key = JSON.stringify(input.files.events ?? null);
    if (cached?.key !== key) cached = { key, data: readEventMatrices(input.files) };
    return executeEventTrial(input.task, cached.data);
  };
}
