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

export type LineParse = { ok: true; line: ParsedLine } | { ok: false; reason: Exclude<SkipReason, 'empty'> };

const C0 = 48; // '0'

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - C0;
  return c >= 0 && c <= 9 ? c : -1;
}

/** `HH:mm:ss.SSS` at the start of the line, or -1. */
export function parseTimeOfDay(s: string): number {
  if (s.length < 12 || s.charCodeAt(2) !== 58 || s.charCodeAt(5) !== 58 || s.charCodeAt(8) !== 46) return -1;
  const h1 = digit(s, 0);
  const h2 = digit(s, 1);
  const m1 = digit(s, 3);
  const m2 = digit(s, 4);
  const s1 = digit(s, 6);
  const s2 = digit(s, 7);
  const f1 = digit(s, 9);
  const f2 = digit(s, 10);
  const f3 = digit(s, 11);
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

/**
 * True for lines that continue the previous event: stack frames (`\tat ...`, `\t... 12 more`),
 * `Caused by:` and exception headers (`com.x.FooException: ...`), which carry no timestamp.
 */
export function isContinuation(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c === 9 /* \t */ || c === 32 /* space */) return true;
  if (s.startsWith('Caused by:')) return true;
  // Exception header: a dotted Java class name ending in Exception/Error, then ':' or end of line.
  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  if (head.length === 0 || head.indexOf(' ') >= 0 || head.indexOf('.') < 0) return false;
  return head.endsWith('Exception') || head.endsWith('Error') || head.endsWith('Throwable');
}

/** Parse one physical line that is not a continuation line. */
export function parseLine(s: string): LineParse {
  const tod = parseTimeOfDay(s);
  if (tod < 0 || s.charCodeAt(12) !== 32) return { ok: false, reason: 'no-timestamp' };
  if (s.charCodeAt(13) !== 91 /* [ */) return { ok: false, reason: 'bad-thread' };
  const close = s.indexOf(']', 14);
  if (close < 0 || s.charCodeAt(close + 1) !== 32) return { ok: false, reason: 'bad-thread' };
  const thread = s.slice(14, close);
  // `] sId cId LEVEL`: sId and cId are space-terminated and may be empty.
  let p = close + 2;
  const sIdEnd = s.indexOf(' ', p);
  if (sIdEnd < 0) return { ok: false, reason: 'bad-level' };
  p = sIdEnd + 1;
  const cIdEnd = s.indexOf(' ', p);
  if (cIdEnd < 0) return { ok: false, reason: 'bad-level' };
  const cId = s.slice(p, cIdEnd);
  p = cIdEnd + 1;
  const levelEnd = s.indexOf(' ', p);
  const level = levelEnd < 0 ? -1 : levelCode(s, p, levelEnd);
  if (level < 0) return { ok: false, reason: 'bad-level' };
  p = levelEnd + 1;
  while (s.charCodeAt(p) === 32) p++; // %-5level pads INFO/WARN with one space
  const loggerEnd = s.indexOf(' ', p);
  if (loggerEnd < 0) return { ok: false, reason: 'no-message-separator' };
  const logger = s.slice(p, loggerEnd);
  const methodEnd = s.indexOf(' ', loggerEnd + 1);
  // Logback always writes ` - ` after the method, even before an empty message.
  if (methodEnd < 0 || s.charCodeAt(methodEnd + 1) !== 45 /* - */) return { ok: false, reason: 'no-message-separator' };
  if (methodEnd + 2 < s.length && s.charCodeAt(methodEnd + 2) !== 32)
    return { ok: false, reason: 'no-message-separator' };
  const method = s.slice(loggerEnd + 1, methodEnd);
  const message = s.slice(methodEnd + 3);
  return { ok: true, line: { timeOfDayMs: tod, thread, cId, level, logger, method, message } };
}
