/**
 * The report model of one experiment: leaderboard, F1 by feature set per algorithm, precision–recall
 * curves, recall per error case, stage timings, leakage audits, environment, SHAP summaries with
 * their stability across seeds, false positives. Built in three steps: fetch (the store, once), read
 * the rows' trial files (harness/artifacts readers), then pure functions, one per section.
 */

import {
  type FalsePositiveLine,
  type Predictions,
  readFalsePositives,
  readPredictions,
  readShapPoints,
  rowsOf,
  type ShapFeaturePoints,
} from '../harness/artifacts/index.ts';
import { usageError } from '../harness/errors/index.ts';
import { scopeText } from '../harness/experiment/index.ts';
import type { FinishedTrial, Store, SweepInfo } from '../harness/store/index.ts';
import { configurationSection } from './configuration.ts';
import { precisionRecallCurve } from './curves.ts';
import {
  type BoardData,
  type BoardRow,
  type Leaderboard,
  leaderboard,
  loadBoardData,
  noRowsText,
  type PrimaryMetric,
  type RowDetail,
  rowDetail,
  topFeatures,
} from './leaderboard.ts';
import { summarizeLeakage } from './leakage-summary.ts';
import type { ReportModel } from './model.ts';
import { degenerateExplanation, shapUnit } from './shap-meaning.ts';

export interface ReportOptions {
  /** Metric that ranks the leaderboard. @default 'f1' */
  primary: PrimaryMetric;
  /** Features compared across seeds for SHAP stability. @default 10 */
  topK: number;
  /** Rows (best first) whose false positives the report lists, from their first seed. @default 5 */
  falsePositiveRows: number;
  /** False positives listed per row, highest score first. @default 8 */
  falsePositivesEach: number;
}

export const defaultReportOptions: Readonly<ReportOptions> = Object.freeze({
  primary: 'f1',
  topK: 10,
  falsePositiveRows: 5,
  falsePositivesEach: 8,
});

/** What the leaderboard's intervals are, in the report's words. */
export const INTERVAL_NOTE =
  'Intervals: mean over split seeds with its 95 % corrected resampled t-interval (Nadeau & Bengio 2003: the variance of the per-seed values × (1/k + nTest/nTrain), nTrain = training + validation runs, since the seeds’ splits overlap); a row with one seed has a mean and no interval over splits.';
const TIE_NOTE =
  '≈ marks a row the corrected resampled t-test over the seeds both share cannot tell from the row above (p ≥ 0.05): the seeds cannot order them, which is not evidence that they are equal.';
const FLAG_NOTE =
  'Flags: degenerate — flags ≤ 1 % or ≥ 99 % of test sequences on every seed (its F1 measures the class balance); trivial — F1 within 0.02 of a trivial rule of the leakage audit on the same splits (length, duration, unseen templates, service prior, best one- and two-token rules); not-converged — a seed’s solver used all its iterations; leak — above chance on a null dataset.';

const label = (r: BoardRow) => `${r.variant}:${r.featureSet}`;

/** Mean pairwise Jaccard similarity of top-k feature sets (1 = the same features every seed). */
export function topKStability(sets: readonly (readonly string[])[]): number | null {
  if (sets.length < 2) return null;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const a = new Set(sets[i]);
      const b = new Set(sets[j]);
      const inter = [...a].filter((x) => b.has(x)).length;
      const union = new Set([...a, ...b]).size;
      sum += union === 0 ? 1 : inter / union;
      pairs++;
    }
  }
  return sum / pairs;
}

/** What the report reads through the store. */
export interface ReportData {
  experiment: string;
  /** The experiment's file, as its newest row records it ('' when unknown). */
  file: string;
  /** Its leaderboard's trials, splits and audits (`loadBoardData`). */
  board: BoardData;
  /** Its newest sweep, whose environment the report shows. */
  sweep: SweepInfo | null;
}

