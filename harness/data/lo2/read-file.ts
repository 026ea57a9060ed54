/**
 * Reads one LO2 service log (plain or .gz) into columnar events: streamed in chunks, first N
 * lines trimmed, continuation lines joined to their event, unparseable lines counted by reason.
 * Runs inside ingest workers, so its result is made of transferable typed arrays.
 */
import { isAscii } from 'node:buffer';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { CachedNormalizer } from '../enhance/normalize.ts';
import { packUtf8, type Utf8Column } from '../io/utf8.ts';
import { isContinuation, parseLine, type SkipReason } from './parse.ts';

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
  /** Index into `FileResult.normalized` of each event's normalised message. */
  localMessageId: Int32Array;
}

/** Counts that explain what happened to a file's physical lines. */
export interface LineCounts {
  /** Physical lines read (after the BOM, before trimming). */
  lines: number;
  trimmed: number;
  /** Lines joined into the previous event (`\tat ...`, exception headers). */
  continuation: number;
  /** Lines ending in CRLF (the CR is removed; kept, not skipped). */
  crlf: number;
  /** Lines with invalid UTF-8, decoded with U+FFFD (kept, not skipped). */
  invalidUtf8: number;
  bom: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export interface FileTask {
  path: string;
  /** Run start (unix seconds) the time of day is anchored to; null when the run name has none. */
  runEpochSec: number | null;
  /** Physical lines dropped at the start of the file. */
  trimLines: number;
}

export type FileResult =
  | { state: 'read'; path: string; bytes: number; counts: LineCounts; events: FileEvents; normalized: string[] }
  | { state: 'failed'; path: string; error: string };

const DAY_MS = 86_400_000;
/** Accumulates events of one file, column by column. */
class EventColumns {
  timeMs: number[] = [];
  level: number[] = [];
  thread: string[] = [];
  cId: string[] = [];
  logger: string[] = [];
  method: string[] = [];
  message: string[] = [];
  normalizedId: number[] = [];
  readonly #ids = new Map<string, number>();
  readonly normalized: string[] = [];
  readonly #normalizer: CachedNormalizer;

  constructor(normalizer: CachedNormalizer) {
    this.#normalizer = normalizer;
  }

  get count(): number {
    return this.message.length;
  }

  /** Appends a continuation line to the last event's message. */
  extendLast(line: string): void {
    const i = this.message.length - 1;
    this.message[i] = this.message[i] + '\n' + line;
  }

  /** @param ascii every string seen was 7-bit (enables the fast encoder). */
  finish(ascii: boolean): { events: FileEvents; normalized: string[] } {
    const n = this.count;
    const localMessageId = new Int32Array(n);
    const charsLen = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const m = this.message[i]!;
      charsLen[i] = m.length;
      const norm = this.#normalizer.normalize(m);
      let id = this.#ids.get(norm);
      if (id === undefined) {
        id = this.normalized.length;
        this.#ids.set(norm, id);
        this.normalized.push(norm);
      }
      localMessageId[i] = id;
    }
    const events: FileEvents = {
      count: n,
      timeMs: Float64Array.from(this.timeMs),
      level: Int8Array.from(this.level),
      thread: packUtf8(this.thread, ascii),
      cId: packUtf8(this.cId, ascii),
      logger: packUtf8(this.logger, ascii),
      method: packUtf8(this.method, ascii),
      message: packUtf8(this.message, ascii),
      charsLen,
      localMessageId,
    };
    return { events, normalized: this.normalized };
  }
}

/** Files up to this size are read in one synchronous call; larger ones are streamed. */
const WHOLE_FILE_BYTES = 16 << 20;

/**
 * A file's bytes in chunks, transparently gunzipping `.gz`. Typical LO2 files (≈1 MB) are read
 * whole: one system call instead of an open/read/close round trip through the thread pool each,
 * which dominated the ingest of many small files. Reads run in worker threads, so blocking is fine.
 */
function openBytes(path: string): Iterable<Buffer> | AsyncIterable<Buffer> {
  if (!path.endsWith('.gz') && statSync(path).size <= WHOLE_FILE_BYTES) return [readFileSync(path)];
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

const sharedNormalizer = new CachedNormalizer();

/** Reads one service log. Never throws for bad content; I/O failures come back as `failed`. */
export async function readLogFile(task: FileTask): Promise<FileResult> {
  const counts: LineCounts = { lines: 0, trimmed: 0, continuation: 0, crlf: 0, invalidUtf8: 0, bom: 0, skipped: {} };
  const cols = new EventColumns(sharedNormalizer);
  const skip = (reason: SkipReason) => {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
  };
  // Anchor times of day to the run's UTC date; a run may cross midnight, so a time of day far
  // below the previous one means the next day.
  const epochMs = task.runEpochSec === null ? 0 : task.runEpochSec * 1000;
  let dayStart = epochMs - (epochMs % DAY_MS);
  let lastTime = epochMs;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // keep the BOM so it is counted
  // LO2 logs are ASCII; latin1 decoding is several times faster than UTF-8 and equal on ASCII.
  // After the first non-ASCII chunk the UTF-8 decoder takes over (chunk boundaries before it
  // cannot split a multi-byte character).
  let ascii = true;
  let bytes = 0;
  let carry = '';

  const handleLine = (raw: string) => {
    counts.lines++;
    let line = raw;
    if (counts.lines === 1 && line.charCodeAt(0) === 0xfeff) {
      counts.bom++;
      line = line.slice(1);
    }
    if (line.charCodeAt(line.length - 1) === 13) {
      counts.crlf++;
      line = line.slice(0, -1);
    }
    if (counts.lines <= task.trimLines) {
      counts.trimmed++;
      return;
    }
    if (line.indexOf('\uFFFD') >= 0) counts.invalidUtf8++;
    if (line.trim().length === 0) {
      skip('empty');
      return;
    }
    if (isContinuation(line)) {
      if (cols.count === 0) skip('orphan-continuation');
      else {
        cols.extendLast(line);
        counts.continuation++;
      }
      return;
    }
    const parsed = parseLine(line);
    if (!parsed.ok) {
      skip(parsed.reason);
      return;
    }
    const p = parsed.line;
    let t = dayStart + p.timeOfDayMs;
    if (cols.count === 0 ? t < epochMs - 3_600_000 : t < lastTime - DAY_MS / 2) {
      dayStart += DAY_MS;
      t += DAY_MS;
    }
    lastTime = t;
    cols.timeMs.push(t);
    cols.level.push(p.level);
    cols.thread.push(p.thread);
    cols.cId.push(p.cId);
    cols.logger.push(p.logger);
    cols.method.push(p.method);
    cols.message.push(p.message);
  };

  try {
    for await (const chunk of openBytes(task.path)) {
      bytes += chunk.length;
      if (ascii && !isAscii(chunk)) ascii = false;
      const text = carry + (ascii ? chunk.toString('latin1') : decoder.decode(chunk, { stream: true }));
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl >= 0) {
        handleLine(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      carry = text.slice(start);
    }
    if (!ascii) carry += decoder.decode();
    if (carry.length > 0) handleLine(carry);
  } catch (err) {
    return { state: 'failed', path: task.path, error: describeIoError(err) };
  }
  const { events, normalized } = cols.finish(ascii);
  return { state: 'read', path: task.path, bytes, counts, events, normalized };
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
