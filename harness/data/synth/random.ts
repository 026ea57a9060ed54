/**
 * Seeded random helpers for the generator. Every stream comes from seedrandom's Alea, keyed by a
 * path such as (seed, 'seq', run, case, service), so that each file's content depends only on its
 * own key — never on Math.random, the clock, or the order in which other files were generated.
 */
import seedrandom from 'seedrandom';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

/** Cumulative weights, for {@link Rng.weighted}. */
export function cumulative(weights: readonly number[]): Float64Array {
  const cum = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += Math.max(0, weights[i] ?? 0);
    cum[i] = total;
  }
  return cum;
}

export class Rng {
  readonly #prng: seedrandom.PRNG;
  readonly #bytes = new Uint8Array(16);

  constructor(key: string) {
    this.#prng = seedrandom.alea(key);
  }

  /** The stream of a key path; parts are joined with a separator that cannot occur in them. */
  static for(seed: number, ...parts: readonly (string | number)[]): Rng {
    return new Rng(`lo2-synth\u0001${seed}\u0001${parts.join('\u0001')}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#prng();
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.#prng();
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.#prng());
  }

  chance(p: number): boolean {
    return this.#prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(items.length * this.#prng())];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Index drawn with the weights whose running sums are `cum` (see {@link cumulative}). */
  weighted(cum: Float64Array): number {
    const x = this.#prng() * (cum[cum.length - 1] ?? 0);
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u = 1 - this.#prng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#prng());
  }

  /** exp(N(0, sigma²)): a multiplicative factor with median 1. */
  logNormal(sigma: number): number {
    return Math.exp(sigma * this.normal());
  }

  /** Log-uniform in [lo, hi]. */
  logUniform(lo: number, hi: number): number {
    return lo * (hi / lo) ** this.#prng();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.#prng());
  }

  /** `k` distinct items of `items`, in draw order (partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor((copy.length - i) * this.#prng());
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  shuffle<T>(items: readonly T[]): T[] {
    return this.sample(items, items.length);
  }

  #fill(): Uint8Array {
    const b = this.#bytes;
    for (let i = 0; i < 16; i += 4) {
      const v = this.#prng.int32();
      b[i] = v & 255;
      b[i + 1] = (v >>> 8) & 255;
      b[i + 2] = (v >>> 16) & 255;
      b[i + 3] = (v >>> 24) & 255;
    }
    // Random (version 4) UUID layout, as java.util.UUID.randomUUID() produces.
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    return b;
  }

  /** Light-4j correlation id: a random UUID's 16 bytes in unpadded base64url, 22 chars. */
  cId(): string {
    const b = this.#fill();
    let s = '';
    for (let i = 0; i < 15; i += 3) {
      const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
      s +=
        B64URL.charAt(n >>> 18) +
        B64URL.charAt((n >>> 12) & 63) +
        B64URL.charAt((n >>> 6) & 63) +
        B64URL.charAt(n & 63);
    }
    const last = b[15] ?? 0;
    return s + B64URL.charAt(last >>> 2) + B64URL.charAt((last & 3) << 4);
  }

  /** Random UUID, lower-case hex with dashes. */
  uuid(): string {
    const b = this.#fill();
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      const v = b[i] ?? 0;
      s += HEX.charAt(v >>> 4) + HEX.charAt(v & 15);
    }
    return s;
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX.charAt(Math.floor(16 * this.#prng()));
    return s;
  }

  /** `n` base64url characters (PKCE verifiers and challenges, codes). */
  base64url(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += B64URL.charAt(Math.floor(64 * this.#prng()));
    return s;
  }
}
