/**
 * What the leaderboard reads of each row's trials: which trials belong to a row (the plan of its
 * experiment, in its current scope and on its current dataset, newest per seed), and the stored
 * facts of each — test metrics, solver records, fit time, throughput, fault slices. Pure: the
 * trials come from `Store.finishedTrials`.
 */
import { type ExperimentScope, experimentScope } from '../harness/experiment/index.ts';
import type { FinishedTrial } from '../harness/store/index.ts';
import type { ConvergenceRecord } from '../splits/eval/index.ts';
import { FAULT_SLICES, type FaultSlice } from '../splits/index.ts';
import type { SeedConfusion } from './seed-stats.ts';

/** What a leaderboard row needs of one done trial. */
export interface TrialFacts {
  id: number;
  splitId: number;
  seed: number;
  experiment: string;
  variant: string;
  featureSet: string;
  metrics: Record<string, number | null>;
  /** Solver records (`iterations`, `max_iterations`, `final_gradient`) of iterative models. */
  solver: Record<string, number | null>;
  fitMs: number | null;
  throughput: number | null;
  /** Test metrics of the `fault=visible` / `fault=hidden` slices, when the trial's data had truth. */
  faults: Partial<Record<FaultSlice, Record<string, number | null>>>;
}

/** A trial's test metric, NaN where undefined (stored as NULL). */
export const metricOf = (t: TrialFacts, name: string) => t.metrics[name] ?? Number.NaN;

/** A trial's test confusion counts, or null when one is missing. */
export function confusionOf(t: TrialFacts): SeedConfusion | null {
  const { tp, fp, tn, fn } = t.metrics;
  return typeof tp === 'number' && typeof fp === 'number' && typeof tn === 'number' && typeof fn === 'number'
    ? { tp, fp, tn, fn }
    : null;
}

/** How the trial's solver ended, or null for a model without one. */
export function convergenceOf(t: TrialFacts): ConvergenceRecord | null {
  const { iterations, max_iterations: maxIterations, final_gradient: finalGradient } = t.solver;
  if (typeof iterations !== 'number' || typeof maxIterations !== 'number') return null;
  return {
    seed: t.seed,
    iterations,
    maxIterations,
    ...(typeof finalGradient === 'number' && { finalGradient }),
  };
}

const SOLVER_RECORDS = ['iterations', 'max_iterations', 'final_gradient'];

/** The leaderboard's facts of a stored trial. */
export function factsOf(t: FinishedTrial): TrialFacts {
  const faults: TrialFacts['faults'] = {};
  for (const slice of FAULT_SLICES) {
    const m = t.slices[`fault=${slice}`];
    if (m) faults[slice] = m;
  }
  const rate = t.throughput?.sequencesPerS;
  return {
    id: t.id,
    splitId: t.splitId,
    seed: t.seed,
    experiment: t.experiment,
    variant: t.variant,
    featureSet: t.featureSet,
    metrics: t.metrics.test,
    solver: Object.fromEntries(Object.entries(t.metrics.train).filter(([name]) => SOLVER_RECORDS.includes(name))),
    fitMs: t.timings.find((x) => x.stage === 'fit')?.wallMs ?? null,
    // An unmeasurably fast model (an infinite rate) has no throughput to average.
    throughput: rate !== undefined && Number.isFinite(rate) ? rate : null,
    faults,
  };
}

/** A row's done trials (newest per seed) and how many of its seeds failed. */
export interface RowTrials {
  trials: TrialFacts[];
  failed: number;
}

/**
 * Each experiment's scope as last run, by name (from `Store.latestExperimentConfigs`); its rows keep
 * the trials of that scope only: a file whose scope was edited keeps its older trials in the store,
 * but a row mixing scopes would average different questions.
 */
export function currentScopes(configs: ReadonlyMap<string, unknown>): Map<string, ExperimentScope> {
  const byName = new Map<string, ExperimentScope>();
  for (const [name, config] of configs) byName.set(name, experimentScope(config));
  return byName;
}

const sameScope = (a: ExperimentScope, b: ExperimentScope) =>
  a.labels === b.labels && a.seqBy === b.seqBy && a.source === b.source && a.order === b.order && a.faults === b.faults;

/**
 * The finished trials (newest first) whose planning experiment row had the experiment's current
 * scope. A trial computed by another experiment with the same key belongs to this one's rows too.
 */
export function inCurrentScope(
  trials: readonly FinishedTrial[],
  current: ReadonlyMap<string, ExperimentScope>,
): FinishedTrial[] {
  const scopeOfConfig = new Map<unknown, ExperimentScope>();
  return trials.filter((t) => {
    let s = scopeOfConfig.get(t.config);
    if (!s) scopeOfConfig.set(t.config, (s = experimentScope(t.config)));
    const now = current.get(t.experiment);
    return now === undefined || sameScope(s, now);
  });
}

/**
 * The trials of each row (`experiment|variant|featureSet`), from finished trials newest first (in
 * scope, see `inCurrentScope`): the newest per seed, done ones as facts, failed ones counted.
 */
export function groupRowTrials(trials: readonly FinishedTrial[]): Map<string, RowTrials> {
  const groups = new Map<string, RowTrials & { seeds: Set<number> }>();
  for (const r of trials) {
    const key = `${r.experiment}|${r.variant}|${r.featureSet}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { trials: [], failed: 0, seeds: new Set() }));
    // Newest trial per seed only: an edited split (strategy, fractions) makes new splits for old seeds.
    if (g.seeds.has(r.seed)) continue;
    g.seeds.add(r.seed);
    if (r.status === 'failed') {
      g.failed++;
      continue;
    }
    g.trials.push(factsOf(r));
  }
  return groups;
}
