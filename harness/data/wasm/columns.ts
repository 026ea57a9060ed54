/**
 * String columns gathered from a file's bytes by the WebAssembly kernel in gather.wat. A JavaScript
 * byte loop (or a `subarray` + `set` per value) cost ≈460 ns per event for the five columns on this
 * machine, a third of parsing a file (measured; docs/PERFORMANCE.md).
 *
 * Memory: one instance per thread, grown to twice the largest file read so far plus 44 bytes per
 * event of it, and kept for the thread's life (a few MB for LO2's files; not part of the reader
 * workers' V8 heap cap).
 */
import type { Utf8Column } from '../io/utf8.ts';
import { GATHER_WASM } from './gather.ts';

// @types/node 20 declares the WebAssembly namespace without its classes (they live in lib.dom).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

interface GatherExports {
  memory: WasmMemory;
  gather(oOffsets: number, stride: number, field: number, n: number, oOutOffsets: number, oOutData: number): number;
}

const PAGE = 65_536;
const align8 = (x: number) => (x + 7) & ~7;

let kernel: GatherExports | null = null;

/** This thread's instance, its memory grown to at least `bytes`. */
function instance(bytes: number): GatherExports {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(GATHER_WASM, 'base64')))
    .exports as GatherExports;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
  return kernel;
}

/**
 * For each field f of `fields`, the column of byte ranges `[offsets[i·stride + f], offsets[i·stride
 * + f + 1])` of `bytes`, i < n. Ranges of one field must not overlap (each column is at most the
 * file's size).
 */
export function gatherColumns(
  bytes: Uint8Array,
  offsets: Int32Array,
  stride: number,
  fields: readonly number[],
  n: number,
): Utf8Column[] {
  const oOffsets = align8(bytes.length);
  const oOutOffsets = oOffsets + 4 * n * stride;
  const oOutData = align8(oOutOffsets + 4 * (n + 1));
  const k = instance(oOutData + bytes.length);
  new Uint8Array(k.memory.buffer, 0, bytes.length).set(bytes);
  new Int32Array(k.memory.buffer, oOffsets, n * stride).set(offsets.subarray(0, n * stride));
  return fields.map((field) => {
    const total = k.gather(oOffsets, stride, field, n, oOutOffsets, oOutData);
    return {
      offsets: new Int32Array(k.memory.buffer, oOutOffsets, n + 1).slice(),
      data: new Uint8Array(k.memory.buffer, oOutData, total).slice(),
    };
  });
}
