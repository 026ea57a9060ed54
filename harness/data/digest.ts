/**
 * Digests for the cache: the sha256 of every file an entry holds, recorded when it is committed and
 * checked each time it is used, and a cheap fingerprint of a source file for cache keys.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Read in chunks: an ingest's events table is hundreds of MB, its digest needs only a window of it. */
const CHUNK_BYTES = 4 << 20;

/** The sha256 (hex) of the file at `path`. */
export function sha256File(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buf, 0, CHUNK_BYTES, null)) {
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** File name (relative to `dir`) → sha256, for each of `names`. */
export function digestFiles(dir: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, sha256File(join(dir, n))]));
}

/**
 * What is wrong with the files of `dir` against the digests recorded for them: the first file that
 * is missing, unreadable or changed, as `events.arrow: sha256 differs`; null when all match.
 */
export function checkDigests(dir: string, digests: Readonly<Record<string, string>>): string | null {
  for (const [name, want] of Object.entries(digests)) {
    let got: string;
    try {
      got = sha256File(join(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return `${name}: ${code === 'ENOENT' ? 'missing' : `unreadable (${code ?? (err as Error).message})`}`;
    }
    if (got !== want) return `${name}: sha256 differs`;
  }
  return null;
}

/** The bytes at each end of a source file that its fingerprint reads. */
export const FINGERPRINT_EDGE_BYTES = 64 << 10;

/**
 * A source file's content fingerprint for a cache key: the sha256 of its first and last 64 KiB (the
 * whole file when it is smaller). Size and modification time alone miss a file rewritten within the
 * clock's granularity at the same size; the whole file is not read because a cache hit must stay
 * cheap, and hashing every log of a tree would cost as much as reading it again. The ends hold a
 * log's first and latest lines, which is where a rewrite or an append changes it. Null for what is
 * not a regular file or cannot be read (opening a FIFO would wait for a writer): the ingest reports
 * such a file as failed, and never reuses a result with failed files.
 */
export function sourceFingerprint(path: string, size: number): string | null {
  try {
    if (!statSync(path).isFile()) return null;
    const fd = openSync(path, 'r');
    try {
      return edgeDigest(fd, size);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function edgeDigest(fd: number, size: number): string {
  const edge = FINGERPRINT_EDGE_BYTES;
  const buf = Buffer.allocUnsafe(Math.min(size, 2 * edge));
  const read = (at: number, bytes: number, position: number) => {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, buf, at + done, bytes - done, position + done);
      if (n === 0) break; // shorter than it was at stat: hash what is there
      done += n;
    }
    return done;
  };
  const head = read(0, Math.min(size, edge), 0);
  const tail = size > 2 * edge ? read(head, edge, size - edge) : read(head, size - head, head);
  return createHash('sha256')
    .update(buf.subarray(0, head + tail))
    .digest('hex')
    .slice(0, 32);
}
