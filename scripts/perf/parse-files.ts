/**
 * Parsing alone (no I/O, no main thread): `parseLogBytes` over the first N files of a tree, read into
 * memory first, six passes; prints the fastest pass per event and a hash of every output column, so
 * two versions can be compared for speed and identical output. argv: <tree> [files = 1500].
 * Run versions alternately: the machine's pace drifts, so only runs made back to back compare.
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLogBytes } from '../../harness/data/index.ts';
import { SERVICE_FILE_PATTERN } from '../../harness/data/lo2/constants.ts';

const root = process.argv[2]!;
const limit = Number(process.argv[3] ?? 1500);
const dirs = (path: string) =>
  readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
// Only the logs: a generated tree also holds its ground truth (lo2-truth.json, *.log.faults).
const files: string[] = [];
for (const run of dirs(root))
  for (const c of dirs(join(root, run)))
    for (const f of readdirSync(join(root, run, c)).sort())
      if (SERVICE_FILE_PATTERN.test(f)) files.push(join(root, run, c, f));
const sel = files.slice(0, limit);
const bufs = sel.map((f) => readFileSync(f));
let events = 0;
const h = createHash('sha256');
let best = Infinity;
for (let rep = 0; rep < 6; rep++) {
  const t0 = performance.now();
  events = 0;
  for (const b of bufs) {
    const r = parseLogBytes(b, { runEpochSec: 1700000000, trimLines: 100 });
    events += r.events.count;
    if (rep === 0) {
      // The columns' own bytes: they share one buffer per file, of a reused size (io/buffer-pool.ts).
      const bytes = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      for (const c of [r.events.message, r.events.thread, r.events.cId, r.events.logger, r.events.method]) {
        h.update(bytes(c.data));
        h.update(bytes(c.offsets));
      }
      h.update(bytes(r.events.localMessageId));
      h.update(r.normalized.join('\n'));
      h.update(bytes(r.events.timeMs));
    }
  }
  const ms = performance.now() - t0;
  if (rep > 0) best = Math.min(best, ms);
  if (process.env.VERBOSE)
    console.log(
      `rep ${rep}: ${sel.length} files ${events} events ${ms.toFixed(0)} ms ${((ms * 1e6) / events).toFixed(0)} ns/event`,
    );
}
console.log(`min ${((best * 1e6) / events).toFixed(0)} ns/event`, 'hash', h.digest('hex').slice(0, 16));
