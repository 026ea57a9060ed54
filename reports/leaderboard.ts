/**
 * The leaderboard: done trials of each experiment's plan grouped into rows (experiment × variant ×
 * feature set), aggregated over split seeds (mean with the corrected resampled t-interval), ranked
 * by a primary metric within each experiment, with ties where the corrected resampled t-test cannot
 * tell a row from the one above, and flags with their reasons. Read from SQLite (and, for SHAP
 * summaries, the trials' files) only.
 */

import {
  type ExperimentScope,
  experimentScope,
  isNullDataset,
  leakWarning,
  NULL_AUC_LIMIT,
} from '../harness/experiment/index.ts';
import { type ArtifactRecord, type Db, experimentNames, planStatus, splitRunCounts } from '../harness/store/index.ts';
import {
  ALGORITHMS,
  type Algorithm,
  isTokenPart,
  parseFeatureSet,
  VARIANTS,
  type VariantName,
} from '../models/index.ts';
import type { NamedRuleF1 } from '../splits/eval/index.ts';
import { FAULT_SLICES, type FaultSlice, type LeakageAudit } from '../splits/index.ts';
import type { RankMetric } from './bootstrap.ts';
import { finiteMean } from './bootstrap.ts';
import { compareSelectors, type SelectorComparison } from './compare.ts';
import { readShapSummary } from './explanations.ts';
import type { EntryFlag, FaultSliceSummary, FaultSlices, LeaderboardEntry, MeanInterval } from './page/model.ts';
import { confusionOf, convergenceOf, currentScopes, loadRowTrials, metricOf, type TrialFacts } from './row-trials.ts';
import { rowFlags, type SplitSize, seedInterval, splitSize, tiedOverSeeds, trivialRules } from './seed-stats.ts';

export type PrimaryMetric = RankMetric;
export const PRIMARY_METRICS: readonly PrimaryMetric[] = ['f1', 'auc_pr', 'auc_roc', 'precision_at_k'];

/** A leaderboard row: LeaderboardEntry (rank, tie, F1 with its interval, AUCs, fit time, throughput, flags) plus where it comes from. */
export interface BoardRow extends LeaderboardEntry {
  /** `experiment|variant|featureSet`, stable across reloads. */
  key: string;
  experiment: string;
  /** Done trial ids of this row, one per split seed (whichever experiment computed them). */
  trials: number[];
  /** Failed trials of this row (not in the aggregates). */
  failed: number;
  /** Test F1 over seeds: mean with the 95 % corrected resampled t-interval over split seeds. */
  f1: MeanInterval;
  /** The primary metric over seeds, as `f1`. */
  primary: MeanInterval;
  /** False positives on test, summed over seeds. */
  falsePositives: number;
  /** Label scope, grouping, dataset order and faults of the row's experiment. */
  scope: ExperimentScope;
  /** On a null dataset: mean test AUC-ROC > NULL_AUC_LIMIT, i.e. the harness or generator leaks a label. */
  leak: boolean;
  /** `leak`, `degenerate`, `trivial`, `not-converged`, each with its reason. */
  flags: EntryFlag[];
  faultSlices: FaultSlices | null;
}

export interface Leaderboard {
  primaryMetric: PrimaryMetric;
  /** Experiments present (names), for filtering. */
  experiments: string[];
  /** Grouped by experiment (by name), each group by rank (primary metric, best first). */
  rows: BoardRow[];
  /** Scope of each experiment with rows here, by name. */
  scopes: Record<string, ExperimentScope>;
  /** To be shown loudly: one per leaking row on a null dataset (see `leakWarning`). */
  warnings: string[];
}

/** What the board's detail view and the report show for one row. */
export interface RowDetail {
  row: BoardRow;
  /** Test confusion counts summed over seeds. */
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** Recall per error case on test, pooled over seeds, worst first. */
  recallByCase: { testCase: string; recall: number | null; detected: number; total: number }[];
  /** Top features by mean |SHAP| (empty when no explanation was recorded). */
  topFeatures: { feature: string; meanAbs: number }[];
  /** Mean wall time per stage over seeds. */
  timings: { stage: string; wallMs: number }[];
  /** Leakage-audit warnings of the row's splits and feature set. */
  leakageWarnings: string[];
  /** Best mean test F1 of a trivial rule of the leakage audits on the row's splits; null if unknown. */
  trivialF1: number | null;
  /** That rule (`trivialF1` is its F1). */
  trivialRule?: NamedRuleF1 | null;
}

