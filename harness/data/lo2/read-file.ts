/**
 * Reads one LO2 service log (plain or .gz) into columnar events: first N lines trimmed,
 * continuation lines merged into their event, dropped or kept as events of their own, unparseable
 * lines counted by reason, CRLF / BOM / invalid UTF-8 repaired and counted, and, for a generated
 * tree, which events the injected fault caused (truth.ts). Runs inside ingest workers, so its
 * result is made of transferable typed arrays.
 *
 * Hot path design: fields are recorded as byte offsets, and the Arrow string columns are gathered
 * straight from the file's bytes — no per-field strings, no re-encoding. A multi-line event's
 * message is one contiguous byte range (lines joined by the file's own `\n`). ASCII files (the
 * usual case) go through the WebAssembly kernel (`parseAscii`, harness/data/wasm/log-file.ts),
 * which does what the JavaScript below does, byte for byte; this code is its definition and reads
 * every other file, as one latin1 string whose character offsets are the file's byte offsets.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CachedNormalizer } from '../enhance/normalize.ts';
import type { Utf8Column } from '../io/utf8.ts';
import { FIELDS, fileRoom, gatherColumns, parseAsciiFile, STRIDE } from '../wasm/log-file.ts';
import { emptyOffsets, isContinuation, parseLineAt, SKIP_REASONS, type SkipReason } from './parse.ts';
import { BadTruth, faultEventsOf, readFaultLines } from './truth.ts';

/**
 * What becomes of a continuation line (stack frame, exception header) that follows an event:
 * `merge` joins it to the event's message (LogLead's v1 reading; misleading on the v2 archive's
 * thinned files, where the line above is rarely its exception), `drop` leaves it out, `keep` makes it
 * an event of its own with the time and level of the event above, empty thread, cId, logger and
 * method, and the whole line as its message. A continuation line with no event above it has no
 * time under any policy: it is skipped and counted as `orphan-continuation`.
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

/** What `parseLogBytes` needs: the task without the file, and the fault lines already read. */
export interface ParseTask extends Omit<FileTask, 'path' | 'faults'> {
  /** Physical line numbers the injected fault caused (ascending); null or absent: no truth. */
  faultLines?: Int32Array | null;
}

export type FileResult =
  | { state: 'read'; path: string; bytes: number; counts: LineCounts; events: FileEvents; normalized: string[] }
  | { state: 'failed'; path: string; error: string }
  /** The log was read but its fault-lines file is missing or malformed: a data error (ingest.ts). */
  | { state: 'bad-truth'; path: string; file: string; error: string; hint: string };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Per-event offsets into the file, laid out as the kernel lays them out (STRIDE i32 per event,
// FIELDS: thread, cId, logger, method, message as [start, end)), so one gather serves both paths.
const { thread: THREAD, cId: CID, logger: LOGGER, method: METHOD, message: MESSAGE } = FIELDS;

/** Growable columns of one file's events while it is being parsed. */
class EventOffsets {
  offsets = new Int32Array(STRIDE * 1024);
  timeMs = new Float64Array(1024);
  level = new Int8Array(1024);
  /** Each event's first physical line (1-based). */
  lineNo = new Int32Array(1024);
  count = 0;

  push(): number {
    if (this.count === this.timeMs.length) {
      const cap = this.count * 2;
      const offsets = new Int32Array(cap * STRIDE);
      offsets.set(this.offsets);
      this.offsets = offsets;
      const timeMs = new Float64Array(cap);
      timeMs.set(this.timeMs);
      this.timeMs = timeMs;
      const level = new Int8Array(cap);
      level.set(this.level);
      this.level = level;
      const lineNo = new Int32Array(cap);
      lineNo.set(this.lineNo);
      this.lineNo = lineNo;
    }
    return this.count++;
  }
}

/** Removes the CR of every CRLF; returns the new bytes and how many line endings changed. */
function stripCrlf(buf: Buffer): { bytes: Buffer; crlf: number } {
  const out = Buffer.allocUnsafe(buf.length);
  let o = 0;
  let crlf = 0;
  let from = 0;
  let i = buf.indexOf('\r\n', from);
  while (i >= 0) {
    o += buf.copy(out, o, from, i);
    crlf++;
    from = i + 1;
    i = buf.indexOf('\r\n', from);
  }
  o += buf.copy(out, o, from);
  return { bytes: out.subarray(0, o), crlf };
}

/** Decodes invalid UTF-8 with U+FFFD and re-encodes it; counts the lines that needed it. */
function repairUtf8(buf: Buffer): { bytes: Buffer; invalidLines: number } {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf);
  let invalidLines = 0;
  for (const line of text.split('\n')) if (line.includes('\uFFFD')) invalidLines++;
  return { bytes: Buffer.from(text, 'utf8'), invalidLines };
}

