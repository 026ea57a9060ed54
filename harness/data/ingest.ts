/**
 * Ingest: LO2 tree → events, sequences, messages and templates as Arrow IPC files in the
 * content-addressed cache. Files are read in parallel by worker threads and folded in file order
 * on the main thread, so the output is identical whatever the number of workers, and memory holds
 * only a bounded window of files plus the (small) table of distinct messages.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { BenchError } from '../errors/index.ts';
import { bundledWorker } from '../workers/bundle.ts';
import { type CacheEntry, openCacheEntry, sourceHash } from './cache.ts';
import { type DrainOptions, defaultDrainOptions } from './enhance/drain.ts';
import { MessageTable } from './enhance/messages.ts';
import { enhanceSequence, ReaderIds, type SequenceRow } from './enhance/sequence.ts';
import { ArrowFileSink, eventsSchema, sequencesSchema } from './io/arrow.ts';
import { exportParquet } from './io/parquet.ts';
import { type Discovery, discover, type SelectionOptions, type SequenceFile } from './lo2/discover.ts';
import { SKIP_REASONS, type SkipReason } from './lo2/parse.ts';
import type { FileTask } from './lo2/read-file.ts';
import { type ReaderMessages, readTask, type TaskFile, type TaskResult } from './lo2/read-task.ts';
import {
  type EventDictionaries,
  type EventsPart,
  makeEventDictionaries,
  sequenceBatch,
  writeEventBatch,
  writeIngestTables,
} from './tables.ts';

/** The loader's and enhancers' code identity: part of every ingest cache key. */
export const INGEST_CODE_VERSION = sourceHash(
  ['./', './lo2/', './enhance/', './io/', './wasm/'].map((p) => new URL(p, import.meta.url)),
);

export interface IngestOptions {
  /** Physical lines dropped at the start of each file, like the original tooling. @default 100 */
  trimLines: number;
  /** Which runs, error cases and services to read. @default defaultSelection */
  selection: Partial<SelectionOptions>;
  /**
   * Worker threads reading files; the main thread reads too whenever the next file in order is not
   * ready, and reads everything with 0. @default min(availableParallelism − 1, 4)
   */
  workers: number;
  /** Cache root; results go to `<cacheDir>/ingest/<key>/`. @default '.bench/cache' */
  cacheDir: string;
  /** Also write Parquet copies of the tables. @default false */
  parquet: boolean;
  /** Recompute even when the cache has this key. @default false */
  force: boolean;
  /** Drain parameters. @default defaultDrainOptions */
  drain: Partial<DrainOptions>;
  /** Called after each file. */
  onProgress?: (p: IngestProgress) => void;
}

export const defaultIngestOptions: Readonly<Omit<IngestOptions, 'onProgress'>> = Object.freeze({
  trimLines: 100,
  selection: {},
  // The main thread is a reader too (see `nextTask`): on 2 cores, 1 worker beat 2 by 10–25 %
  // (standard and large, alternating runs; docs/PERFORMANCE.md).
  workers: Math.max(0, Math.min(availableParallelism() - 1, 4)),
  cacheDir: '.bench/cache',
  parquet: false,
  force: false,
  drain: {},
});

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  events: number;
  bytes: number;
}

/** What an ingest did; also stored as the cache entry's manifest. */
export interface IngestSummary {
  key: string;
  dir: string;
  cacheHit: boolean;
  root: string;
  options: { trimLines: number; selection: Readonly<SelectionOptions>; drain: DrainOptions };
  runs: number;
  runsFound: number;
  testCases: number;
  sequences: number;
  emptySequences: string[];
  events: number;
  /** Bytes read from disk (compressed size for .gz). */
  bytes: number;
  lines: number;
  trimmed: number;
  continuation: number;
  crlf: number;
  bom: number;
  invalidUtf8: number;
  skipped: Record<SkipReason, number>;
  /** Per file with skipped lines: reason → count. */
  skippedByFile: Record<string, Partial<Record<SkipReason, number>>>;
  failedFiles: { path: string; error: string }[];
  ignored: Record<string, string[]>;
  distinctMessages: number;
  templates: number;
  files: Record<'events' | 'sequences' | 'messages' | 'templates', string> & { parquet?: Record<string, string> };
  timings: { discoverMs: number; ingestMs: number };
  codeVersion: string;
}

const SEQUENCE_BATCH_ROWS = 256;

/** Old-generation heap of a reader worker: many times a typical LO2 file (a few MB), still bounded. */
const WORKER_HEAP_MB = 96;

/**
 * Files per worker task: fewer, larger messages. One message per file cost ≈8 % of the main thread;
 * 16 files instead of 8 took 0.1–0.4 s off a large ingest in three alternating pairs (measured).
 */
const FILES_PER_TASK = 16;

/** Batches the main thread may read ahead of the workers. */
const STOLEN_AHEAD = 4;
/**
 * Tasks queued at each reader worker. Piscina hands a worker its next task only once the main
 * thread has taken the previous answer, which it cannot do while it folds; with one task per
 * worker the workers sat idle up to half of a standard ingest (profiled).
 */
const WORKER_QUEUE = 3;

