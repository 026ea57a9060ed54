/**
 * A sweep: one `bench run` of one experiment. Ingest (cached) → split per seed (stored) → feature
 * matrices per (split, feature set), fit on train and written to files → trials, claimed in SQLite
 * (resume) and run in a piscina pool (or on the main thread), results stored by the main thread,
 * the only SQLite writer.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { type CsrMatrix, type FeatureSource, FeatureSpace, readFeatureSource } from '../../models/index.ts';
import { assign, makeSplit, PARTS, type Part } from '../../splits/index.ts';
import { hashKey } from '../data/cache.ts';
import { ingest, materializeDataset } from '../data/index.ts';
import { readSequenceMeta } from '../data/read.ts';
import { type PlannedTrial, planTrials, trialKey } from '../experiment/plan.ts';
import type { Experiment } from '../experiment/schema.ts';
import type { Db } from '../store/db.ts';
import { saveSplit, upsertDataset } from '../store/splits.ts';
import { claimTrial, completeTrial, failTrial, finishSweep, startSweep, upsertExperiment } from '../store/trials.ts';
import { bundledWorker } from '../workers/bundle.ts';
import { readCsrFile, writeCsrFile } from './matrix-file.ts';
import { executeTrial, type PartFacts, type TrialResult, type TrialTask } from './trial.ts';

export type TrialOutcome =
  | { state: 'done'; trialId: number; trial: PlannedTrial; f1: number; aucPr: number; resumed: boolean }
  | { state: 'failed'; trialId: number; trial: PlannedTrial; error: string }
  | { state: 'skipped'; trialId: number; trial: PlannedTrial; reason: string };

export interface SweepOptions {
  db: Db;
  cacheDir: string;
  /** Rerun failed trials instead of keeping their error. @default false */
  retryFailed?: boolean;
  /** Worker threads running trials; 0 or 1 runs them on the main thread. @default availableParallelism */
  workers?: number;
  onTrial?: (o: TrialOutcome, done: number, total: number) => void;
}

function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout: recorded as unknown
  }
}

export async function runSweep(file: string, e: Experiment, o: SweepOptions): Promise<TrialOutcome[]> {
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
    source:
      e.dataset.source === 'lo2'
        ? e.dataset.path
        : `synthetic:${e.dataset.preset}:${e.dataset.order}:${e.dataset.seed}`,
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
  const report = (out: TrialOutcome) => {
    outcomes.push(out);
    o.onTrial?.(out, outcomes.length, trials.length);
  };
  const sources = new Map<string, FeatureSource>();
  type Pending = { trialId: number; trial: PlannedTrial; task: TrialTask; files: Record<Part, string> };
  const record = (p: Pending, r: TrialResult) => {
    if (r.state === 'done') {
      completeTrial(db, p.trialId, r.metrics, r.timings);
      report({ state: 'done', trialId: p.trialId, trial: p.trial, f1: r.f1, aucPr: r.aucPr, resumed: false });
    } else {
      failTrial(db, p.trialId, `${r.error}\n${r.stack}`);
      report({ state: 'failed', trialId: p.trialId, trial: p.trial, error: r.error });
    }
  };
  const workers = o.workers ?? availableParallelism();
  // Trials start as soon as their matrices exist: the pool works while the main thread vectorizes
  // the next split. Without a pool they run inline, keeping the last split's matrices.
  const pool =
    workers > 1
      ? new Piscina({
          filename: await bundledWorker(new URL('./trial-worker.ts', import.meta.url)),
          minThreads: workers,
          maxThreads: workers,
          execArgv: [],
        })
      : null;
  const inFlight: Promise<void>[] = [];
  let inline: { file: string; matrices: Record<Part, CsrMatrix> } | null = null;
  const start = (p: Pending) => {
    if (pool) {
      inFlight.push(
        (pool.run({ task: p.task, files: p.files }) as Promise<TrialResult>).then(
          (r) => record(p, r),
          (err: Error) => record(p, { state: 'failed', error: err.message, stack: err.stack ?? '' }),
        ),
      );
      return;
    }
    if (inline?.file !== p.files.train) {
      inline = {
        file: p.files.train,
        matrices: { train: readCsrFile(p.files.train), val: readCsrFile(p.files.val), test: readCsrFile(p.files.test) },
      };
    }
    record(p, executeTrial(p.task, inline.matrices));
  };
  try {
    // Phase 1, main thread: splits (stored), feature matrices (written once per split × feature
    // set), trial claims (resume). Phase 2 runs the claimed trials, in the pool or here.
    for (const seed of e.seeds) {
      const manifest = makeSplit(meta, {
        strategy: e.split.strategy,
        seed,
        ...(e.split.fractions && { fractions: e.split.fractions }),
        ...(e.split.folds !== undefined && { folds: e.split.folds, fold: seed % e.split.folds }),
      });
      const splitId = saveSplit(db, datasetId, manifest);
      const parts = assign(meta, manifest).parts;
      const facts = Object.fromEntries(
        PARTS.map((p) => [
          p,
          {
            labels: Uint8Array.from(parts[p], (x) => (x.anomaly ? 1 : 0)),
            runs: parts[p].map((x) => x.run),
            services: parts[p].map((x) => x.service),
            testCases: parts[p].map((x) => x.testCase),
          },
        ]),
      ) as Record<Part, PartFacts>;
      const spaces = new Map<string, { files: Record<Part, string>; ms: number }>();
      for (const t of trials.filter((x) => x.seed === seed)) {
        const params = { threshold: e.threshold };
        const key = trialKey(ing.key, manifest.hash, t, params);
        const claim = claimTrial(db, { sweepId, splitId, ...t, params, key }, { failed: o.retryFailed === true });
        if (claim.resumed) {
          report({ state: 'skipped', trialId: claim.id, trial: t, reason: `already ${claim.status}` });
          continue;
        }
        let space = spaces.get(t.featureSet);
        if (!space) {
          const t0 = performance.now();
          let source = sources.get(t.featureSet);
          if (!source) sources.set(t.featureSet, (source = readFeatureSource(ing.dir, t.featureSet)));
          const fitted = FeatureSpace.fit(t.featureSet, source, parts.train);
          const dir = join(
            o.cacheDir,
            'matrices',
            hashKey({ dataset: ing.key, split: manifest.hash, featureSet: t.featureSet }),
          );
          mkdirSync(dir, { recursive: true });
          const files = Object.fromEntries(PARTS.map((p) => [p, join(dir, `${p}.csr`)])) as Record<Part, string>;
          for (const p of PARTS) writeCsrFile(files[p], fitted.transform(parts[p]));
          space = { files, ms: performance.now() - t0 };
          spaces.set(t.featureSet, space);
        }
        start({
          trialId: claim.id,
          trial: t,
          files: space.files,
          task: { ...t, threshold: e.threshold, parts: facts, vectorizeMs: space.ms },
        });
      }
    }
    await Promise.all(inFlight);
    finishSweep(db, sweepId, outcomes.some((x) => x.state === 'failed') ? 'failed' : 'done');
  } catch (err) {
    for (const p of inFlight) p.catch(() => {}); // abandoned with the sweep
    finishSweep(db, sweepId, 'failed');
    throw err;
  } finally {
    await pool?.destroy();
  }
  return outcomes;
}
