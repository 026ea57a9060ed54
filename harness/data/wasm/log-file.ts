/**
 * The loader's WebAssembly kernel (assembly/log-file.ts, AssemblyScript): an ASCII log file parsed,
 * its messages normalised and numbered, and its string columns gathered in one instance's memory,
 * with no JavaScript string per event. parse.ts and normalize.ts stay the definition; the kernel
 * reader (reader.ts) is its only user, and gives the same columns as the plain reader byte for byte
 * (test/data/log-readers.test.ts, test/data/normalize.test.ts).
 *
 * Memory: one instance per thread, grown to what the largest file read so far needed and kept for
 * the thread's life, outside the reader workers' V8 heap cap: the file, ≈ 125 bytes per line for
 * its events' offsets, numbers, line numbers and tables, its string columns (at most the file again) and the
 * distinct normalised messages — ≈ 3× the file for LO2's logs. Room for the worst growth of every
 * message, 6×, is made only when a file needs it: made for every file, it would hold several times
 * the memory LO2's files need.
 */
import type { Allocator } from '../io/arrow.ts';
import { align8, Layout } from '../io/buffer-pool.ts';
import type { Utf8Column } from '../io/utf8.ts';
import { faultEventsOf } from '../lo2/truth.ts';
import { LOG_FILE_WASM } from './log-file-wasm.ts';

interface Kernel {
  memory: WebAssembly.Memory;
  heapBase(): number;
  parseLines(
    start: number,
    end: number,
    trimLines: number,
    epochMs: number,
    offsets: number,
    times: number,
    levels: number,
    cap: number,
    counts: number,
    policy: number,
    lineNos: number,
  ): number;
  normalizeInto(a: number, b: number, dst: number, tmp: number): number;
  normalizeAll(
    offsets: number,
    stride: number,
    field: number,
    n: number,
    ids: number,
    table: number,
    cap: number,
    hashes: number,
    starts: number,
    arena: number,
    tmp: number,
    rawTable: number,
    rawHashes: number,
    arenaEnd: number,
  ): number;
  gather(offsets: number, field: number, n: number, outOffsets: number, data: number): number;
  countLines(start: number, end: number): number;
  maxLength(offsets: number, field: number, n: number): number;
}

const PAGE = 65_536;
// A lone digit becomes `<NUM>`: a normalised message is at most 5× (+1) its bytes.
const GROWTH = 6;
/** i32 offsets per event: thread, cId, logger, method, message as [start, end). */
export const STRIDE = 10;
export const FIELDS = { thread: 0, cId: 2, logger: 4, method: 6, message: 8 } as const;
const STRIDE_FIELDS = STRIDE / 2;
/** The string fields in the order of a file's columns: thread, cId, logger, method, message. */
const FIELD_ORDER: readonly number[] = [FIELDS.thread, FIELDS.cId, FIELDS.logger, FIELDS.method, FIELDS.message];

let kernel: Kernel | null = null;

/** This thread's instance, and where the caller's buffers may start. */
function instance(): { k: Kernel; base: number } {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LOG_FILE_WASM, 'base64'))).exports as Kernel;
  return { k: kernel, base: align8(kernel.heapBase()) };
}

/** Grows the instance's memory to at least `end` bytes (views of it made before are detached). */
function reserve(k: Kernel, end: number): void {
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
}

/** Where a file of `fileBytes` and its parse (at most `cap` events) go. */
function parseRegions(l: Layout, fileBytes: number, cap: number) {
  return {
    file: l.take(fileBytes),
    offsets: l.take(4 * STRIDE * cap),
    times: l.take(8 * cap),
    levels: l.take(cap),
    counts: l.take(64),
    lineNos: l.take(4 * cap),
  };
}

/**
 * The parse's regions and, after them, where `n` events' message numbers, tables and string columns
 * go. The arena of distinct normalised messages comes last, so that it can grow (`normalizeIn`). One
 * object literal rather than a spread of `parsed`, which V8 builds property by property, once per
 * file on the reader's hot path.
 */
