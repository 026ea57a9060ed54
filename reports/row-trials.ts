/**
 * What the leaderboard reads of each row's trials: which trials belong to a row (the plan of its
 * experiment, in its current scope and on its current dataset, newest per seed), and the stored
 * facts of each — test metrics, solver records, fit time, throughput, fault slices.
 */
import { type ExperimentScope, experimentScope } from '../harness/experiment/index.ts';
import { type Db, experimentDataset, latestExperimentConfigs } from '../harness/store/index.ts';
import type { ConvergenceRecord } from '../splits/eval/index.ts';
import type { FaultSlice } from '../splits/index.ts';
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

/** A row's done trials (newest per seed) and how many of its seeds failed. */
export interface RowTrials {
  trials: TrialFacts[];
  failed: number;
}

/**
 * Each experiment's scope as last run, by name; its rows keep the trials of that scope only: a file
 * whose scope was edited keeps its older trials in the store, but a row mixing scopes would average
 * different questions.
 */
export function currentScopes(db: Db): Map<string, ExperimentScope> {
  const byName = new Map<string, ExperimentScope>();
  for (const [name, config] of latestExperimentConfigs(db)) byName.set(name, experimentScope(config));
  return byName;
}

const sameScope = (a: ExperimentScope, b: ExperimentScope) =>
  a.labels === b.labels && a.seqBy === b.seqBy && a.source === b.source && a.order === b.order && a.faults === b.faults;

/**
 * The trials of each row (`experiment|variant|featureSet`, all experiments or one): the done and
 * failed trials of each experiment's plan (`experiment_trials`) in its current scope and on its
 * current dataset (`experimentDataset`), the newest per seed. A trial computed by another experiment
 * with the same key belongs to this one's rows too; trials of data the experiment has moved on from
 * do not.
 */
export function loadRowTrials(
  db: Db,
  experiment: string | undefined,
  current: ReadonlyMap<string, ExperimentScope>,
): Map<string, RowTrials> {
  const all = db
    .prepare(
      `SELECT t.id, t.split_id AS splitId, t.seed, t.variant, t.feature_set AS featureSet, t.status,
              e.name AS experiment, e.config_json AS config, sp.dataset_id AS datasetId
       FROM experiment_trials x JOIN experiments e ON e.id = x.experiment_id JOIN trials t ON t.id = x.trial_id
       JOIN splits sp ON sp.id = t.split_id
       WHERE t.status IN ('done', 'failed') AND (? IS NULL OR e.name = ?) ORDER BY t.id DESC`,
    )
    .all(experiment ?? null, experiment ?? null) as {
    id: number;
    splitId: number;
    seed: number;
    variant: string;
    featureSet: string;
    status: string;
    experiment: string;
    config: string;
    datasetId: number;
  }[];
  const scopeOfConfig = new Map<string, ExperimentScope>();
  const datasetOf = new Map<string, number | null>();
  const rows = all.filter((r) => {
    let s = scopeOfConfig.get(r.config);
    if (!s) scopeOfConfig.set(r.config, (s = experimentScope(r.config)));
    const now = current.get(r.experiment);
    if (!datasetOf.has(r.experiment)) datasetOf.set(r.experiment, experimentDataset(db, r.experiment));
    const dataset = datasetOf.get(r.experiment);
    return (now === undefined || sameScope(s, now)) && (dataset == null || r.datasetId === dataset);
  });
  const metric = db.prepare("SELECT name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice = ''");
  const solver = db.prepare(
    "SELECT name, value FROM metrics WHERE trial_id = ? AND part = 'train' AND slice = '' AND name IN ('iterations', 'max_iterations', 'final_gradient')",
  );
  const fit = db.prepare("SELECT wall_ms FROM timings WHERE trial_id = ? AND stage = 'fit'");
  const tput = db.prepare('SELECT sequences_per_s FROM throughput WHERE trial_id = ?');
  const faultMetric = db.prepare(
    "SELECT slice, name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice IN ('fault=visible', 'fault=hidden')",
  );
  const named = (list: unknown) =>
    Object.fromEntries((list as { name: string; value: number | null }[]).map((m) => [m.name, m.value]));
  const groups = new Map<string, RowTrials & { seeds: Set<number> }>();
  for (const r of rows) {
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
    g.trials.push({
      id: r.id,
      splitId: r.splitId,
      seed: r.seed,
      experiment: r.experiment,
      variant: r.variant,
      featureSet: r.featureSet,
      metrics: named(metric.all(r.id)),
      solver: named(solver.all(r.id)),
      fitMs: (fit.get(r.id) as { wall_ms: number } | undefined)?.wall_ms ?? null,
      throughput: (tput.get(r.id) as { sequences_per_s: number | null } | undefined)?.sequences_per_s ?? null,
      faults: faultMetricsOf(faultMetric.all(r.id) as { slice: string; name: string; value: number | null }[]),
    });
  }
  return groups;
}

/** A trial's `fault=` slice metrics by slice. */
function faultMetricsOf(rows: readonly { slice: string; name: string; value: number | null }[]): TrialFacts['faults'] {
  const out: TrialFacts['faults'] = {};
  for (const m of rows) (out[m.slice.slice('fault='.length) as FaultSlice] ??= {})[m.name] = m.value;
  return out;
}
