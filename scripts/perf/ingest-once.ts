/**
 * One measured ingest in a fresh process (so peak RSS belongs to this ingest alone).
 * argv: <root> <cacheDir> <workers: a number or 'auto'> [runs: a seeded sample of that many runs; default all].
 * Prints one JSON line.
 */
import { ingest } from '../../harness/data/ingest.ts';

const [root, cacheDir, workers, runs] = process.argv.slice(2);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const s = await ingest(root!, {
  cacheDir: cacheDir!,
  workers: workers === 'auto' ? 'auto' : Number(workers),
  force: true,
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
