/**
 * Split manifests: the public entry `makeSplit` (options → manifest with a hash), the assignment
 * of sequences to parts, and the check that no run sits in two parts.
 */
import { createHash } from 'node:crypto';
import { dataError } from '../harness/errors/index.ts';
import { stableStringify } from '../harness/hash/index.ts';
import { STRATEGIES } from './strategies.ts';
import {
  DEFAULT_SCOPE,
  isDefaultScope,
  LABEL_SCOPES,
  PARTS,
  type Part,
  type RunInfo,
  SEQ_BY,
  type SequenceMeta,
  SPLIT_STRATEGIES,
  type SplitAssignment,
  type SplitManifest,
  type SplitOptions,
  type SplitStrategy,
} from './types.ts';

export const defaultSplitOptions: Readonly<Omit<SplitOptions, 'seed'>> = Object.freeze({
  strategy: 'random-runs',
  fractions: [0.6, 0.2, 0.2] as const,
  folds: 5,
  fold: 0,
  scope: DEFAULT_SCOPE,
});

/** Fills defaults and validates; errors name the option. */
export function resolveSplitOptions(partial: Partial<SplitOptions> & { seed: number }): Readonly<SplitOptions> {
  const o = { ...defaultSplitOptions, ...partial };
  if (!Number.isSafeInteger(o.seed)) throw new TypeError(`split.seed must be an integer (got ${o.seed})`);
  if (!(SPLIT_STRATEGIES as readonly string[]).includes(o.strategy)) {
    throw new TypeError(`split.strategy must be one of ${SPLIT_STRATEGIES.join(', ')} (got '${o.strategy}')`);
  }
  const f = o.fractions;
  if (
    f.length !== 3 ||
    f.some((x) => !(x >= 0)) ||
    Math.abs(f[0] + f[1] + f[2] - 1) > 1e-9 ||
    f[0] === 0 ||
    f[2] === 0
  ) {
    throw new TypeError(
      `split.fractions must be three shares ≥ 0 summing to 1, train and test > 0 (got [${f.join(', ')}])`,
    );
  }
  if (!Number.isInteger(o.folds) || o.folds < 3)
    throw new TypeError(`split.folds must be an integer ≥ 3 (got ${o.folds})`);
  if (!Number.isInteger(o.fold) || o.fold < 0 || o.fold >= o.folds) {
    throw new TypeError(`split.fold must be an integer in [0, ${o.folds - 1}] (got ${o.fold})`);
  }
  // An explicit `scope: undefined` means the default too.
  const scope = o.scope ?? DEFAULT_SCOPE;
  if (!(LABEL_SCOPES as readonly string[]).includes(scope.labels)) {
    throw new TypeError(`split.scope.labels must be one of ${LABEL_SCOPES.join(', ')} (got '${scope.labels}')`);
  }
  if (!(SEQ_BY as readonly string[]).includes(scope.seqBy)) {
    throw new TypeError(`split.scope.seqBy must be one of ${SEQ_BY.join(', ')} (got '${scope.seqBy}')`);
  }
  return Object.freeze({
    ...o,
    fractions: [f[0], f[1], f[2]] as const,
    scope: { labels: scope.labels, seqBy: scope.seqBy },
  });
}

/** Groups sequences by run (sorted by run id). */
export function runsOf(sequences: readonly SequenceMeta[]): RunInfo[] {
  const runs = new Map<string, { startMs: number; cases: Set<string>; sequences: number; anomalies: number }>();
  for (const s of sequences) {
    let r = runs.get(s.run);
    if (!r) runs.set(s.run, (r = { startMs: Number.POSITIVE_INFINITY, cases: new Set(), sequences: 0, anomalies: 0 }));
    if (s.startMs < r.startMs) r.startMs = s.startMs;
    if (s.anomaly) {
      r.cases.add(s.testCase);
      r.anomalies++;
    }
    r.sequences++;
  }
  return [...runs.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([run, r]) => ({
      run,
      startMs: Number.isFinite(r.startMs) ? r.startMs : Number.NaN,
      errorCases: [...r.cases].sort(),
      sequences: r.sequences,
      anomalies: r.anomalies,
    }));
}

