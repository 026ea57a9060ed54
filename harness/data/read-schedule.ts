/**
 * Who reads which files of an ingest: tasks of a few consecutive files go to reader worker threads,
 * and the main thread reads the next unassigned task itself whenever the task it needs next is not
 * ready, so no core waits while there is reading left. Results come back strictly in file order;
 * what a file reads to does not depend on who read it, so neither does the ingest.
 *
 * Every thread reads with its own LogReader of the ingest's kind, which owns the buffers of its
 * results: a task's buffers go back to the reader that read it (`ReadTask.release`), or, read by a
 * worker, to a worker's reader with its next task.
 */
import { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { BenchError } from '../errors/index.ts';
import { bundledWorker } from '../workers/index.ts';
import type { FileTask, LogReader, LogReaderKind } from './lo2/read-file.ts';
import { type ReaderMessages, readTask, type TaskResult } from './lo2/read-task.ts';
import { openLogReader } from './log-reader.ts';
import type { ReadRequest } from './read-worker.ts';

/**
 * Files per task: fewer, larger messages between threads, each with its fixed cost on the main
 * thread, which is the ingest's bottleneck.
 */
const FILES_PER_TASK = 16;

/**
 * Tasks queued at each reader worker. Piscina hands a worker its next task only once the main
 * thread has taken the previous answer, which it cannot do while it folds: with one task per worker
 * the workers would wait for the main thread instead of reading ahead.
 */
const WORKER_QUEUE = 3;

/**
 * Bytes of files (on disk) the main thread may have read ahead of the task it needs next: it reads
 * while the first worker starts. A bound in tasks would not bound memory, LO2's real files being
 * far larger than the synthetic ones.
 */
const READ_AHEAD_BYTES = 32 << 20;

/**
 * Logs (bytes on disk) from which reader workers pay. A worker has a fixed cost to start and warm
 * up (its own compiled code and garbage collection) and its own heap, and competes with the main
 * thread and V8's helper threads for the cores: it pays only once the reading it takes off the
 * main thread outweighs that (measured on 2 cores, docs/PERFORMANCE.md).
 */
const WORKERS_FROM_BYTES = 384 << 20;

/** Reader workers for `bytes` of logs: none for small inputs, else one per core but the main thread's, at most 4. */
export function autoWorkers(bytes: number, cores = availableParallelism()): number {
  return bytes < WORKERS_FROM_BYTES ? 0 : Math.max(0, Math.min(cores - 1, 4));
}

/** Old-generation heap of a reader worker: many times a typical LO2 file (a few MB), still bounded. */
const WORKER_HEAP_MB = 96;

interface Slot {
  promise: Promise<TaskResult>;
  settled: boolean;
  /** Read on the main thread. */
  here: boolean;
  /** Bytes of its files on disk. */
  bytes: number;
}

/** A file to read, and its size on disk. */
export interface ScheduledFile {
  task: FileTask;
  bytes: number;
}

/** A task's result, and how to hand its buffers back once nothing uses its columns. */
export interface ReadTask extends TaskResult {
  /** The task's columns are not used any more (its events are on disk): its reader may reuse them. */
  release(): void;
}

type Pool = { read: (tasks: FileTask[], spare: ArrayBuffer[]) => Promise<TaskResult>; close: () => Promise<void> };

export class ReadSchedule {
  readonly #files: readonly ScheduledFile[];
  readonly #workers: number;
  readonly #pool: Pool | null;
  /** The main thread's reader, for the tasks it reads. */
  readonly #logs: LogReader;
  /** The main thread's message ids, for the tasks it reads. */
  readonly #messages: ReaderMessages = new Map();
  /** Tasks read or being read, in file order. */
  readonly #slots: Slot[] = [];
  #inWorkers = 0;
  /** Workers' column buffers free again, to send with the next tasks. */
  #spare: ArrayBuffer[] = [];
  /** Bytes of the tasks read here and not taken yet. */
  #readAhead = 0;
  #next = 0;

  private constructor(files: readonly ScheduledFile[], workers: number, pool: Pool | null, reader: LogReaderKind) {
    this.#files = files;
    this.#workers = workers;
    this.#pool = pool;
    this.#logs = openLogReader(reader);
  }

  /** Starts `workers` reader threads (none: the main thread reads everything), each reading with a `reader`. */
  static async open(
    files: readonly ScheduledFile[],
    workers: number,
    reader: LogReaderKind = 'kernel',
  ): Promise<ReadSchedule> {
    return new ReadSchedule(files, workers, workers > 0 ? await readerPool(workers, reader) : null, reader);
  }

  /** The next task's result, in file order. */
  async next(): Promise<ReadTask> {
    this.#fill();
    const head = this.#slots[0];
    if (!head) throw new Error('internal: no task left to read');
    // While a worker is still reading the head, read the next unassigned task here.
    while (this.#pool && !head.settled && this.#next < this.#files.length && this.#readAhead < READ_AHEAD_BYTES) {
      await new Promise(setImmediate); // lets finished reads arrive
      if (head.settled) break;
      this.#fill();
      if (this.#next === this.#files.length) break;
      await this.#dispatch(true).catch(() => {});
    }
    const slot = this.#slots.shift()!;
    if (slot.here) this.#readAhead -= slot.bytes;
    else this.#inWorkers--;
    const result = await slot.promise;
    // The release keeps only the buffers: the task's other objects may be collected before its
    // events are on disk.
    const { reader, buffers } = result;
    let released = false;
    return {
      ...result,
      release: () => {
        if (released) return;
        released = true;
        this.#release(reader, buffers);
      },
    };
  }

  /** Abandons the reads still in flight, stops the workers and lets the readers' spare buffers go. */
  async close(): Promise<void> {
    for (const slot of this.#slots) slot.promise.catch(() => {});
    this.#spare = [];
    this.#logs.close();
    await this.#pool?.close();
  }

  /**
   * A task's buffers, once nothing uses them: the main thread's serve its reader's next reads, the
   * workers' go back to a worker with its next task.
   */
  #release(reader: TaskResult['reader'], buffers: TaskResult['buffers']): void {
    if (reader === threadId) this.#logs.release(buffers);
    else if (this.#pool) this.#spare.push(...buffers);
  }

  /** Keeps the workers' queues full; without workers, keeps two tasks read ahead. */
  #fill(): void {
    const here = this.#pool === null;
    const limit = here ? 2 : this.#workers * WORKER_QUEUE;
    while (this.#next < this.#files.length && (here ? this.#slots.length : this.#inWorkers) < limit)
      this.#dispatch(here);
  }

  #takeSpare(): ArrayBuffer[] {
    return this.#spare.splice(0, SPARE_PER_TASK);
  }

  #dispatch(here: boolean): Promise<TaskResult> {
    const files = this.#files.slice(this.#next, this.#next + FILES_PER_TASK);
    this.#next += files.length;
    const tasks = files.map((f) => f.task);
    const bytes = files.reduce((a, f) => a + f.bytes, 0);
    // readTask is synchronous: the main thread's message ids follow the file order.
    const pool = here ? null : this.#pool;
    const promise = pool
      ? pool.read(tasks, this.#takeSpare())
      : call(() => readTask(tasks, this.#messages, this.#logs));
    const slot: Slot = { promise, settled: false, here, bytes };
    const settle = () => {
      slot.settled = true;
    };
    promise.then(settle, settle);
    if (here) this.#readAhead += bytes;
    else this.#inWorkers++;
    this.#slots.push(slot);
    return promise;
  }
}

/** Spare buffers sent with one task: a task's worth, so each worker gets its share. */
const SPARE_PER_TASK = 2 * FILES_PER_TASK;

const call = async <T>(f: () => T): Promise<T> => f();

async function readerPool(workers: number, reader: LogReaderKind): Promise<Pool> {
  const pool = new Piscina({
    filename: await bundledWorker(new URL('./read-worker.ts', import.meta.url)),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: WORKER_QUEUE,
    // The bundle is plain JS: do not inherit `--import tsx`, which would start a loader thread
    // per worker, compiling every module again.
    execArgv: process.env.LO2_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LO2_WORKER_PROF}`] : [],
    // A reader holds a few tasks of files at a time; without a cap V8 lets each worker's heap grow to
    // hundreds of MB of garbage before collecting. A small young generation lowers the peak RSS further
    // at the same speed (docs/PERFORMANCE.md).
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 4 },
  });
  const run = (request: ReadRequest) => pool.run(request, { transferList: request.spare }) as Promise<TaskResult>;
  const read = (tasks: FileTask[], spare: ArrayBuffer[]) =>
    run({ tasks, reader, spare }).catch((err: Error) => {
      throw new BenchError('io', `reading ${tasks[0]!.path} (+${tasks.length - 1} more files) failed: ${err.message}`, {
        file: tasks[0]!.path,
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
