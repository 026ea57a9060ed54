/**
 * One measured sweep in a fresh process: the standard experiment with one split seed (14 variants),
 * on a fresh database, with the cache folder given (empty but for the generated tree = cold; with the
 * ingest already there = warm). argv: <cacheDir> <artifactsDir> <workers>. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import standard from '../../experiments/standard.ts';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { openStore } from '../../harness/store/index.ts';
import { runSweep } from '../../harness/sweep/run.ts';

const [cacheDir, artifactsDir, workers] = process.argv.slice(2);
const e = parseExperiment({ ...standard, seeds: [1] }, 'experiments/standard.ts (seed 1)');
const dbDir = mkdtempSync(join(tmpdir(), 'lo2-perf-db-'));
const store = await openStore(join(dbDir, 'bench.db'));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const r = await runSweep('experiments/standard.ts', e, {
  store,
  cacheDir: cacheDir!,
  artifactsDir: artifactsDir!,
  workers: Number(workers),
  // As `bench run` does: the heap tuning is the program's choice.
  tuneIngestHeap: true,
});
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await store.close();
// A measurement, not a view: the stage totals straight from the file.
const db = new Database(join(dbDir, 'bench.db'), { readonly: true });
const stages = db
  .prepare("SELECT stage, SUM(wall_ms) AS ms FROM timings WHERE stage != 'ingest' GROUP BY stage ORDER BY stage")
  .all() as { stage: string; ms: number }[];
db.close();
rmSync(dbDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    done: r.outcomes.filter((o) => o.state === 'done').length,
    ...Object.fromEntries(stages.map((s) => [`${s.stage}Ms`, s.ms])),
  })}\n`,
);
