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
import { gunzipSync } from 'node:zlib';
import type { Utf8Column } from '../io/utf8.ts';
import type { SkipReason } from './parse.ts';
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
 * `task` read by a reader: the fault lines, the bytes (`load`, gunzipped for .gz), `parse`, and the
 * check that the fault lines belong to this log.
 */
export function readLogWith(
  task: FileTask,
  load: (path: string) => Buffer,
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
    const onDisk = load(task.path);
    bytes = onDisk.length;
    raw = task.path.endsWith('.gz') ? gunzipSync(onDisk) : onDisk;
  } catch (err) {
    return { state: 'failed', path: task.path, error: describeIoError(err) };
  }
  const { counts, events, normalized } = parse(raw, {
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
  return { state: 'read', counts, events, normalized, path: task.path, bytes };
}

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
