/**
 * Reusable ArrayBuffers in size classes, and `Layout` for the 8-byte-aligned regions several arrays
 * take in one of them. Reuse: a reader gives each file's columns one buffer; once the
 * events table has those bytes on disk the buffer serves a later file instead of becoming garbage.
 * Fresh buffers cost twice on this kind of machine: fresh pages from the kernel, and garbage that
 * V8 collects only under "external memory pressure", so a cold ingest's RSS kept climbing by the
 * megabytes of buffers waiting for the collector (docs/PERFORMANCE.md).
 */

/** Sizes between two powers of two: a buffer wastes at most a quarter of its bytes. */
const CLASSES_PER_DOUBLING = 4;

/** The size class holding `bytes`: the smallest k·2^(m−2) ≥ bytes, at least `min`. */
export function sizeClass(bytes: number, min = 1 << 12): number {
  if (bytes <= min) return min;
  const step = 2 ** Math.max(0, Math.floor(Math.log2(bytes)) - Math.log2(CLASSES_PER_DOUBLING));
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  readonly #free = new Map<number, ArrayBuffer[]>();
  /** The same buffers: a buffer given back twice would go to two users. */
  readonly #isFree = new WeakSet<ArrayBuffer>();
  #bytes = 0;

  /** @param maxBytes free bytes kept at most; beyond them a given buffer is left to the collector. */
  constructor(readonly maxBytes: number) {}

  /** Bytes of the free buffers. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * A buffer of at least `bytes`, its contents whatever they were (also when fresh): a free one of
   * its size class or of the next classes up to twice its size (files vary in size: exact classes
   * alone left most free buffers idle), else a fresh one of its class.
   */
  take(bytes: number): ArrayBuffer {
    const size = sizeClass(bytes);
    for (let c = size; c <= 2 * size; c = sizeClass(c + 1)) {
      const buffer = this.#free.get(c)?.pop();
      if (buffer) {
        this.#isFree.delete(buffer);
        this.#bytes -= c;
        return buffer;
      }
    }
    // Not zeroed (every user writes what it reads): a zeroed buffer costs a pass over its bytes.
    return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
  }

  /** Gives back a buffer of `take`: nothing may use it any more. Detached and foreign sizes are dropped. */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (this.#isFree.has(buffer)) throw new Error('internal: a pooled buffer was given back twice');
    if (size === 0 || size !== sizeClass(size) || this.#bytes + size > this.maxBytes) return;
    this.#isFree.add(buffer);
    let list = this.#free.get(size);
    if (!list) this.#free.set(size, (list = []));
    list.push(buffer);
    this.#bytes += size;
  }

  /** Drops every free buffer. */
  clear(): void {
    for (const list of this.#free.values()) for (const b of list) this.#isFree.delete(b);
    this.#free.clear();
    this.#bytes = 0;
  }
}

/** Buffers taken from a pool for one batch, given back together once nothing uses them. */
export class Loan {
  readonly #pool: BufferPool;
  readonly #taken: ArrayBuffer[] = [];

  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  take(bytes: number): ArrayBuffer {
    const buffer = this.#pool.take(bytes);
    this.#taken.push(buffer);
    return buffer;
  }

  giveBack(): void {
    for (const buffer of this.#taken) this.#pool.give(buffer);
    this.#taken.length = 0;
  }
}

/** `x` rounded up to a multiple of 8. */
export const align8 = (x: number): number => (x + 7) & ~7;

/** Consecutive 8-byte-aligned regions of one buffer (or of the kernel's memory), from `at` on. */
export class Layout {
  at: number;
  constructor(at: number) {
    this.at = at;
  }
  /** Where a region of `bytes` starts; the next one starts after it. */
  take(bytes: number): number {
    const o = align8(this.at);
    this.at = o + bytes;
    return o;
  }
}