/**
 * Fetch: everything the report needs from the store. `data` is what `loadBoardData` read (loaded
 * here, for this experiment, when not given). An unknown experiment is a usage error.
 */
export async function fetchReportData(store: Store, experiment: string, data?: BoardData): Promise<ReportData> {
  const exp = await store.findExperiment(experiment);
  if (!exp) {
    throw usageError(`no experiment named '${experiment}' in the database`, {
      hint: 'see `bench ls`; experiments get their name from the file (name: ...)',
    });
  }
  const [board, sweep] = await Promise.all([
    data ?? loadBoardData(store, { experiment }),
    store.latestSweep(experiment),
  ]);
  return { experiment, file: exp.file ?? '', board, sweep };
}

/** The report of `experiment`: fetch, rank, read the rows' files, build the sections. */
export async function buildReportModel(
  store: Store,
  experiment: string,
  options: Partial<ReportOptions> = {},
  data?: BoardData,
): Promise<ReportModel> {
  const o = { ...defaultReportOptions, ...options };
  const fetched = await fetchReportData(store, experiment, data);
  const board = leaderboard(fetched.board, o.primary, { experiment });
  if (board.rows.length === 0) {
    const { message, hint } = await noRowsText(store, experiment);
    throw usageError(message, { hint });
  }
  const trials = trialsById(fetched.board);
  const files = readRowFiles(board.rows, trials, o);
  return reportModel({ ...fetched, leaderboard: board, trials, files }, o, new Date().toISOString());
}

// Reading the rows' trial files: the one step besides the fetch with side effects.

/** What the report shows of one row's trial files. */
export interface RowFiles {
  /** Predictions of the row's first split seed (null: the trial wrote none). */
  predictions: Predictions | null;
  /** Top features by mean |SHAP| over the row's seeds, and each seed's own (seeds without SHAP left out). */
  shapTop: { feature: string; meanAbs: number }[];
  shapPerSeed: { feature: string; meanAbs: number }[][];
  /** SHAP points of the first seed, when the row has SHAP at all and that seed wrote them. */
  shapPoints: ShapFeaturePoints[] | null;
  /** False positives of the first seed (the rows `falsePositiveRows` asks for; null otherwise or without a list). */
  falsePositives: FalsePositiveLine[] | null;
}

/** The rows' trial files, by row key; each file read through harness/artifacts (sha256 checked). */
export function readRowFiles(
  rows: readonly BoardRow[],
  trials: ReadonlyMap<number, FinishedTrial>,
  o: Pick<ReportOptions, 'topK' | 'falsePositiveRows'>,
): Map<string, RowFiles> {
  return new Map(
    rows.map((r, i) => {
      const first = trials.get(r.trials[0]!)!;
      const artifact = (kind: string) => first.artifacts.find((a) => a.kind === kind);
      const predictions = artifact('predictions');
      const shapTop = topFeatures(
        r.trials.map((id) => trials.get(id)!),
        o.topK,
      );
      // A row without SHAP reads no more of its files for it.
      const shap = shapTop.length > 0;
      const shapPerSeed = shap
        ? r.trials.map((id) => topFeatures([trials.get(id)!], o.topK)).filter((s) => s.length > 0)
        : [];
      const points = shap ? artifact('shap-points') : undefined;
      const fp = i < o.falsePositiveRows ? artifact('false-positives') : undefined;
      return [
        r.key,
        {
          predictions: predictions ? readPredictions(predictions) : null,
          shapTop,
          shapPerSeed,
          shapPoints: points ? readShapPoints(points).features : null,
          falsePositives: fp ? readFalsePositives(fp) : null,
        },
      ];
    }),
  );
}

// The sections: pure functions of what was fetched and read.

/** Everything the sections are built from. */
export interface ReportInput extends ReportData {
  leaderboard: Leaderboard;
  trials: ReadonlyMap<number, FinishedTrial>;
  files: ReadonlyMap<string, RowFiles>;
}