function eventRegions(l: Layout, parsed: ParseRegions, n: number, fileBytes: number, longestMessage: number) {
  let tableCap = 16;
  while (tableCap < 2 * n) tableCap *= 2;
  return {
    file: parsed.file,
    offsets: parsed.offsets,
    times: parsed.times,
    levels: parsed.levels,
    counts: parsed.counts,
    lineNos: parsed.lineNos,
    ids: l.take(4 * n),
    table: l.take(4 * tableCap),
    tableCap,
    hashes: l.take(4 * n),
    starts: l.take(4 * (n + 1)),
    rawTable: l.take(4 * tableCap),
    rawHashes: l.take(4 * n),
    colOffsets: l.take(4 * STRIDE_FIELDS * (n + 1)),
    // The string fields are disjoint ranges of the file; the kernel's gather writes up to 32 bytes
    // past a column (and reads as far past the file: the parse regions follow it).
    colData: l.take(fileBytes + 32),
    tmp: l.take(longestMessage + 8),
    arena: l.take(0),
  };
}

type ParseRegions = ReturnType<typeof parseRegions>;
type Regions = ReturnType<typeof eventRegions>;

function gatherAll(k: Kernel, o: Regions, fields: readonly number[], n: number): Utf8Column[] {
  return fields.map((field) => {
    const total = k.gather(o.offsets, field, n, o.colOffsets, o.colData);
    return {
      offsets: new Int32Array(k.memory.buffer, o.colOffsets, n + 1).slice(),
      data: new Uint8Array(k.memory.buffer, o.colData, total).slice(),
    };
  });
}

/**
 * Numbers the events' distinct normalised messages. The arena first gets room for a quarter of the
 * file's bytes plus the worst growth of the longest message; a file whose distinct messages need
 * more (normalizeAll says so) is normalised again with room for the worst growth of all of them.
 */
function normalizeIn(k: Kernel, o: Regions, field: number, n: number, fileBytes: number, longestMessage: number) {
  const worst = GROWTH * fileBytes + 8;
  let room = Math.min(worst, (fileBytes >> 2) + GROWTH * longestMessage + 8);
  let count = -1;
  while (count < 0) {
    reserve(k, o.arena + room);
    new Int32Array(k.memory.buffer, o.table, o.tableCap).fill(0);
    new Int32Array(k.memory.buffer, o.rawTable, o.tableCap).fill(0);
    count = k.normalizeAll(
      o.offsets,
      STRIDE,
      field,
      n,
      o.ids,
      o.table,
      o.tableCap,
      o.hashes,
      o.starts,
      o.arena,
      o.tmp,
      o.rawTable,
      o.rawHashes,
      o.arena + room,
    );
    if (count < 0 && room === worst) throw new Error('internal: normalised messages overflow their worst-case room');
    room = worst;
  }
  const mem = k.memory.buffer;
  const starts = new Int32Array(mem, o.starts, count + 1);
  const arena = Buffer.from(mem, o.arena, starts[count]);
  const normalized: string[] = [];
  for (let m = 0; m < count; m++) normalized.push(arena.toString('latin1', starts[m]!, starts[m + 1]!));
  // A view into the kernel's memory: valid until the next call.
  return { localMessageId: new Int32Array(mem, o.ids, n), normalized };
}

/**
 * Copies a file's bytes and its events' file-relative offsets (they become addresses) into the
 * kernel, laid out for n events (the path for files the JavaScript parsed).
 */
function load(given: Uint8Array, offsets: Int32Array, n: number, field: number = FIELDS.message) {
  const { k, base } = instance();
  // Bytes in the kernel's memory (`fileRoom`) would go stale when it grows.
  const bytes = inKernel(k, given) ? Buffer.from(given) : given;
  const l = new Layout(base);
  const parsed = parseRegions(l, bytes.length, Math.max(n, 1));
  reserve(k, l.at);
  new Uint8Array(k.memory.buffer, parsed.file, bytes.length).set(bytes);
  const to = new Int32Array(k.memory.buffer, parsed.offsets, n * STRIDE);
  for (let i = 0; i < n * STRIDE; i++) to[i] = offsets[i]! + parsed.file;
  const longest = k.maxLength(parsed.offsets, field, n);
  const o = eventRegions(l, parsed, n, bytes.length, longest);
  reserve(k, o.arena);
  return { k, o, longest };
}

