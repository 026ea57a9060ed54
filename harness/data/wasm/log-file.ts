/**
 * The loader's WebAssembly kernel (assembly/log-file.ts, AssemblyScript): an ASCII log file parsed,
 * its messages normalised and numbered, and its string columns gathered in one instance's memory,
 * with no JavaScript string per event. read-file.ts, parse.ts and normalize.ts stay the definition
 * (and handle files that are not ASCII); the kernel gives the same columns byte for byte
 * (test/data/read-file.test.ts, test/data/normalize.test.ts).
 *
 * Memory: one instance per thread, grown to ≈ 21 bytes per byte of the largest file read so far
 * (the file, its event offsets, and room for the worst-case growth of normalised messages), kept
 * for the thread's life: a few MB for LO2's files, outside the reader workers' V8 heap cap.
 */
import type { Utf8Column } from '../io/utf8.ts';
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
  ): number;
  gather(offsets: number, field: number, n: number, outOffsets: number, data: number): number;
}

const PAGE = 65_536;
// A lone digit becomes `<NUM>`: a normalised message is at most 5× (+1) its bytes.
const GROWTH = 6;
/** i32 offsets per event: thread, cId, logger, method, message as [start, end). */
export const STRIDE = 10;
export const FIELDS = { thread: 0, cId: 2, logger: 4, method: 6, message: 8 } as const;
const STRIDE_FIELDS = STRIDE / 2;

let kernel: Kernel | null = null;

/** This thread's instance with at least `bytes` of memory, and where the caller's buffers may start. */
function instance(bytes: number): { k: Kernel; base: number } {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LOG_FILE_WASM, 'base64'))).exports as Kernel;
  const base = align8(kernel.heapBase());
  const have = kernel.memory.buffer.byteLength;
  if (base + bytes > have) kernel.memory.grow(Math.ceil((base + bytes - have) / PAGE));
  return { k: kernel, base };
}

const align8 = (x: number) => (x + 7) & ~7;

/** Consecutive regions of the kernel's memory. */
class Layout {
  at: number;
  constructor(base: number) {
    this.at = base;
  }
  take(bytes: number): number {
    const o = align8(this.at);
    this.at = o + bytes;
    return o;
  }
}

/** Where a file's events and their normalised messages go. */
function layout(base: number, fileBytes: number, cap: number) {
  let tableCap = 16;
  while (tableCap < 2 * cap) tableCap *= 2;
  const l = new Layout(base);
  const o = {
    file: l.take(fileBytes),
    offsets: l.take(4 * STRIDE * cap),
    times: l.take(8 * cap),
    levels: l.take(cap),
    counts: l.take(64),
    ids: l.take(4 * cap),
    table: l.take(4 * tableCap),
    tableCap,
    hashes: l.take(4 * cap),
    starts: l.take(4 * (cap + 1)),
    colOffsets: l.take(4 * STRIDE_FIELDS * (cap + 1)),
    colData: l.take(fileBytes),
    tmp: l.take(GROWTH * fileBytes + 8),
    arena: l.take(GROWTH * fileBytes + 8),
    rawTable: l.take(4 * tableCap),
    rawHashes: l.take(4 * cap),
  };
  return { o, bytes: l.at - base };
}

function gatherAll(k: Kernel, o: ReturnType<typeof layout>['o'], fields: readonly number[], n: number): Utf8Column[] {
  return fields.map((field) => {
    const total = k.gather(o.offsets, field, n, o.colOffsets, o.colData);
    return {
      offsets: new Int32Array(k.memory.buffer, o.colOffsets, n + 1).slice(),
      data: new Uint8Array(k.memory.buffer, o.colData, total).slice(),
    };
  });
}

function normalizeIn(k: Kernel, o: ReturnType<typeof layout>['o'], field: number, n: number) {
  new Int32Array(k.memory.buffer, o.table, o.tableCap).fill(0);
  new Int32Array(k.memory.buffer, o.rawTable, o.tableCap).fill(0);
  const count = k.normalizeAll(
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
  );
  const mem = k.memory.buffer;
  const starts = new Int32Array(mem, o.starts, count + 1);
  const arena = Buffer.from(mem, o.arena, starts[count]);
  const normalized: string[] = [];
  for (let m = 0; m < count; m++) normalized.push(arena.toString('latin1', starts[m]!, starts[m + 1]!));
  // A view into the kernel's memory: valid until the next call.
  return { localMessageId: new Int32Array(mem, o.ids, n), normalized };
}

