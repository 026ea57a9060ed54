/**
 * A trial's `params` as the store keeps them and `bench show`, the board's detail and the report
 * print them: the threshold rule and the configuration the trial fits (algorithm, resolved options,
 * feature set, vectorizer, level), and for a tuned trial its grid. The params are stored when the
 * trial is claimed; what a tuned trial finds (every point's validation scores, the chosen point) is
 * its `tuning.json` (TuningRecord, harness/artifacts). Older trials hold the threshold rule only.
 */
import type { Level, OptionValue, VariantConfig } from '../../models/index.ts';
import { eventParams, type PlannedTrial } from './plan.ts';
import type { Experiment } from './schema.ts';
import { configOn, type ExperimentVariant, experimentVariants, type OptionGrid, pointLabel } from './variants.ts';

/** One grid point of a tuned trial: its options and its validation scores (never test). */
export interface TunedPoint {
  point: Record<string, OptionValue>;
  /** Validation F1 at the threshold the experiment's rule chose on validation for this point. */
  valF1: number;
  valAucPr: number;
}

/** What a tuned trial records: the grid, each point's validation scores in grid order, and the choice. */
export interface TuningRecord {
  grid: OptionGrid;
  points: TunedPoint[];
  /** Index of the chosen point in `points`. */
  chosen: number;
}

export interface TrialParams {
  threshold: unknown;
  algorithm?: string;
  /** Resolved options (a tuned trial's grid points override some of them). */
  options?: Record<string, OptionValue>;
  featureSet?: string;
  vectorizer?: unknown;
  level?: string;
  /** Event level: each event's label (`sequence` or `fault`). */
  eventLabels?: string;
  /** Event level: `counts` (fit on distinct rows weighted exactly) or `distinct-unweighted`. */
  rowWeighting?: string;
  /** A tuned trial's grid. */
  tune?: { grid: OptionGrid };
}

/**
 * What a trial's claim stores: `keyParams` (what its key hashes, the threshold rule) and its
 * configuration. The configuration is not in `keyParams` because the key hashes it already
 * (configKey), and adding it there would change every existing trial's key.
 */
export function trialParams(keyParams: { threshold: unknown }, t: Pick<PlannedTrial, 'config' | 'tune'>): TrialParams {
  const c: VariantConfig = t.config;
  return {
    ...keyParams,
    algorithm: c.algorithm,
    options: { ...c.options },
    featureSet: c.featureSet,
    vectorizer: c.vectorizer,
    level: c.level,
    ...(t.tune && { tune: { grid: t.tune } }),
  };
}

/** The options a trial's model has: its params' options ← the chosen grid point of a tuned one. */
export function fittedOptions(params: TrialParams, tuning: TuningRecord | null): Record<string, OptionValue> {
  return { ...params.options, ...(tuning ? tuning.points[tuning.chosen]!.point : {}) };
}

/** The params of a stored trial (unknown JSON) as TrialParams, or null when they hold no configuration. */
export function configurationOf(params: unknown): TrialParams | null {
  if (params === null || typeof params !== 'object' || !('algorithm' in params)) return null;
  return params as TrialParams;
}

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const optionsText = (o: Readonly<Record<string, unknown>>) =>
  Object.keys(o).length === 0
    ? '(no options)'
    : Object.entries(o)
        .map(([k, v]) => `${k}=${valueText(v)}`)
        .join(', ');

/** Vectorizer settings that differ from a plain count vectorizer, in short (`minDf=5, maxFeatures=40000`). */
function vectorizerText(v: unknown): string {
  const tokens = (v as { tokens?: Record<string, unknown> } | null)?.tokens ?? {};
  const plain: Record<string, unknown> = { minDf: 1, maxFeatures: null, binary: false };
  const shown = Object.entries(tokens).filter(([k, x]) => k in plain && plain[k] !== x);
  const length = (v as { length?: boolean } | null)?.length ? ['length column'] : [];
  const parts = [...shown.map(([k, x]) => `${k}=${valueText(x)}`), ...length];
  return parts.length === 0 ? 'counts, no pruning' : parts.join(', ');
}