const normalizer = new CachedNormalizer();

/** Largest file the WebAssembly kernel takes. */
const KERNEL_MAX_BYTES = 64 << 20;

/**
 * Parses a whole log file's bytes. Pure apart from the shared normaliser cache; `readLogFile`
 * adds the I/O. Memory is proportional to the file (LO2 files are a few MB).
 */
export function parseLogBytes(
  raw: Buffer,
  task: ParseTask,
  /** ASCII files go through the WebAssembly kernel; false parses them here (to compare the two). @default true */
  kernel = true,
): Omit<Extract<FileResult, { state: 'read' }>, 'path' | 'bytes'> {
  const counts: LineCounts = {
    lines: 0,
    trimmed: 0,
    continuation: { merged: 0, dropped: 0, kept: 0 },
    crlf: 0,
    invalidUtf8: 0,
    bom: 0,
    skipped: {},
    faultLines: task.faultLines?.length ?? 0,
  };
  const policy = task.continuation ?? 'merge';
  const policyCode = CONTINUATION_POLICIES.indexOf(policy);
  if (policyCode < 0) throw new TypeError(`continuation: unknown policy '${policy}'`);
  const skip = (reason: SkipReason) => {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
  };
  let bytes = raw;
  let begin = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    counts.bom = 1;
    begin = 3;
  }
  const ascii = isAscii(bytes);
  if (!ascii && !isUtf8(bytes)) {
    const repaired = repairUtf8(bytes.subarray(begin));
    bytes = repaired.bytes;
    begin = 0;
    counts.invalidUtf8 = repaired.invalidLines;
  }
  if (bytes.includes('\r\n')) {
    const stripped = stripCrlf(bytes);
    bytes = stripped.bytes;
    counts.crlf = stripped.crlf;
  }
  // The kernel takes ≈ 3 bytes of WebAssembly memory per file byte, up to ≈ 9 for a file whose
  // normalised messages grow a lot (32-bit: 4 GB at most); LO2's files are a few MB, anything far
  // larger is read by the JavaScript below.
  if (ascii && kernel && bytes.length <= KERNEL_MAX_BYTES) return parseAscii(bytes, task, policyCode, counts);
  // latin1 maps every byte to one character, so string offsets are byte offsets.
  const text = bytes.toString('latin1');
  const ev = new EventOffsets();
  const line = emptyOffsets();
  // Anchor times of day to the run's UTC date; a run may cross midnight, so a time of day far
  // below the previous one means the next day.
  const epochMs = task.runEpochSec === null ? 0 : task.runEpochSec * 1000;
  let dayStart = epochMs - (epochMs % DAY_MS);
  let lastTime = epochMs;

  let start = begin;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const next = end < 0 ? text.length : end + 1;
    if (end < 0) end = text.length;
    counts.lines++;
    if (counts.lines <= task.trimLines) {
      counts.trimmed++;
    } else if (isBlank(text, start, end)) {
      skip('empty');
    } else if (isContinuation(text, start, end)) {
      if (ev.count === 0) skip('orphan-continuation');
      else if (policy === 'merge') {
        ev.offsets[(ev.count - 1) * STRIDE + MESSAGE + 1] = end;
        counts.continuation.merged++;
      } else if (policy === 'drop') counts.continuation.dropped++;
      else {
        const i = ev.push();
        ev.timeMs[i] = ev.timeMs[i - 1]!;
        ev.level[i] = ev.level[i - 1]!;
        ev.lineNo[i] = counts.lines;
        // Empty thread, cId, logger and method; the whole line as the message.
        ev.offsets.fill(start, i * STRIDE, i * STRIDE + MESSAGE + 1);
        ev.offsets[i * STRIDE + MESSAGE + 1] = end;
        counts.continuation.kept++;
      }
    } else {
      const failure = parseLineAt(text, start, end, line);
      if (failure !== null) skip(failure);
      else {
        let t = dayStart + line.timeOfDayMs;
        if (ev.count === 0 ? t < epochMs - HOUR_MS : t < lastTime - DAY_MS / 2) {
          dayStart += DAY_MS;
          t += DAY_MS;
        }
        lastTime = t;
        const i = ev.push();
        ev.timeMs[i] = t;
        ev.level[i] = line.level;
        ev.lineNo[i] = counts.lines;
        const o = ev.offsets;
        const b = i * STRIDE;
        o[b + THREAD] = line.threadStart;
        o[b + THREAD + 1] = line.threadEnd;
        o[b + CID] = line.cIdStart;
        o[b + CID + 1] = line.cIdEnd;
        o[b + LOGGER] = line.loggerStart;
        o[b + LOGGER + 1] = line.loggerEnd;
        o[b + METHOD] = line.methodStart;
        o[b + METHOD + 1] = line.methodEnd;
        o[b + MESSAGE] = line.messageStart;
        o[b + MESSAGE + 1] = end;
      }
    }
    start = next;
  }

  const n = ev.count;
  const charsLen = new Int32Array(n);
  const localMessageId = new Int32Array(n);
  const normalized: string[] = [];
  const ids = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = ev.offsets[i * STRIDE + MESSAGE]!;
    const e = ev.offsets[i * STRIDE + MESSAGE + 1]!;
    const message = ascii ? text.slice(s, e) : bytes.toString('utf8', s, e);
    charsLen[i] = message.length;
    const norm = normalizer.normalize(message);
    let id = ids.get(norm);
    if (id === undefined) {
      id = normalized.length;
      ids.set(norm, id);
      normalized.push(norm);
    }
    localMessageId[i] = id;
  }
  const [thread, cId, logger, method, message] = gatherColumns(
    bytes,
    ev.offsets,
    [THREAD, CID, LOGGER, METHOD, MESSAGE],
    n,
  ) as [Utf8Column, Utf8Column, Utf8Column, Utf8Column, Utf8Column];
  const events: FileEvents = {
    count: n,
    timeMs: ev.timeMs.slice(0, n),
    level: ev.level.slice(0, n),
    thread,
    cId,
    logger,
    method,
    message,
    charsLen,
    localMessageId,
    faultEvents: task.faultLines ? faultEventsOf(ev.lineNo.subarray(0, n), task.faultLines) : null,
  };
  return { state: 'read', counts, events, normalized };
}

