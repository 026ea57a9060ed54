/**
 * The WebAssembly classes this project's kernels use (models/algorithms/wasm/kernels.ts,
 * harness/data/wasm/log-file.ts). @types/node 20 does not declare them — lib.dom does, and a Node
 * project does not load it — so they are declared once here for every module.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: object;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
