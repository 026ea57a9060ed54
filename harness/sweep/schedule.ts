/**
 * The order trials start in. Longest first (LPT scheduling): with a pool, a long trial started last
 * would leave the other workers idle at the end of the sweep. The order never changes a result (each
 * trial depends only on its own inputs), only the wall time.
 */
import { type Algorithm, type Level, VARIANTS, type VariantName } from '../../models/index.ts';
import { gridPoints, type PlannedTrial } from '../experiment/index.ts';

/**
 * Relative cost of an untuned sequence-level trial (fit + score + explanations + throughput) per
 * algorithm, measured on the standard preset (words features, 1 worker; docs/PERFORMANCE.md).
 */
const ALGORITHM_COST: Record<Algorithm, number> = {
  'random-forest': 24,
  'gradient-boosting': 5,
  'logistic-regression': 6,
  'decision-tree': 5,
  'isolation-forest': 5,
  'linear-svm': 4,
  kmeans: 2.5,
  lof: 2.5,
  'one-class-svm': 2,
  rarity: 1,
  oov: 1,
};

/** Token features cost more than numeric ones; trigram vocabularies more than words. */
function featureCost(featureSet: string): number {
  if (featureSet === 'numeric') return 0.2;
  return featureSet.includes('trigrams') ? 1.5 : 1;
}

/**
 * An event-level trial's cost relative to the same algorithm's sequence-level trial, from trials of
 * both levels timed on the standard preset. Its detector fits the ~2,100 distinct event rows with
 * their counts as weights, but the random forest's bootstrap and gradient boosting's subsample draw
 * once per event (~788k), so that the fit equals the fit on every event: those two cost far more.
 * The others fit fewer rows than at sequence level and write no explanations, but map their scores
 * to every event and evaluate the events; the two roughly cancel, so they count as at sequence
 * level. The factors grow with the events per sequence: on the tiny preset they are much smaller.
 */
const EVENT_LEVEL_COST: Partial<Record<Algorithm, number>> = {
  'random-forest': 5,
  'gradient-boosting': 6,
};

function levelCost(algorithm: Algorithm, level: Level | undefined): number {
  return level === 'event' ? (EVENT_LEVEL_COST[algorithm] ?? 1) : 1;
}

/**
 * How many models the trial fits: a tuned trial fits every point of its grid (and scores it on
 * validation) before the chosen one is evaluated, so it costs about that many untuned trials.
 */
function gridCost(t: PlannedTrial): number {
  return t.tune ? gridPoints(t.tune).length : 1;
}

/** A trial's relative cost: algorithm × feature set × level × grid points. Only the order it gives matters. */
export function trialCost(t: PlannedTrial): number {
  // The configuration's algorithm: names like `<variant>@event` or an experiment's own are no registry key.
  const algorithm = t.config?.algorithm ?? VARIANTS[t.variant as VariantName]?.algorithm ?? (t.variant as Algorithm);
  return (
    (ALGORITHM_COST[algorithm] ?? 3) * featureCost(t.featureSet) * levelCost(algorithm, t.config?.level) * gridCost(t)
  );
}

/** Trials of one seed, most expensive first; ties keep the plan's order. */
export function longestFirst<T extends PlannedTrial>(trials: readonly T[]): T[] {
  return trials
    .map((t, i) => ({ t, i, c: trialCost(t) }))
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .map((x) => x.t);
}

/**
 * The start order of one seed's trials: longest first, but grouped by feature set (in the order the
 * longest-first list first needs them). The main thread builds a feature set's matrices just before
 * its first trial starts; grouping lets the pool work through every trial of the sets already built
 * while the next set is vectorized, instead of idling behind it (with plain longest-first, a worker
 * sat waiting for the trigram matrices).
 */
export function startOrder<T extends PlannedTrial>(trials: readonly T[]): T[] {
  const lpt = longestFirst(trials);
  const setRank = new Map<string, number>();
  for (const t of lpt) if (!setRank.has(t.featureSet)) setRank.set(t.featureSet, setRank.size);
  return lpt
    .map((t, i) => ({ t, i }))
    .sort((a, b) => setRank.get(a.t.featureSet)! - setRank.get(b.t.featureSet)! || a.i - b.i)
    .map((x) => x.t);
}
