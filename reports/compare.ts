/**
 * Comparing two trials, or two (variant, feature set) rows across split seeds, with a paired test:
 * - two trials on the same split: test-metric deltas and a paired bootstrap over test runs of the F1
 *   difference (each model at its own validation threshold, both on the same resampled runs);
 * - two selectors (variant[:feature set]): the done trials of each are paired by split (same dataset
 *   and seed), deltas of the mean test metrics, a paired bootstrap over the test runs of every seed
 *   (the leaderboard's tie test) and Wilcoxon signed-rank over the seeds' F1.
 * Differences are always b − a.
 */
import { BenchError, usageError } from '../harness/errors/index.ts';
import { type Db, findDoneTrials, getTrial, type TrialDetail, type TrialSelector } from '../harness/store/index.ts';
import {
  concatGroups,
  metricsAt,
  type PairedBootstrapResult,
  pairedGroupBootstrap,
  type ScoredGroup,
  type WilcoxonResult,
  wilcoxonSignedRank,
} from '../splits/eval/index.ts';
import { pairedSplitsBootstrap, prepareSplit } from './bootstrap.ts';
import { readPredictions } from './predictions.ts';

/** Test metrics a comparison lists, in this order. */
export const COMPARED_METRICS = [
  'f1',
  'precision',
  'recall',
  'auc_pr',
  'auc_roc',
  'precision_at_k',
  'fpr_at_alpha',
  'accuracy',
] as const;

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

export interface SelectorComparison {
  kind: 'seeds';
  a: TrialSelector & { featureSet: string; trials: number[] };
  b: TrialSelector & { featureSet: string; trials: number[] };
  pairs: SeedPair[];
  /** Mean test metrics over the paired trials. */
  deltas: MetricDelta[];
  /** Over seeds: with n ≤ 5 seeds a two-sided test cannot reach p < 0.05. */
  wilcoxon: WilcoxonResult;
  /** F1(b) − F1(a), paired over the test runs of every shared split. */
  bootstrap: PairedBootstrapResult & { unit: string };
  /** The bootstrap's 95 % interval holds 0: the data do not tell the two apart (as the leaderboard's ≈). */
  tied: boolean;
}

export interface CompareOptions {
  /** Bootstrap resamples. @default 2000 */
  resamples: number;
  /** Bootstrap seed. @default 1 */
  seed: number;
  /** Significance level for `tied`. @default 0.05 */
  alpha: number;
  /** Restrict selectors to this experiment's trials. */
  experiment?: string;
}

export const defaultCompareOptions: Readonly<CompareOptions> = Object.freeze({ resamples: 2000, seed: 1, alpha: 0.05 });

const delta = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : b - a;

