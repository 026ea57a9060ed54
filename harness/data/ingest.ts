/**
 * Ingest: LO2 tree → events, sequences, messages and templates as Arrow IPC files in the
 * content-addressed cache. Files are read in parallel by worker threads and the main thread
 * (read-schedule.ts) and folded in file order on the main thread, so the output is identical
 * whatever the number of workers, and memory holds only a bounded window of files plus the (small)
 * table of distinct messages.
 */

import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { dataError, usageError } from '../errors/index.ts';
import { type CacheEntry, openCacheEntry, sourceHash } from './cache.ts';
import { sourceFingerprint } from './digest.ts';
import { type DrainOptions, defaultDrainOptions } from './enhance/drain.ts';
import { MessageTable } from './enhance/messages.ts';
import { enhanceSequence, ReaderIds, RowLists } from './enhance/sequence.ts';
import { tightenHeap } from './heap.ts';
import { ArrowFileSink } from './io/arrow.ts';
import { BufferPool, Loan } from './io/buffer-pool.ts';
import { exportParquet } from './io/parquet.ts';
import { type Discovery, discover, type SelectionOptions, type SequenceFile } from './lo2/discover.ts';
import { SKIP_REASONS, type SkipReason } from './lo2/parse.ts';
import {
  CONTINUATION_POLICIES,
  type ContinuationPolicy,
  type FileEvents,
  type LineCounts,
  LOG_READERS,
  type LogReaderKind,
} from './lo2/read-file.ts';
import type { TaskFile } from './lo2/read-task.ts';
import { type DataNote, type TimedFile, timeNotes } from './lo2/time-shape.ts';
import type { TruthFaults } from './lo2/truth.ts';
import { autoWorkers, ReadSchedule, type ReadTask } from './read-schedule.ts';
import { EVENTS, SEQUENCES } from './schema.ts';
import {
  type EventDictionaries,
  type EventsPart,
  makeEventDictionaries,
  type SequenceTableRow,
  sequenceBatch,
  writeEventBatch,
  writeIngestTables,
} from './tables.ts';

let codeVersion: string | undefined;

/**
 * The loader's and enhancers' code identity: part of every ingest cache key. Hashed on first use,
 * not at import: importing the data room must not read its source folders (a bundled worker has none).
 */
export function ingestCodeVersion(): string {
  codeVersion ??= sourceHash(
    ['./', './lo2/', './enhance/', './io/', './wasm/'].map((p) => new URL(p, import.meta.url)),
  );
  return codeVersion;
}

export interface IngestOptions {
  /** Physical lines dropped at the start of each file, like the original tooling. @default 100 */
  trimLines: number;
  /**
   * Continuation lines after an event: merged into its message, dropped, or kept as events of their
   * own (lo2/read-file.ts, CONTINUATION_POLICIES). @default 'merge'
   */
  continuation: ContinuationPolicy;
  /** Which runs, error cases and services to read. @default defaultSelection */
  selection: Partial<SelectionOptions>;
  /**
   * Worker threads reading files; the main thread reads too whenever the next file in order is not
   * ready, and reads everything with 0. 'auto': none below 384 MB of logs, else one per core but
   * the main thread's, at most 4 (read-schedule.ts). @default 'auto'
   */
  workers: number | 'auto';
  /** Cache root; results go to `<cacheDir>/ingest/<key>/`. @default '.bench/cache' */
  cacheDir: string;
  /** Also write Parquet copies of the tables. @default false */
  parquet: boolean;
  /** Recompute even when the cache has this key. @default false */
  force: boolean;
  /** Drain parameters. @default defaultDrainOptions */
  drain: Partial<DrainOptions>;
  /**
   * Which LogReader reads the files (lo2/read-file.ts): the WebAssembly `kernel`, or the `plain`
   * reference. Both give the same tables, so the choice is not part of the cache key (`force` makes
   * a cached ingest read again). @default 'kernel'
   */
  reader: LogReaderKind;
  /**
   * Tighten V8's heap growth while the ingest runs (heap.ts), for a lower peak RSS on long inputs.
   * It sets a V8 flag of the whole process: for the program that owns the process (the CLI,
   * scripts/perf.ts) to ask for, never a side effect of calling `ingest()`. @default false
   */
  tuneHeap: boolean;
  /** Called after each file. */
  onProgress?: (p: IngestProgress) => void;
  /**
   * Stops the ingest: checked between read tasks, it ends in the signal's reason and leaves nothing
   * in the cache (the entry's temporary folder is removed).
   */
  signal?: AbortSignal;
  /**
   * Told, in one line, when a cached entry is incomplete or corrupt and is rebuilt instead of used.
   * @default a line on stderr (cache.ts writeNotice)
   */
  onNotice?: (message: string) => void;
}

