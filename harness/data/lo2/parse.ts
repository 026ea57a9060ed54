/**
 * Parser for one LO2 log line in the Logback pattern
 * `%d{HH:mm:ss.SSS} [%thread] %X{sId} %X{cId} %-5level %logger{36} %M - %msg%n`.
 *
 * Written with indexOf/charCode scans instead of one big regex: it runs on every line of
 * the dataset and is the loader's hot path (see docs/PERFORMANCE.md).
 */

/** Levels Logback writes; the index is the code stored in the events table. */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type Level = (typeof LEVELS)[number];

/** Why a physical line was not turned into an event. Stable strings: they are reported and stored. */
export type SkipReason =
  | 'no-timestamp'
  | 'bad-thread'
  | 'bad-level'
  | 'no-message-separator'
  | 'orphan-continuation'
  | 'empty';

export const SKIP_REASONS: readonly SkipReason[] = [
  'no-timestamp',
  'bad-thread',
  'bad-level',
  'no-message-separator',
  'orphan-continuation',
  'empty',
];

/** One parsed line. `timeOfDayMs` is milliseconds since midnight (the date comes from the run). */
export interface ParsedLine {
  timeOfDayMs: number;
  thread: string;
  cId: string;
  level: number;
  logger: string;
  method: string;
  message: string;
}

export type LineParse =
  | { ok: true; line: ParsedLine }
  | { ok: false; reason: Exclude<SkipReason, 'empty' | 'orphan-continuation'> };

const C0 = 48; // '0'

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - C0;
  return c >= 0 && c <= 9 ? c : -1;
}

/** `HH:mm:ss.SSS` at `at` (default the start of the string), or -1. */
export function parseTimeOfDay(s: string, at = 0): number {
  if (s.length < at + 12 || s.charCodeAt(at + 2) !== 58 || s.charCodeAt(at + 5) !== 58 || s.charCodeAt(at + 8) !== 46) {
    return -1;
  }
  const h1 = digit(s, at);
  const h2 = digit(s, at + 1);
  const m1 = digit(s, at + 3);
  const m2 = digit(s, at + 4);
  const s1 = digit(s, at + 6);
  const s2 = digit(s, at + 7);
  const f1 = digit(s, at + 9);
  const f2 = digit(s, at + 10);
  const f3 = digit(s, at + 11);
  if ((h1 | h2 | m1 | m2 | s1 | s2 | f1 | f2 | f3) < 0) return -1;
  const h = h1 * 10 + h2;
  const m = m1 * 10 + m2;
  const sec = s1 * 10 + s2;
  if (h > 23 || m > 59 || sec > 59) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000 + f1 * 100 + f2 * 10 + f3;
}

function levelCode(s: string, start: number, end: number): number {
  switch (end - start) {
    case 4:
      if (s.startsWith('INFO', start)) return 2;
      if (s.startsWith('WARN', start)) return 3;
      return -1;
    case 5:
      if (s.startsWith('DEBUG', start)) return 1;
      if (s.startsWith('ERROR', start)) return 4;
      if (s.startsWith('TRACE', start)) return 0;
      return -1;
    default:
      return -1;
  }
}

const THROWABLE_SUFFIXES = ['Exception', 'Error', 'Throwable'];

/**
 * True for lines that continue the previous event: stack frames (`\tat ...`, `\t... 12 more`),
 * `Caused by:` and exception headers (`com.x.FooException: ...`), which carry no timestamp.
 */
export function isContinuation(s: string, start = 0, end = s.length): boolean {
  const c = s.charCodeAt(start);
  if (c === 9 /* \t */ || c === 32 /* space */) return true;
  if (c >= 48 && c <= 57) return false; // a timestamp, the common case
  if (s.startsWith('Caused by:', start)) return true;
  // Exception header: a dotted Java class name ending in Exception/Error, then ':' or end of line.
  let headEnd = s.indexOf(':', start);
  if (headEnd < 0 || headEnd > end) headEnd = end;
  let dotted = false;
  for (let i = start; i < headEnd; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 32) return false;
    if (ch === 46) dotted = true;
  }
  if (!dotted) return false;
  return THROWABLE_SUFFIXES.some((suffix) => headEnd - start > suffix.length && s.endsWith(suffix, headEnd));
}

