/**
 * Reading one LO2 service log (plain or .gz) into columnar events: the contract every LogReader
 * keeps, and the part of reading they share (the fault lines, the file's bytes, what a failure
 * says). A reader trims the first N lines, merges continuation lines into their event, drops them
 * or keeps them as events of their own, counts unparseable lines by reason, repairs and counts CRLF
 * / BOM / invalid UTF-8, and, for a generated tree, says which events the injected fault caused
 * (truth.ts). Readers run inside ingest workers, so results are made of transferable typed arrays.
 *
 * Two readers keep this contract (test/data/log-readers.test.ts checks they agree on every column
 * and count): the kernel reader (wasm/reader.ts), which the ingest uses, and the plain reader
 * (plain-reader.ts), an independent reference written for clarity.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Utf8Column } from '../io/utf8.ts';
import { specialKind } from './entries.ts';
import { gzipBound, MAX_LOG_BYTES, sizeText } from './file-bounds.ts';
import type { SkipReason } from './parse.ts';
import type { TimeShape } from './time-shape.ts';
import { BadTruth, readFaultLines } from './truth.ts';

/**
 * What becomes of a continuation line (stack frame, exception header) that follows an event:
 * `merge` joins it to the event's message (LogLead's v1 reading; misleading on the v2 archive's
 * thinned files, where the line above is rarely its exception), `drop` leaves it out, `keep` makes it
 * an event of its own with the time and level of the event above, empty thread, cId, logger and
 * method, and the whole line as its message. A continuation line with no event above it has no
 * time under any policy: it is skipped and counted as `orphan-continuation`.
 *
 * Under `merge` an event's message runs from its first line to the end of its last continuation
 * line, so blank or unparseable lines between them are part of it, joined with `\n` like the rest.
 */
export const CONTINUATION_POLICIES = ['merge', 'drop', 'keep'] as const;
export type ContinuationPolicy = (typeof CONTINUATION_POLICIES)[number];

export interface FileEvents {
  count: number;
  /** Absolute event time, epoch milliseconds (UTC). */
  timeMs: Float64Array;
  level: Int8Array;
  thread: Utf8Column;
  cId: Utf8Column;
  logger: Utf8Column;
  method: Utf8Column;
  /** Message after ` - `, continuation lines joined with `\n`. */
  message: Utf8Column;
  /** Characters of the message (LogLead's e_chars_len). */
  charsLen: Int32Array;
  /**
   * Index into `FileResult.normalized` of each event's normalised message; in a reader task's result
   * (read-task.ts), the reader's id of it.
   */
  localMessageId: Int32Array;
  /**
   * Ground truth, never a feature: indices (ascending) of the events whose first physical line the
   * tree's fault-lines file lists; null when the file has no truth (real LO2).
   */
  faultEvents: Int32Array | null;
}

/** Counts that explain what happened to a file's physical lines. */
export interface LineCounts {
  /** Physical lines read (after the BOM, before trimming). */
  lines: number;
  trimmed: number;
  /**
   * Continuation lines after an event (`\tat ...`, exception headers), by what the policy did with
   * them: joined into the event above, left out, or kept as events.
   */
  continuation: { merged: number; dropped: number; kept: number };
  /** Lines ending in CRLF (the CR is removed; kept, not skipped). */
  crlf: number;
  /** Lines with invalid UTF-8, decoded with U+FFFD (kept, not skipped). */
  invalidUtf8: number;
  bom: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Physical lines the fault-lines file lists, trimmed ones included (0 without truth). */
  faultLines: number;
}

export interface FileTask {
  path: string;
  /** Run start (unix seconds) the time of day is anchored to; null when the run name has none. */
  runEpochSec: number | null;
  /** Physical lines dropped at the start of the file. */
  trimLines: number;
  /** @default 'merge' */
  continuation?: ContinuationPolicy;
  /** The log's fault-lines file (a generated tree's ground truth); null or absent for real trees. */
  faults?: string | null;
  /**
   * Most bytes the log may have, decompressed; a larger one (or a `.gz` past `gzipBound`) is
   * refused as `failed` with the reason (file-bounds.ts). @default MAX_LOG_BYTES
   */
  maxBytes?: number;
}