export const defaultIngestOptions: Readonly<Omit<IngestOptions, 'onProgress' | 'signal' | 'onNotice'>> = Object.freeze({
  trimLines: 100,
  continuation: 'merge',
  selection: {},
  workers: 'auto',
  cacheDir: '.bench/cache',
  parquet: false,
  force: false,
  drain: {},
  reader: 'kernel',
  tuneHeap: false,
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
  options: {
    trimLines: number;
    continuation: ContinuationPolicy;
    selection: Readonly<SelectionOptions>;
    drain: DrainOptions;
  };
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
  /** Continuation lines after an event, by what the policy did with them (one of the three is non-zero). */
  continuation: LineCounts['continuation'];
  crlf: number;
  bom: number;
  invalidUtf8: number;
  skipped: Record<SkipReason, number>;
  /** Per file with skipped lines: reason → count. */
  skippedByFile: Record<string, Partial<Record<SkipReason, number>>>;
  failedFiles: { path: string; error: string }[];
  ignored: Record<string, string[]>;
  /** Notes on the data that is read but looks wrong: files or runs whose timestamps span more than a run can. */
  notes: DataNote[];
  /**
   * The tree's ground truth (a generated tree), null for real LO2: the manifest's `faults`, the
   * physical lines the selected files' fault-lines files list, the events they make fault events
   * (after trimming and the continuation policy), and the sequences with at least one.
   */
  truth: { faults: TruthFaults; listedLines: number; faultEvents: number; faultSequences: number } | null;
  distinctMessages: number;
  templates: number;
  files: Record<'events' | 'sequences' | 'messages' | 'templates', string> & { parquet?: Record<string, string> };
  timings: { discoverMs: number; ingestMs: number };
  codeVersion: string;
}

const SEQUENCE_BATCH_ROWS = 256;

/** Loads and enhances an LO2 tree, or returns the cached result for identical inputs. */
export async function ingest(root: string, partial: Partial<IngestOptions> = {}): Promise<IngestSummary> {
  const o = { ...defaultIngestOptions, ...partial };
  // An explicit undefined (an experiment that does not set it) means the default, as omitting it does.
  o.continuation ??= defaultIngestOptions.continuation;
  if (!CONTINUATION_POLICIES.includes(o.continuation)) {
    throw usageError(`continuation must be one of ${CONTINUATION_POLICIES.join(', ')} (got '${o.continuation}')`, {
      field: 'continuation',
      hint: "'merge' joins stack frames to the event above (the default), 'drop' leaves them out, 'keep' makes each an event",
    });
  }
  o.reader ??= defaultIngestOptions.reader;
  if (!LOG_READERS.includes(o.reader)) {
    throw usageError(`reader must be one of ${LOG_READERS.join(', ')} (got '${o.reader}')`, {
      field: 'reader',
      hint: "'kernel' reads with the WebAssembly kernel (the default), 'plain' with the reference reader",
    });
  }
  if (!Number.isInteger(o.trimLines) || o.trimLines < 0) {
    throw new TypeError(`trimLines must be a non-negative integer (got ${o.trimLines})`);
  }
  if (o.workers !== 'auto' && (!Number.isInteger(o.workers) || o.workers < 0))
    throw new TypeError(`workers must be a non-negative integer or 'auto' (got ${o.workers})`);
  const drain: DrainOptions = { ...defaultDrainOptions, ...o.drain };
  const t0 = performance.now();
  const found = await discover(root, o.selection);
  const discoverMs = performance.now() - t0;
  o.signal?.throwIfAborted();
  const entry = await openCacheEntry(
    o.cacheDir,
    'ingest',
    {
      code: ingestCodeVersion(),
      trimLines: o.trimLines,
      continuation: o.continuation,
      drain,
      truth: found.truth?.faults ?? null,
      // Size, mtime and the content fingerprint: a file rewritten in place at the same size within
      // the clock's granularity still changes the key.
      inputs: found.files.map((f) => [
        f.seqId,
        f.service,
        f.anomaly,
        f.size,
        f.mtimeMs,
        sourceFingerprint(f.path, f.size),
        ...(f.faults ? [f.faults.size, f.faults.mtimeMs, sourceFingerprint(f.faults.path, f.faults.size)] : []),
      ]),
    },
    o.onNotice ? { onNotice: o.onNotice } : {},
  );
  // A result with unreadable files is not reused: fixing a file's mode does not change its identity.
  const stored = o.force ? null : await entry.read<IngestSummary>();
  const cached = stored && fromManifest(stored, entry.dir, found.root);
  if (cached && cached.failedFiles.length === 0) {
    if (o.parquet && !cached.files.parquet) {
      cached.files.parquet = await exportParquet(entry.dir, cached.files);
      await entry.rewriteManifest(toManifest(cached, o.cacheDir), { digest: tableFileNames(cached.files) });
    }
    return { ...cached, cacheHit: true };
  }
  const looseHeap = o.tuneHeap ? tightenHeap() : () => {};
  try {
    const summary = await build(found, o, drain, entry, discoverMs);
    if (o.parquet) summary.files.parquet = await exportParquet(entry.tmpDir, summary.files);
    o.signal?.throwIfAborted();
    // Replace a forced or rejected (failed files) entry; otherwise keep a concurrent process's copy.
    await entry.commit(toManifest(summary, o.cacheDir), {
      replace: o.force || cached !== null,
      digest: tableFileNames(summary.files),
    });
    return summary;
  } catch (err) {
    await entry.discard();
    throw err;
  } finally {
    looseHeap();
  }
}

/** The tables' files in the cache entry. */
const TABLE_FILES = Object.freeze({
  events: 'events.arrow',
  sequences: 'sequences.arrow',
  messages: 'messages.arrow',
  templates: 'templates.arrow',
});

/** Every file of the entry the manifest vouches for: the tables and their Parquet copies. */
function tableFileNames(files: IngestSummary['files']): string[] {
  const { parquet, ...arrow } = files;
  return [...Object.values(arrow), ...Object.values(parquet ?? {})];
}

/**
 * The summary as the cache entry's manifest, naming no folder by where it is now: `dir` is the entry
 * itself (`.`), the tree's files are relative to its root, and the root is relative to the entry when
 * it lies in the same cache (a generated tree), absolute otherwise. A moved or copied cache then
 * reads its own files (fromManifest).
 */
function toManifest(s: IngestSummary, cacheDir: string): IngestSummary {
  const root = resolve(s.root);
  return {
    ...s,
    dir: '.',
    root: under(resolve(cacheDir), root) ? relative(resolve(s.dir), root) : root,
    ...mapTreePaths(s, (p) => (under(s.root, p) ? relative(s.root, p) : p)),
  };
}

/** A manifest read back: the entry's folder and the tree's root as they are now, its paths under them. */
function fromManifest(m: IngestSummary, dir: string, root: string): IngestSummary {
  const inTree = (p: string) => (isAbsolute(p) ? p : join(root, p));
  return { ...m, dir, root, ...mapTreePaths(m, inTree) };
}

/** Whether `p` lies inside the folder `base` (both absolute, or both relative to one folder). */
function under(base: string, p: string): boolean {
  const r = relative(base, p);
  return r !== '' && r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}

/** The summary's paths of the tree's files and folders, each mapped by `f`. */
function mapTreePaths(
  s: IngestSummary,
  f: (p: string) => string,
): Pick<IngestSummary, 'skippedByFile' | 'failedFiles' | 'emptySequences' | 'ignored' | 'notes'> {
  return {
    skippedByFile: Object.fromEntries(Object.entries(s.skippedByFile).map(([p, v]) => [f(p), v])),
    failedFiles: s.failedFiles.map((x) => ({ ...x, path: f(x.path) })),
    emptySequences: s.emptySequences.map(f),
    ignored: Object.fromEntries(Object.entries(s.ignored).map(([k, ps]) => [k, ps.map(f)])),
    notes: s.notes.map((n) => ({ ...n, path: f(n.path) })),
  };
}

/**
 * An ingest the cache does not hold, in stages after discovery: read (the schedule: files read by
 * worker threads and the main thread, handed over in file order) → enhance (each file's messages,
 * tokens and templates; its sequence row) → write tables (events per read task, sequence rows in
 * batches, then messages and templates) → summary. Read, enhance and write go file after file, so
 * memory holds a bounded window of files.
 */
async function build(
  found: Discovery,
  o: IngestOptions,
  drain: DrainOptions,
  entry: CacheEntry,
  discoverMs: number,
): Promise<IngestSummary> {
  const t0 = performance.now();
  const tally = new Tally(found.truth);
  const enhancer = new Enhancer(drain);
  const tables = new TableWriter(entry, found.files, enhancer.messages);
  const schedule = await openSchedule(found.files, o);
  try {
    await foldFiles(found.files, schedule, { tally, enhancer, tables }, o);
  } finally {
    await schedule.close();
    await tables.close();
  }
  o.signal?.throwIfAborted();
  await writeIngestTables(entry, tables.files, enhancer.messages);
  return summarize(found, o, drain, entry, tally, enhancer.messages, {
    discoverMs,
    ingestMs: performance.now() - t0,
  });
}

/** Stage read: every selected file as a read task of the ingest's reader, by worker threads and the main thread. */
function openSchedule(files: readonly SequenceFile[], o: IngestOptions): Promise<ReadSchedule> {
  return ReadSchedule.open(
    files.map((f) => ({
      task: {
        path: f.path,
        runEpochSec: f.runEpochSec,
        trimLines: o.trimLines,
        continuation: o.continuation,
        faults: f.faults?.path ?? null,
      },
      bytes: f.size,
    })),
    o.workers === 'auto' ? autoWorkers(files.reduce((a, f) => a + f.size, 0)) : o.workers,
    o.reader,
  );
}

/**
 * Read → enhance → write, in file order: the schedule's tasks one after the other, each task's files
 * counted and enhanced, its events written as one batch. An aborted `signal` stops it between tasks.
 */
async function foldFiles(
  files: readonly SequenceFile[],
  schedule: ReadSchedule,
  stages: { tally: Tally; enhancer: Enhancer; tables: TableWriter },
  { onProgress, signal }: Pick<IngestOptions, 'onProgress' | 'signal'>,
): Promise<void> {
  const { tally, enhancer, tables } = stages;
  const progress = (filesDone: number) =>
    onProgress?.({ filesDone, filesTotal: files.length, events: tally.counts.events, bytes: tally.counts.bytes });
  let i = 0;
  while (i < files.length) {
    const batch = enhancer.begin(await schedule.next(), tables.buffers);
    for (const result of batch.task.files) {
      const file = files[i]!;
      if (i > 0) progress(i);
      i++;
      const events = tally.read(result, file.run);
      if (!events) continue;
      tables.addRow(enhancer.enhance(batch, file, events, tables.lists));
      tally.sequence(file, events);
    }
    tables.writeEvents(batch);
    // Lets the sinks' finished background writes report back. When the main thread reads
    // everything it never waits on I/O, and without this turn of the event loop the sinks fall
    // back to synchronous writes, which the main thread then waits for. It is also the turn in
    // which a Ctrl-C handler runs and aborts the signal.
    await new Promise(setImmediate);
    signal?.throwIfAborted();
  }
  progress(files.length);
  tables.flushRows();
}

/** One read task on its way through enhance and write: its files' event features share one buffer. */
interface TaskBatch {
  task: ReadTask;
  /** The task reader's message ids mapped to the table's. */
  ids: ReaderIds;
  /** The task's event feature columns (4 per event), file after file. */
  features: Int32Array<ArrayBuffer>;
  used: number;
  parts: EventsPart[];
}

/**
 * Stage enhance: the table of distinct messages (normalised text, words, trigrams, Drain template),
 * filled in file order so its ids are the same whoever read the files, and each file's sequence row
 * and event features.
 */
class Enhancer {
  readonly messages: MessageTable;
  /** Each reader's message ids (lo2/read-task.ts) mapped to the table's. */
  readonly #readers = new Map<number, ReaderIds>();

  constructor(drain: DrainOptions) {
    this.messages = new MessageTable(drain);
  }

  /** A read task comes in: its reader's new messages, and room from `buffers` for its events' features. */
  begin(task: ReadTask, buffers: BufferPool): TaskBatch {
    const ids = this.#readers.get(task.reader) ?? new ReaderIds();
    this.#readers.set(task.reader, ids);
    ids.add(task.messages.first, task.messages.texts);
    const features = new Int32Array(buffers.take(16 * task.events), 0, 4 * task.events);
    return { task, ids, features, used: 0, parts: [] };
  }

  /** One file's events: their features go to the batch, its sequence row (lists in `lists`) is returned. */
  enhance(batch: TaskBatch, file: SequenceFile, events: FileEvents, lists: RowLists): SequenceTableRow {
    const columns = batch.features.subarray(batch.used, (batch.used += 4 * events.count));
    const { row, features } = enhanceSequence(file, events, batch.ids, this.messages, columns, lists);
    batch.parts.push({ file, events, features });
    // The truth joins the row only here, after the enhancers: none of them sees it.
    const faultEvents = events.faultEvents;
    return { ...row, faultLines: faultEvents ? faultEvents.length : null };
  }
}

/**
 * Stage write tables: the events and sequences tables, written by sinks in the background while the
 * next files are read (messages and templates follow once every file is in: writeIngestTables).
 */
class TableWriter {
  readonly files = { ...TABLE_FILES };
  /** Buffers of the batches' own columns and of the event features, reused once on disk. */
  readonly buffers = new BufferPool(32 << 20);
  /** Where the sequence rows not written yet keep their lists. */
  readonly lists = new RowLists();
  readonly #events: ArrowFileSink;
  readonly #sequences: ArrowFileSink;
  readonly #dicts: EventDictionaries;
  readonly #messages: MessageTable;
  #rows: SequenceTableRow[] = [];

  constructor(entry: CacheEntry, files: readonly SequenceFile[], messages: MessageTable) {
    this.#dicts = makeEventDictionaries(files);
    this.#messages = messages;
    this.#events = new ArrowFileSink(entry.tmpPath(this.files.events), EVENTS.arrow);
    this.#sequences = new ArrowFileSink(entry.tmpPath(this.files.sequences), SEQUENCES.arrow);
  }

  addRow(row: SequenceTableRow): void {
    this.#rows.push(row);
    if (this.#rows.length >= SEQUENCE_BATCH_ROWS) this.flushRows();
  }

  /** The rows so far as one batch of the sequences table; their lists' room serves the next rows. */
  flushRows(): void {
    if (this.#rows.length > 0) {
      const loan = new Loan(this.buffers);
      this.#sequences.write(sequenceBatch(this.#rows, this.#messages, loan));
      this.#sequences.whenWritten(() => loan.giveBack());
    }
    this.#rows = [];
    this.lists.reset();
  }

  /** A read task's events as one record batch; the task's buffers go back once it is on disk. */
  writeEvents(batch: TaskBatch): void {
    writeEventBatch(this.#events, this.#dicts, batch.parts, this.buffers);
    // Only the release (the task's buffers) waits for the write: the rest may be collected now.
    const { release } = batch.task;
    const featureBuffer = batch.features.buffer as ArrayBuffer;
    this.#events.whenWritten(() => {
      release();
      this.buffers.give(featureBuffer);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#events.close(), this.#sequences.close()]);
  }
}

/** The summary's counts, added file after file in file order. */
class Tally {
  /** Files and lines, in the summary's order. */
  readonly counts = {
    events: 0,
    bytes: 0,
    lines: 0,
    trimmed: 0,
    continuation: { merged: 0, dropped: 0, kept: 0 },
    crlf: 0,
    bom: 0,
    invalidUtf8: 0,
    skippedByFile: {} as IngestSummary['skippedByFile'],
    failedFiles: [] as IngestSummary['failedFiles'],
    emptySequences: [] as string[],
    sequences: 0,
  };
  readonly skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  readonly testCases = new Set<string>();
  readonly timed: TimedFile[] = [];
  readonly truth: IngestSummary['truth'];

  constructor(truth: Discovery['truth']) {
    this.truth = truth && { faults: truth.faults, listedLines: 0, faultEvents: 0, faultSequences: 0 };
  }

  /** A file as its reader left it: its counts. Returns its events, or null when it has none to enhance. */
  read(result: TaskFile, run: string): FileEvents | null {
    const s = this.counts;
    if (result.state === 'failed') {
      s.failedFiles.push({ path: result.path, error: result.error });
      return null;
    }
    // Thrown in file order, so the same file is named whoever read it.
    if (result.state === 'bad-truth') throw dataError(result.error, { file: result.file, hint: result.hint });
    this.timed.push({ path: result.path, run, time: result.time });
    const c = result.counts;
    s.bytes += result.bytes;
    s.lines += c.lines;
    s.trimmed += c.trimmed;
    s.continuation.merged += c.continuation.merged;
    s.continuation.dropped += c.continuation.dropped;
    s.continuation.kept += c.continuation.kept;
    if (this.truth) this.truth.listedLines += c.faultLines;
    s.crlf += c.crlf;
    s.bom += c.bom;
    s.invalidUtf8 += c.invalidUtf8;
    let skips = false;
    for (const reason in c.skipped) {
      skips = true;
      this.skipped[reason as SkipReason] += c.skipped[reason as SkipReason]!;
    }
    if (skips) s.skippedByFile[result.path] = c.skipped;
    if (result.events.count === 0) {
      s.emptySequences.push(result.path);
      return null;
    }
    return result.events;
  }

  /** A file enhanced into a sequence. */
  sequence(file: SequenceFile, events: FileEvents): void {
    this.counts.events += events.count;
    this.counts.sequences++;
    this.testCases.add(`${file.run}/${file.testCase}`);
    const faultEvents = events.faultEvents;
    if (this.truth && faultEvents) {
      this.truth.faultEvents += faultEvents.length;
      if (faultEvents.length > 0) this.truth.faultSequences++;
    }
  }
}

/** Stage summary: what the ingest did, also the cache entry's manifest. */
function summarize(
  found: Discovery,
  o: IngestOptions,
  drain: DrainOptions,
  entry: CacheEntry,
  tally: Tally,
  messages: MessageTable,
  timings: IngestSummary['timings'],
): IngestSummary {
  return {
    key: entry.key,
    dir: entry.dir,
    cacheHit: false,
    root: found.root,
    options: { trimLines: o.trimLines, continuation: o.continuation, selection: found.selection, drain },
    runs: found.runsSelected,
    runsFound: found.runsFound,
    testCases: tally.testCases.size,
    ...tally.counts,
    skipped: tally.skipped,
    ignored: found.ignored,
    truth: tally.truth,
    notes: timeNotes(tally.timed),
    distinctMessages: messages.size,
    templates: messages.drain.clusters().length,
    files: { ...TABLE_FILES },
    timings,
    codeVersion: ingestCodeVersion(),
  };
}