/** How an event-level trial labelled and fit its events, in words. */
function eventText(p: TrialParams): string {
  const labels = p.eventLabels === 'fault' ? 'the fault ground truth' : "their sequence's label";
  const rows =
    p.rowWeighting === 'counts'
      ? 'fit on distinct event rows weighted by their counts (rowWeighting counts: as on every event)'
      : p.rowWeighting === 'distinct-unweighted'
        ? 'fit on distinct event rows unweighted (rowWeighting distinct-unweighted: the detector takes no weights)'
        : 'row weighting not recorded';
  return `events labelled by ${labels} · ${rows}`;
}

/**
 * The configuration as lines of text: algorithm and options (the chosen point's for a tuned trial
 * that is done), feature set, level and vectorizer, and for a tuned trial the grid, the chosen point
 * and each point's validation F1 / AUC-PR (from its `tuning`; null while it runs).
 */
export function paramsLines(
  params: unknown,
  tuning: TuningRecord | null = null,
  fmt: (x: number) => string = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—'),
): string[] {
  const p = configurationOf(params);
  if (!p) return [];
  const options: Record<string, unknown> = fittedOptions(p, tuning);
  // Before the choice is known, a grid's options have no one value.
  if (p.tune && !tuning)
    for (const [k, vs] of Object.entries(p.tune.grid)) options[k] = `{${vs.map(valueText).join(', ')}}`;
  const lines = [
    `${p.algorithm}: ${optionsText(options)}`,
    `feature set ${p.featureSet} · level ${p.level} · vectorizer ${vectorizerText(p.vectorizer)}`,
  ];
  if (p.level === 'event') lines.push(eventText(p));
  const t = p.tune;
  if (t) {
    lines.push(
      `tuned on validation over ${Object.entries(t.grid)
        .map(([k, vs]) => `${k} ∈ {${vs.map(valueText).join(', ')}}`)
        .join(' × ')}`,
    );
    if (tuning) {
      const chosen = tuning.points[tuning.chosen]!;
      lines.push(`chosen on validation: ${pointLabel(chosen.point)} (val F1 ${fmt(chosen.valF1)})`);
      for (const [i, x] of tuning.points.entries()) {
        lines.push(
          `  ${i === tuning.chosen ? '→' : ' '} ${pointLabel(x.point)}: val F1 ${fmt(x.valF1)}, val AUC-PR ${fmt(x.valAucPr)}`,
        );
      }
    }
  }
  return lines;
}

/**
 * A stored trial's configuration as its experiment defines it (the experiment's config as stored
 * with its plan, the trial's variant name — `@event` marking a level — and feature set): for
 * readers that have the plan but not the trial's params (the board). Null when the experiment no
 * longer defines that variant.
 */
export function plannedParams(experiment: unknown, variant: string, featureSet: string): TrialParams | null {
  const e = experiment as Partial<Experiment> | null;
  if (!e || typeof e !== 'object') return null;
  let variants = resolvedCache.get(e);
  if (!variants) {
    try {
      variants = experimentVariants(e.variants ?? 'all', e.tune);
    } catch {
      variants = [];
    }
    resolvedCache.set(e, variants);
  }
  const at = variant.lastIndexOf('@');
  const name = at > 0 ? variant.slice(0, at) : variant;
  const v = variants.find((x) => x.name === name);
  if (!v) return null;
  try {
    const level = at > 0 ? (variant.slice(at + 1) as Level) : undefined;
    const config = configOn({ ...v, overrides: { ...(level && { level }), ...v.overrides } }, featureSet);
    return trialParams(
      { threshold: e.threshold, ...eventParams(config, e.eventLabels ?? 'sequence') },
      { config, ...(v.tune && { tune: v.tune }) },
    );
  } catch {
    return null;
  }
}

// Resolving an experiment's variants builds each algorithm once: once per stored config object.
const resolvedCache = new WeakMap<object, ExperimentVariant[]>();
