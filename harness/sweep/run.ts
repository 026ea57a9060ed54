/**
 * A sweep: one `bench run` of one experiment. Ingest (cached) → split per seed (stored) → feature
 * space per (split, feature set) fit on train → trials: fit, score, evaluate by the protocol, store.
 * This first version runs trials on the main thread, one after another; the worker pool comes next.
 */
import { execFileSync } from 'node:child_process';
import { cpus, platform, release } from 'node:os';
import {
  type CsrMatrix,
  type FeatureSource,
  FeatureSpace,
  fitDetector,
  makeDetector,
  readFeatureSource,
} from '../../models/index.ts';
import {
  assign,
  evaluateTrial,
  makeSplit,
  PARTS,
  type Part,
  type ScoredPart,
  type SequenceMeta,
} from '../../splits/index.ts';
import { ingest, materializeDataset } from '../data/index.ts';
import { readSequenceMeta } from '../data/read.ts';
import { type PlannedTrial, planTrials, trialKey } from '../experiment/plan.ts';
import type { Experiment } from '../experiment/schema.ts';
import type { Db } from '../store/db.ts';
import { saveSplit, upsertDataset } from '../store/splits.ts';
import {
  claimTrial,
  completeTrial,
  failTrial,
  finishSweep,
  type MetricRow,
  startSweep,
  type TimingRow,
  upsertExperiment,
} from '../store/trials.ts';

export type TrialOutcome =
  | { state: 'done'; trialId: number; trial: PlannedTrial; f1: number; aucPr: number; resumed: boolean }
  | { state: 'failed'; trialId: number; trial: PlannedTrial; error: string }
  | { state: 'skipped'; trialId: number; trial: PlannedTrial; reason: string };

export interface SweepOptions {
  db: Db;
  cacheDir: string;
  /** Rerun failed trials instead of keeping their error. @default false */
  retryFailed?: boolean;
  onTrial?: (o: TrialOutcome, done: number, total: number) => void;
}

function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout: recorded as unknown
  }
}

