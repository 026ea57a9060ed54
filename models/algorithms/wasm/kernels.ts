/**
 * WebAssembly kernels for the few loops where JavaScript stays far from scikit-learn's C: compiled
 * once per thread from the bytes that scripts/build-wasm.ts generates from the `.wat` sources, each
 * instance with its own memory sized for one fit.
 */
import { KMEANS_ASSIGN_WASM } from './kmeans-assign.ts';
import { SVM_PASS_WASM } from './svm-pass.ts';

/** Byte offsets of arrays packed into one kernel memory: f64 arrays first, so all stay aligned. */
export class MemoryLayout {
  #bytes = 0;
  #sealedF64 = false;

  /** Room for `length` doubles; returns its byte offset. */
  f64(length: number): number {
    if (this.#sealedF64) throw new Error('MemoryLayout: place every f64 array before the i32 ones');
    const at = this.#bytes;
    this.#bytes += 8 * length;
    return at;
  }

  /** Room for `length` 32-bit integers; returns its byte offset. */
  i32(length: number): number {
    this.#sealedF64 = true;
    const at = this.#bytes;
    this.#bytes += 4 * length;
    return at;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

const PAGE = 65_536;
let svmPassModule: WebAssembly.Module | null = null;

export interface SvmPassKernel {
  memory: WebAssembly.Memory;
  /** One coordinate-descent pass over the active rows (see svm-pass.wat); returns the new active size. */
  pass(
    active: number,
    pgMaxOld: number,
    pgMinOld: number,
    oIndex: number,
    oIndptr: number,
    oIndices: number,
    oData: number,
    oW: number,
    oAlpha: number,
    oY: number,
    oShift: number,
    oUpper: number,
    oQd: number,
    oState: number,
  ): number;
}

/** A fresh instance of the SVM pass with at least `bytes` of zeroed memory. */
export function svmPassKernel(bytes: number): SvmPassKernel {
  svmPassModule ??= new WebAssembly.Module(Buffer.from(SVM_PASS_WASM, 'base64'));
  const instance = new WebAssembly.Instance(svmPassModule);
  const exports = instance.exports as unknown as SvmPassKernel;
  const have = exports.memory.buffer.byteLength;
  if (bytes > have) exports.memory.grow(Math.ceil((bytes - have) / PAGE));
  return exports;
}

let kmeansAssignModule: WebAssembly.Module | null = null;

export interface KMeansAssignKernel {
  memory: WebAssembly.Memory;
  /** Nearest centre per row (see kmeans-assign.wat); returns the inertia. */
  assign(
    n: number,
    k: number,
    p: number,
    oIndptr: number,
    oIndices: number,
    oData: number,
    oXx: number,
    oCenters: number,
    oCc: number,
    oLabels: number,
    oD2: number,
  ): number;
}

/** A fresh instance of the k-means E-step with at least `bytes` of zeroed memory. */
export function kmeansAssignKernel(bytes: number): KMeansAssignKernel {
  kmeansAssignModule ??= new WebAssembly.Module(Buffer.from(KMEANS_ASSIGN_WASM, 'base64'));
  const exports = new WebAssembly.Instance(kmeansAssignModule).exports as unknown as KMeansAssignKernel;
  const have = exports.memory.buffer.byteLength;
  if (bytes > have) exports.memory.grow(Math.ceil((bytes - have) / PAGE));
  return exports;
}
