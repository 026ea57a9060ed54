// AssemblyScript (compiled by scripts/build-wasm.ts, not by tsc): the message normaliser of
// harness/data/enhance/normalize.ts over bytes, plus the per-file table of distinct normalised
// messages. Same rules, same order of decisions, byte for byte the same output on ASCII messages
// (test/data/normalize.test.ts compares the two on the real log and on seeded fuzz).
//
// All pointers are byte offsets into the module's memory, laid out by the caller (wasm/log-file.ts).

// Masks, as bytes.
const UUID_MASK = memory.data<u8>([60, 85, 85, 73, 68, 62]); // <UUID>
const IP_MASK = memory.data<u8>([60, 73, 80, 62]); // <IP>
const B64_MASK = memory.data<u8>([60, 66, 54, 52, 62]); // <B64>
const HEX_MASK = memory.data<u8>([60, 72, 69, 88, 62]); // <HEX>
const NUM_MASK = memory.data<u8>([60, 78, 85, 77, 62]); // <NUM>

/** Bytes of a normalised message per byte of the message, at worst (a lone digit becomes <NUM>). */
const GROWTH: usize = 6;

const KEEP: i32 = 0;
const UUID: i32 = 1;
const B64: i32 = 2;
const HEX: i32 = 3;
const NUM: i32 = 4;
const PATH: i32 = 5;

// Output cursor: every write goes to `out`.
let out: usize = 0;
// Scratch for the rare two-pass rule (a long token with a UUID inside).
let scratch: usize = 0;

@inline function isDigit(c: i32): bool {
  return c >= 48 && c <= 57;
}
@inline function isUpper(c: i32): bool {
  return c >= 65 && c <= 90;
}
@inline function isLower(c: i32): bool {
  return c >= 97 && c <= 122;
}
// Character classes of every byte, one load instead of a chain of comparisons (the scans below
// run over every byte of every message). Bytes ≥ 128, and -1 (past the end), are in no class.
const CLASS = memory.data(256);
const C_DIGIT = 1;
const C_UPPER = 2;
const C_LOWER = 4;
const C_HEX_LETTER = 8;
const C_TOKEN = 16;
const C_VOWEL = 32;
for (let c = 0; c < 128; c++) {
  let f = 0;
  if (c >= 48 && c <= 57) f |= C_DIGIT | C_TOKEN;
  if (c >= 65 && c <= 90) f |= C_UPPER | C_TOKEN;
  if (c >= 97 && c <= 122) f |= C_LOWER | C_TOKEN;
  if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) f |= C_HEX_LETTER;
  if (c == 43 || c == 47 || c == 95 || c == 45) f |= C_TOKEN;
  const l = c | 32;
  if ((f & (C_UPPER | C_LOWER)) != 0 && (l == 97 || l == 101 || l == 105 || l == 111 || l == 117)) f |= C_VOWEL;
  store<u8>(CLASS + <usize>c, <u8>f);
}
@inline function cls(c: i32): i32 {
  return <i32>load<u8>(CLASS + <usize>(c & 255));
}

