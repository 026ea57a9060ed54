// AssemblyScript (compiled by scripts/build-wasm.ts, not by tsc): one ASCII LO2 log file in one
// instance's memory — its lines parsed into event offsets, times and levels (harness/data/lo2/
// read-file.ts and parse.ts are the definition), its messages normalised and numbered
// (lib/normalize.ts), and its string columns gathered. All pointers are byte offsets into this
// module's memory, laid out by the caller (harness/data/wasm/log-file.ts).
export { heapBase, normalizeAll, normalizeInto } from './lib/normalize';

const STRIDE = 10;
const DAY_MS: f64 = 86_400_000;
const HOUR_MS: f64 = 3_600_000;

// counts[]: lines, trimmed, continuation, then one per skip reason in SKIP_REASONS' order.
const LINES = 0;
const TRIMMED = 1;
const CONTINUATION = 2;
const NO_TIMESTAMP = 3;
const BAD_THREAD = 4;
const BAD_LEVEL = 5;
const NO_SEPARATOR = 6;
const ORPHAN = 7;
const EMPTY = 8;

// Parsed fields of the current line.
let tod: i32 = 0;
let level: i32 = 0;
let threadStart: usize = 0;
let threadEnd: usize = 0;
let cIdStart: usize = 0;
let cIdEnd: usize = 0;
let loggerStart: usize = 0;
let loggerEnd: usize = 0;
let methodStart: usize = 0;
let methodEnd: usize = 0;
let messageStart: usize = 0;

@inline function byte(p: usize): i32 {
  return <i32>load<u8>(p);
}

/**
 * First `ch` in [from, end), or 0 (never a valid position: the file sits above the heap base); 16
 * bytes at a time (lines are ≈ 220 bytes, loggers and cIds ≈ 20–30).
 */
function find(ch: i32, from: usize, end: usize): usize {
  let p = from;
  const needle = i8x16.splat(<i8>ch);
  while (p + 16 <= end) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(p), needle));
    if (hits != 0) return p + <usize>ctz(hits);
    p += 16;
  }
  for (; p < end; p++) if (byte(p) == ch) return p;
  return 0;
}

/** The next newline in [from, end), or 0. */
@inline function findNewline(from: usize, end: usize): usize {
  return find(10, from, end);
}

