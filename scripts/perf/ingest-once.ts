/**
 * One measured ingest in a fresh process (so peak RSS belongs to this ingest alone).
 * argv: <root> <cacheDir> <workers: a number or 'auto'> [runs: a seeded sample of that many runs;
 * default all] [warm-up runs: first, unmeasured, an ingest of that many runs of the same tree into
 * its own cache, so that the measured one runs compiled code — V8's one-off warm-up of a fresh
 * process is left out; default 0]. Prints one JSON line.
 */
import { rmSync } from 'node:fs';
import { ingest } from '../../harness/data/ingest.ts';

const [root, cacheDir, workers, runs, warmRuns] = process.argv.slice(2);
const readers = workers === 'auto' ? 'auto' : Number(workers);
if (Number(warmRuns ?? 0) > 0) {
  const warmCache = `${cacheDir}-warm-up`;
  await ingest(root!, {
    cacheDir: warmCache,
    workers: readers,
    force: true,
    tuneHeap: true,
    selection: { runs: Number(warmRuns) },
  });
  rmSync(warmCache, { recursive: true, force: true });
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const s = await ingest(root!, {
  cacheDir: cacheDir!,
  workers: readers,
  force: true,
  // As the CLI ingests: the heap tuning is the program's choice (IngestOptions.tuneHeap).
  tuneHeap: true,
  selection: { runs: Number(runs ?? 0) },
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    events: s.events,
    bytes: s.bytes,
    sequences: s.sequences,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
