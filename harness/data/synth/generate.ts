/**
 * The generator's entry point: plans the runs, builds every sequence and writes the tree in the
 * layout of its order — v1 `<outDir>/light-oauth2-data-<epoch>/<case>/light-oauth2-oauth2-<svc>-1.log`;
 * shuffled, the public v2 archive's `<outDir>/oauth2_logs_LO2_run_<epoch>/…` beside an empty
 * `prerun results` folder — with the ground truth beside the logs: `lo2-truth.json` at the root and
 * `<log>.faults` (the fault lines' numbers) beside every log.
 *
 * Each file is rendered into one string and written with one call; the writes of a run overlap the
 * generation of the next one (at most one run in flight), so memory stays at about two runs per
 * thread. Large trees are built by worker threads, whole runs each (generate-worker.ts).
 */
import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { diskFullError } from '../../errors/index.ts';
import { bundledWorker } from '../../workers/index.ts';
import { TRUTH_FORMAT, TRUTH_MANIFEST, V2_PRERUN_FOLDER } from '../lo2/constants.ts';
import { resolveSynthOptions, type SynthOptions } from './options.ts';
import { linesPerRequest, planRuns, type RunPlan } from './schedule.ts';
import { PROFILES } from './services.ts';
import { add, emptySummary, generateRuns, runDirOf, type SynthSummary } from './write-runs.ts';

export type { SynthSummary } from './write-runs.ts';

/** Planned lines (before thinning) from which generation uses worker threads: below, their start costs more than they save. */
const WORKERS_FROM_LINES = 5_000_000;
const MAX_WORKERS = 4;

/** Worker threads for a tree: one per core (at most 4) from WORKERS_FROM_LINES planned lines on, else none. */
export function synthWorkers(
  o: Readonly<SynthOptions>,
  runs: readonly RunPlan[],
  cores = availableParallelism(),
): number {
  const perMs = o.services.reduce((sum, s) => sum + (PROFILES[s].rate * linesPerRequest(PROFILES[s])) / 1000, 0);
  let planned = 0;
  for (const r of runs) for (const c of r.cases) planned += c.durationMs * c.load * perMs;
  return planned >= WORKERS_FROM_LINES && cores > 1 ? Math.min(cores, MAX_WORKERS) : 0;
}

/**
 * Writes a synthetic LO2 tree under `options.outDir` (existing files of the same names are
 * replaced). Same options → byte-identical tree, whatever `workers` is: each run depends on its
 * own plan only, and runs are built whole, by the main thread or by worker threads (`workers`,
 * default: one per core for large trees, none for small ones). `onProgress(done, total)` counts
 * files.
 *
 * The ground-truth manifest `lo2-truth.json` is written last, so a tree without it was never
 * finished. A write that finds the disk full removes the runs' folders and ends in an `io` error
 * naming the folder: what is left does not look like a tree, and the space is free again.
 */
export async function generateSynth(
  options: Partial<SynthOptions> & { outDir: string },
  onProgress?: (done: number, total: number) => void,
  workers?: number,
): Promise<SynthSummary> {
  const o = resolveSynthOptions(options);
  const runs = planRuns(o);
  try {
    return await writeTree(o, runs, onProgress, workers);
  } catch (err) {
    const full = diskFullError(err, {
      what: 'synthetic tree',
      path: o.outDir,
      hint: 'free space on that file system, or write the tree where there is room (--out DIR; the cache is under BENCH_HOME)',
    });
    if (!full) throw err;
    // Every write has ended (the pool is destroyed, a run's writes settle before rejecting).
    for (const run of runs) rmSync(runDirOf(o, run), { recursive: true, force: true });
    rmSync(join(o.outDir, TRUTH_MANIFEST), { force: true });
    throw full;
  }
}

async function writeTree(
  o: Readonly<SynthOptions>,
  runs: readonly RunPlan[],
  onProgress: ((done: number, total: number) => void) | undefined,
  workers: number | undefined,
): Promise<SynthSummary> {
  const total = runs.reduce((n, r) => n + r.cases.length, 0) * o.services.length;
  const summary = emptySummary(runs.length);
  await mkdir(o.outDir, { recursive: true });
  if (o.order === 'shuffled') await mkdir(join(o.outDir, V2_PRERUN_FOLDER), { recursive: true });
  // A manifest of an earlier tree of the same folder would vouch for this one before it is whole.
  rmSync(join(o.outDir, TRUTH_MANIFEST), { force: true });
  const threads = workers ?? synthWorkers(o, runs);
  if (threads <= 0) {
    let done = 0;
    add(
      summary,
      await generateRuns(o, runs, (files) => {
        done += files;
        onProgress?.(done, total);
      }),
    );
  } else {
    await generateInPool(o, runs, threads, summary, total, onProgress);
  }
  await writeFile(
    join(o.outDir, TRUTH_MANIFEST),
    `${JSON.stringify({ format: TRUTH_FORMAT, faults: o.faults, generator: 'lo2-bench synth', seed: o.seed, order: o.order })}\n`,
  );
  return summary;
}

/** Writes the runs in `threads` worker threads, a few runs per task; adds what they hold to `summary`. */
async function generateInPool(
  o: Readonly<SynthOptions>,
  runs: readonly RunPlan[],
  threads: number,
  summary: SynthSummary,
  total: number,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<void> {
  const pool = new Piscina({
    filename: await bundledWorker(new URL('./generate-worker.ts', import.meta.url)),
    minThreads: threads,
    maxThreads: threads,
    // Plain JS bundle: no `--import tsx` loader thread per worker.
    execArgv: [],
  });
  try {
    let done = 0;
    // Small batches of runs keep every thread busy to the end and progress moving.
    const batches: RunPlan[][] = [];
    for (let i = 0; i < runs.length; i += RUNS_PER_TASK) batches.push(runs.slice(i, i + RUNS_PER_TASK));
    await Promise.all(
      batches.map(async (batch) => {
        const part = (await pool.run({ options: o, runs: batch } satisfies GenerateRequest)) as SynthSummary;
        add(summary, part);
        done += part.files;
        onProgress?.(done, total);
      }),
    );
  } finally {
    await pool.destroy();
  }
}

const RUNS_PER_TASK = 4;

/** What generate-worker.ts receives: resolved options and the runs to write. */
export interface GenerateRequest {
  options: Readonly<SynthOptions>;
  runs: readonly RunPlan[];
}