/** What the board needs from the store; `openBoardData(db)` implements it over SQLite. */
export interface BoardData {
  leaderboard(primary: PrimaryMetric, experiment?: string): Leaderboard;
  detail(row: BoardRow): RowDetail;
  compare(a: BoardRow, b: BoardRow): SelectorComparison;
}

/** Options of `openBoardData`. */
export interface BoardDataOptions {
  /** Bootstrap resamples of a comparison on one shared split (the only test one split allows). @default 1000 */
  resamples: number;
  /** Bootstrap seed. @default 1 */
  seed: number;
  /** A row is `trivial` when its F1 ≤ the best trivial rule's F1 + margin. @default 0.02 */
  trivialMargin: number;
}

export const defaultBoardDataOptions: Readonly<BoardDataOptions> = Object.freeze({
  resamples: 1000,
  seed: 1,
  trivialMargin: 0.02,
});

/** The leaderboard, row details and comparisons over a bench database. */
export function openBoardData(db: Db, options: Partial<BoardDataOptions> = {}): BoardData {
  const o = { ...defaultBoardDataOptions, ...options };

  // Runs per part of each split: the corrected t-interval needs nTrain (train + val) and nTest.
  const sizes = new Map<number, SplitSize>();
  const sizeOf = (splitId: number): SplitSize => {
    let x = sizes.get(splitId);
    if (!x) sizes.set(splitId, (x = splitSize(splitRunCounts(db, splitId))));
    return x;
  };

  /** The leakage audits of the row's token parts (drain for a numeric-only row) on each of its splits. */
  const auditQuery = db.prepare('SELECT audit_json FROM leakage_audits WHERE split_id = ? AND feature_set = ?');
  const auditsOf = (featureSet: string, splitIds: readonly number[]): LeakageAudit[][] => {
    const parts = parseFeatureSet(featureSet).filter(isTokenPart);
    return splitIds.map((id) =>
      (parts.length > 0 ? parts : ['drain']).flatMap((part) => {
        const row = auditQuery.get(id, part) as { audit_json: string } | undefined;
        return row ? [JSON.parse(row.audit_json) as LeakageAudit] : [];
      }),
    );
  };
  const bestRule = (rules: readonly NamedRuleF1[]): NamedRuleF1 | null =>
    rules.reduce<NamedRuleF1 | null>((best, r) => (best === null || r.f1 > best.f1 ? r : best), null);

  const trialsByRow = new Map<string, TrialFacts[]>();

  return {
    leaderboard(primary, experiment) {
      const experiments = experimentNames(db);
      const current = currentScopes(db);
      const rows: BoardRow[] = [];
      const valuesByRow = new Map<string, Map<number, number>>();
      for (const [key, g] of loadRowTrials(db, experiment, current)) {
        if (g.trials.length === 0) continue;
        const t0 = g.trials[0]!;
        trialsByRow.set(key, g.trials);
        const splitSizes = g.trials.map((t) => sizeOf(t.splitId));
        const over = (name: string) =>
          seedInterval(
            g.trials.map((t) => metricOf(t, name)),
            splitSizes,
          );
        const mean = (name: string) => finiteMean(g.trials.map((t) => metricOf(t, name)));
        const f1 = over('f1');
        const prim = primary === 'f1' ? f1 : over(primary);
        valuesByRow.set(key, new Map(g.trials.map((t) => [t.splitId, metricOf(t, primary)])));
        const variant = VARIANTS[t0.variant as VariantName];
        const algorithm = variant?.algorithm ?? t0.variant;
        const scope = current.get(t0.experiment) ?? experimentScope(null);
        const aucRoc = mean('auc_roc');
        const leak = isNullDataset(scope) && aucRoc > NULL_AUC_LIMIT;
        const flags = rowFlags(
          {
            leak: leak ? leakWarning(t0.experiment, t0.variant, t0.featureSet, aucRoc) : null,
            confusion: g.trials.map(confusionOf),
            f1: f1.mean,
            rules: trivialRules(
              auditsOf(
                t0.featureSet,
                g.trials.map((t) => t.splitId),
              ),
            ),
            convergence: g.trials
              .flatMap((t) => convergenceOf(t) ?? [])
              .sort((a, b) => Number(a.seed) - Number(b.seed)),
          },
          { trivialMargin: o.trivialMargin },
        );
        rows.push({
          key,
          experiment: t0.experiment,
          trials: g.trials.map((t) => t.id).sort((a, b) => a - b),
          failed: g.failed,
          rank: 0,
          tied: false,
          variant: t0.variant,
          featureSet: t0.featureSet,
          algorithm,
          supervised: ALGORITHMS[algorithm as Algorithm]?.supervised ?? false,
          seeds: g.trials.length,
          f1,
          primary: prim,
          aucPr: mean('auc_pr'),
          aucRoc,
          precisionAtK: mean('precision_at_k'),
          fitMs: finiteMean(g.trials.map((t) => t.fitMs ?? Number.NaN)),
          throughputPerS: g.trials.every((t) => t.throughput !== null)
            ? finiteMean(g.trials.map((t) => t.throughput!))
            : null,
          withinTrivialReach: flags.some((f) => f.flag === 'trivial'),
          falsePositives: g.trials.reduce((s, t) => s + (t.metrics.fp ?? 0), 0),
          scope,
          leak,
          flags,
          faultSlices: summarizeFaultSlices(g.trials.map((t) => t.faults)),
        });
      }
      // Experiments apart (their datasets and questions differ), each ranked on its own.
      rows.sort(
        (a, b) =>
          a.experiment.localeCompare(b.experiment) ||
          (Number.isNaN(b.primary.mean) ? -1 : b.primary.mean) - (Number.isNaN(a.primary.mean) ? -1 : a.primary.mean) ||
          a.key.localeCompare(b.key),
      );
      rows.forEach((r, i) => {
        const above = rows[i - 1]?.experiment === r.experiment ? rows[i - 1] : undefined;
        r.rank = above ? above.rank + 1 : 1;
        // Paired by split: rows of one experiment on another dataset share no split, and are not tied.
        r.tied = above !== undefined && tiedOverSeeds(valuesByRow.get(above.key)!, valuesByRow.get(r.key)!, sizes);
      });
      const shown = new Set(rows.map((r) => r.experiment));
      return {
        primaryMetric: primary,
        experiments,
        rows,
        scopes: Object.fromEntries([...current].filter(([name]) => shown.has(name))),
        warnings: rows.filter((r) => r.leak).map((r) => leakWarning(r.experiment, r.variant, r.featureSet, r.aucRoc)),
      };
    },

    detail(row) {
      const trials = trialsByRow.get(row.key) ?? [];
      const ids = trials.map((t) => t.id);
      const sum = (name: string) => trials.reduce((s, t) => s + (t.metrics[name] ?? 0), 0);
      const byCase = new Map<string, { detected: number; total: number }>();
      const slice = db.prepare(
        "SELECT slice, name, value FROM metrics WHERE trial_id = ? AND part = 'test' AND slice LIKE 'testCase=%' AND name IN ('tp', 'fn')",
      );
      for (const id of ids) {
        for (const m of slice.all(id) as { slice: string; name: string; value: number | null }[]) {
          const c = m.slice.slice('testCase='.length);
          let x = byCase.get(c);
          if (!x) byCase.set(c, (x = { detected: 0, total: 0 }));
          if (m.name === 'tp') x.detected += m.value ?? 0;
          x.total += m.value ?? 0;
        }
      }
      const recallByCase = [...byCase]
        .filter(([, x]) => x.total > 0)
        .map(([testCase, x]) => ({ testCase, recall: x.detected / x.total, ...x }))
        .sort((a, b) => a.recall - b.recall || a.testCase.localeCompare(b.testCase));
      const timing = db.prepare('SELECT stage, wall_ms FROM timings WHERE trial_id = ?');
      const stages = new Map<string, number[]>();
      for (const id of ids) {
        for (const t of timing.all(id) as { stage: string; wall_ms: number }[]) {
          let list = stages.get(t.stage);
          if (!list) stages.set(t.stage, (list = []));
          list.push(t.wall_ms);
        }
      }
      const audits = auditsOf(
        row.featureSet,
        trials.map((t) => t.splitId),
      );
      const warnings = new Set<string>();
      for (const a of audits.flat()) for (const w of a.warnings) warnings.add(`${a.featureSet}: ${w}`);
      const rule = bestRule(trivialRules(audits));
      return {
        row,
        confusion: { tp: sum('tp'), fp: sum('fp'), tn: sum('tn'), fn: sum('fn') },
        recallByCase,
        topFeatures: topFeatures(db, ids),
        timings: [...stages].map(([stage, ms]) => ({ stage, wallMs: finiteMean(ms) })),
        leakageWarnings: [...warnings],
        trivialF1: rule?.f1 ?? null,
        trivialRule: rule,
      };
    },

    compare(a, b) {
      return compareSelectors(
        db,
        { variant: a.variant, featureSet: a.featureSet, experiment: a.experiment },
        { variant: b.variant, featureSet: b.featureSet, experiment: b.experiment },
        { resamples: o.resamples, seed: o.seed },
      );
    },
  };
}