export interface AsciiFile {
  n: number;
  lines: number;
  trimmed: number;
  continuation: number;
  /** Lines not turned into events, in SKIP_REASONS' order. */
  skipped: number[];
  timeMs: Float64Array;
  level: Int8Array;
  columns: { thread: Utf8Column; cId: Utf8Column; logger: Utf8Column; method: Utf8Column; message: Utf8Column };
  charsLen: Int32Array;
  localMessageId: Int32Array;
  normalized: string[];
  /** Indices of the fault events (`faultEventsOf`); null without fault lines. */
  faultEvents: Int32Array | null;
}

/**
 * Room for a file's bytes in this thread's kernel memory, where `parseAsciiFile` takes them without
 * a copy: a view of at least `bytes` bytes, valid until the next call into the kernel (growing its
 * memory keeps what the room holds).
 */
export function fileRoom(bytes: number): Buffer {
  const { k, base } = instance();
  reserve(k, base + bytes);
  return Buffer.from(k.memory.buffer, base, k.memory.buffer.byteLength - base);
}

/** Whether `bytes` view this thread's kernel memory (views of it go stale when it grows). */
function inKernel(k: Kernel, bytes: Uint8Array): boolean {
  return bytes.buffer === k.memory.buffer;
}

/**
 * Parses a whole ASCII file as the readers do (the bytes already without CR before LF); `policy` is
 * the index of the continuation-line policy in CONTINUATION_POLICIES. Every column of the result
 * lives in one buffer taken from `memory` (the kernel reader's pool).
 */
export function parseAsciiFile(
  bytes: Uint8Array,
  trimLines: number,
  epochMs: number,
  policy: number,
  faultLines: Int32Array | null,
  memory: Allocator,
): AsciiFile {
  const { k, base } = instance();
  const size = bytes.length;
  // The file first (parseRegions puts it at `base`: `fileRoom` read it there), then room for as
  // many events as it has lines.
  if (!(inKernel(k, bytes) && bytes.byteOffset === base)) {
    const outside = inKernel(k, bytes) ? Buffer.from(bytes) : bytes;
    reserve(k, base + size);
    new Uint8Array(k.memory.buffer, base, size).set(outside);
  }
  const cap = Math.max(k.countLines(base, base + size), 1);
  const l = new Layout(base);
  const parsed = parseRegions(l, size, cap);
  reserve(k, l.at);
  const n = k.parseLines(
    parsed.file,
    parsed.file + size,
    trimLines,
    epochMs,
    parsed.offsets,
    parsed.times,
    parsed.levels,
    cap,
    parsed.counts,
    policy,
    parsed.lineNos,
  );
  if (n < 0) throw new Error(`internal: more than ${cap} events in ${cap} lines`);
  // Before anything grows the memory (which detaches views of it).
  const faultEvents =
    faultLines === null ? null : faultEventsOf(new Int32Array(k.memory.buffer, parsed.lineNos, n), faultLines);
  const counts = new Int32Array(k.memory.buffer, parsed.counts, 9);
  const lines = counts[0]!;
  const trimmed = counts[1]!;
  const continuation = counts[2]!;
  const skipped = Array.from(counts.subarray(3, 9));
  const longest = k.maxLength(parsed.offsets, FIELDS.message, n);
  const o = eventRegions(l, parsed, n, size, longest);
  reserve(k, o.arena);
  const { localMessageId: ids, normalized } = normalizeIn(k, o, FIELDS.message, n, size, longest);
  // Every column of the file goes into one buffer, copied once out of the kernel's memory, so a
  // reader worker moves one buffer per file. The fields are gathered one after the other (their
  // bytes are disjoint ranges of the file, so they fit in `colData`) and copied in two blocks.
  const fields = FIELD_ORDER;
  const fieldBytes: number[] = [];
  let dataBytes = 0;
  for (let f = 0; f < fields.length; f++) {
    fieldBytes.push(k.gather(o.offsets, fields[f]!, n, o.colOffsets + 4 * f * (n + 1), o.colData + dataBytes));
    dataBytes += fieldBytes[f]!;
  }
  const out = new Layout(0);
  const at = {
    timeMs: out.take(8 * n),
    charsLen: out.take(4 * n),
    localMessageId: out.take(4 * n),
    offsets: out.take(4 * fields.length * (n + 1)),
    level: out.take(n),
    data: out.take(dataBytes),
  };
  const buffer = memory.take(out.at);
  const mem = k.memory.buffer;
  const timeMs = new Float64Array(buffer, at.timeMs, n);
  timeMs.set(new Float64Array(mem, o.times, n));
  const level = new Int8Array(buffer, at.level, n);
  level.set(new Int8Array(mem, o.levels, n));
  const localMessageId = new Int32Array(buffer, at.localMessageId, n);
  localMessageId.set(ids);
  const offsets = new Int32Array(buffer, at.offsets, fields.length * (n + 1));
  offsets.set(new Int32Array(mem, o.colOffsets, offsets.length));
  const data = new Uint8Array(buffer, at.data, dataBytes);
  data.set(new Uint8Array(mem, o.colData, dataBytes));
  const charsLen = new Int32Array(buffer, at.charsLen, n);
  lengths(offsets.subarray(4 * (n + 1)), charsLen);
  // Field f's offsets, and its bytes after those of the fields before it.
  const starts = [0, fieldBytes[0]!];
  for (let f = 1; f < fields.length; f++) starts.push(starts[f]! + fieldBytes[f]!);
  const column = (f: number): Utf8Column => ({
    offsets: offsets.subarray(f * (n + 1), (f + 1) * (n + 1)),
    data: data.subarray(starts[f]!, starts[f + 1]!),
  });
  const thread = column(0);
  const cId = column(1);
  const logger = column(2);
  const method = column(3);
  const messageColumn = column(4);
  return {
    n,
    lines,
    trimmed,
    continuation,
    skipped,
    timeMs,
    level,
    columns: { thread, cId, logger, method, message: messageColumn },
    charsLen,
    localMessageId,
    normalized,
    faultEvents,
  };
}

