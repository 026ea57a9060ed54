/**
 * The kernel LogReader, the one the ingest uses: an ASCII file (the usual case) is parsed,
 * normalised and gathered into columns by the WebAssembly kernel (log-file.ts) with no JavaScript
 * string per event; any other file is scanned here into byte offsets (the kernel's own rules,
 * written in JavaScript on a latin1 string whose character offsets are the file's byte offsets) and
 * its columns gathered by the kernel. The fields are byte ranges of the file, so the string columns
 * are copies of its bytes: no per-field strings, no re-encoding. A multi-line event's message is
 * one contiguous byte range (lines joined by the file's own `\n`).
 *
 * The reader owns every buffer it reads into: the file goes straight into its thread's kernel
 * memory, and each file's columns into one buffer of the reader's pool, which comes back through
 * `release` once the ingest has the columns on disk (or from another thread's reader of this kind,
 * whose results were moved here). Nobody else recycles or drops them.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { CachedNormalizer } from '../enhance/normalize.ts';
import { BufferPool } from '../io/buffer-pool.ts';
import type { Utf8Column } from '../io/utf8.ts';
import { RunClock } from '../lo2/clock.ts';
import { emptyOffsets, isContinuation, parseLineAt, SKIP_REASONS, type SkipReason } from '../lo2/parse.ts';
import {
  CONTINUATION_POLICIES,
  emptyCounts,
  type FileEvents,
  type FileResult,
  type FileTask,
  type LineCounts,
  type LogReader,
  type LogRoom,
  type ParsedLog,
  type ParseTask,
  policyOf,
  readLogWith,
} from '../lo2/read-file.ts';
import { timeShape } from '../lo2/time-shape.ts';
import { faultEventsOf } from '../lo2/truth.ts';
import { FIELDS, fileRoom, gatherColumns, parseAsciiFile, STRIDE } from './log-file.ts';

/** A new kernel reader: one per thread (the kernel's memory is the thread's). */
export function kernelLogReader(): LogReader {
  return new KernelLogReader();
}

/**
 * Free bytes of column buffers a reader keeps: room for the files of a few reader tasks, whose
 * buffers come back while the next tasks are read.
 */
const POOL_BYTES = 32 << 20;

/** Largest file the WebAssembly kernel takes. */
const KERNEL_MAX_BYTES = 64 << 20;

class KernelLogReader implements LogReader {
  readonly kind = 'kernel' as const;
  readonly #columns = new BufferPool(POOL_BYTES);
  readonly #normalizer = new CachedNormalizer();

  read(task: FileTask): FileResult {
    return readLogWith(task, kernelRoom, (raw, t) => this.parse(raw, t));
  }

  parse(raw: Buffer, task: ParseTask): ParsedLog {
    const policy = policyOf(task);
    const counts = emptyCounts(task);
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
    // larger is scanned here.
    if (ascii && bytes.length <= KERNEL_MAX_BYTES) return this.#parseAscii(bytes, task, policy, counts);
    return scanOffsets(bytes, begin, ascii, task, policy, counts, this.#normalizer);
  }

  release(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) this.#columns.give(b);
  }

  close(): void {
    this.#columns.clear();
  }

  /** An ASCII file through the kernel: the same lines, counts and columns as `scanOffsets`. */
  #parseAscii(bytes: Buffer, task: ParseTask, policy: ParsedPolicy, counts: LineCounts): ParsedLog {
    const policyCode = CONTINUATION_POLICIES.indexOf(policy);
    const r = parseAsciiFile(
      bytes,
      task.trimLines,
      task.runEpochSec === null ? 0 : task.runEpochSec * 1000,
      policyCode,
      task.faultLines ?? null,
      this.#columns,
    );
    counts.lines = r.lines;
    counts.trimmed = r.trimmed;
    counts.continuation[CONTINUATION_COUNTS[policyCode]!] = r.continuation;
    for (let k = 0; k < SKIP_REASONS.length; k++)
      if (r.skipped[k]! > 0) counts.skipped[SKIP_REASONS[k]!] = r.skipped[k]!;
    // The same properties in the same order as scanOffsets': one shape for V8.
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
    return { state: 'read', counts, events, normalized: r.normalized, time: timeShape(events.timeMs, r.n) };
  }
}

type ParsedPolicy = ReturnType<typeof policyOf>;

/** Where the kernel's one continuation count goes, by policy (CONTINUATION_POLICIES' order). */
const CONTINUATION_COUNTS = ['merged', 'dropped', 'kept'] as const;

// Per-event offsets into the file, laid out as the kernel lays them out (STRIDE i32 per event,
// FIELDS: thread, cId, logger, method, message as [start, end)), so one gather serves both paths.
const { thread: THREAD, cId: CID, logger: LOGGER, method: METHOD, message: MESSAGE } = FIELDS;

/** Growable columns of one file's events while it is being scanned. */
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

/**
 * A file the kernel does not parse (not ASCII, or too large), scanned line by line into byte offsets
 * by the rules the kernel follows (assembly/log-file.ts), its columns gathered by the kernel.
 */
function scanOffsets(
  bytes: Buffer,
  begin: number,
  ascii: boolean,
  task: ParseTask,
  policy: ParsedPolicy,
  counts: LineCounts,
  normalizer: CachedNormalizer,
): ParsedLog {
  const skip = (reason: SkipReason) => {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
  };
  // latin1 maps every byte to one character, so string offsets are byte offsets.
  const text = bytes.toString('latin1');
  const ev = new EventOffsets();
  const line = emptyOffsets();
  const clock = new RunClock(task.runEpochSec);

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
        const i = ev.push();
        ev.timeMs[i] = clock.next(line.timeOfDayMs);
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
  return { state: 'read', counts, events, normalized, time: timeShape(events.timeMs, n) };
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

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Room for a file's bytes in this thread's kernel memory, where `parseAsciiFile` parses a file
 * (`fileRoom`): no copy of each file's bytes from a read buffer into the kernel, and no fresh pages
 * per file. A larger room keeps the bytes read so far (the kernel's memory only grows). Valid until
 * the next kernel call.
 */
const kernelRoom: LogRoom = (bytes) => fileRoom(bytes);
