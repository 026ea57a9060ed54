/**
 * The stream of `seedrandom(seed)` (ARC4, RC4-drop[256], 52-bit doubles), draw for draw, made for
 * the tree models' bulk draws (a bootstrap of ≈800k rows per tree, a subsample per boosting round).
 *
 * seedrandom builds each double from bytes b1, b2, … of the ARC4 keystream: with V the number
 * 0.b1b2…b7 in base 256 (56 bits), the double is V truncated to its 53 leading significant bits —
 * unless V < 2^-4 (b1 < 16), where it reads further bytes until 52 significant bits are filled and
 * then truncates the same way. `leading53` computes the common case from two 32-bit integers (the
 * first 3 and the next 4 bytes: the low bits dropped, one exact sum and scaling) and the rare one
 * keeps seedrandom's own loop. In `fill` the state lives in locals, so the hot loop has no call
 * or field access per byte.
 *
 * seedrandom also stirs every new generator's state into a module-wide entropy pool, work that costs
 * more than the draws when a generator is made per boosting round or per tree; this one skips that
 * step, which no seeded stream depends on.
 */

/** 2^-56: the weight of the last bit of a 7-byte fraction. */
const ULP56 = 2 ** -56;

/** A seedrandom-identical ARC4 stream of doubles in [0, 1). */
export class SeededStream {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(seed: string) {
    const s = this.#s;
    const key = mixKey(seed);
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      const t = s[i]!;
      j = 255 & (j + key[i % key.length]! + t);
      s[i] = s[j]!;
      s[j] = t;
    }
    // RC4-drop[256]: seedrandom discards the first 256 bytes.
    for (let c = 0; c < 256; c++) this.#byte();
  }

  /** The next double, as `seedrandom(seed)()` would return it. */
  next(): number {
    const hi = (this.#byte() << 16) | (this.#byte() << 8) | this.#byte();
    const lo = (this.#byte() << 24) | (this.#byte() << 16) | (this.#byte() << 8) | this.#byte();
    return hi >= 0x100000 ? leading53(hi, lo) : this.#longDouble(hi, lo);
  }

  /** Fills `out` with the next `out.length` doubles: the same as `next()` that many times. */
  fill(out: Float64Array): void {
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    let t = 0;
    let u = 0;
    for (let k = 0; k < out.length; k++) {
      // Seven keystream bytes (#byte), written out: a loop or a call per byte costs a fifth more.
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      let hi = s[(u + t) & 255]! << 16;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      hi |= s[(u + t) & 255]! << 8;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      hi |= s[(u + t) & 255]!;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      let lo = s[(u + t) & 255]! << 24;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      lo |= s[(u + t) & 255]! << 16;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      lo |= s[(u + t) & 255]! << 8;
      i = (i + 1) & 255;
      t = s[i]!;
      j = (j + t) & 255;
      u = s[j]!;
      s[i] = u;
      s[j] = t;
      lo |= s[(u + t) & 255]!;
      if (hi >= 0x100000) {
        out[k] = leading53(hi, lo);
      } else {
        this.#i = i;
        this.#j = j;
        out[k] = this.#longDouble(hi, lo);
        i = this.#i;
        j = this.#j;
      }
    }
    this.#i = i;
    this.#j = j;
  }

  /** One keystream byte. */
  #byte(): number {
    const s = this.#s;
    const i = (this.#i + 1) & 255;
    const t = s[i]!;
    const j = (this.#j + t) & 255;
    const u = s[j]!;
    s[i] = u;
    s[j] = t;
    this.#i = i;
    this.#j = j;
    return s[(u + t) & 255]!;
  }

  /**
   * seedrandom's own loop for a first byte below 16 (1 draw in 16): bytes are added until 52
   * significant bits are filled, then the value is shifted right below 2^53 before the last byte
   * is added, so the result never rounds up to 1. `hi`, `lo`: the first 3 and next 4 bytes.
   */
  #longDouble(hi: number, lo: number): number {
    let n = (hi * 16777216 + (lo >>> 8)) * 256;
    let d = 72057594037927936; // 256^7
    let x = lo & 255;
    while (n < 4503599627370496) {
      n = (n + x) * 256;
      d *= 256;
      x = this.#byte();
    }
    while (n >= 9007199254740992) {
      n /= 2;
      d /= 2;
      x >>>= 1;
    }
    return (n + x) / d;
  }
}

/**
 * The double of the 7-byte fraction hi·2^-24 + lo·2^-56 (hi ≥ 2^20: 53 to 56 significant bits)
 * truncated to 53 significant bits: the low bits beyond them are dropped from `lo` before the sum,
 * which is then exact, as is the scaling by a power of two.
 */
function leading53(hi: number, lo: number): number {
  const drop = (1 << (11 - Math.clz32(hi))) - 1;
  return (hi * 4294967296 + ((lo & ~drop) >>> 0)) * ULP56;
}

/** seedrandom's mixkey: the seed's char codes folded into a key of at most 256 bytes (one 0 if empty). */
function mixKey(seed: string): number[] {
  const key: number[] = [];
  let smear = 0;
  for (let j = 0; j < seed.length; j++) {
    smear ^= (key[j & 255] ?? 0) * 19;
    key[j & 255] = 255 & (smear + seed.charCodeAt(j));
  }
  if (key.length === 0) key.push(0);
  return key;
}

/** `new SeededStream(seed)` as a function, for code that takes a `() => number`. */
export function seededStream(seed: string): () => number {
  const stream = new SeededStream(seed);
  return () => stream.next();
}
