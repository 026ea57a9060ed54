/**
 * What the leaderboard says about a row over its split seeds, as pure functions of per-seed facts:
 * the mean with the corrected resampled t-interval, the tie test between two rows, the trivial rules
 * of the leakage audits on the row's splits, and the row's flags with their reasons. The maths is
 * splits/eval's; this module decides which numbers go in (docs/PROTOCOL.md).
 */

import {
  type ConvergenceRecord,
  type CorrectedTResult,
  correctedResampledT,
  flagsFor,
  type MetricDef,
  type NamedRuleF1,
  quantileSorted,
  type RowFlagOptions,
} from '../splits/eval/index.ts';
import type { LeakageAudit } from '../splits/index.ts';
import type { EntryFlag, MeanInterval } from './model.ts';

/** Runs per part of a split: what the Nadeau–Bengio correction needs. */
export interface SplitSize {
  /** Runs the split learns from: training and validation (model and threshold). */
  nTrain: number;
  /** Test runs. */
  nTest: number;
}

/** A split's sizes from its runs per part: both training and validation runs are learnt from. */
export const splitSize = (runs: { train: number; val: number; test: number }): SplitSize => ({
  nTrain: runs.train + runs.val,
  nTest: runs.test,
});

/** Confidence of the row intervals and significance level of the ties. */
export const ROW_ALPHA = 0.05;

/** The sizes to correct with over several splits: their mean runs per part. */
export function meanSize(sizes: readonly SplitSize[]): SplitSize {
  const n = sizes.length;
  return {
    nTrain: sizes.reduce((s, x) => s + x.nTrain, 0) / n,
    nTest: sizes.reduce((s, x) => s + x.nTest, 0) / n,
  };
}

/**
 * A row's metric over its seeds: mean of the finite per-seed values with their 95 % corrected
 * resampled t-interval (Nadeau & Bengio: variance × (1/k + nTest/nTrain)), cut to the metric's
 * `range`. The t-interval is symmetric and knows nothing of bounds: an F1 of 0.95 with a wide spread
 * would otherwise claim values above 1. The mean cannot lie outside its range, so the cut interval
 * covers it exactly as often as the uncut one. One seed has a mean and the reason it has no
 * interval; no finite value, neither.
 */
export function seedInterval(
  values: readonly number[],
  sizes: readonly SplitSize[],
  range: readonly [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
): MeanInterval {
  const finite = values.flatMap((v, i) => (Number.isFinite(v) ? [{ v, size: sizes[i]! }] : []));
  if (finite.length === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, interval: 'none' };
  const r = correctedResampledT(
    finite.map((x) => x.v),
    { ...meanSize(finite.map((x) => x.size)), alpha: ROW_ALPHA },
  );
  if (r.state === 'single-seed') {
    return { mean: r.mean, lo: Number.NaN, hi: Number.NaN, interval: 'single-seed', reason: r.reason };
  }
  return { mean: r.mean, lo: Math.max(r.ci[0], range[0]), hi: Math.min(r.ci[1], range[1]), interval: 'corrected-t' };
}

/**
 * A row's metric over its seeds, combined as the metric's definition says (`aggregate`): `mean` —
 * `seedInterval` (cut to the metric's range); `median` — the median of the finite values in `mean`, with no interval.
 */
export function seedAggregate(
  def: Pick<MetricDef, 'aggregate' | 'range'>,
  values: readonly number[],
  sizes: readonly SplitSize[],
): MeanInterval {
  if (def.aggregate === 'mean') return seedInterval(values, sizes, def.range);
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, interval: 'none' };
  const n = finite.length;
  return {
    mean: quantileSorted(finite, 0.5),
    lo: Number.NaN,
    hi: Number.NaN,
    interval: 'none',
    reason: `median of ${n} seed${n === 1 ? '' : 's'}: no interval`,
  };
}

/**
 * The corrected resampled t-test of b − a over the splits both rows have a finite value on (paired
 * by split), or null with no shared split.
 */
export function pairedSeedTest(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
  sizes: ReadonlyMap<number, SplitSize>,
): (CorrectedTResult & { splits: number[] }) | null {
  const shared = [...a.keys()]
    .filter((k) => b.has(k) && Number.isFinite(a.get(k)) && Number.isFinite(b.get(k)))
    .sort((x, y) => x - y);
  if (shared.length === 0) return null;
  const r = correctedResampledT(
    shared.map((k) => b.get(k)!),
    shared.map((k) => a.get(k)!),
    { ...meanSize(shared.map((k) => sizes.get(k)!)), alpha: ROW_ALPHA },
  );
  return { ...r, splits: shared };
}