@inline function digit(p: usize): i32 {
  const c = byte(p) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** HH:mm:ss.SSS at p (the caller checked 12 bytes are there), or -1. */
function timeOfDay(p: usize): i32 {
  if (byte(p + 2) != 58 || byte(p + 5) != 58 || byte(p + 8) != 46) return -1;
  const h1 = digit(p);
  const h2 = digit(p + 1);
  const m1 = digit(p + 3);
  const m2 = digit(p + 4);
  const s1 = digit(p + 6);
  const s2 = digit(p + 7);
  const f1 = digit(p + 9);
  const f2 = digit(p + 10);
  const f3 = digit(p + 11);
  if ((h1 | h2 | m1 | m2 | s1 | s2 | f1 | f2 | f3) < 0) return -1;
  const h = h1 * 10 + h2;
  const m = m1 * 10 + m2;
  const sec = s1 * 10 + s2;
  if (h > 23 || m > 59 || sec > 59) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000 + f1 * 100 + f2 * 10 + f3;
}

function startsWith(p: usize, end: usize, word: string): bool {
  const n = <usize>word.length;
  if (p + n > end) return false;
  for (let k: usize = 0; k < n; k++) if (byte(p + k) != <i32>word.charCodeAt(<i32>k)) return false;
  return true;
}

function levelCode(start: usize, end: usize): i32 {
  const n = end - start;
  if (n == 4) {
    if (startsWith(start, end, 'INFO')) return 2;
    if (startsWith(start, end, 'WARN')) return 3;
  } else if (n == 5) {
    if (startsWith(start, end, 'DEBUG')) return 1;
    if (startsWith(start, end, 'ERROR')) return 4;
    if (startsWith(start, end, 'TRACE')) return 0;
  }
  return -1;
}

function isBlank(start: usize, end: usize): bool {
  for (let p = start; p < end; p++) {
    const c = byte(p);
    if (c != 32 && c != 9 && c != 13) return false;
  }
  return true;
}

function endsWithAt(headEnd: usize, start: usize, word: string): bool {
  const n = <usize>word.length;
  return headEnd - start > n && startsWith(headEnd - n, headEnd, word);
}

/** Stack frames, `Caused by:` and exception headers continue the previous event (parse.ts). */
function isContinuation(start: usize, end: usize): bool {
  const c = byte(start);
  if (c == 9 || c == 32) return true;
  if (c >= 48 && c <= 57) return false;
  if (startsWith(start, end, 'Caused by:')) return true;
  let headEnd = find(58, start, end);
  if (headEnd == 0) headEnd = end;
  let dotted = false;
  for (let p = start; p < headEnd; p++) {
    const ch = byte(p);
    if (ch == 32) return false;
    if (ch == 46) dotted = true;
  }
  if (!dotted) return false;
  return endsWithAt(headEnd, start, 'Exception') || endsWithAt(headEnd, start, 'Error') || endsWithAt(headEnd, start, 'Throwable');
}

/** parseLineAt: 0 when the line is an event (fields in the globals), else the counts[] index of why not. */
function parseLine(start: usize, end: usize): i32 {
  if (end - start < 14) return NO_TIMESTAMP;
  tod = timeOfDay(start);
  if (tod < 0 || byte(start + 12) != 32) return NO_TIMESTAMP;
  if (byte(start + 13) != 91) return BAD_THREAD;
  const close = find(93, start + 14, end);
  if (close == 0 || close + 1 >= end || byte(close + 1) != 32) return BAD_THREAD;
  const sIdEnd = find(32, close + 2, end);
  if (sIdEnd == 0) return BAD_LEVEL;
  const cEnd = find(32, sIdEnd + 1, end);
  if (cEnd == 0) return BAD_LEVEL;
  const levelEnd = find(32, cEnd + 1, end);
  level = levelEnd == 0 ? -1 : levelCode(cEnd + 1, levelEnd);
  if (level < 0) return BAD_LEVEL;
  let p = levelEnd + 1;
  while (p < end && byte(p) == 32) p++;
  const lEnd = find(32, p, end);
  if (lEnd == 0) return NO_SEPARATOR;
  const mEnd = find(32, lEnd + 1, end);
  if (mEnd == 0 || mEnd + 1 >= end || byte(mEnd + 1) != 45) return NO_SEPARATOR;
  if (mEnd + 2 < end && byte(mEnd + 2) != 32) return NO_SEPARATOR;
  threadStart = start + 14;
  threadEnd = close;
  cIdStart = sIdEnd + 1;
  cIdEnd = cEnd;
  loggerStart = p;
  loggerEnd = lEnd;
  methodStart = lEnd + 1;
  methodEnd = mEnd;
  messageStart = mEnd + 3 < end ? mEnd + 3 : end;
  return 0;
}

// Continuation-line policies (read-file.ts CONTINUATION_POLICIES' order).
const MERGE = 0;
const KEEP = 2;

/**
 * The lines of [start, end): the first `trimLines` dropped, blank and unparseable ones counted
 * by reason, continuation lines after an event handled by `policy` (merge: joined to the event;
 * drop: left out; keep: an event of their own with the time and level of the event above and empty
 * thread, cId, logger and method) and counted. Per event: STRIDE i32 offsets (thread, cId, logger,
 * method, message as [start, end) addresses), its time (epoch ms: the time of day on the run's UTC
 * date, a day later after midnight), level, and the 1-based number of its first physical line (for
 * the ground truth, which lists physical lines). Room for `cap` events; returns how many, or -1 when
 * they do not fit.
 */
export function parseLines(
  start: usize,
  end: usize,
  trimLines: i32,
  epochMs: f64,
  offsets: usize,
  times: usize,
  levels: usize,
  cap: i32,
  counts: usize,
  policy: i32,
  lineNos: usize,
): i32 {
  let dayStart: f64 = epochMs - (epochMs % DAY_MS);
  let lastTime: f64 = epochMs;
  let n = 0;
  let lines = 0;
  let p = start;
  for (let k = 0; k < 9; k++) store<i32>(counts + (<usize>k << 2), 0);
  while (p < end) {
    let e = findNewline(p, end);
    const next = e == 0 ? end : e + 1;
    if (e == 0) e = end;
    lines++;
    let why = -1;
    if (lines <= trimLines) why = TRIMMED;
    else if (isBlank(p, e)) why = EMPTY;
    else if (isContinuation(p, e)) {
      if (n == 0) why = ORPHAN;
      else {
        why = CONTINUATION;
        if (policy == MERGE) store<i32>(offsets + ((<usize>((n - 1) * STRIDE + 9)) << 2), <i32>e);
        else if (policy == KEEP) {
          if (n == cap) return -1;
          const o = offsets + ((<usize>(n * STRIDE)) << 2);
          for (let f: usize = 0; f < 36; f += 4) store<i32>(o + f, <i32>p);
          store<i32>(o, <i32>e, 36);
          store<f64>(times + (<usize>n << 3), load<f64>(times + (<usize>(n - 1) << 3)));
          store<i8>(levels + <usize>n, load<i8>(levels + <usize>(n - 1)));
          store<i32>(lineNos + (<usize>n << 2), lines);
          n++;
        }
      }
    } else {
      const failure = parseLine(p, e);
      if (failure != 0) why = failure;
      else {
        if (n == cap) return -1;
        let t: f64 = dayStart + <f64>tod;
        if (n == 0 ? t < epochMs - HOUR_MS : t < lastTime - DAY_MS / 2) {
          dayStart += DAY_MS;
          t += DAY_MS;
        }
        lastTime = t;
        const o = offsets + ((<usize>(n * STRIDE)) << 2);
        store<i32>(o, <i32>threadStart);
        store<i32>(o, <i32>threadEnd, 4);
        store<i32>(o, <i32>cIdStart, 8);
        store<i32>(o, <i32>cIdEnd, 12);
        store<i32>(o, <i32>loggerStart, 16);
        store<i32>(o, <i32>loggerEnd, 20);
        store<i32>(o, <i32>methodStart, 24);
        store<i32>(o, <i32>methodEnd, 28);
        store<i32>(o, <i32>messageStart, 32);
        store<i32>(o, <i32>e, 36);
        store<f64>(times + (<usize>n << 3), t);
        store<i8>(levels + <usize>n, <i8>level);
        store<i32>(lineNos + (<usize>n << 2), lines);
        n++;
      }
    }
    if (why >= 0) {
      const c = counts + (<usize>why << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
    p = next;
  }
  store<i32>(counts + (<usize>LINES << 2), lines);
  return n;
}

/** The lines of [start, end) (newlines, plus a last line without one): no more events than that. */
export function countLines(start: usize, end: usize): i32 {
  let n = 0;
  let p = start;
  const newline = i8x16.splat(10);
  for (; p + 16 <= end; p += 16) n += <i32>popcnt(i8x16.bitmask(i8x16.eq(v128.load(p), newline)));
  for (; p < end; p++) if (byte(p) == 10) n++;
  if (end > start && byte(end - 1) != 10) n++;
  return n;
}

/** The longest of the ranges [offsets[i·STRIDE + field], offsets[i·STRIDE + field + 1]), i < n. */
export function maxLength(offsets: usize, field: i32, n: i32): i32 {
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const o = offsets + ((<usize>(i * STRIDE + field)) << 2);
    const len = load<i32>(o, 4) - load<i32>(o);
    if (len > longest) longest = len;
  }
  return longest;
}

/**
 * One string column: the ranges [offsets[i·STRIDE + field], offsets[i·STRIDE + field + 1]) appended
 * at `data`; returns its length. Values under 32 bytes (threads, cIds, loggers, methods) are copied
 * as two 16-byte blocks, whatever their length: the caller leaves 32 bytes of room past the column
 * and past the file (the next value overwrites the excess).
 */
export function gather(offsets: usize, field: i32, n: i32, outOffsets: usize, data: usize): i32 {
  let pos: usize = 0;
  store<i32>(outOffsets, 0);
  for (let i = 0; i < n; i++) {
    const o = offsets + ((<usize>(i * STRIDE + field)) << 2);
    const s = <usize>load<i32>(o);
    const len = <usize>load<i32>(o, 4) - s;
    if (len <= 32) {
      v128.store(data + pos, v128.load(s));
      v128.store(data + pos, v128.load(s, 16), 16);
    } else memory.copy(data + pos, s, len);
    pos += len;
    store<i32>(outOffsets + (<usize>(i + 1) << 2), <i32>pos);
  }
  return <i32>pos;
}