/** Measures one stage: wall, CPU (this process) and peak RSS so far. */
function timed<T>(stage: string, timings: TimingRow[], f: () => T): T {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(c0);
  timings.push({
    stage,
    wallMs: performance.now() - t0,
    cpuMs: (c.user + c.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
  return out;
}

const labels = (seqs: readonly SequenceMeta[]) => Uint8Array.from(seqs, (s) => (s.anomaly ? 1 : 0));

export async function runSweep(file: string, e: Experiment, o: SweepOptions): Promise<TrialOutcome[]> {
  const { source: _s, ...datasetOptions } = e.dataset as Experiment['dataset'] & Record<string, unknown>;
  const { root } = await materializeDataset(e.dataset, { cacheDir: o.cacheDir });
  const ing = await ingest(root, {
    cacheDir: o.cacheDir,
    trimLines: e.ingest.trimLines,
    selection: {
      ...(e.ingest.services && { services: e.ingest.services }),
      ...(e.ingest.runs !== undefined && { runs: e.ingest.runs }),
      ...(e.ingest.errorsPerRun !== undefined && { errorsPerRun: e.ingest.errorsPerRun }),
      ...(e.ingest.seed !== undefined && { seed: e.ingest.seed }),
    },
  });
  const db = o.db;
  const datasetId = upsertDataset(db, {
    hash: ing.key,
    source: e.dataset.source === 'lo2' ? e.dataset.path : `synthetic:${JSON.stringify(datasetOptions)}`,
    nRuns: ing.runs,
    nSequences: ing.sequences,
    nEvents: ing.events,
    options: ing.options,
  });
  const experimentId = upsertExperiment(db, { name: e.name, file, config: e });
  const sweepId = startSweep(db, experimentId, {
    gitSha: gitSha(),
    env: { node: process.version, os: `${platform()} ${release()}`, cpu: cpus()[0]?.model, cores: cpus().length },
  });
  const meta = readSequenceMeta(ing.dir);
  const trials = planTrials(e);
  const outcomes: TrialOutcome[] = [];
  const sources = new Map<string, FeatureSource>();
  try {
    for (const seed of e.seeds) {
      const manifest = makeSplit(meta, {
        strategy: e.split.strategy,
        seed,
        ...(e.split.fractions && { fractions: e.split.fractions }),
        ...(e.split.folds !== undefined && { folds: e.split.folds, fold: seed % e.split.folds }),
      });
      const splitId = saveSplit(db, datasetId, manifest);
      const parts = assign(meta, manifest).parts;
      const spaces = new Map<string, { matrices: Record<Part, CsrMatrix>; ms: number }>();
      for (const t of trials.filter((x) => x.seed === seed)) {
        const params = { threshold: e.threshold };
        const key = trialKey(ing.key, manifest.hash, t, params);
        const claim = claimTrial(db, { sweepId, splitId, ...t, params, key }, { failed: o.retryFailed === true });
        if (claim.resumed) {
          outcomes.push({ state: 'skipped', trialId: claim.id, trial: t, reason: `already ${claim.status}` });
          o.onTrial?.(outcomes.at(-1)!, outcomes.length, trials.length);
          continue;
        }
        try {
          const timings: TimingRow[] = [];
          let space = spaces.get(t.featureSet);
          if (!space) {
            const t0 = performance.now();
            let source = sources.get(t.featureSet);
            if (!source) sources.set(t.featureSet, (source = readFeatureSource(ing.dir, t.featureSet)));
            const fitted = FeatureSpace.fit(t.featureSet, source, parts.train);
            const matrices = Object.fromEntries(PARTS.map((p) => [p, fitted.transform(parts[p])])) as Record<
              Part,
              CsrMatrix
            >;
            space = { matrices, ms: performance.now() - t0 };
            spaces.set(t.featureSet, space);
          }
          timings.push({
            stage: 'vectorize',
            wallMs: space.ms,
            cpuMs: space.ms,
            peakRssMb: process.resourceUsage().maxRSS / 1024,
          });
          const m = space.matrices;
          const detector = makeDetector(t.variant, t.seed);
          const trainLabels = labels(parts.train);
          timed('fit', timings, () => fitDetector(detector, m.train, trainLabels));
          const scored = timed('score', timings, () =>
            Object.fromEntries(
              PARTS.map((p): [Part, ScoredPart] => [
                p,
                {
                  scores: detector.score(m[p]),
                  labels: labels(parts[p]),
                  runs: parts[p].map((s) => s.run),
                  services: parts[p].map((s) => s.service),
                  testCases: parts[p].map((s) => s.testCase),
                },
              ]),
            ),
          ) as Record<Part, ScoredPart>;
          const ev = evaluateTrial(scored, { seed: t.seed, threshold: e.threshold });
          const rows: MetricRow[] = [];
          for (const p of PARTS)
            for (const [name, value] of Object.entries(ev.parts[p])) rows.push({ part: p, name, value });
          rows.push({ part: 'test', name: 'psi', value: ev.psi });
          rows.push(
            { part: 'test', name: 'f1_ci_lo', value: ev.f1Ci.lo },
            { part: 'test', name: 'f1_ci_hi', value: ev.f1Ci.hi },
          );
          for (const [kind, slices] of Object.entries(ev.slices)) {
            for (const [key2, metrics] of Object.entries(slices)) {
              for (const name of ['recall', 'precision', 'f1', 'tp', 'fp', 'tn', 'fn'] as const) {
                rows.push({ part: 'test', name, value: metrics[name], slice: `${kind}=${key2}` });
              }
            }
          }
          completeTrial(db, claim.id, rows, timings);
          outcomes.push({
            state: 'done',
            trialId: claim.id,
            trial: t,
            f1: ev.parts.test.f1,
            aucPr: ev.parts.test.auc_pr,
            resumed: false,
          });
        } catch (err) {
          const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
          failTrial(db, claim.id, message);
          outcomes.push({
            state: 'failed',
            trialId: claim.id,
            trial: t,
            error: err instanceof Error ? err.message : String(err),
          });
        }
        o.onTrial?.(outcomes.at(-1)!, outcomes.length, trials.length);
      }
    }
    finishSweep(db, sweepId, outcomes.some((x) => x.state === 'failed') ? 'failed' : 'done');
  } catch (err) {
    finishSweep(db, sweepId, 'failed');
    throw err;
  }
  return outcomes;
}
