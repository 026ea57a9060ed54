/**
 * The report model of one experiment, built from the store and the trials' files: leaderboard, F1 by
 * feature set per algorithm, precision–recall curves, recall per error case, stage timings, leakage
 * audits, environment, SHAP summaries with their stability across seeds.
 */

import { parseCsvLine, readArtifact, readJsonArtifact, readPredictions, rowsOf } from '../harness/artifacts/index.ts';
import { usageError } from '../harness/errors/index.ts';
import { scopeText } from '../harness/experiment/index.ts';
import type { FinishedTrial, Store } from '../harness/store/index.ts';
import { precisionRecallCurve } from './curves.ts';
import {
  type BoardData,
  type BoardRow,
  leaderboard,
  loadBoardData,
  noRowsText,
  type PrimaryMetric,
  rowDetail,
  topFeatures,
} from './leaderboard.ts';
import type { ReportModel } from './model.ts';

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

/**
 * The report of `experiment`. `data` is what `loadBoardData` read (loaded here, for this experiment,
 * when not given); the report reads the store only for the experiment's file and newest sweep.
 */
export async function buildReportModel(
  store: Store,
  experiment: string,
  options: Partial<ReportOptions> = {},
  data?: BoardData,
): Promise<ReportModel> {
  const o = { ...defaultReportOptions, ...options };
  const exp = await store.findExperiment(experiment);
  if (!exp) {
    throw usageError(`no experiment named '${experiment}' in the database`, {
      hint: 'see `bench ls`; experiments get their name from the file (name: ...)',
    });
  }
  const loaded = data ?? (await loadBoardData(store, { experiment }));
  const board = leaderboard(loaded, o.primary, { experiment });
  if (board.rows.length === 0) {
    const { message, hint } = await noRowsText(store, experiment);
    throw usageError(message, { hint });
  }
  const rows = board.rows;
  const trials = new Map<number, FinishedTrial>();
  for (const t of loaded.trials) if (!trials.has(t.id)) trials.set(t.id, t);
  const trial = (id: number): FinishedTrial => trials.get(id)!;
  const details = new Map(rows.map((r) => [r.key, rowDetail(loaded, r)]));

  // F1 by feature set per algorithm: the best row of each (algorithm, feature set).
  const seen = new Set<string>();
  const f1ByFeatureSet = rows.flatMap((r) => {
    const k = `${r.algorithm}|${r.featureSet}`;
    if (seen.has(k)) return [];
    seen.add(k);
    return [{ algorithm: r.algorithm, featureSet: r.featureSet, mean: r.f1.mean, lo: r.f1.lo, hi: r.f1.hi }];
  });

  // PR curves from each row's first split seed: scores of different seeds' models are not comparable.
  const prCurves = rows.map((r) => {
    const t = trial(r.trials[0]!);
    const a = t.artifacts.find((x) => x.kind === 'predictions');
    const group = r.supervised ? 'supervised' : 'unsupervised';
    if (!a) return { label: `${label(r)} (no predictions)`, group, aucPr: Number.NaN, points: [] };
    const p = readPredictions(a);
    const test = rowsOf(p, 'test');
    const points = precisionRecallCurve(
      Float64Array.from(test, (i) => p.score[i]!),
      Uint8Array.from(test, (i) => p.anomaly[i]!),
    );
    const aucPr = t.metrics.test.auc_pr ?? Number.NaN;
    return { label: label(r), group, aucPr, points };
  });

  const cases = [...new Set(rows.flatMap((r) => details.get(r.key)!.recallByCase.map((c) => c.testCase)))].sort();
  const recallByCase = {
    rows: rows.map(label),
    columns: cases,
    values: rows.map((r) => {
      const byCase = new Map(details.get(r.key)!.recallByCase.map((c) => [c.testCase, c.recall]));
      return cases.map((c) => byCase.get(c) ?? null);
    }),
  };

  const timings = rows.map((r) => ({
    label: label(r),
    // Ingest is one shared pass per sweep, identical for every row: left out, noted below.
    stages: Object.fromEntries(
      details
        .get(r.key)!
        .timings.filter((t) => t.stage !== 'ingest')
        .map((t) => [t.stage, t.wallMs]),
    ),
  }));
  const ingestMs = details.get(rows[0]!.key)!.timings.find((t) => t.stage === 'ingest')?.wallMs;

  const splitIds = [
    ...new Set(rows.flatMap((r) => r.trials.map((id) => trial(id))).map((t) => `${t.splitId}:${t.splitSeed}`)),
  ];
  const leakage = splitIds.flatMap((s) => {
    const [id, seed] = s.split(':');
    return loaded.audits
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

  const sweep = await store.latestSweep(experiment);
  const env = (sweep?.env ?? {}) as Record<string, unknown>;
  const environment = Object.fromEntries(
    Object.entries({ ...(sweep && { sweep: sweep.id, startedAt: sweep.startedAt }), ...env }).map(([k, v]) => [
      k,
      v === null ? 'unknown' : String(v),
    ]),
  );

  const explanations = rows.flatMap((r) => {
    const shapTop = topFeatures(r.trials.map(trial), o.topK);
    if (shapTop.length === 0) return [];
    const perSeed = r.trials
      .map((id) => topFeatures([trial(id)], o.topK).map((f) => f.feature))
      .filter((s) => s.length > 0);
    const stability = topKStability(perSeed);
    const first = trial(r.trials[0]!).artifacts.find((a) => a.kind === 'shap-points');
    const points = first
      ? readJsonArtifact<{ features: { feature: string; points: { shap: number; value: number }[] }[] }>(first)
      : null;
    return [
      {
        label: label(r),
        note: `Top-${o.topK} features' stability across ${perSeed.length} seed${perSeed.length === 1 ? '' : 's'} (mean pairwise Jaccard): ${stability === null ? 'n/a (one seed)' : stability.toFixed(2)}.`,
        shapTop,
        ...(points && { shapRows: points.features }),
      },
    ];
  });

  // The trials' false-positive lists (already sorted by score), first seed of the best rows.
  const falsePositives = rows.slice(0, o.falsePositiveRows).flatMap((r) => {
    const t = trial(r.trials[0]!);
    const a = t.artifacts.find((x) => x.kind === 'false-positives');
    if (!a) return [];
    const lines = readArtifact(a)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(1);
    return [
      {
        label: `${label(r)} (seed ${t.splitSeed}, trial ${t.id})`,
        total: lines.length,
        threshold: t.metrics.test.threshold ?? Number.NaN,
        rows: lines.slice(0, o.falsePositivesEach).map((l) => {
          const [seqId = '', score = '', , topFeatures = '', uniqueTemplates = ''] = parseCsvLine(l);
          return { seqId, score: Number(score), topFeatures, uniqueTemplates };
        }),
      },
    ];
  });

  const scope = loaded.scopes[experiment] ?? rows[0]!.scope;
  const testSeqs = trial(rows[0]!.trials[0]!).metrics.test;
  const n = (testSeqs.tp ?? 0) + (testSeqs.fp ?? 0) + (testSeqs.tn ?? 0) + (testSeqs.fn ?? 0);
  const notes = [
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
  return {
    title: `lo2-bench — ${experiment}`,
    experiment,
    experimentFile: exp.file ?? '',
    generatedAt: new Date().toISOString(),
    scope: scopeText(scope),
    ...(board.warnings.length > 0 && { warnings: board.warnings }),
    primaryMetric: o.primary,
    leaderboard: rows,
    f1ByFeatureSet,
    prCurves,
    recallByCase,
    timings,
    leakage,
    environment,
    ...(explanations.length > 0 && { explanations }),
    ...(falsePositives.length > 0 && { falsePositives }),
    notes,
  };
}