/** Where the fields of a parsed line are: `[start, end)` offsets into the text that was parsed. */
export interface LineOffsets {
  timeOfDayMs: number;
  level: number;
  threadStart: number;
  threadEnd: number;
  cIdStart: number;
  cIdEnd: number;
  loggerStart: number;
  loggerEnd: number;
  methodStart: number;
  methodEnd: number;
  messageStart: number;
}

export function emptyOffsets(): LineOffsets {
  return {
    timeOfDayMs: 0,
    level: 0,
    threadStart: 0,
    threadEnd: 0,
    cIdStart: 0,
    cIdEnd: 0,
    loggerStart: 0,
    loggerEnd: 0,
    methodStart: 0,
    methodEnd: 0,
    messageStart: 0,
  };
}

type ParseFailure = Exclude<SkipReason, 'empty' | 'orphan-continuation'>;

/** `s.indexOf(ch, from)` limited to `[from, end)`; -1 when absent. */
function find(s: string, ch: string, from: number, end: number): number {
  const i = s.indexOf(ch, from);
  return i >= 0 && i < end ? i : -1;
}

/**
 * Parses the line `s[start, end)` (no line terminator) into `out` without allocating: the
 * loader's hot path. Returns null on success, else why the line is not an event.
 */
export function parseLineAt(s: string, start: number, end: number, out: LineOffsets): ParseFailure | null {
  const tod = parseTimeOfDay(s, start);
  if (tod < 0 || end - start < 14 || s.charCodeAt(start + 12) !== 32) return 'no-timestamp';
  if (s.charCodeAt(start + 13) !== 91 /* [ */) return 'bad-thread';
  const close = find(s, ']', start + 14, end);
  if (close < 0 || s.charCodeAt(close + 1) !== 32) return 'bad-thread';
  // `] sId cId LEVEL`: sId and cId are space-terminated and may be empty.
  const sIdEnd = find(s, ' ', close + 2, end);
  if (sIdEnd < 0) return 'bad-level';
  const cIdEnd = find(s, ' ', sIdEnd + 1, end);
  if (cIdEnd < 0) return 'bad-level';
  const levelEnd = find(s, ' ', cIdEnd + 1, end);
  const level = levelEnd < 0 ? -1 : levelCode(s, cIdEnd + 1, levelEnd);
  if (level < 0) return 'bad-level';
  let p = levelEnd + 1;
  while (p < end && s.charCodeAt(p) === 32) p++; // %-5level pads INFO/WARN with one space
  const loggerEnd = find(s, ' ', p, end);
  if (loggerEnd < 0) return 'no-message-separator';
  const methodEnd = find(s, ' ', loggerEnd + 1, end);
  // Logback always writes ` - ` after the method, even before an empty message.
  if (methodEnd < 0 || methodEnd + 1 >= end || s.charCodeAt(methodEnd + 1) !== 45 /* - */)
    return 'no-message-separator';
  if (methodEnd + 2 < end && s.charCodeAt(methodEnd + 2) !== 32) return 'no-message-separator';
  out.timeOfDayMs = tod;
  out.level = level;
  out.threadStart = start + 14;
  out.threadEnd = close;
  out.cIdStart = sIdEnd + 1;
  out.cIdEnd = cIdEnd;
  out.loggerStart = p;
  out.loggerEnd = loggerEnd;
  out.methodStart = loggerEnd + 1;
  out.methodEnd = methodEnd;
  out.messageStart = Math.min(methodEnd + 3, end);
  return null;
}

/** Parses one physical line that is not a continuation line into strings. */
export function parseLine(s: string): LineParse {
  const o = emptyOffsets();
  const reason = parseLineAt(s, 0, s.length, o);
  if (reason !== null) return { ok: false, reason };
  return {
    ok: true,
    line: {
      timeOfDayMs: o.timeOfDayMs,
      thread: s.slice(o.threadStart, o.threadEnd),
      cId: s.slice(o.cIdStart, o.cIdEnd),
      level: o.level,
      logger: s.slice(o.loggerStart, o.loggerEnd),
      method: s.slice(o.methodStart, o.methodEnd),
      message: s.slice(o.messageStart),
    },
  };
}
