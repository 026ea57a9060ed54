/**
 * The message normaliser in WebAssembly (assembly/normalize.ts, AssemblyScript): every message of
 * an ASCII file normalised and numbered by distinct result in one call, with no JavaScript string
 * per event. The JavaScript `normalizeMessage` stays the definition (and handles non-ASCII files);
 * the two agree byte for byte (test/data/normalize.test.ts).
 */
import { NORMALIZE_WASM } from './normalize.ts';

// @types/node 20 declares the WebAssembly namespace without its classes (they live in lib.dom).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

interface NormalizeExports {
  memory: WasmMemory;
  heapBase(): number;
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
  ): number;
}

const PAGE = 65_536;
const align8 = (x: number) => (x + 7) & ~7;
// A lone digit becomes `<NUM>`: a normalised message is at most 5× (+1) its bytes.
const GROWTH = 6;

let kernel: NormalizeExports | null = null;

/** This thread's instance, its memory grown to at least `bytes`. */
function instance(bytes: number): NormalizeExports {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(NORMALIZE_WASM, 'base64')))
    .exports as NormalizeExports;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
  return kernel;
}

/**
 * Normalises the messages `[offsets[i·stride + field], offsets[i·stride + field + 1])` of the
 * ASCII `bytes`, i < n: each event's index into `normalized`, the distinct results in order of
 * first appearance (what the JavaScript loop over `normalizeMessage` and a Map builds).
 */
export function normalizeMessages(
  bytes: Uint8Array,
  offsets: Int32Array,
  stride: number,
  field: number,
  n: number,
): { localMessageId: Int32Array; normalized: string[] } {
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const base = align8(instance(0).heapBase());
  const oBytes = base;
  const oOffsets = align8(oBytes + bytes.length);
  const oIds = oOffsets + 4 * n * stride;
  const oTable = oIds + 4 * n;
  const oHashes = oTable + 4 * cap;
  const oStarts = oHashes + 4 * n;
  const oTmp = align8(oStarts + 4 * (n + 1));
  const oArena = align8(oTmp + GROWTH * bytes.length + 8);
  const k = instance(oArena + GROWTH * bytes.length + 8);
  const mem = k.memory.buffer;
  new Uint8Array(mem, oBytes, bytes.length).set(bytes);
  // File offsets are relative to the file: shift them to where the file sits in memory.
  const o = new Int32Array(mem, oOffsets, n * stride);
  for (let i = 0; i < n; i++) {
    o[i * stride + field] = offsets[i * stride + field]! + oBytes;
    o[i * stride + field + 1] = offsets[i * stride + field + 1]! + oBytes;
  }
  new Int32Array(mem, oTable, cap).fill(0);
  const count = k.normalizeAll(oOffsets, stride, field, n, oIds, oTable, cap, oHashes, oStarts, oArena, oTmp);
  const starts = new Int32Array(mem, oStarts, count + 1);
  const arena = Buffer.from(mem, oArena, starts[count]);
  const normalized: string[] = [];
  for (let m = 0; m < count; m++) normalized.push(arena.toString('latin1', starts[m]!, starts[m + 1]!));
  return { localMessageId: new Int32Array(mem, oIds, n).slice(), normalized };
}

/** One ASCII message through the WebAssembly normaliser (for tests and comparisons). */
export function normalizeAscii(message: string): string {
  const bytes = Buffer.from(message, 'latin1');
  const base = align8(instance(0).heapBase());
  const oTmp = align8(base + bytes.length);
  const oOut = align8(oTmp + GROWTH * bytes.length + 8);
  const k = instance(oOut + GROWTH * bytes.length + 8);
  new Uint8Array(k.memory.buffer, base, bytes.length).set(bytes);
  const len = k.normalizeInto(base, base + bytes.length, oOut, oTmp);
  return Buffer.from(k.memory.buffer, oOut, len).toString('latin1');
}