@inline function isHexChar(c: i32): bool {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
@inline function isWordChar(c: i32): bool {
  return isDigit(c) || isUpper(c) || isLower(c) || c == 95;
}
// Letters, digits and + / _ - (what the JavaScript TOKEN_CHAR table holds).
@inline function isTokenChar(c: i32): bool {
  return (cls(c) & C_TOKEN) != 0;
}

/** The byte at p of [.., b), or -1 past the end (JavaScript's charCodeAt gives NaN there). */
@inline function at(p: usize, b: usize): i32 {
  return p < b ? <i32>load<u8>(p) : -1;
}

function write(src: usize, n: usize): void {
  // Most pieces are a few bytes: a loop beats the call behind memory.copy.
  if (n < 32) {
    for (let k: usize = 0; k < n; k++) store<u8>(out + k, load<u8>(src + k));
  } else memory.copy(out, src, n);
  out += n;
}

function writeMask(kind: i32): void {
  if (kind == UUID) write(UUID_MASK, 6);
  else if (kind == B64) write(B64_MASK, 5);
  else if (kind == HEX) write(HEX_MASK, 5);
  else if (kind == NUM) write(NUM_MASK, 5);
}

function isUuid(a: usize, b: usize): bool {
  if (b - a != 36) return false;
  for (let k: usize = 0; k < 36; k++) {
    const c = <i32>load<u8>(a + k);
    if (k == 8 || k == 13 || k == 18 || k == 23) {
      if (c != 45) return false;
    } else if (!isHexChar(c)) return false;
  }
  return true;
}

function isIdentifier(a: usize, b: usize): bool {
  let p = a;
  while (p < b) {
    if (isUpper(<i32>load<u8>(p))) p++;
    const from = p;
    while (p < b && isLower(<i32>load<u8>(p))) p++;
    if (p - from < 2) return false;
    while (p < b && isDigit(<i32>load<u8>(p))) p++;
  }
  return b > a;
}

// snake/kebab: [a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*
function isSnake(a: usize, b: usize): bool {
  if (b <= a || !isLower(<i32>load<u8>(a))) return false;
  let afterSeparator = false;
  for (let p = a + 1; p < b; p++) {
    const c = <i32>load<u8>(p);
    if (c == 45 || c == 95 || c == 46) {
      if (afterSeparator) return false;
      afterSeparator = true;
    } else if (isLower(c) || isDigit(c)) afterSeparator = false;
    else return false;
  }
  return !afterSeparator;
}

// constant: [A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*
function isConstant(a: usize, b: usize): bool {
  if (b <= a || !isUpper(<i32>load<u8>(a))) return false;
  let afterSeparator = false;
  for (let p = a + 1; p < b; p++) {
    const c = <i32>load<u8>(p);
    if (c == 95) {
      if (afterSeparator) return false;
      afterSeparator = true;
    } else if (isUpper(c) || isDigit(c)) afterSeparator = false;
    else return false;
  }
  return !afterSeparator;
}

function classify(a: usize, b: usize): i32 {
  const n = <i32>(b - a);
  if (n == 0) return KEEP;
  let digits = 0;
  let letters = 0;
  let vowels = 0;
  let hex = 0;
  let slashes = 0;
  for (let p = a; p < b; p++) {
    const c = <i32>load<u8>(p);
    const f = cls(c);
    digits += f & C_DIGIT;
    letters += <i32>((f & (C_UPPER | C_LOWER)) != 0);
    vowels += (f >> 5) & 1;
    hex += <i32>((f & (C_DIGIT | C_HEX_LETTER)) != 0);
    slashes += <i32>(c == 47);
  }
  if (n == 36 && isUuid(a, b)) return UUID;
  if (digits == n) return NUM;
  if (hex == n && digits > 0 && n >= 8) return HEX;
  if (<i32>load<u8>(b - 1) == 61 && n >= 12 && letters > 0) return B64;
  if (slashes > 0) return PATH;
  if (n >= 16 && letters > 0) {
    const identifier = isIdentifier(a, b);
    if (!identifier && !isSnake(a, b) && !isConstant(a, b)) return B64;
    if (identifier && <f64>vowels / <f64>letters < 0.25) return B64;
  }
  return KEEP;
}

/** maskShort: standalone digit runs become <NUM>; one followed by a letter or _ keeps its last digit. */
function writeShort(a: usize, b: usize): void {
  let copied = a;
  let p = a;
  while (p < b) {
    if (!isDigit(<i32>load<u8>(p))) {
      p++;
      continue;
    }
    const from = p;
    while (p < b && isDigit(<i32>load<u8>(p))) p++;
    const before = from > a ? <i32>load<u8>(from - 1) : 32;
    if (isUpper(before) || isLower(before) || before == 95) continue;
    const after = p < b ? <i32>load<u8>(p) : 32;
    const end = isUpper(after) || isLower(after) || after == 95 ? p - 1 : p;
    if (end == from) continue;
    write(copied, from - copied);
    write(NUM_MASK, 5);
    copied = end;
  }
  write(copied, b - copied);
}

/** A long kept token: UUIDs inside it masked left to right, then its standalone numbers. */
function writeLongKeep(a: usize, b: usize): void {
  const saved = out;
  out = scratch;
  let k = a;
  let copied = a;
  while (k < b) {
    if (k + 36 <= b && isUuid(k, k + 36)) {
      write(copied, k - copied);
      write(UUID_MASK, 6);
      k += 36;
      copied = k;
    } else k++;
  }
  write(copied, b - copied);
  const end = out;
  out = saved;
  writeShort(scratch, end);
}

function writeToken(a: usize, b: usize): void {
  const kind = classify(a, b);
  if (kind == KEEP) {
    if (b - a >= 36) writeLongKeep(a, b);
    else writeShort(a, b);
  } else if (kind == PATH) {
    let from = a;
    for (let p = a; p <= b; p++) {
      if (p < b && <i32>load<u8>(p) != 47) continue;
      if (from > a) store<u8>(out++, 47);
      writeToken(from, p);
      from = p + 1;
    }
  } else writeMask(kind);
}

function ipEnd(i: usize, b: usize): isize {
  let p = i;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (at(p, b) != 46) return -1;
      p++;
    }
    const from = p;
    while (p < b && p - from < 4 && isDigit(<i32>load<u8>(p))) p++;
    if (p == from || p - from > 3) return -1;
  }
  const after = at(p, b);
  return isWordChar(after) || after == 46 ? -1 : <isize>p;
}

