/**
 * A sweep: one `bench run` of one experiment. Ingest (cached) → split per seed (stored) → feature
 * matrices per (split, feature set), fit on train and written to files → trials, claimed in the
 * store (resume) and run in a piscina pool (or on the main thread), longest first → results,
 * artifacts and leakage audits stored by the main thread, the only one that writes to the store.
 * Aborting (Ctrl-C) stops new trials, stops running ones and leaves them pending.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { CsrMatrix } from '../../models/index.ts';
import { assign, makeSplit, PARTS, type Part } from '../../splits/index.ts';
import { ingest, materializeDataset } from '../data/index.ts';
import { type Experiment, type PlannedTrial, planTrials, scopeOf, trialKey } from '../experiment/index.ts';
import type { Store } from '../store/index.ts';
import { bundledWorker } from '../workers/index.ts';
import { fingerprint } from './fingerprint.ts';
import { IngestInputs } from './inputs.ts';
import { buildMatrices, type MatrixFiles, readMatrices } from './matrices.ts';
import { cachedMatrices } from './matrix-cache.ts';
import { startOrder } from './schedule.ts';
import { executeTrial, type PartFacts, type TrialResult, type TrialTask } from './trial.ts';

export type TrialOutcome =
  | { state: 'done'; trialId: number; trial: PlannedTrial; f1: number; aucPr: number; resumed: boolean }
  | { state: 'failed'; trialId: number; trial: PlannedTrial; error: string }
  | { state: 'skipped'; trialId: number; trial: PlannedTrial; reason: string };

export interface SweepResult {
  sweepId: number;
  status: 'done' | 'failed' | 'interrupted';
  outcomes: TrialOutcome[];
  /** Trials planned for this sweep (done + failed + skipped, + those an interruption left pending). */
  planned: number;
  /** Trials given back as pending by an interruption. */
  released: number;
}

export interface SweepOptions {
  store: Store;
  cacheDir: string;
  /** Root of the trials' files (`<artifactsDir>/<trial id>/`). */
  artifactsDir: string;
  /** Aborting stops the sweep: no new trials start, running ones are stopped and left pending. */
  signal?: AbortSignal;
  /** Rerun failed trials instead of keeping their error. @default false */
  retryFailed?: boolean;
  /** Rerun every trial, done ones included (`--fresh`). @default false */
  fresh?: boolean;
  /** Worker threads running trials; 0 or 1 runs them on the main thread. @default availableParallelism */
  workers?: number;
  /** Tighten V8's heap growth while the ingest runs (IngestOptions.tuneHeap: the process's V8 flag). @default false */
  tuneIngestHeap?: boolean;
  onTrial?: (o: TrialOutcome, done: number, total: number) => void;
}

