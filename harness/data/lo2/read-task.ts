/**
 * One reader task: a few consecutive service logs, each with all its columns in one buffer, so a
 * worker moves one ArrayBuffer per file to the main thread instead of 14: sending a buffer has a
 * fixed cost, paid once per buffer. The main thread writes the task's events as one record batch
 * from the files' columns as they are (tables.ts), without concatenating them.
 */
import { threadId } from 'node:worker_threads';
import { Layout } from '../io/buffer-pool.ts';
import type { Utf8Column } from '../io/utf8.ts';
import type { FileEvents, FileResult, FileTask, LogReader } from './read-file.ts';

export type StringField = 'thread' | 'cId' | 'logger' | 'method' | 'message';
export const STRING_FIELDS: readonly StringField[] = ['thread', 'cId', 'logger', 'method', 'message'];

/** A read file of a task: its events' message ids are the reader's (`TaskResult.messages`). */
export type TaskFile =
  | Omit<Extract<FileResult, { state: 'read' }>, 'normalized'>
  | Exclude<FileResult, { state: 'read' }>;

export interface TaskResult {
  /** Which reader read the task (its thread id): message ids are per reader. */
  reader: number;
  files: TaskFile[];
  /**
   * The normalised messages this reader had not sent before, with their ids: `first`,
   * `first + 1`, … Each reader numbers the messages it reads in first-seen order, so a message
   * crosses threads once per reader instead of once per file, and the main thread maps ids to
   * its table's without hashing a string per file (the main thread is the ingest's bottleneck).
   */
  messages: { first: number; texts: string[] };
  /** Events of the task's read files. */
  events: number;
  /**
   * The buffers behind the read files' columns, one per file (to transfer), owned by the reader
   * that read them: they go back to a reader of its kind once the columns are on disk.
   */
  buffers: ArrayBuffer[];
}

/** A reader's normalised messages, numbered in first-seen order. One per reader and ingest. */
export type ReaderMessages = Map<string, number>;

type Numeric = Float64Array | Int32Array | Int8Array;

/**
 * Reads a task's files in order with `logs`. Synchronous, so a reader's message ids follow the file
 * order; `reader` names the thread for its message ids.
 */
export function readTask(
  tasks: readonly FileTask[],
  messages: ReaderMessages,
  logs: LogReader,
  reader = threadId,
): TaskResult {
  const files: TaskFile[] = [];
  const buffers: ArrayBuffer[] = [];
  const first = messages.size;
  const texts: string[] = [];
  let events = 0;
  for (const task of tasks) {
    const result = logs.read(task);
    if (result.state !== 'read') {
      files.push(result);
      continue;
    }
    const { normalized } = result;
    const read: TaskFile = {
      state: 'read',
      counts: result.counts,
      events: inOneBuffer(result.events),
      time: result.time,
      path: result.path,
      bytes: result.bytes,
    };
    // File-local message ids become the reader's.
    const ids: number[] = [];
    for (let m = 0; m < normalized.length; m++) {
      const text = normalized[m]!;
      let id = messages.get(text);
      if (id === undefined) {
        id = messages.size;
        messages.set(text, id);
        texts.push(text);
      }
      ids.push(id);
    }
    renumber(read.events.localMessageId, ids);
    buffers.push(read.events.timeMs.buffer as ArrayBuffer);
    events += read.events.count;
    files.push(read);
  }
  return { reader, files, messages: { first, texts }, events, buffers };
}

/** `ids[i] = to[ids[i]]`: a file's message ids become the reader's (a small function: V8 optimises it early). */
function renumber(ids: Int32Array, to: readonly number[]): void {
  for (let i = 0; i < ids.length; i++) ids[i] = to[ids[i]!]!;
}

const numeric = (e: FileEvents): Numeric[] => [e.timeMs, e.level, e.charsLen, e.localMessageId];

/**
 * The file's columns, copied into one buffer unless they already share one (the kernel's path). The
 * fault events stay apart: a handful of indices, null for real trees.
 */
export function inOneBuffer(e: FileEvents): FileEvents {
  const buffer = e.timeMs.buffer;
  const shared = (c: Utf8Column) => c.offsets.buffer === buffer && c.data.buffer === buffer;
  if (
    e.level.buffer === buffer &&
    e.charsLen.buffer === buffer &&
    e.localMessageId.buffer === buffer &&
    shared(e.thread) &&
    shared(e.cId) &&
    shared(e.logger) &&
    shared(e.method) &&
    shared(e.message)
  )
    return e;
  const views = [...numeric(e), ...STRING_FIELDS.flatMap((f) => [e[f].offsets, e[f].data])];
  const size = new Layout(0);
  for (const v of views) size.take(v.byteLength);
  const out = new ArrayBuffer(size.at);
  const l = new Layout(0);
  const copy = <T extends Numeric | Uint8Array>(v: T): T => {
    const view = new (v.constructor as new (b: ArrayBuffer, o: number, n: number) => T)(
      out,
      l.take(v.byteLength),
      v.length,
    );
    view.set(v as never);
    return view;
  };
  const column = (c: Utf8Column): Utf8Column => ({ offsets: copy(c.offsets), data: copy(c.data) });
  const timeMs = copy(e.timeMs);
  const level = copy(e.level);
  const charsLen = copy(e.charsLen);
  const localMessageId = copy(e.localMessageId);
  // In the order of the other readers' FileEvents: one shape for V8.
  return {
    count: e.count,
    timeMs,
    level,
    thread: column(e.thread),
    cId: column(e.cId),
    logger: column(e.logger),
    method: column(e.method),
    message: column(e.message),
    charsLen,
    localMessageId,
    // A few indices at most per file: sent as they are (copied by postMessage) rather than moved.
    faultEvents: e.faultEvents,
  };
}
