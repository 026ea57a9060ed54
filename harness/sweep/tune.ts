/**
 * A trial's model, tuned or not. A tuned variant's trial fits every point of its grid on the
 * training rows, scores the validation rows, and keeps the point with the best validation F1 at the
 * threshold the experiment's rule chooses on validation (ties: validation AUC-PR, then the first
 * point in grid order). Test scores are never computed here: the chosen model is evaluated on test
 * afterwards like any trial's, so the choice cannot see test labels.
 */
import { type Detector, makeDetector, type OptionValue, type VariantConfig } from '../../models/index.ts';
import { chooseThreshold, metricsAt, type ThresholdOptions } from '../../splits/eval/index.ts';
import { gridPoints, type OptionGrid, type TunedPoint, type TuningRecord } from '../experiment/index.ts';
import type { TimingRow } from '../store/index.ts';

export interface TrialModelInput {
  config: VariantConfig;
  seed: number;
  tune?: OptionGrid;
  threshold: ThresholdOptions;
  /** Fits a fresh detector on the training rows it learns from. */
  fit: (d: Detector) => void;
  /** A fitted detector's validation scores, with the validation labels. */
  validation: (d: Detector) => { scores: Float64Array; labels: Uint8Array };
}

/** Wall and CPU time of `f`, as a timing row of `stage`. */
function measure<T>(stage: string, f: () => T): { out: T; timing: TimingRow } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  const timing = {
    stage,
    wallMs: performance.now() - t0,
    cpuMs: (c.user + c.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  return { out, timing };
}

/**
 * The trial's fitted detector, its timings appended to `timings`: the variant's configuration
 * fitted (stage `fit`), or for a tuned variant every grid point fitted and scored on validation
 * (stage `tune`, all of them) and the chosen one (stage `fit`: that point's own fit, comparable
 * with an untuned trial's fit time).
 */
export function fitTrialModel(
  input: TrialModelInput,
  timings: TimingRow[],
): { detector: Detector; tuning: TuningRecord | null } {
  const make = (point: Readonly<Record<string, OptionValue>> = {}) =>
    makeDetector(input.config.algorithm, input.seed, { ...input.config.options, ...point });
  if (!input.tune) {
    const detector = make();
    timings.push(measure('fit', () => input.fit(detector)).timing);
    return { detector, tuning: null };
  }
  const grid = input.tune;
  const { out, timing } = measure('tune', () => {
    const points: TunedPoint[] = [];
    let best: { detector: Detector; fit: TimingRow } | null = null;
    for (const point of gridPoints(grid)) {
      const detector = make(point);
      const fit = measure('fit', () => input.fit(detector)).timing;
      const { scores, labels } = input.validation(detector);
      points.push({ point, ...validationScores(scores, labels, input.threshold) });
      // Only the best model so far is kept: a grid's models never all sit in memory.
      if (chooseGridPoint(points) === points.length - 1) best = { detector, fit };
    }
    return { best: best!, tuning: { grid, points, chosen: chooseGridPoint(points) } };
  });
  timings.push(out.best.fit, timing);
  return { detector: out.best.detector, tuning: out.tuning };
}

/** Validation F1 at the threshold `rule` chooses on these same validation scores, and validation AUC-PR. */
export function validationScores(
  scores: Float64Array,
  labels: Uint8Array,
  rule: ThresholdOptions,
): Pick<TunedPoint, 'valF1' | 'valAucPr'> {
  const { threshold } = chooseThreshold(scores, labels, rule);
  const m = metricsAt(scores, labels, threshold);
  return { valF1: m.f1, valAucPr: m.auc_pr };
}

/** The chosen point: the best validation F1, ties → the best validation AUC-PR, then the first in grid order (NaN loses). */
export function chooseGridPoint(points: readonly Pick<TunedPoint, 'valF1' | 'valAucPr'>[]): number {
  const finite = (x: number) => (Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x);
  let best = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i]!;
    const b = points[best]!;
    const f1 = finite(a.valF1) - finite(b.valF1);
    if (f1 > 0 || (f1 === 0 && finite(a.valAucPr) > finite(b.valAucPr))) best = i;
  }
  return best;
}