/** The report model from its inputs (at least one leaderboard row), stamped `generatedAt`. */
export function reportModel(input: ReportInput, o: ReportOptions, generatedAt: string): ReportModel {
  const rows = input.leaderboard.rows;
  const trial = (id: number): FinishedTrial => input.trials.get(id)!;
  const files = (r: BoardRow): RowFiles => input.files.get(r.key)!;
  const details = new Map(rows.map((r) => [r.key, rowDetail(input.board, r)]));
  const detail = (r: BoardRow): RowDetail => details.get(r.key)!;
  const explanations = explanationsSection(rows, trial, files, o.topK);
  const falsePositives = falsePositivesSection(rows.slice(0, o.falsePositiveRows), trial, files, o.falsePositivesEach);
  const leakage = leakageSection(rows, trial, input.board);
  const configurations = configurationSection(rows, (key) => details.get(key)!);
  return {
    title: `lo2-bench — ${input.experiment}`,
    experiment: input.experiment,
    experimentFile: input.file,
    generatedAt,
    scope: scopeText(input.board.scopes[input.experiment] ?? rows[0]!.scope),
    ...(input.leaderboard.warnings.length > 0 && { warnings: input.leaderboard.warnings }),
    primaryMetric: o.primary,
    leaderboard: rows,
    f1ByFeatureSet: f1ByFeatureSet(rows),
    prCurves: rows.map((r) => prCurve(r, trial(r.trials[0]!), files(r).predictions)),
    recallByCase: recallByCase(rows, detail),
    timings: timingsSection(rows, detail),
    leakage,
    leakageSummary: summarizeLeakage(leakage),
    environment: environmentSection(input.sweep),
    ...(explanations.length > 0 && { explanations }),
    ...(falsePositives.length > 0 && { falsePositives }),
    notes: notesSection(rows, trial, detail),
    ...(configurations.length > 0 && { configurations }),
  };
}

/** Each trial once, by id. */
function trialsById(data: BoardData): Map<number, FinishedTrial> {
  const trials = new Map<number, FinishedTrial>();
  for (const t of data.trials) if (!trials.has(t.id)) trials.set(t.id, t);
  return trials;
}

/**
 * F1 by feature set per algorithm: each (algorithm, feature set) with a row, from its best row in
 * rank order (several variants may share an algorithm), with the interval that row's F1 carries.
 */
export function f1ByFeatureSet(rows: readonly BoardRow[]): ReportModel['f1ByFeatureSet'] {
  const seen = new Set<string>();
  return rows.flatMap((r) => {
    const k = `${r.algorithm}\u0000${r.featureSet}`;
    if (seen.has(k)) return [];
    seen.add(k);
    const { mean, lo, hi, interval, reason } = r.f1;
    return [
      {
        algorithm: r.algorithm,
        featureSet: r.featureSet,
        variant: r.variant,
        mean,
        lo,
        hi,
        interval,
        ...(reason !== undefined && { reason }),
      },
    ];
  });
}

/** A row's PR curve from its first split seed: scores of different seeds' models are not comparable. */
export function prCurve(r: BoardRow, first: FinishedTrial, p: Predictions | null): ReportModel['prCurves'][number] {
  const group = r.supervised ? 'supervised' : 'unsupervised';
  if (!p) return { label: `${label(r)} (no predictions)`, group, aucPr: Number.NaN, points: [] };
  const test = rowsOf(p, 'test');
  const points = precisionRecallCurve(
    Float64Array.from(test, (i) => p.score[i]!),
    Uint8Array.from(test, (i) => p.anomaly[i]!),
  );
  return { label: label(r), group, aucPr: first.metrics.test.auc_pr ?? Number.NaN, points };
}

export function recallByCase(
  rows: readonly BoardRow[],
  detail: (r: BoardRow) => RowDetail,
): ReportModel['recallByCase'] {
  const cases = [...new Set(rows.flatMap((r) => detail(r).recallByCase.map((c) => c.testCase)))].sort();
  return {
    rows: rows.map(label),
    columns: cases,
    values: rows.map((r) => {
      const byCase = new Map(detail(r).recallByCase.map((c) => [c.testCase, c.recall]));
      return cases.map((c) => byCase.get(c) ?? null);
    }),
  };
}