/**
 * What to say when an experiment has no row: run it, retry its failures, or wait for the process
 * running it — never "run it" when its trials are done (they are its rows, whoever computed them).
 */
export function noRowsText(db: Db, experiment: string): { message: string; hint: string } {
  const file =
    (
      db.prepare('SELECT file FROM experiments WHERE name = ? ORDER BY id DESC LIMIT 1').get(experiment) as
        | { file: string | null }
        | undefined
    )?.file ?? '<file>';
  const s = planStatus(db, experiment);
  const message = `experiment '${experiment}' has no finished trials`;
  if (s.running > 0) {
    return {
      message,
      hint: `${s.running} of its trials are running in another process: wait for it, or rerun ${file}`,
    };
  }
  if (s.failed > 0 && s.pending === 0) {
    return {
      message,
      hint: `its ${s.failed} trials failed: see bench ls --experiment ${experiment} --status failed, then bench run ${file} --retry-failed`,
    };
  }
  return { message, hint: `run it: bench run ${file}` };
}

/**
 * The fault slices of a row over the seeds that have them: F1 and AUC-ROC averaged over the seeds
 * whose slice holds anomalies, recall pooled (as recall per error case is). Null when no seed has
 * ground truth.
 */
export function summarizeFaultSlices(perTrial: readonly TrialFacts['faults'][]): FaultSlices | null {
  const summary = (slice: FaultSlice): FaultSliceSummary => {
    const seeds = perTrial.flatMap((t) => (t[slice] ? [t[slice]] : []));
    const detected = seeds.reduce((s, m) => s + (m.tp ?? 0), 0);
    const anomalies = seeds.reduce((s, m) => s + (m.tp ?? 0) + (m.fn ?? 0), 0);
    // A seed whose slice holds no anomaly has no F1 (its 0 would say "missed everything").
    return {
      f1: finiteMean(seeds.map((m) => ((m.tp ?? 0) + (m.fn ?? 0) === 0 ? Number.NaN : (m.f1 ?? Number.NaN)))),
      recall: anomalies === 0 ? Number.NaN : detected / anomalies,
      aucRoc: finiteMean(seeds.map((m) => m.auc_roc ?? Number.NaN)),
      detected,
      anomalies,
    };
  };
  if (!perTrial.some((t) => FAULT_SLICES.some((s) => t[s] !== undefined))) return null;
  return { visible: summary('visible'), hidden: summary('hidden') };
}

/** Mean |SHAP| per feature over the trials' SHAP summaries (artifact kind `shap`), largest first. */
export function topFeatures(db: Db, trialIds: readonly number[], k = 10): { feature: string; meanAbs: number }[] {
  const q = db.prepare("SELECT kind, path, sha256 FROM artifacts WHERE trial_id = ? AND kind = 'shap'");
  const sums = new Map<string, number>();
  let n = 0;
  for (const id of trialIds) {
    const a = q.get(id) as ArtifactRecord | undefined;
    if (!a) continue;
    n++;
    for (const { feature, meanAbs } of readShapSummary(a)) sums.set(feature, (sums.get(feature) ?? 0) + meanAbs);
  }
  return [...sums]
    .map(([feature, s]) => ({ feature, meanAbs: s / n }))
    .sort((x, y) => y.meanAbs - x.meanAbs || x.feature.localeCompare(y.feature))
    .slice(0, k);
}
