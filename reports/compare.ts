/**
 * Comparing two trials, or two (variant, feature set) rows across split seeds:
 * - two trials on the same split: test-metric deltas and a paired bootstrap over test runs of the F1
 *   difference (each model at its own validation threshold, both on the same resampled runs) — it
 *   says whether test-run noise could reverse the order of these two fitted models, nothing more;
 * - two selectors (variant[:feature set]): the done trials of each are paired by split (same dataset
 *   and seed), deltas of the mean test metrics, and as the headline the corrected resampled t-test of
 *   the per-seed F1 differences (Nadeau & Bengio 2003, as the leaderboard's ties), with Wilcoxon
 *   signed-rank as a side note. On one shared split there is no test over seeds: the paired
 *   bootstrap over that split's test runs stands in, labelled as such.
 * Differences are always b − a. docs/PROTOCOL.md says which question each test answers.
 */
import { readPredictions } from '../harness/artifacts/index.ts';
import { BenchError, usageError } from '../harness/errors/index.ts';
import type { Store, TrialDetail, TrialSelector } from '../harness/store/index.ts';
import {
  type CorrectedTResult,
  correctedResampledT,
  type MetricDef,
  metricDefs,
  type PairedBootstrapResult,
  type PreparedSplit,
  pairedSplitsBootstrap,
  prepareSplit,
  quantileSorted,
  type WilcoxonResult,
  wilcoxonSignedRank,
} from '../splits/eval/index.ts';
import { meanSize, splitSize } from './seed-stats.ts';

/**
 * Test metrics a comparison (and `bench show`) lists: every metric of the registry stored for test,
 * in its order; an event-level one only where `has(id)` (sequence-level trials never store one, and
 * a line of n/a says nothing).
 */
export function comparedMetrics(has: (id: string) => boolean = () => true): string[] {
  return comparedDefs(has).map((d) => d.id);
}

const comparedDefs = (has: (id: string) => boolean): MetricDef[] =>
  metricDefs().filter((d) => d.parts.includes('test') && (d.level === 'sequence' || has(d.id)));

/** Whether either trial stored test metric `id`. */
const eitherHas =
  (...trials: readonly TrialDetail[]) =>
  (id: string) =>
    trials.some((t) => typeof t.metrics.test[id] === 'number');