function doneTrial(db: Db, id: number): TrialDetail {
  const t = getTrial(db, id);
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

/** Test part of a trial's predictions as per-run groups (score = decision at its threshold), keyed by run. */
function testGroups(t: TrialDetail): Map<string, { seqIds: string[]; predicted: number[]; labels: number[] }> {
  const artifact = t.artifacts.find((x) => x.kind === 'predictions');
  if (!artifact) {
    throw new BenchError('data', `trial ${t.id} has no predictions artifact`, {
      hint: 'it ran before predictions were recorded; rerun it with `bench run --fresh`',
    });
  }
  const p = readPredictions(artifact);
  const byRun = new Map<string, { seqIds: string[]; predicted: number[]; labels: number[] }>();
  for (let i = 0; i < p.part.length; i++) {
    if (p.part[i] !== 'test') continue;
    let g = byRun.get(p.run[i]!);
    if (!g) byRun.set(p.run[i]!, (g = { seqIds: [], predicted: [], labels: [] }));
    g.seqIds.push(p.seqId[i]!);
    g.predicted.push(p.predicted[i]!);
    g.labels.push(p.anomaly[i]!);
  }
  return byRun;
}

export function compareTrials(
  db: Db,
  idA: number,
  idB: number,
  options: Partial<CompareOptions> = {},
): TrialComparison {
  const o = { ...defaultCompareOptions, ...options };
  const a = doneTrial(db, idA);
  const b = doneTrial(db, idB);
  const deltas = COMPARED_METRICS.map((name) => {
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
  const ga = testGroups(a);
  const gb = testGroups(b);
  const runs = [...ga.keys()].sort();
  const pairs = runs.map((run) => {
    const x = ga.get(run)!;
    const y = gb.get(run);
    const order = new Map(y?.seqIds.map((s, i) => [s, i]));
    if (!y || y.seqIds.length !== x.seqIds.length || x.seqIds.some((s) => !order.has(s))) {
      throw new BenchError(
        'data',
        `trials ${a.id} and ${b.id} share a split but not the test sequences of run ${run}`,
        {
          hint: 'their predictions files were overwritten; rerun both with `bench run --fresh`',
        },
      );
    }
    const yi = x.seqIds.map((s) => order.get(s)!);
    const group = (pred: number[], idx: number[] | null): ScoredGroup => ({
      scores: Float64Array.from(idx ? idx.map((i) => pred[i]!) : pred),
      labels: Uint8Array.from(x.labels),
    });
    return { a: group(x.predicted, null), b: group(y.predicted, yi) };
  });
  // Decisions are 0/1 at each model's own validation threshold: 0.5 separates them.
  const f1 = (gs: readonly ScoredGroup[]) => {
    const { scores, labels } = concatGroups(gs);
    return metricsAt(scores, labels, 0.5).f1;
  };
  const paired = pairedGroupBootstrap(pairs, (s) => f1(s.map((p) => p.b)) - f1(s.map((p) => p.a)), {
    seed: o.seed,
    resamples: o.resamples,
  });
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

function resolve(db: Db, s: TrialSelector) {
  const rows = findDoneTrials(db, s);
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

export function compareSelectors(
  db: Db,
  selA: TrialSelector,
  selB: TrialSelector,
  options: Partial<CompareOptions> = {},
): SelectorComparison {
  const o = { ...defaultCompareOptions, ...options };
  const ra = resolve(db, selA);
  const rb = resolve(db, selB);
  const shared = [...ra.bySplit.keys()].filter((id) => rb.bySplit.has(id)).sort((x, y) => x - y);
  if (shared.length === 0) {
    throw usageError('the two have no split in common, so nothing pairs them', {
      hint: 'run both in one experiment (same dataset and seeds)',
    });
  }
  const details = shared.map((id) => ({
    a: doneTrial(db, ra.bySplit.get(id)!.id),
    b: doneTrial(db, rb.bySplit.get(id)!.id),
  }));
  const pairs = details.map(({ a, b }) => ({
    splitId: a.split.id,
    seed: a.split.seed,
    a: a.id,
    b: b.id,
    f1A: a.metrics.test.f1 ?? Number.NaN,
    f1B: b.metrics.test.f1 ?? Number.NaN,
  }));
  const mean = (xs: (number | null | undefined)[]) =>
    xs.some((x) => x === null || x === undefined) ? null : xs.reduce<number>((s, x) => s + x!, 0) / xs.length;
  const deltas = COMPARED_METRICS.map((name) => {
    const x = mean(details.map((d) => d.a.metrics.test[name]));
    const y = mean(details.map((d) => d.b.metrics.test[name]));
    return { name, a: x, b: y, delta: delta(x, y) };
  });
  const fa = pairs.map((p) => p.f1A);
  const fb = pairs.map((p) => p.f1B);
  const wilcoxon = wilcoxonSignedRank(fb, fa);
  const prepared = (t: TrialDetail) => {
    const artifact = t.artifacts.find((x) => x.kind === 'predictions');
    if (!artifact) {
      throw new BenchError('data', `trial ${t.id} has no predictions artifact`, {
        hint: 'it ran before predictions were recorded; rerun it with `bench run --fresh`',
      });
    }
    return prepareSplit(readPredictions(artifact));
  };
  const runs = pairedSplitsBootstrap(
    details.map((d) => prepared(d.a)),
    details.map((d) => prepared(d.b)),
    'f1',
    { resamples: o.resamples, seed: String(o.seed) },
  );
  const bootstrap = {
    meanDiff: runs.meanDiff,
    ci: runs.ci,
    pValue: runs.pValue,
    n: runs.runs,
    unit: `${runs.runs} test runs of ${runs.n} seed${runs.n === 1 ? '' : 's'}`,
  };
  return {
    kind: 'seeds',
    a: { ...selA, featureSet: ra.featureSet, trials: pairs.map((p) => p.a) },
    b: { ...selB, featureSet: rb.featureSet, trials: pairs.map((p) => p.b) },
    pairs,
    deltas,
    wilcoxon,
    bootstrap,
    tied: Number.isNaN(bootstrap.ci[0]) || (bootstrap.ci[0] <= 0 && bootstrap.ci[1] >= 0),
  };
}