function timingsSection(rows: readonly BoardRow[], detail: (r: BoardRow) => RowDetail): ReportModel['timings'] {
  return rows.map((r) => ({
    label: label(r),
    // Ingest is one shared pass per sweep, identical for every row: left out, noted below.
    stages: Object.fromEntries(
      detail(r)
        .timings.filter((t) => t.stage !== 'ingest')
        .map((t) => [t.stage, t.wallMs]),
    ),
  }));
}

/** The leakage audits of the rows' splits: warnings and trivial rules per split and feature set. */
function leakageSection(
  rows: readonly BoardRow[],
  trial: (id: number) => FinishedTrial,
  data: BoardData,
): ReportModel['leakage'] {
  const splitIds = [
    ...new Set(rows.flatMap((r) => r.trials.map((id) => trial(id))).map((t) => `${t.splitId}:${t.splitSeed}`)),
  ];
  return splitIds.flatMap((s) => {
    const [id, seed] = s.split(':');
    return data.audits
      .filter((a) => a.splitId === Number(id))
      .map(({ featureSet, audit }) => ({
        split: `split ${id} (seed ${seed})`,
        featureSet,
        warnings: audit.warnings,
        trivialRules: [
          ...audit.baselines.map((b) => ({ rule: b.name, aucTest: b.aucTest, f1Test: b.f1Test })),
          ...(audit.tokenRules ?? []).map((r) => ({
            rule: `${r.kind === 'token' ? 'one token' : 'two tokens'}: ${r.name}`,
            aucTest: r.aucTest,
            f1Test: r.f1Test,
          })),
        ].map((r) => ({
          ...r,
          aucTest: Number.isFinite(r.aucTest) ? r.aucTest : null,
          f1Test: Number.isFinite(r.f1Test) ? r.f1Test : null,
        })),
      }));
  });
}

