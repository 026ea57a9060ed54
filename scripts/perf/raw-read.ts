/**
 * Baseline for the ingest: read the same files' bytes and count lines, nothing else.
 * argv: <root>. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { discover } from '../../harness/data/lo2/discover.ts';

const root = process.argv[2]!;
const { files } = await discover(root);
const t0 = performance.now();
let bytes = 0;
let lines = 0;
for (const f of files) {
  const raw = createReadStream(f.path, { highWaterMark: 1 << 20 });
  for await (const chunk of (f.path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let i = chunk.indexOf(10);
    while (i >= 0) {
      lines++;
      i = chunk.indexOf(10, i + 1);
    }
  }
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ lines, bytes, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