interface Slot {
  promise: Promise<TaskResult>;
  settled: boolean;
  /** Read on the main thread. */
  here: boolean;
}

type Reader = { read: (batch: FileTask[]) => Promise<TaskResult>; close: () => Promise<void> };

/** Worker threads reading tasks; with none, `here` (the main thread's reader) reads them. */
async function readerFor(workers: number, here: (batch: FileTask[]) => Promise<TaskResult>): Promise<Reader> {
  if (workers === 0) return { read: here, close: async () => {} };
  const pool = new Piscina({
    filename: await bundledWorker(new URL('./read-worker.ts', import.meta.url)),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: WORKER_QUEUE,
    // The bundle is plain JS: do not inherit `--import tsx`, which would start a loader thread
    // per worker (≈0.4 s each, measured).
    execArgv: process.env.LO2_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LO2_WORKER_PROF}`] : [],
    // A reader holds one batch of files at a time; without a cap V8 lets each worker's heap grow to hundreds
    // of MB of garbage before collecting (peak RSS 800 MB on the large preset, measured). A 4 MB young
    // generation instead of 16 MB: large's peak RSS 359–361 → 322–331 MB, same speed (two pairs).
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 4 },
  });
  const read = (batch: FileTask[]) =>
    (pool.run(batch) as Promise<TaskResult>).catch((err: Error) => {
      throw new BenchError('io', `reading ${batch[0]!.path} (+${batch.length - 1} more files) failed: ${err.message}`, {
        file: batch[0]!.path,
        hint:
          (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `a reader worker is limited to ${WORKER_HEAP_MB} MB of heap; files this large need --workers 0`
            : 'rerun with --workers 0 to read on the main thread and see the full error',
      });
    });
  // Destroying the pool while reads are in flight (an ingest that failed) makes piscina report
  // their late answers as 'error' events; the ingest's own error is the one to show.
  let closing = false;
  pool.on('error', (err: Error) => {
    if (!closing) throw err;
  });
  return {
    read,
    close: () => {
      closing = true;
      return pool.destroy();
    },
  };
}

/** Loads and enhances an LO2 tree, or returns the cached result for identical inputs. */
export async function ingest(root: string, partial: Partial<IngestOptions> = {}): Promise<IngestSummary> {
  const o = { ...defaultIngestOptions, ...partial };
  if (!Number.isInteger(o.trimLines) || o.trimLines < 0) {
    throw new TypeError(`trimLines must be a non-negative integer (got ${o.trimLines})`);
  }
  if (!Number.isInteger(o.workers) || o.workers < 0)
    throw new TypeError(`workers must be a non-negative integer (got ${o.workers})`);
  const drain: DrainOptions = { ...defaultDrainOptions, ...o.drain };
  const t0 = performance.now();
  const found = await discover(root, o.selection);
  const discoverMs = performance.now() - t0;
  const entry = await openCacheEntry(o.cacheDir, 'ingest', {
    code: INGEST_CODE_VERSION,
    trimLines: o.trimLines,
    drain,
    inputs: found.files.map((f) => [f.seqId, f.service, f.anomaly, f.size, f.mtimeMs]),
  });
  // A result with unreadable files is not reused: fixing a file's mode does not change its identity.
  const cached = o.force ? null : await entry.read<IngestSummary>();
  if (cached && cached.failedFiles.length === 0) {
    if (o.parquet && !cached.files.parquet) {
      cached.files.parquet = await exportParquet(entry.dir, cached.files);
      await entry.rewriteManifest(cached);
    }
    return { ...cached, cacheHit: true };
  }
  try {
    const summary = await build(found, o, drain, entry, discoverMs);
    if (o.parquet) summary.files.parquet = await exportParquet(entry.tmpDir, summary.files);
    // Replace a forced or rejected (failed files) entry; otherwise keep a concurrent process's copy.
    await entry.commit(summary, { replace: o.force || cached !== null });
    return summary;
  } catch (err) {
    await entry.discard();
    throw err;
  }
}

async function build(
  found: Discovery,
  o: IngestOptions,
  drain: DrainOptions,
  entry: CacheEntry,
  discoverMs: number,
): Promise<IngestSummary> {
  const t0 = performance.now();
  const files = found.files;
  const table = new MessageTable(drain);
  const dicts: EventDictionaries = makeEventDictionaries(files);
  const paths = {
    events: 'events.arrow',
    sequences: 'sequences.arrow',
    messages: 'messages.arrow',
    templates: 'templates.arrow',
  };
  const eventsSink = new ArrowFileSink(entry.tmpPath(paths.events), eventsSchema);
  const sequencesSink = new ArrowFileSink(entry.tmpPath(paths.sequences), sequencesSchema);
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const s = {
    events: 0,
    bytes: 0,
    lines: 0,
    trimmed: 0,
    continuation: 0,
    crlf: 0,
    bom: 0,
    invalidUtf8: 0,
    skippedByFile: {} as IngestSummary['skippedByFile'],
    failedFiles: [] as IngestSummary['failedFiles'],
    emptySequences: [] as string[],
    sequences: 0,
  };
  const testCases = new Set<string>();
  let rows: SequenceRow[] = [];
  const flushRows = () => {
    if (rows.length > 0) sequencesSink.write(sequenceBatch(rows, table));
    rows = [];
  };

  // The main thread's own message ids, for the tasks it reads (lo2/read-task.ts); the tasks'
  // readers' ids mapped to the table's.
  const mainMessages: ReaderMessages = new Map();
  const readHere = async (batch: FileTask[]) => readTask(batch, mainMessages);
  const readers = new Map<number, ReaderIds>();
  const reader = await readerFor(o.workers, readHere);
  // A bounded window of batches in flight; results are consumed strictly in file order.
  const window = Math.max(2, o.workers * WORKER_QUEUE);
  const inFlight: Slot[] = [];
  let inWorkers = 0;
  let next = 0;
  const dispatch = (here: boolean) => {
    const batch = files
      .slice(next, next + FILES_PER_TASK)
      .map((f) => ({ path: f.path, runEpochSec: f.runEpochSec, trimLines: o.trimLines }));
    next += batch.length;
    const slot: Slot = { promise: here ? readHere(batch) : reader.read(batch), settled: false, here };
    const settle = () => {
      slot.settled = true;
    };
    slot.promise.then(settle, settle);
    if (!here) inWorkers++;
    inFlight.push(slot);
  };
  const fill = () => {
    while (next < files.length && (o.workers === 0 ? inFlight.length : inWorkers) < window) dispatch(o.workers === 0);
  };
  /**
   * The next batch in file order. While a worker is still reading it, the main thread reads the
   * following unassigned batch itself instead of waiting.
   */
  const nextTask = async (): Promise<TaskResult> => {
    const head = inFlight[0]!;
    while (o.workers > 0 && !head.settled && next < files.length && inFlight.length < window + STOLEN_AHEAD) {
      await new Promise(setImmediate); // lets finished reads arrive
      if (head.settled) break;
      fill();
      if (next >= files.length) break;
      dispatch(true);
      await inFlight.at(-1)!.promise.catch(() => {});
    }
    const slot = inFlight.shift()!;
    if (!slot.here) inWorkers--;
    return slot.promise;
  };
  let pending: TaskFile[] = [];
  let ids: ReaderIds | null = null;
  let task: TaskResult | null = null;
  let parts: EventsPart[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      fill();
      if (pending.length === 0) {
        task = await nextTask();
        pending = [...task.files].reverse();
        parts = [];
        ids = readers.get(task.reader) ?? new ReaderIds();
        readers.set(task.reader, ids);
        ids.add(task.messages.first, task.messages.texts);
      }
      const result = pending.pop()!;
      const file: SequenceFile = files[i]!;
      if (i > 0) o.onProgress?.({ filesDone: i, filesTotal: files.length, events: s.events, bytes: s.bytes });
      fold(result, file);
      // The task's last file: its events go out as one record batch.
      if (pending.length === 0) writeEventBatch(eventsSink, dicts, parts);
    }
    o.onProgress?.({ filesDone: files.length, filesTotal: files.length, events: s.events, bytes: s.bytes });
    flushRows();
  } finally {
    // On an early exit, reads still in flight are abandoned: keep their rejections handled.
    for (const slot of inFlight) slot.promise.catch(() => {});
    await reader.close();
    await Promise.all([eventsSink.close(), sequencesSink.close()]);
  }

  /** Adds one file's counts, sequence row and events. */
  function fold(result: TaskFile, file: SequenceFile): void {
    if (result.state === 'failed') {
      s.failedFiles.push({ path: result.path, error: result.error });
      return;
    }
    const c = result.counts;
    s.bytes += result.bytes;
    s.lines += c.lines;
    s.trimmed += c.trimmed;
    s.continuation += c.continuation;
    s.crlf += c.crlf;
    s.bom += c.bom;
    s.invalidUtf8 += c.invalidUtf8;
    if (Object.keys(c.skipped).length > 0) s.skippedByFile[result.path] = c.skipped;
    for (const [reason, n] of Object.entries(c.skipped)) skipped[reason as SkipReason] += n;
    if (result.events.count === 0) {
      s.emptySequences.push(result.path);
      return;
    }
    const { row, features } = enhanceSequence(file, result.events, ids!, table);
    parts.push({ file, events: result.events, features });
    s.events += result.events.count;
    s.sequences++;
    testCases.add(`${file.run}/${file.testCase}`);
    rows.push(row);
    if (rows.length >= SEQUENCE_BATCH_ROWS) flushRows();
  }
  await writeIngestTables(entry, paths, table);
  return {
    key: entry.key,
    dir: entry.dir,
    cacheHit: false,
    root: found.root,
    options: { trimLines: o.trimLines, selection: found.selection, drain },
    runs: found.runsSelected,
    runsFound: found.runsFound,
    testCases: testCases.size,
    ...s,
    skipped,
    ignored: found.ignored,
    distinctMessages: table.size,
    templates: table.drain.clusters().length,
    files: paths,
    timings: { discoverMs, ingestMs: performance.now() - t0 },
    codeVersion: INGEST_CODE_VERSION,
  };
}
