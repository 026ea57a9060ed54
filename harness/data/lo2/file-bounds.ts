/**
 * How many bytes one log may cost a reader. Readers hold a whole file in memory (the plain reader
 * and the kernel's path for files it does not parse hold it as one string), so a file past the bound
 * is refused with a reason instead of read: a 10 GB file, or a small `.gz` that expands to hundreds
 * of MB, must not take the machine's memory or crash the ingest.
 */

/**
 * Largest log, decompressed, a reader takes. V8's longest string is just over 512 MiB
 * (`buffer.constants.MAX_STRING_LENGTH`), which bounds what the readers can hold as text; LO2's
 * files are a few MB.
 */
export const MAX_LOG_BYTES = 512e6;

/**
 * Most a `.gz` log may expand per compressed byte before it is taken for a gzip bomb. Logs compress
 * well, but not by a factor in the hundreds, which is what a bomb does (gzip reaches ≈ 1,000).
 */
export const GZIP_MAX_RATIO = 64;

/** A `.gz` log may always expand to this much, whatever its ratio: a small file costs little. */
export const GZIP_FLOOR_BYTES = 64e6;

export interface GzipBoundOptions {
  /** @default MAX_LOG_BYTES */
  maxBytes: number;
  /** @default GZIP_MAX_RATIO */
  ratio: number;
  /** @default GZIP_FLOOR_BYTES */
  floor: number;
}

/** The most bytes a `.gz` log of `compressed` bytes may expand to. */
export function gzipBound(compressed: number, o: Partial<GzipBoundOptions> = {}): number {
  const { maxBytes = MAX_LOG_BYTES, ratio = GZIP_MAX_RATIO, floor = GZIP_FLOOR_BYTES } = o;
  return Math.min(maxBytes, Math.max(floor, ratio * compressed));
}

/** A size for messages: MB from 1 MB up, bytes below. */
export function sizeText(bytes: number): string {
  if (bytes < 1e6) return `${bytes.toLocaleString('en-US')} bytes`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