export interface MetricDelta {
  name: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

export interface TrialRef {
  id: number;
  variant: string;
  featureSet: string;
  seed: number;
  splitId: number;
}

export interface TrialComparison {
  kind: 'trials';
  a: TrialRef;
  b: TrialRef;
  deltas: MetricDelta[];
  /** Paired bootstrap over test runs of F1(b) − F1(a); null when the trials' splits differ. */
  paired: (PairedBootstrapResult & { unit: 'test runs'; invalidResamples: number }) | null;
  note: string | null;
}

export interface SeedPair {
  splitId: number;
  seed: number;
  a: number;
  b: number;
  f1A: number;
  f1B: number;
}

/** The corrected resampled t-test of F1(b) − F1(a) over seeds, with the split sizes it corrected for. */
export type CorrectedTComparison = CorrectedTResult & {
  /** Runs each split learns from (training + validation), mean over the paired splits. */
  nTrain: number;
  /** Test runs per split, mean over the paired splits. */
  nTest: number;
};

export interface SelectorComparison {
  kind: 'seeds';
  a: TrialSelector & { featureSet: string; trials: number[] };
  b: TrialSelector & { featureSet: string; trials: number[] };
  pairs: SeedPair[];
  /** Mean test metrics over the paired trials. */
  deltas: MetricDelta[];
  /**
   * The headline: corrected resampled t-test of the per-seed F1(b) − F1(a) (`t`, `df`, `p`, `ci` of
   * the mean difference); with one shared seed, `state: 'single-seed'` and no test.
   */
  corrected_t: CorrectedTComparison;
  /** Side note, over seeds: with n ≤ 5 seeds a two-sided test cannot reach p < 0.05. */
  wilcoxon: WilcoxonResult;
  /**
   * Only with one shared split: F1(b) − F1(a) by the paired bootstrap over its test runs (models and
   * thresholds fixed), the one test a single split allows. Null with two or more seeds.
   */
  bootstrap: (PairedBootstrapResult & { unit: string }) | null;
  /**
   * Five seeds (or whatever there are) cannot order a and b: corrected t p ≥ alpha (as the board's
   * ≈); on one split, the bootstrap's interval holds 0.
   */
  tied: boolean;
}

export interface CompareOptions {
  /** Bootstrap resamples. @default 2000 */
  resamples: number;
  /** Bootstrap seed. @default 1 */
  seed: number;
  /** Significance level of the corrected t-test and its interval (1 − alpha), and for `tied`. @default 0.05 */
  alpha: number;
  /** Restrict selectors to this experiment's trials. */
  experiment?: string;
}

export const defaultCompareOptions: Readonly<CompareOptions> = Object.freeze({ resamples: 2000, seed: 1, alpha: 0.05 });

/**
 * A metric over the paired seeds, combined as its definition says (mean, or median), or null when a
 * seed lacks it (the pairs would not be the same).
 */
function overSeeds(def: Pick<MetricDef, 'aggregate'>, xs: readonly (number | null | undefined)[]): number | null {
  if (xs.length === 0 || xs.some((x) => x === null || x === undefined)) return null;
  const v = xs as number[];
  return def.aggregate === 'median'
    ? quantileSorted(
        [...v].sort((a, b) => a - b),
        0.5,
      )
    : v.reduce((s, x) => s + x, 0) / v.length;
}

const delta = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : b - a;

async function doneTrial(store: Store, id: number): Promise<TrialDetail> {
  const t = await store.getTrial(id);
  if (!t) throw usageError(`trial ${id} is not in the database`, { hint: 'list trials with `bench ls`' });
  if (t.status !== 'done') {
    throw usageError(`trial ${id} is ${t.status}, not done`, { hint: 'finish it with `bench run` first' });
  }
  return t;
}

const ref = (t: TrialDetail): TrialRef => ({
  id: t.id,
  variant: t.variant,
  featureSet: t.featureSet,
  seed: t.seed,
  splitId: t.split.id,
});

/** A trial's test part prepared for the paired bootstrap over its runs. */
function preparedTest(t: TrialDetail): PreparedSplit {
  const artifact = t.artifacts.find((x) => x.kind === 'predictions');
  if (!artifact) {
    throw new BenchError('data', `trial ${t.id} has no predictions artifact`, {
      hint: 'it ran before predictions were recorded; rerun it with `bench run --fresh`',
    });
  }
  return prepareSplit(readPredictions(artifact));
}

export async function compareTrials(
  store: Store,
  idA: number,
  idB: number,
  options: Partial<CompareOptions> = {},
): Promise<TrialComparison> {
  const o = { ...defaultCompareOptions, ...options };
  const a = await doneTrial(store, idA);
  const b = await doneTrial(store, idB);
  const deltas = comparedMetrics(eitherHas(a, b)).map((name) => {
    const x = a.metrics.test[name] ?? null;
    const y = b.metrics.test[name] ?? null;
    return { name, a: x, b: y, delta: delta(x, y) };
  });
  if (a.split.id !== b.split.id) {
    return {
      kind: 'trials',
      a: ref(a),
      b: ref(b),
      deltas,
      paired: null,
      note: `different splits (${a.split.id} and ${b.split.id}): no paired test; compare variants across seeds instead (bench compare ${a.variant}:${a.featureSet} ${b.variant}:${b.featureSet})`,
    };
  }
  // Each model at its own validation threshold; the same resampled test runs for both.
  const r = pairedSplitsBootstrap([preparedTest(a)], [preparedTest(b)], 'f1', {
    resamples: o.resamples,
    seed: String(o.seed),
  });
  const paired = { meanDiff: r.meanDiff, ci: r.ci, pValue: r.pValue, n: r.runs, invalidResamples: 0 };
  return { kind: 'trials', a: ref(a), b: ref(b), deltas, paired: { ...paired, unit: 'test runs' }, note: null };
}

/** Parses `variant[:feature set]`. */
export function parseSelector(text: string, experiment?: string): TrialSelector {
  const [variant, featureSet] = text.split(':', 2) as [string, string | undefined];
  return {
    variant,
    ...(featureSet && { featureSet }),
    ...(experiment !== undefined && { experiment }),
  };
}

async function resolve(store: Store, s: TrialSelector) {
  const rows = await store.findDoneTrials(s);
  if (rows.length === 0) {
    throw usageError(
      `no done trials of ${s.variant}${s.featureSet ? `:${s.featureSet}` : ''}${s.experiment ? ` in experiment ${s.experiment}` : ''}`,
      { hint: 'see `bench ls` for variants and feature sets' },
    );
  }
  const sets = [...new Set(rows.map((r) => r.featureSet))];
  if (sets.length > 1) {
    throw usageError(`${s.variant} ran on several feature sets (${sets.join(', ')})`, {
      hint: `name one: ${s.variant}:${sets[0]}`,
    });
  }
  const bySplit = new Map<number, (typeof rows)[number]>();
  for (const r of rows) if (!bySplit.has(r.splitId)) bySplit.set(r.splitId, r); // newest first
  return { featureSet: sets[0]!, bySplit };
}

export async function compareSelectors(
  store: Store,
  selA: TrialSelector,
  selB: TrialSelector,
  options: Partial<CompareOptions> = {},
): Promise<SelectorComparison> {
  const o = { ...defaultCompareOptions, ...options };
  const ra = await resolve(store, selA);
  const rb = await resolve(store, selB);
  const shared = [...ra.bySplit.keys()].filter((id) => rb.bySplit.has(id)).sort((x, y) => x - y);
  if (shared.length === 0) {
    throw usageError('the two have no split in common, so nothing pairs them', {
      hint: 'run both in one experiment (same dataset and seeds)',
    });
  }
  const details: { a: TrialDetail; b: TrialDetail }[] = [];
  for (const id of shared) {
    details.push({
      a: await doneTrial(store, ra.bySplit.get(id)!.id),
      b: await doneTrial(store, rb.bySplit.get(id)!.id),
    });
  }
  const pairs = details.map(({ a, b }) => ({
    splitId: a.split.id,
    seed: a.split.seed,
    a: a.id,
    b: b.id,
    f1A: a.metrics.test.f1 ?? Number.NaN,
    f1B: b.metrics.test.f1 ?? Number.NaN,
  }));
  const deltas = comparedDefs(eitherHas(...details.flatMap((d) => [d.a, d.b]))).map((def) => {
    const x = overSeeds(
      def,
      details.map((d) => d.a.metrics.test[def.id]),
    );
    const y = overSeeds(
      def,
      details.map((d) => d.b.metrics.test[def.id]),
    );
    return { name: def.id, a: x, b: y, delta: delta(x, y) };
  });
  const fa = pairs.map((p) => p.f1A);
  const fb = pairs.map((p) => p.f1B);
  const runs = await store.splitRunCounts(shared);
  const size = meanSize(shared.map((id) => splitSize(runs.get(id)!)));
  const corrected_t = { ...correctedResampledT(fb, fa, { ...size, alpha: o.alpha }), ...size };
  const wilcoxon = wilcoxonSignedRank(fb, fa);
  let bootstrap: SelectorComparison['bootstrap'] = null;
  if (corrected_t.state === 'single-seed') {
    const runs = pairedSplitsBootstrap([preparedTest(details[0]!.a)], [preparedTest(details[0]!.b)], 'f1', {
      resamples: o.resamples,
      seed: String(o.seed),
    });
    bootstrap = {
      meanDiff: runs.meanDiff,
      ci: runs.ci,
      pValue: runs.pValue,
      n: runs.runs,
      unit: `${runs.runs} test runs of 1 seed`,
    };
  }
  return {
    kind: 'seeds',
    a: { ...selA, featureSet: ra.featureSet, trials: pairs.map((p) => p.a) },
    b: { ...selB, featureSet: rb.featureSet, trials: pairs.map((p) => p.b) },
    pairs,
    deltas,
    corrected_t,
    wilcoxon,
    bootstrap,
    tied:
      corrected_t.state === 'interval'
        ? corrected_t.p >= o.alpha
        : bootstrap === null || Number.isNaN(bootstrap.ci[0]) || (bootstrap.ci[0] <= 0 && bootstrap.ci[1] >= 0),
  };
}