/**
 * Copies a file's bytes into the kernel, with room for `cap` events, and its events' file-relative
 * offsets when given (they become addresses).
 */
function load(bytes: Uint8Array, offsets: Int32Array | null, n: number, cap = Math.max(n, 1)) {
  const { k, base } = instance(0);
  const { o, bytes: need } = layout(base, bytes.length, cap);
  instance(need);
  new Uint8Array(k.memory.buffer, o.file, bytes.length).set(bytes);
  if (offsets) {
    const to = new Int32Array(k.memory.buffer, o.offsets, n * STRIDE);
    for (let i = 0; i < n * STRIDE; i++) to[i] = offsets[i]! + o.file;
  }
  return { k, o };
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
}

/** Parses a whole ASCII file as `parseLogBytes` does (the bytes already without CR before LF). */
export function parseAsciiFile(bytes: Uint8Array, trimLines: number, epochMs: number): AsciiFile {
  // An event's line has at least 14 bytes and a newline.
  const cap = Math.floor(bytes.length / 15) + 1;
  const { k, o } = load(bytes, null, 0, cap);
  const n = k.parseLines(
    o.file,
    o.file + bytes.length,
    trimLines,
    epochMs,
    o.offsets,
    o.times,
    o.levels,
    cap,
    o.counts,
  );
  if (n < 0) throw new Error(`internal: more than ${cap} events in ${bytes.length} bytes`);
  const counts = new Int32Array(k.memory.buffer, o.counts, 9);
  const header = {
    n,
    lines: counts[0]!,
    trimmed: counts[1]!,
    continuation: counts[2]!,
    skipped: [...counts.subarray(3, 9)],
  };
  const { localMessageId: ids, normalized } = normalizeIn(k, o, FIELDS.message, n);
  // Every column of the file goes into one buffer, copied once out of the kernel's memory, so a
  // reader worker moves one buffer per file. The fields are gathered one after the other (their
  // bytes are disjoint ranges of the file, so they fit in `colData`) and copied in two blocks.
  const fields = Object.values(FIELDS);
  const fieldBytes: number[] = [];
  let dataBytes = 0;
  for (const [f, field] of fields.entries()) {
    fieldBytes.push(k.gather(o.offsets, field, n, o.colOffsets + 4 * f * (n + 1), o.colData + dataBytes));
    dataBytes += fieldBytes[f]!;
  }
  const l = new Layout(0);
  const at = {
    timeMs: l.take(8 * n),
    charsLen: l.take(4 * n),
    localMessageId: l.take(4 * n),
    offsets: l.take(4 * fields.length * (n + 1)),
    level: l.take(n),
    data: l.take(dataBytes),
  };
  const buffer = new ArrayBuffer(l.at);
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
  const message = offsets.subarray(fields.indexOf(FIELDS.message) * (n + 1));
  for (let i = 0; i < n; i++) charsLen[i] = message[i + 1]! - message[i]!;
  let from = 0;
  const [thread, cId, logger, method, messageColumn] = fieldBytes.map((bytes, f) => {
    const column = {
      offsets: offsets.subarray(f * (n + 1), (f + 1) * (n + 1)),
      data: data.subarray(from, from + bytes),
    };
    from += bytes;
    return column;
  }) as [Utf8Column, Utf8Column, Utf8Column, Utf8Column, Utf8Column];
  return {
    ...header,
    timeMs,
    level,
    columns: { thread, cId, logger, method, message: messageColumn },
    charsLen,
    localMessageId,
    normalized,
  };
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
  const { k, o } = load(bytes, offsets, n);
  const { localMessageId, normalized } = normalizeIn(k, o, field, n);
  return { localMessageId: localMessageId.slice(), normalized };
}

/** One ASCII message through the WebAssembly normaliser (for tests and comparisons). */
export function normalizeAscii(message: string): string {
  const bytes = Buffer.from(message, 'latin1');
  const { k, o } = load(bytes, null, 1);
  const len = k.normalizeInto(o.file, o.file + bytes.length, o.arena, o.tmp);
  return Buffer.from(k.memory.buffer, o.arena, len).toString('latin1');
}