/** What `LogReader.parse` needs: the task without the file, and the fault lines already read. */
export interface ParseTask extends Omit<FileTask, 'path' | 'faults'> {
  /** Physical line numbers the injected fault caused (ascending); null or absent: no truth. */
  faultLines?: Int32Array | null;
}

/** One log's bytes parsed: counts, events and the distinct normalised messages they index. */
export interface ParsedLog {
  state: 'read';
  counts: LineCounts;
  events: FileEvents;
  normalized: string[];
  /** How the events' times run (time-shape.ts), for the notes on interleaved files; null without events. */
  time: TimeShape | null;
}

export type FileResult =
  | (ParsedLog & { path: string; bytes: number })
  | { state: 'failed'; path: string; error: string }
  /** The log was read but its fault-lines file is missing or malformed: a data error (ingest.ts). */
  | { state: 'bad-truth'; path: string; file: string; error: string; hint: string };

/** The readers: `kernel` (WebAssembly, buffers reused; the default) and `plain` (the reference). */
export const LOG_READERS = ['kernel', 'plain'] as const;
export type LogReaderKind = (typeof LOG_READERS)[number];

/**
 * Reads LO2 service logs into the columns the ingest needs. One reader per thread: a reader may
 * keep buffers and memory for later files, and owns them; its callers only hand back the buffers of
 * results they are done with.
 */
export interface LogReader {
  readonly kind: LogReaderKind;
  /**
   * One log file. Never throws for bad content: I/O failures come back as `failed`, a fault-lines
   * file that is missing, malformed or not this log's as `bad-truth`. Synchronous: a reader thread
   * reads one file at a time.
   */
  read(task: FileTask): FileResult;
  /** A log's (decompressed) bytes, as `read` parses them. */
  parse(raw: Buffer, task: ParseTask): ParsedLog;
  /**
   * Buffers behind results of a reader of this kind (of this thread or another) that nothing uses
   * any more: later reads may reuse them. Buffers it cannot reuse are left to the collector.
   */
  release(buffers: readonly ArrayBuffer[]): void;
  /** Lets go of whatever the reader keeps for reuse (at the end of an ingest). */
  close(): void;
}

/**
 * Room for a log's bytes: a buffer of at least `bytes` bytes that starts with the `filled` bytes read
 * so far (a reader may hand out memory that keeps them in place).
 */
export type LogRoom = (bytes: number, filled: Buffer) => Buffer;

/**
 * `task` read by a reader: the fault lines, the bytes (read into `room`, gunzipped for .gz, both
 * bounded), `parse`, and the check that the fault lines belong to this log.
 */
export function readLogWith(
  task: FileTask,
  room: LogRoom,
  parse: (raw: Buffer, task: ParseTask) => ParsedLog,
): FileResult {
  let faultLines: Int32Array | null = null;
  try {
    if (task.faults) faultLines = readFaultLines(task.faults);
  } catch (err) {
    if (err instanceof BadTruth) return badTruth(task.path, err);
    throw err;
  }
  let raw: Buffer;
  let bytes: number;
  try {
    ({ raw, bytes } = loadLog(task.path, task.maxBytes ?? MAX_LOG_BYTES, room));
  } catch (err) {
    return { state: 'failed', path: task.path, error: err instanceof Refused ? err.message : describeIoError(err) };
  }
  const { counts, events, normalized, time } = parse(raw, {
    trimLines: task.trimLines,
    runEpochSec: task.runEpochSec,
    continuation: task.continuation ?? 'merge',
    faultLines,
  });
  const last = faultLines && faultLines.length > 0 ? faultLines[faultLines.length - 1]! : 0;
  if (last > counts.lines) {
    return badTruth(
      task.path,
      new BadTruth(
        task.faults!,
        `${task.faults}: lists line ${last}, but ${task.path} has ${counts.lines} lines`,
        'the fault-lines file does not belong to this log: regenerate the tree with `bench data synth`',
      ),
    );
  }
  return { state: 'read', counts, events, normalized, time, path: task.path, bytes };
}