/** The newest sweep, how it ended, its note and tags, and its recorded environment, as text. */
function environmentSection(sweep: SweepInfo | null): ReportModel['environment'] {
  const env = (sweep?.env ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({
      ...(sweep && { sweep: sweep.id, startedAt: sweep.startedAt, status: sweep.status }),
      // A main-thread failure's first line (the message; the stack is in `sweeps.error`).
      ...(sweep?.error && { error: sweep.error.split('\n')[0] }),
      ...(sweep?.note && { note: sweep.note }),
      ...(sweep &&
        Object.keys(sweep.tags).length > 0 && {
          tags: Object.entries(sweep.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        }),
      ...env,
    }).map(([k, v]) => [k, v === null ? 'unknown' : String(v)]),
  );
}

/** Every seed's model flags every test sequence (no test negatives predicted, some positives). */
function flagsEverything(r: BoardRow, trial: (id: number) => FinishedTrial): boolean {
  return r.trials.every((id) => {
    const { tp, fp, tn, fn } = trial(id).metrics.test;
    return tn === 0 && fn === 0 && (tp ?? 0) + (fp ?? 0) > 0;
  });
}

/** The test scores of a prediction file are all one value (false without predictions or test rows). */
function constantTestScores(p: Predictions | null): boolean {
  if (!p) return false;
  const test = rowsOf(p, 'test');
  if (test.length === 0) return false;
  const first = p.score[test[0]!]!;
  return test.every((i) => p.score[i] === first);
}

/**
 * SHAP summaries of the rows that have them: the top features' stability across seeds, the unit the
 * values are in, and a degenerate explanation named as such rather than tabulated.
 */
export function explanationsSection(
  rows: readonly BoardRow[],
  trial: (id: number) => FinishedTrial,
  files: (r: BoardRow) => RowFiles,
  topK: number,
): NonNullable<ReportModel['explanations']> {
  return rows.flatMap((r) => {
    const { shapTop, shapPerSeed, shapPoints, predictions } = files(r);
    if (shapTop.length === 0) return [];
    const stability = topKStability(shapPerSeed.map((s) => s.map((f) => f.feature)));
    const seeds = shapPerSeed.length;
    const { unit, meaning } = shapUnit(r.algorithm);
    const everything = flagsEverything(r, trial);
    const degenerate = degenerateExplanation({
      meanAbs: shapTop.map((f) => f.meanAbs),
      perSeed: shapPerSeed.map((s) => s.map((f) => f.meanAbs)),
      flagsEverything: everything,
      constantScores: constantTestScores(predictions),
    });
    // Its scores still rank sequences (AUC), so the values stay; the reader learns they decide no flag.
    const flagsAll =
      everything && degenerate === null
        ? ' It flags every test sequence on every seed: these values order sequences by score but change no flag.'
        : '';
    return [
      {
        label: label(r),
        note: `Top-${topK} features' stability across ${seeds} seed${seeds === 1 ? '' : 's'} (mean pairwise Jaccard): ${stability === null ? 'n/a (one seed)' : stability.toFixed(2)}. SHAP values in ${meaning}.${flagsAll}`,
        unit,
        ...(degenerate !== null && { degenerate }),
        shapTop,
        ...(shapPoints && { shapRows: shapPoints }),
      },
    ];
  });
}

/** The rows' false-positive lists (already sorted by score), first seed each, `each` lines of each. */
function falsePositivesSection(
  rows: readonly BoardRow[],
  trial: (id: number) => FinishedTrial,
  files: (r: BoardRow) => RowFiles,
  each: number,
): NonNullable<ReportModel['falsePositives']> {
  return rows.flatMap((r) => {
    const lines = files(r).falsePositives;
    if (!lines) return [];
    const t = trial(r.trials[0]!);
    return [
      {
        label: `${label(r)} (seed ${t.splitSeed}, trial ${t.id})`,
        total: lines.length,
        threshold: t.metrics.test.threshold ?? Number.NaN,
        rows: lines
          .slice(0, each)
          .map(({ seqId, score, topFeatures, uniqueTemplates }) => ({ seqId, score, topFeatures, uniqueTemplates })),
      },
    ];
  });
}

function notesSection(
  rows: readonly BoardRow[],
  trial: (id: number) => FinishedTrial,
  detail: (r: BoardRow) => RowDetail,
): string[] {
  const testSeqs = trial(rows[0]!.trials[0]!).metrics.test;
  const n = (testSeqs.tp ?? 0) + (testSeqs.fp ?? 0) + (testSeqs.tn ?? 0) + (testSeqs.fn ?? 0);
  const ingestMs = detail(rows[0]!).timings.find((t) => t.stage === 'ingest')?.wallMs;
  return [
    `${rows.length} rows (variant × feature set), ${rows.reduce((s, r) => s + r.seeds, 0)} finished trials; ${rows.reduce((s, r) => s + r.failed, 0)} failed.`,
    `Thresholds are chosen on validation only; test sets hold ${n} sequences per seed.`,
    INTERVAL_NOTE,
    TIE_NOTE,
    FLAG_NOTE,
    'Precision–recall curves use each row’s first split seed (scores of different seeds’ models are not on one scale).',
    ...(rows.some((r) => r.faultSlices)
      ? [
          'Fault visibility: fault=visible holds the normal test sequences and the anomalous ones with at least one fault-caused line, fault=hidden the normal ones and the anomalous ones without any (ground truth of the generator); recall on hidden anomalies is what a detector catches without seeing the fault.',
        ]
      : []),
    ...(ingestMs !== undefined
      ? [
          `Ingest stage of the sweep (load + enhance, or reading them from the cache; shared by all trials): ${(ingestMs / 1000).toFixed(1)} s.`,
        ]
      : []),
  ];
}