/**
 * An ASCII file (the usual case) through the WebAssembly kernel (harness/data/wasm/log-file.ts):
 * the same lines, counts and columns as the loop above, with no JavaScript string per event
 * (≈ 1.2 µs an event less than this file's JavaScript, measured; docs/PERFORMANCE.md).
 */
function parseAscii(
  bytes: Buffer,
  task: ParseTask,
  policyCode: number,
  counts: LineCounts,
): Omit<Extract<FileResult, { state: 'read' }>, 'path' | 'bytes'> {
  const r = parseAsciiFile(
    bytes,
    task.trimLines,
    task.runEpochSec === null ? 0 : task.runEpochSec * 1000,
    policyCode,
    task.faultLines ?? null,
  );
  counts.lines = r.lines;
  counts.trimmed = r.trimmed;
  counts.continuation[CONTINUATION_COUNTS[policyCode]!] = r.continuation;
  for (let k = 0; k < SKIP_REASONS.length; k++) if (r.skipped[k]! > 0) counts.skipped[SKIP_REASONS[k]!] = r.skipped[k]!;
  // The same properties in the same order as the JavaScript path's: one shape for V8.
  const events: FileEvents = {
    count: r.n,
    timeMs: r.timeMs,
    level: r.level,
    thread: r.columns.thread,
    cId: r.columns.cId,
    logger: r.columns.logger,
    method: r.columns.method,
    message: r.columns.message,
    charsLen: r.charsLen,
    localMessageId: r.localMessageId,
    faultEvents: r.faultEvents,
  };
  return { state: 'read', counts, events, normalized: r.normalized };
}

/** Where the kernel's one continuation count goes, by policy (CONTINUATION_POLICIES' order). */
const CONTINUATION_COUNTS = ['merged', 'dropped', 'kept'] as const;

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * The file's bytes, read straight into this thread's kernel memory where `parseAsciiFile` parses a
 * file (`fileRoom`): no copy of each file's bytes from a read buffer into the kernel (≈ 69 MB on the
 * standard preset), and no fresh pages per file. Valid until the next kernel call.
 */
function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let room = fileRoom(1 << 20);
    let size = 0;
    // To the end of the file, whatever fstat said: a log may still be growing.
    for (;;) {
      // A larger room keeps the bytes read so far (the kernel's memory only grows).
      if (size === room.length) room = fileRoom(Math.max(2 * room.length, fstatSync(fd).size + 1));
      const n = readSync(fd, room, size, room.length - size, null);
      if (n === 0) return room.subarray(0, size);
      size += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads one service log. Never throws for bad content; I/O failures come back as `failed`.
 * Synchronous: a reader thread reads one file at a time.
 */
export function readLogFile(task: FileTask): FileResult {
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
    const onDisk = readWhole(task.path);
    bytes = onDisk.length;
    raw = task.path.endsWith('.gz') ? gunzipSync(onDisk) : onDisk;
  } catch (err) {
    return { state: 'failed', path: task.path, error: describeIoError(err) };
  }
  const { counts, events, normalized } = parseLogBytes(raw, {
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
