/**
 * The sweep's first stage: the experiment's dataset made real (a generated tree or an LO2 folder),
 * loaded and enhanced by the ingest (cached), and its row in the store.
 */
import { isAbsolute, relative } from 'node:path';
import { badFilesError, type IngestSummary, ingest, materializeDataset } from '../data/index.ts';
import type { Experiment } from '../experiment/index.ts';
import type { Store, TimingRow } from '../store/index.ts';

export interface DatasetOptions {
  store: Store;
  cacheDir: string;
  /** Tighten V8's heap growth while the ingest runs (IngestOptions.tuneHeap). @default false */
  tuneIngestHeap?: boolean;
  /** Stops the dataset's generation or ingest, leaving nothing in the cache. */
  signal?: AbortSignal;
}

export interface PreparedDataset {
  ingest: IngestSummary;
  datasetId: number;
  /**
   * Load + enhance are one pass over each file (in the read workers): one shared `ingest` stage,
   * recorded with every trial of the sweep.
   */
  ingestTiming: TimingRow;
}

/** How the store names a dataset's source. */
export function datasetSource(d: Experiment['dataset']): string {
  return d.source === 'lo2' ? d.path : `synthetic:${d.preset}:${d.order}:${d.seed}:${d.faults}`;
}

export async function prepareDataset(e: Experiment, o: DatasetOptions): Promise<PreparedDataset> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { root } = await materializeDataset(e.dataset, {
    cacheDir: o.cacheDir,
    ...(o.signal && { signal: o.signal }),
  });
  const ing = await ingest(root, {
    cacheDir: o.cacheDir,
    ...(o.signal && { signal: o.signal }),
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
  // Files that could not be read stop the sweep unless the experiment chose to skip them; skipped
  // files and lines then stay on record with the dataset.
  const bad = badFilesError(ing, e.ingest.onBadFile);
  if (bad) throw bad;
  const skippedLines = Object.values(ing.skipped).reduce((a, b) => a + b, 0);
  // The record names the tree's files relative to its root, as its source does (a generated tree
  // lives in the cache, which may move).
  const inTree = (p: string) => {
    const r = relative(ing.root, p);
    return r.startsWith('..') || isAbsolute(r) ? p : r;
  };
  const datasetId = await o.store.upsertDataset({
    hash: ing.key,
    source: datasetSource(e.dataset),
    nRuns: ing.runs,
    nSequences: ing.sequences,
    nEvents: ing.events,
    options: {
      ...ing.options,
      ...(ing.failedFiles.length > 0 && { skippedFiles: ing.failedFiles.map((f) => ({ ...f, path: inTree(f.path) })) }),
      ...(skippedLines > 0 && { skippedLines: ing.skipped }),
      ...(ing.notes.length > 0 && { notes: ing.notes.map((n) => ({ ...n, path: inTree(n.path) })) }),
    },
  });
  const cpu = process.cpuUsage(c0);
  return {
    ingest: ing,
    datasetId,
    ingestTiming: {
      stage: 'ingest',
      wallMs: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    },
  };
}