/**
 * Whether the board marks b `≈` a: the corrected test over their shared seeds has p ≥ 0.05. Fewer
 * than two shared seeds give no test, and no mark.
 */
export function tiedOverSeeds(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
  sizes: ReadonlyMap<number, SplitSize>,
): boolean {
  const r = pairedSeedTest(a, b, sizes);
  return r !== null && r.state === 'interval' && r.p >= ROW_ALPHA;
}

const BASELINE_NAMES: Record<string, string> = {
  seq_len: 'sequence length',
  duration_sec: 'duration',
  unseen_templates: 'contains a template unseen in normal training data',
  service_prior: "the service's share of anomalies in train",
};

/**
 * The trivial rules of a row's splits with their mean test F1 over those splits: each baseline, and
 * per audited token part the best one-token and the best two-token rule (chosen on each split's
 * train/validation, so the tokens may differ between seeds: the name lists them). `audits[i]` holds
 * split i's audits of the row's token parts; a rule missing on any split is left out.
 */
export function trivialRules(audits: readonly (readonly LeakageAudit[])[]): NamedRuleF1[] {
  if (audits.length === 0 || audits.some((a) => a.length === 0)) return [];
  const families = new Map<string, { f1: number[]; names: string[] }>();
  const add = (key: string, f1: number, name: string) => {
    let f = families.get(key);
    if (!f) families.set(key, (f = { f1: [], names: [] }));
    f.f1.push(f1);
    f.names.push(name);
  };
  for (const split of audits) {
    // Baselines do not depend on the token part: one audit's are the split's.
    for (const b of split[0]!.baselines) add(`baseline:${b.name}`, b.f1Test, BASELINE_NAMES[b.name] ?? b.name);
    for (const a of split) {
      for (const r of a.tokenRules ?? []) add(`${a.featureSet}:${r.kind}`, r.f1Test, r.name);
    }
  }
  const rules: NamedRuleF1[] = [];
  for (const [key, f] of families) {
    if (f.f1.length !== audits.length || !f.f1.every(Number.isFinite)) continue;
    const [family, kind] = key.split(':') as [string, string];
    const label = family === 'baseline' ? '' : `${kind === 'token' ? 'one token' : 'two tokens'} of ${family}: `;
    rules.push({ name: `${label}${describeChoices(f.names)}`, f1: f.f1.reduce((s, x) => s + x, 0) / f.f1.length });
  }
  return rules;
}

/** `lacks 'status.yml'` when every split chose it, else each choice with its seed count. */
function describeChoices(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  if (counts.size === 1) return names[0]!;
  const listed = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([n, c]) => `${n} (${c} seed${c === 1 ? '' : 's'})`);
  return listed.length > 3 ? `${listed.slice(0, 3).join(', ')}, …` : listed.join(', ');
}

/** One seed's test confusion counts. */
export interface SeedConfusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** What a row's flags are computed from. */
export interface RowFlagFacts {
  /** The leak warning of a null-dataset row above chance, or null. */
  leak: string | null;
  /** Per seed; seeds without all four counts are left out. */
  confusion: readonly (SeedConfusion | null)[];
  /** The row's mean test F1 over its seeds. */
  f1: number;
  rules: readonly NamedRuleF1[];
  /** Per seed of an iterative model; empty when no seed recorded its solver. */
  convergence: readonly ConvergenceRecord[];
}

/**
 * The row's flags, most serious first: `leak`, then `degenerate`, `trivial` and `not-converged`
 * (splits/eval `flagsFor`). Degenerate looks at the share of test sequences flagged per seed.
 */
export function rowFlags(facts: RowFlagFacts, options: RowFlagOptions = {}): EntryFlag[] {
  const shares = facts.confusion.flatMap((c) => {
    if (c === null) return [];
    const n = c.tp + c.fp + c.tn + c.fn;
    return n > 0 ? [(c.tp + c.fp) / n] : [];
  });
  const flags: EntryFlag[] = facts.leak === null ? [] : [{ flag: 'leak', reason: facts.leak }];
  return [
    ...flags,
    ...flagsFor(
      {
        ...(shares.length > 0 && { flaggedShare: shares }),
        ...(Number.isFinite(facts.f1) && facts.rules.length > 0 && { f1: facts.f1, rules: facts.rules }),
        ...(facts.convergence.length > 0 && { convergence: facts.convergence }),
      },
      options,
    ),
  ];
}