/**
 * `out[i] = offsets[i + 1] − offsets[i]`. A small function of its own: V8 optimises a small loop
 * sooner than the large function around it.
 */
function lengths(offsets: Int32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = offsets[i + 1]! - offsets[i]!;
}

/**
 * For each field f of `fields`, the column of byte ranges `[offsets[i·stride + f], offsets[i·stride
 * + f + 1])` of `bytes`, i < n (the path for files that are not ASCII).
 */
export function gatherColumns(
  bytes: Uint8Array,
  offsets: Int32Array,
  fields: readonly number[],
  n: number,
): Utf8Column[] {
  const { k, o } = load(bytes, offsets, n);
  return gatherAll(k, o, fields, n);
}

/** The distinct normalised messages of ASCII `bytes`, numbered in order of first appearance. */
export function normalizeMessages(bytes: Uint8Array, offsets: Int32Array, field: number, n: number) {
  const { k, o, longest } = load(bytes, offsets, n, field);
  const { localMessageId, normalized } = normalizeIn(k, o, field, n, bytes.length, longest);
  return { localMessageId: localMessageId.slice(), normalized };
}

/** One ASCII message through the WebAssembly normaliser (for tests and comparisons). */
export function normalizeAscii(message: string): string {
  const bytes = Buffer.from(message, 'latin1');
  const { k, base } = instance();
  const l = new Layout(base);
  const at = { message: l.take(bytes.length), tmp: l.take(bytes.length + 8), out: l.take(GROWTH * bytes.length + 8) };
  reserve(k, l.at);
  new Uint8Array(k.memory.buffer, at.message, bytes.length).set(bytes);
  const len = k.normalizeInto(at.message, at.message + bytes.length, at.out, at.tmp);
  return Buffer.from(k.memory.buffer, at.out, len).toString('latin1');
}