function manifestHash(m: Omit<SplitManifest, 'hash'>): string {
  return createHash('sha256').update(stableStringify(m)).digest('hex');
}

const runCount = (m: SplitManifest): number => PARTS.reduce((n, p) => n + m.parts[p].length, 0);

/** Throws if a run is in two parts or a part is empty: a split that leaks is never used. */
export function verifyManifest(m: SplitManifest): void {
  const seen = new Map<string, Part>();
  for (const part of PARTS) {
    if (m.parts[part].length === 0 && part !== 'val') {
      throw dataError(`split ${m.strategy}/${m.seed}: the ${part} part has no runs (${runCount(m)} runs in all)`, {
        hint:
          m.strategy === 'unseen-errors' || m.strategy === 'group-k-fold'
            ? `${m.strategy} needs runs of enough error cases / folds: use more runs, or the random-runs strategy`
            : 'use more runs or other fractions (split.fractions)',
      });
    }
    for (const run of m.parts[part]) {
      const other = seen.get(run);
      if (other) throw new Error(`split ${m.strategy}/${m.seed} leaks: run ${run} is in both ${other} and ${part}`);
      seen.set(run, part);
    }
  }
  const { hash, ...rest } = m;
  if (manifestHash(rest) !== hash)
    throw new Error(`split ${m.strategy}/${m.seed}: manifest hash does not match its content`);
}

/** Makes a seeded split of the sequences' runs. Same sequences and options → same manifest and hash. */
export function makeSplit(
  sequences: readonly SequenceMeta[],
  partial: Partial<SplitOptions> & { seed: number },
): SplitManifest {
  const o = resolveSplitOptions(partial);
  const runs = runsOf(sequences);
  if (runs.length < 3) {
    throw dataError(
      `cannot split ${runs.length} run(s) into train, validation and test: a split is over runs and needs at least 3`,
      {
        hint: 'use a tree with more runs (a synthetic preset: dataset.runs, or `bench data synth --runs N`)',
      },
    );
  }
  const { parts, errorCases } = STRATEGIES[o.strategy as SplitStrategy](runs, o);
  const params =
    o.strategy === 'group-k-fold'
      ? { fractions: o.fractions, folds: o.folds, fold: o.fold }
      : { fractions: o.fractions };
  const body = {
    strategy: o.strategy,
    seed: o.seed,
    params,
    parts,
    ...(errorCases && { errorCases }),
    ...(!isDefaultScope(o.scope) && { scope: o.scope }),
  };
  const manifest: SplitManifest = { ...body, hash: manifestHash(body) };
  verifyManifest(manifest);
  return manifest;
}

/** The sequences of each part; for `unseen-errors`, sequences of another part's error cases are excluded. */
export function assign<S extends SequenceMeta>(sequences: readonly S[], m: SplitManifest): SplitAssignment<S> {
  const partOf = new Map<string, Part>();
  for (const part of PARTS) for (const run of m.parts[part]) partOf.set(run, part);
  const allowed = m.errorCases && Object.fromEntries(PARTS.map((p) => [p, new Set(m.errorCases![p])]));
  const out: SplitAssignment<S> = { parts: { train: [], val: [], test: [] }, excluded: [] };
  for (const s of sequences) {
    const part = partOf.get(s.run);
    if (part === undefined) throw new Error(`sequence ${s.seqId}: run ${s.run} is not in split ${m.hash.slice(0, 12)}`);
    if (allowed && s.anomaly && !allowed[part]!.has(s.testCase)) out.excluded.push(s);
    else out.parts[part].push(s);
  }
  return out;
}