/** A log the reader will not read, and why: the reason is the whole message. */
class Refused extends Error {}

/**
 * A log's bytes, decompressed, at most `limit` of them. Only a regular file is opened: a FIFO would
 * block the reader for good and a device may never end, so anything else is refused after a `stat`.
 * The open does not block either (a file swapped for a FIFO since the `stat` is caught by `fstat`).
 */
function loadLog(path: string, limit: number, room: LogRoom): { raw: Buffer; bytes: number } {
  const st = statSync(path);
  if (!st.isFile()) throw new Refused(notRegular(st));
  const gz = path.endsWith('.gz');
  if (st.size > limit) {
    throw new Refused(
      `${sizeText(st.size)}${gz ? ' compressed' : ''}: larger than the ${sizeText(limit)} a log may have`,
    );
  }
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let onDisk: Buffer;
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw new Refused(notRegular(now));
    onDisk = readToEnd(fd, now.size, limit, room);
  } finally {
    closeSync(fd);
  }
  if (!gz) return { raw: onDisk, bytes: onDisk.length };
  const bound = gzipBound(onDisk.length, { maxBytes: limit });
  try {
    return { raw: gunzipSync(onDisk, { maxOutputLength: bound }), bytes: onDisk.length };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Refused(`expands past ${sizeText(bound)} (gzip bomb?)`);
    throw err;
  }
}

function notRegular(st: Stats): string {
  return st.isDirectory() ? 'is a directory, expected a log file' : `not a regular file (${specialKind(st)})`;
}

/**
 * An open log's bytes to its end, whatever its size said (a log may still be growing), refused
 * once past `limit`.
 */
function readToEnd(fd: number, size: number, limit: number, room: LogRoom): Buffer {
  // One byte more than the file has, so its end is seen without growing the room.
  let buf = room(Math.min(limit + 1, Math.max(size + 1, 1 << 16)), EMPTY);
  let filled = 0;
  for (;;) {
    if (filled === buf.length) buf = room(Math.min(limit + 1, 2 * buf.length), buf.subarray(0, filled));
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) return buf.subarray(0, filled);
    filled += n;
    if (filled > limit) throw new Refused(`grew past the ${sizeText(limit)} a log may have while it was read`);
  }
}

const EMPTY = Buffer.alloc(0);

/** Room in fresh memory: the bytes read so far are copied over. */
export const freshRoom: LogRoom = (bytes, filled) => {
  const buf = Buffer.allocUnsafeSlow(bytes);
  filled.copy(buf);
  return buf;
};

/** The policy of a task, checked: an unknown one is a programming error. */
export function policyOf(task: ParseTask): ContinuationPolicy {
  const policy = task.continuation ?? 'merge';
  if (!CONTINUATION_POLICIES.includes(policy)) throw new TypeError(`continuation: unknown policy '${policy}'`);
  return policy;
}

/** Counts of a file before any line is read. */
export function emptyCounts(task: ParseTask): LineCounts {
  return {
    lines: 0,
    trimmed: 0,
    continuation: { merged: 0, dropped: 0, kept: 0 },
    crlf: 0,
    invalidUtf8: 0,
    bom: 0,
    skipped: {},
    faultLines: task.faultLines?.length ?? 0,
  };
}

function badTruth(path: string, err: BadTruth): FileResult {
  return { state: 'bad-truth', path, file: err.file, error: err.message, hint: err.hint };
}

function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
      return 'permission denied (hint: check the file mode)';
    case 'EISDIR':
      return 'is a directory, expected a log file';
    case 'ENOENT':
      return 'file disappeared while reading';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `not a valid gzip file (${e.message}); hint: decompress it or drop the .gz suffix`;
    default:
      return e.message ?? String(err);
  }
}