export async function runSweep(file: string, e: Experiment, o: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { root } = await materializeDataset(e.dataset, { cacheDir: o.cacheDir });
  const ing = await ingest(root, {
    cacheDir: o.cacheDir,
    tuneHeap: o.tuneIngestHeap === true,
    trimLines: e.ingest.trimLines,
    continuation: e.ingest.continuation,
    selection: {
      ...(e.ingest.services && { services: e.ingest.services }),
      ...(e.ingest.runs !== undefined && { runs: e.ingest.runs }),
      ...(e.ingest.errorsPerRun !== undefined && { errorsPerRun: e.ingest.errorsPerRun }),
      ...(e.ingest.seed !== undefined && { seed: e.ingest.seed }),
    },
  });
  const store = o.store;
  const datasetId = await store.upsertDataset({
    hash: ing.key,
    source:
      e.dataset.source === 'lo2'
        ? e.dataset.path
        : `synthetic:${e.dataset.preset}:${e.dataset.order}:${e.dataset.seed}:${e.dataset.faults}`,
    nRuns: ing.runs,
    nSequences: ing.sequences,
    nEvents: ing.events,
    options: ing.options,
  });
  // Load + enhance are one pass over each file (in the read workers): one shared 'ingest' stage.
  const cpu = process.cpuUsage(c0);
  const ingestTiming = {
    stage: 'ingest',
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  const experimentId = await store.upsertExperiment({ name: e.name, file, config: e });
  const env = fingerprint(ing.key);
  const sweepId = await store.startSweep(experimentId, { gitSha: env.gitSha, env });
  const scope = scopeOf(e);
  const trials = planTrials(e);
  const inputs = new IngestInputs(ing.dir, scope);
  // The parts, matrices, audits and the protocol see the sequences in scope; the split itself is
  // made over all runs (inputs.fileMeta), so every scope of a dataset has the same runs per part.
  const meta = inputs.meta();
  // Written before any trial starts: explanation files name the Drain templates of sequences.
  const templatesFile = e.explain ? inputs.templatesFile(o.cacheDir, ing.key) : '';
  const outcomes: TrialOutcome[] = [];
  const report = (out: TrialOutcome) => {
    outcomes.push(out);
    o.onTrial?.(out, outcomes.length, trials.length);
  };
  type Pending = { trialId: number; trial: PlannedTrial; task: TrialTask; files: MatrixFiles };
  const record = async (p: Pending, r: TrialResult) => {
    if (r.state === 'done') {
      await store.completeTrial(p.trialId, { ...r, timings: [ingestTiming, ...r.timings] });
      report({ state: 'done', trialId: p.trialId, trial: p.trial, f1: r.f1, aucPr: r.aucPr, resumed: false });
    } else {
      await store.failTrial(p.trialId, `${r.error}\n${r.stack}`);
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
  let inline: { files: MatrixFiles; matrices: Record<Part, CsrMatrix> } | null = null;
  const signal = o.signal;
  // Piscina adds one abort listener per queued task: many trials are queued at once, by design.
  if (signal) setMaxListeners(0, signal);
  const start = async (p: Pending) => {
    if (pool) {
      inFlight.push(
        (pool.run({ task: p.task, files: p.files }, signal ? { signal } : {}) as Promise<TrialResult>).then(
          (r) => record(p, r),
          // Stopped by the abort: not a failure; the trial is released below and reruns next time.
          (err: Error) =>
            signal?.aborted ? undefined : record(p, { state: 'failed', error: err.message, stack: err.stack ?? '' }),
        ),
      );
      return;
    }
    if (inline?.files !== p.files) inline = { files: p.files, matrices: readMatrices(p.files) };
    await record(p, executeTrial(p.task, inline.matrices));
  };
  try {
    // Per seed, on the main thread: the split (stored), trial claims (resume), each feature set's
    // matrices just before its first trial starts; the trials run in the pool (or right here)
    // while the main thread goes on to the audits and the next seed.
    for (const seed of e.seeds) {
      if (signal?.aborted) break;
      const manifest = makeSplit(inputs.fileMeta(), {
        strategy: e.split.strategy,
        seed,
        ...(e.split.fractions && { fractions: e.split.fractions }),
        ...(e.split.folds !== undefined && { folds: e.split.folds, fold: seed % e.split.folds }),
        scope,
      });
      const splitId = await store.saveSplit(datasetId, manifest);
      const parts = assign(meta, manifest).parts;
      const facts = Object.fromEntries(
        PARTS.map((p) => [
          p,
          {
            seqIds: parts[p].map((x) => x.seqId),
            labels: Uint8Array.from(parts[p], (x) => (x.anomaly ? 1 : 0)),
            runs: parts[p].map((x) => x.run),
            services: parts[p].map((x) => x.service),
            testCases: parts[p].map((x) => x.testCase),
            faultLines: parts[p].map((x) => x.faultLines ?? null),
          },
        ]),
      ) as Record<Part, PartFacts>;
      const spaces = new Map<string, { files: MatrixFiles; ms: number }>();
      for (const t of startOrder(trials.filter((x) => x.seed === seed))) {
        if (signal?.aborted) break;
        const params = { threshold: e.threshold };
        const key = trialKey(ing.key, manifest.hash, t, params, scope);
        const claim = await store.claimTrial(
          { sweepId, splitId, ...t, params, key },
          {
            failed: o.retryFailed === true || o.fresh === true,
            done: o.fresh === true,
          },
        );
        if (claim.resumed) {
          const reason = claim.busy ? `running in process ${claim.busy}` : `already ${claim.status}`;
          report({ state: 'skipped', trialId: claim.id, trial: t, reason });
          continue;
        }
        let space = spaces.get(t.featureSet);
        if (!space) {
          const t0 = performance.now();
          const { files } = cachedMatrices(
            o.cacheDir,
            { dataset: ing.key, split: manifest.hash, featureSet: t.featureSet, scope },
            () => buildMatrices(t.featureSet, inputs.source(t.featureSet), parts),
          );
          space = { files, ms: performance.now() - t0 };
          spaces.set(t.featureSet, space);
        }
        await start({
          trialId: claim.id,
          trial: t,
          files: space.files,
          task: {
            ...t,
            threshold: e.threshold,
            parts: facts,
            vectorizeMs: space.ms,
            artifactsDir: join(o.artifactsDir, String(claim.id)),
            throughput: e.throughput,
            explain: e.explain,
            featuresFile: space.files.features,
            templatesFile,
          },
        });
      }
      // While the pool works: this split's leakage audits (stored once per split and token part).
      await inputs.audit(
        store,
        splitId,
        manifest,
        trials.filter((x) => x.seed === seed).map((x) => x.featureSet),
        signal,
      );
    }
    await Promise.all(inFlight);
  } catch (err) {
    for (const p of inFlight) p.catch(() => {}); // abandoned with the sweep
    await store.releaseTrials(sweepId);
    await store.finishSweep(sweepId, 'failed');
    throw err;
  } finally {
    await pool?.destroy();
  }
  const released = signal?.aborted ? await store.releaseTrials(sweepId) : 0;
  const status = signal?.aborted ? 'interrupted' : outcomes.some((x) => x.state === 'failed') ? 'failed' : 'done';
  await store.finishSweep(sweepId, status);
  return { sweepId, status, outcomes, planned: trials.length, released };
}
