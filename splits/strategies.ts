/**
 * Seeded split strategies over runs — never over lines or sequences. Every strategy sees only run
 * metadata (ids, start times, error cases) and returns which runs go to train, val and test.
 */
import seedrandom from 'seedrandom';
import { PARTS, type Part, type RunInfo, type SplitOptions } from './types.ts';

export interface RunPartition {
  parts: Record<Part, string[]>;
  errorCases?: Record<Part, string[]>;
}

type Rng = () => number;

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Integer counts for `n` items in the given shares (largest remainder), with at least one item
 * per non-zero share whenever there are enough items.
 */
export function allocate(n: number, shares: readonly number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((s) => (n * s) / total);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  const positive = shares.filter((s) => s > 0).length;
  if (n >= positive) {
    for (let i = 0; i < counts.length; i++) {
      if (shares[i]! > 0 && counts[i] === 0) {
        const donor = counts.indexOf(Math.max(...counts));
        counts[donor]!--;
        counts[i] = 1;
      }
    }
  }
  return counts;
}

/**
 * Deals items in order to parts so that every prefix of the order is split close to the target
 * counts: consecutive items of one stratum land in different parts, so every part sees many
 * strata (error cases) and the normal share stays close across parts.
 */
function deal<T>(ordered: readonly T[], counts: readonly number[]): T[][] {
  const out: T[][] = counts.map(() => []);
  const n = ordered.length;
  for (const [i, item] of ordered.entries()) {
    let best = -1;
    let bestDeficit = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < counts.length; p++) {
      if (out[p]!.length >= counts[p]!) continue;
      const deficit = (counts[p]! * (i + 1)) / n - out[p]!.length;
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = p;
      }
    }
    out[best]!.push(item);
  }
  return out;
}

/** Runs ordered stratum by stratum (stratum = first error case), each stratum and its runs shuffled. */
function stratifiedOrder(runs: readonly RunInfo[], rng: Rng): RunInfo[] {
  const strata = new Map<string, RunInfo[]>();
  for (const r of runs) {
    const key = r.errorCases[0] ?? '';
    let list = strata.get(key);
    if (!list) strata.set(key, (list = []));
    list.push(r);
  }
  const keys = shuffle([...strata.keys()].sort(), rng);
  return keys.flatMap((k) => shuffle(strata.get(k)!, rng));
}

const byName = (a: RunInfo, b: RunInfo) => (a.run < b.run ? -1 : a.run > b.run ? 1 : 0);

function toParts(groups: readonly RunInfo[][]): Record<Part, string[]> {
  return {
    train: groups[0]!.map((r) => r.run).sort(),
    val: groups[1]!.map((r) => r.run).sort(),
    test: groups[2]!.map((r) => r.run).sort(),
  };
}

/** `random-runs`: seeded, stratified by error case. */
export function randomRuns(runs: readonly RunInfo[], o: SplitOptions): RunPartition {
  const rng = seedrandom(`split:random-runs:${o.seed}`);
  const ordered = stratifiedOrder([...runs].sort(byName), rng);
  return { parts: toParts(deal(ordered, allocate(runs.length, o.fractions))) };
}

/** `temporal`: the earliest runs train, the latest test (ties by run name). */
export function temporal(runs: readonly RunInfo[], o: SplitOptions): RunPartition {
  const ordered = [...runs].sort((a, b) => a.startMs - b.startMs || byName(a, b));
  const [nTrain, nVal] = allocate(runs.length, o.fractions) as [number, number, number];
  return {
    parts: toParts([ordered.slice(0, nTrain), ordered.slice(nTrain, nTrain + nVal), ordered.slice(nTrain + nVal)]),
  };
}

/**
 * `unseen-errors`: the error cases are split into three disjoint groups; a run goes to the part
 * owning most of its error cases, and each part keeps only its own cases' sequences (plus all
 * `correct` ones). Runs without error cases fill the parts towards the target shares.
 */
export function unseenErrors(runs: readonly RunInfo[], o: SplitOptions): RunPartition {
  const rng = seedrandom(`split:unseen-errors:${o.seed}`);
  const cases = [...new Set(runs.flatMap((r) => r.errorCases))].sort();
  const caseCounts = allocate(cases.length, o.fractions);
  const shuffled = shuffle(cases, rng);
  const caseParts: string[][] = [
    shuffled.slice(0, caseCounts[0]),
    shuffled.slice(caseCounts[0], caseCounts[0]! + caseCounts[1]!),
    shuffled.slice(caseCounts[0]! + caseCounts[1]!),
  ];
  const partOfCase = new Map<string, number>();
  caseParts.forEach((list, p) => {
    for (const c of list) partOfCase.set(c, p);
  });
  const groups: RunInfo[][] = [[], [], []];
  const withoutErrors: RunInfo[] = [];
  for (const run of [...runs].sort(byName)) {
    if (run.errorCases.length === 0) {
      withoutErrors.push(run);
      continue;
    }
    const votes = [0, 0, 0];
    for (const c of run.errorCases) votes[partOfCase.get(c)!]!++;
    // Most cases wins; a tie goes to the part of the run's first (sorted) case.
    const max = Math.max(...votes);
    const first = partOfCase.get(run.errorCases[0]!)!;
    groups[votes[first] === max ? first : votes.indexOf(max)]!.push(run);
  }
  const targets = allocate(runs.length, o.fractions).map((t, p) => Math.max(0, t - groups[p]!.length));
  const filler = deal(
    shuffle(withoutErrors, rng),
    allocate(withoutErrors.length, targets.some((t) => t > 0) ? targets : o.fractions),
  );
  for (const [p, list] of filler.entries()) groups[p]!.push(...list);
  return {
    parts: toParts(groups),
    errorCases: { train: [...caseParts[0]!].sort(), val: [...caseParts[1]!].sort(), test: [...caseParts[2]!].sort() },
  };
}

/**
 * `group-k-fold`: runs dealt into k stratified folds; fold `fold` is the test part, the next fold
 * the validation part, the rest train. Call once per fold for repeated estimates.
 */
export function groupKFold(runs: readonly RunInfo[], o: SplitOptions): RunPartition {
  const rng = seedrandom(`split:group-k-fold:${o.seed}`);
  const ordered = stratifiedOrder([...runs].sort(byName), rng);
  const folds = deal(
    ordered,
    allocate(
      runs.length,
      Array.from({ length: o.folds }, () => 1),
    ),
  );
  const testFold = o.fold;
  const valFold = (o.fold + 1) % o.folds;
  const train = folds.filter((_, f) => f !== testFold && f !== valFold).flat();
  return { parts: toParts([train, folds[valFold]!, folds[testFold]!]) };
}

export const STRATEGIES = {
  'random-runs': randomRuns,
  temporal,
  'unseen-errors': unseenErrors,
  'group-k-fold': groupKFold,
} as const;

export { PARTS };