function decimalEnd(i: usize, b: usize): isize {
  let p = i;
  while (isDigit(at(p, b))) p++;
  if (at(p, b) != 46 || !isDigit(at(p + 1, b))) return -1;
  p++;
  while (isDigit(at(p, b))) p++;
  const after = at(p, b);
  return isWordChar(after) && !isDigit(after) ? -1 : <isize>p;
}

/** normalizeMessage of the message bytes [a, b), written at `out`. */
function normalize(a: usize, b: usize): void {
  let copied = a;
  let i = a;
  while (i < b) {
    const c = <i32>load<u8>(i);
    if (!isTokenChar(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    let hasDigit = isDigit(c);
    while (j < b) {
      const f = cls(<i32>load<u8>(j));
      if ((f & C_TOKEN) == 0) break;
      if ((f & C_DIGIT) != 0) hasDigit = true;
      j++;
    }
    if (!hasDigit && j - i < 16 && at(j, b) != 61) {
      i = j;
      continue;
    }
    let end = j;
    const before = i > a ? <i32>load<u8>(i - 1) : 32;
    let mask = -1;
    if (isDigit(c) && at(j, b) == 46 && !isWordChar(before)) {
      const ip: isize = before == 46 ? -1 : ipEnd(i, b);
      if (ip > 0) {
        mask = 6;
        end = <usize>ip;
      } else {
        const dec = decimalEnd(i, b);
        if (dec > 0 && <usize>dec >= j) {
          mask = NUM;
          end = <usize>dec;
        }
      }
    }
    write(copied, i - copied);
    if (mask == 6) write(IP_MASK, 4);
    else if (mask == NUM) write(NUM_MASK, 5);
    else {
      if (j - i >= 8) {
        while (end < b && end - j < 2 && <i32>load<u8>(end) == 61) end++;
        writeToken(i, end);
      } else writeShort(i, end);
    }
    copied = end;
    i = end;
  }
  write(copied, b - copied);
}

/** First byte free for the caller's buffers (after this module's constants). */
export function heapBase(): usize {
  return __heap_base;
}

/** Standalone normaliser for tests: the message [a, b) normalised at `dst`; returns its length. */
export function normalizeInto(a: usize, b: usize, dst: usize, tmp: usize): i32 {
  scratch = tmp;
  out = dst;
  normalize(a, b);
  return <i32>(out - dst);
}

/**
 * Whether the n bytes at a and at b are the same, 16 at a time (memory.compare goes byte by byte
 * unless both sit at the same offset modulo 8, which messages rarely do).
 */
function sameBytes(a: usize, b: usize, n: usize): bool {
  let k: usize = 0;
  for (; k + 16 <= n; k += 16) if (!i8x16.all_true(i8x16.eq(v128.load(a + k), v128.load(b + k)))) return false;
  for (; k < n; k++) if (load<u8>(a + k) != load<u8>(b + k)) return false;
  return true;
}

/** A hash of the bytes [a, b), eight at a time (only for the tables: equal keys are compared). */
@inline function hashBytes(a: usize, b: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>(b - a);
  let p = a;
  for (; p + 8 <= b; p += 8) {
    h = (h ^ load<u64>(p)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
  }
  for (; p < b; p++) h = (h ^ <u64>load<u8>(p)) * 0x100000001b3;
  h ^= h >> 32;
  return <u32>h;
}

/**
 * Normalises the n messages at [offsets[i·stride + field], offsets[i·stride + field + 1]) and
 * numbers the distinct results in order of first appearance: ids[i] is message i's number. The
 * distinct messages end up back to back at `arena`, message k at [starts[k], starts[k + 1]).
 * `table` and `rawTable` hold `cap` (a power of two ≥ 2n) zeroed i32 slots each. A message whose
 * bytes repeat an earlier message's of the file (7 of 10 message bytes in LO2's files) takes that
 * message's number without being normalised again; `rawHashes` has room for n u32. Returns the
 * number of distinct messages, or -1 when the arena (up to `arenaEnd`) may be too small: the caller
 * then grows it and calls again. A message may take 6 bytes per byte in the arena while it is
 * normalised (the worst growth is a lone digit becoming <NUM>); `tmp` needs the longest message's
 * bytes (+ 8).
 */
export function normalizeAll(
  offsets: usize,
  stride: i32,
  field: i32,
  n: i32,
  ids: usize,
  table: usize,
  cap: i32,
  hashes: usize,
  starts: usize,
  arena: usize,
  tmp: usize,
  rawTable: usize,
  rawHashes: usize,
  arenaEnd: usize,
): i32 {
  scratch = tmp;
  let count = 0;
  let end: usize = arena;
  store<i32>(starts, 0);
  const mask = cap - 1;
  for (let i = 0; i < n; i++) {
    const o = offsets + ((<usize>(i * stride + field)) << 2);
    const a = <usize>load<i32>(o);
    const b = <usize>load<i32>(o, 4);
    // The raw bytes seen before in this file? Then the same number.
    const hr = hashBytes(a, b);
    let rawSlot = <i32>(hr & <u32>mask);
    let id = -1;
    while (true) {
      const s = load<i32>(rawTable + (<usize>rawSlot << 2));
      if (s == 0) break;
      const j = s - 1;
      if (load<u32>(rawHashes + (<usize>j << 2)) == hr) {
        const oj = offsets + ((<usize>(j * stride + field)) << 2);
        const aj = <usize>load<i32>(oj);
        const bj = <usize>load<i32>(oj, 4);
        if (bj - aj == b - a && sameBytes(aj, a, b - a)) {
          id = load<i32>(ids + (<usize>j << 2));
          break;
        }
      }
      rawSlot = (rawSlot + 1) & mask;
    }
    if (id >= 0) {
      store<i32>(ids + (<usize>i << 2), id);
      continue;
    }
    if (end + GROWTH * (b - a) + 8 > arenaEnd) return -1;
    store<i32>(rawTable + (<usize>rawSlot << 2), i + 1);
    store<u32>(rawHashes + (<usize>i << 2), hr);
    out = end;
    normalize(a, b);
    const len = out - end;
    const h = hashBytes(end, out);
    let slot = <i32>(h & <u32>mask);
    while (true) {
      const s = load<i32>(table + (<usize>slot << 2));
      if (s == 0) break;
      const k = s - 1;
      const ks = <usize>load<i32>(starts + (<usize>k << 2));
      const kl = <usize>load<i32>(starts + (<usize>(k + 1) << 2)) - ks;
      if (load<u32>(hashes + (<usize>k << 2)) == h && kl == len && sameBytes(arena + ks, end, len)) {
        id = k;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (id < 0) {
      id = count++;
      store<i32>(table + (<usize>slot << 2), id + 1);
      store<u32>(hashes + (<usize>id << 2), h);
      end = out;
      store<i32>(starts + (<usize>count << 2), <i32>(end - arena));
    }
    store<i32>(ids + (<usize>i << 2), id);
  }
  return count;
}
