/**
 * `npm run perf`: benchmarks (not tests). For the standard and large synthetic presets, times
 * a cold ingest (load + all enhancers, fresh cache, generation excluded) in a fresh process per
 * repetition (with the heap tuning the CLI asks for, IngestOptions.tuneHeap: scripts/perf/ingest-once.ts),
 * next to a raw read of the same files, and reports events/s, MB/s and peak RSS. The
 * last two columns time the same cold-cache ingest in a process that has just ingested 40 runs of
 * the tree (WARM_UP_RUNS): the ingest's throughput without V8's one-off warm-up.
 *
 * Then the models: fit + score of all 14 registry variants next to scikit-learn on the standard
 * dataset's matrices (scripts/parity/registry.ts; needs Debian's python3-sklearn, skipped without),
 * then the same at event level (`--level event --expanded --warm-ups 10 --seeds 0`: the event variants on
 * event rows, with scikit-learn on the same weighted distinct rows and on the expanded rows, one per
 * log line).
 *
 * Then a whole sweep (scripts/perf/sweep-once.ts): the standard experiment with one seed, cold and
 * warm cache, 1 worker and N workers.
 *
 * Options (env): PERF_PRESETS=standard,large  PERF_REPEAT=3  PERF_WORKERS=auto (ingest readers)  PERF_SWEEP=1  PERF_MODELS=1 (0 skips)
 * PERF_SINGLE_THREADED=1 adds warm 1-vs-N pairs under `node --single-threaded` (V8 without its
 * garbage-collector and compiler helper threads), to show what the 1-worker baseline owes them.
 * PERF_MEMORY_CURVE=1 adds peak RSS against data size: cold ingests of 200, 500, 1,000 and 2,000
 * runs of the large tree.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchHome } from '../harness/cli/paths.ts';
import { materializeDataset } from '../harness/data/dataset.ts';

const presets = (process.env.PERF_PRESETS ?? 'standard,large').split(',') as ('standard' | 'large')[];
const repeat = Number(process.env.PERF_REPEAT ?? 3);
// Reader workers of the ingests: 'auto' (the default: none below 384 MB of logs) or a number.
const workers = process.env.PERF_WORKERS ?? 'auto';
/**
 * Runs of the same tree ingested first, unmeasured, in the "after a warm-up" measurements: they
 * separate V8's one-off warm-up of a fresh process (compiling the hot code) from the ingest's
 * throughput.
 */
const WARM_UP_RUNS = 40;
// Trial workers of the sweeps: N in "1 vs N workers".
const sweepWorkers = Math.max(2, Math.min(availableParallelism(), 4));

function child(script: string, args: string[], nodeFlags: string[] = []): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', join(import.meta.dirname, 'perf', script), ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

console.log(`# ingest benchmark — ${cpus()[0]?.model} × ${availableParallelism()}, Node ${process.version}`);
console.log(`# workers ${workers}, median of ${repeat} cold ingests, each in a fresh process\n`);
console.log(
  '| preset | sequences | events | MB | raw read MB/s | raw read lines/s | ingest s | ingest events/s | ingest MB/s | ingest CPU s | peak RSS MB (ingest) | peak RSS MB (raw) | after a warm-up: ingest s | events/s |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const preset of presets) {
  const { root } = await materializeDataset({ source: 'synthetic', preset }, { cacheDir: join(benchHome(), 'cache') });
  const raw = child('raw-read.ts', [root]);
  const runs: Record<string, number>[] = [];
  const warmed: Record<string, number>[] = [];
  for (let i = 0; i < repeat; i++) {
    // Alternating: the machine's drift falls on both.
    for (const [out, warmUp] of [
      [runs, '0'],
      [warmed, String(WARM_UP_RUNS)],
    ] as const) {
      const cache = mkdtempSync(join(tmpdir(), 'lo2-perf-'));
      try {
        out.push(child('ingest-once.ts', [root, cache, String(workers), '0', warmUp]));
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }
  }
  const ms = median(runs.map((r) => r.ms!));
  const warmMs = median(warmed.map((r) => r.ms!));
  const r0 = runs[0]!;
  console.log(
    `| ${preset} | ${fmt(r0.sequences!)} | ${fmt(r0.events!)} | ${fmt(r0.bytes! / 1e6, 1)} | ` +
      `${fmt(raw.bytes! / 1e6 / (raw.ms! / 1000))} | ${fmt(raw.lines! / (raw.ms! / 1000))} | ${fmt(ms / 1000, 2)} | ` +
      `${fmt(r0.events! / (ms / 1000))} | ${fmt(r0.bytes! / 1e6 / (ms / 1000), 1)} | ${fmt(median(runs.map((r) => r.cpuMs!)) / 1000, 2)} | ` +
      `${fmt(Math.max(...runs.map((r) => r.peakRssMb!)))} | ${fmt(raw.peakRssMb!)} | ${fmt(warmMs / 1000, 2)} | ${fmt(r0.events! / (warmMs / 1000))} |`,
  );
}

if (process.env.PERF_MEMORY_CURVE === '1') {
  // Does memory grow with the data? The same tree, growing seeded samples of its runs.
  const { root } = await materializeDataset(
    { source: 'synthetic', preset: 'large' },
    { cacheDir: join(benchHome(), 'cache') },
  );
  console.log('\n# peak RSS against data size — large tree, seeded samples of its runs, one cold ingest each\n');
  console.log('| runs | events | ingest s | peak RSS MB |');
  console.log('|---|---|---|---|');
  for (const runs of [200, 500, 1000, 2000]) {
    const cache = mkdtempSync(join(tmpdir(), 'lo2-perf-'));
    try {
      const r = child('ingest-once.ts', [root, cache, String(workers), String(runs)]);
      console.log(`| ${fmt(runs)} | ${fmt(r.events!)} | ${fmt(r.ms! / 1000, 2)} | ${fmt(r.peakRssMb!)} |`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
}

if (process.env.PERF_SWEEP !== '0') {
  // The standard experiment with one split seed (14 variants): cold = an empty cache but for the
  // generated tree (generation excluded), warm = the ingest and matrices cached; each in a fresh process and a
  // fresh database, so every trial runs.
  console.log(`\n# sweep — standard experiment, 14 variants × 1 seed, median of ${repeat}, fresh process each\n`);
  console.log('| cache | workers | wall s | CPU s | peak RSS MB | trials | Σ fit s | Σ explain s |');
  console.log('|---|---|---|---|---|---|---|---|');
  await materializeDataset({ source: 'synthetic', preset: 'standard' }, { cacheDir: join(benchHome(), 'cache') });
  const synthDir = join(benchHome(), 'cache', 'synth');
  const once = (cache: string, w: number, nodeFlags: string[] = []) => {
    const artifacts = mkdtempSync(join(tmpdir(), 'lo2-perf-artifacts-'));
    try {
      return child('sweep-once.ts', [cache, artifacts, String(w)], nodeFlags);
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  };
  const onceAsync = async (cache: string, w: number): Promise<Record<string, number>> => {
    const artifacts = mkdtempSync(join(tmpdir(), 'lo2-perf-artifacts-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'perf', 'sweep-once.ts'), cache, artifacts, String(w)],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1)!);
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  };
  const row = (label: string, w: number, runs: Record<string, number>[]) => {
    const ms = median(runs.map((r) => r.ms!));
    console.log(
      `| ${label} | ${w} | ${fmt(ms / 1000, 1)} | ${fmt(median(runs.map((r) => r.cpuMs!)) / 1000, 1)} | ` +
        `${fmt(Math.max(...runs.map((r) => r.peakRssMb!)))} | ${runs[0]!.done} | ${fmt(runs[0]!.fitMs! / 1000, 1)} | ${fmt((runs[0]!.explainMs ?? 0) / 1000, 1)} |`,
    );
    return ms;
  };
  const cold: Record<string, number>[] = [];
  for (let i = 0; i < repeat; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'lo2-perf-cache-'));
    try {
      // Only the generated tree is shared: link the synth cache, everything else starts empty.
      execFileSync('ln', ['-s', synthDir, join(cache, 'synth')]);
      cold.push(once(cache, sweepWorkers));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  row('cold', sweepWorkers, cold);
  once(join(benchHome(), 'cache'), sweepWorkers); // fills the warm cache (ingest, matrices), not measured
  // 1 and N workers alternate, so that the machine's drift (tens of per cent within minutes here)
  // falls on both; the ratio of each pair is printed too.
  const pairs = (nodeFlags: string[]) => {
    const runs = new Map<number, Record<string, number>[]>([
      [1, []],
      [sweepWorkers, []],
    ]);
    for (let i = 0; i < repeat; i++)
      for (const w of [1, sweepWorkers]) runs.get(w)!.push(once(join(benchHome(), 'cache'), w, nodeFlags));
    const ratios = runs.get(1)!.map((r, i) => r.ms! / runs.get(sweepWorkers)![i]!.ms!);
    return { runs, ratios };
  };
  const warmRuns = pairs([]);
  const warm = new Map<number, number>();
  for (const w of [1, sweepWorkers]) warm.set(w, row('warm', w, warmRuns.runs.get(w)!));
  const showRatios = (rs: number[]) => `${rs.map((x) => fmt(x, 2)).join(', ')} (median ${fmt(median(rs), 2)})`;
  const single = process.env.PERF_SINGLE_THREADED === '1' ? pairs(['--single-threaded']) : null;
  if (single) for (const w of [1, sweepWorkers]) row('warm, --single-threaded', w, single.runs.get(w)!);
  // The machine's own ceiling for this workload at this moment: two independent 1-worker sweeps at
  // once. Their combined throughput bounds what 2 workers in one sweep can reach (no serial part,
  // no shared heap): it tells the machine's limits apart from the sweep's.
  const pair = await Promise.all([0, 1].map(() => onceAsync(join(benchHome(), 'cache'), 1)));
  const ceiling = (2 * warm.get(1)!) / Math.max(...pair.map((r) => r.ms!));
  console.log(`\n${sweepWorkers} workers vs 1 (warm), per alternating pair: ${showRatios(warmRuns.ratios)}`);
  if (single) console.log(`the same under node --single-threaded: ${showRatios(single.ratios)}`);
  console.log(
    `${sweepWorkers} workers vs 1 (warm): ${fmt(warm.get(1)! / warm.get(sweepWorkers)!, 2)}× faster; ` +
      `ceiling measured as two 1-worker sweeps at once: ${fmt(ceiling, 2)}× (each took ${pair.map((r) => fmt(r.ms! / 1000, 1)).join(' s and ')} s vs ${fmt(warm.get(1)! / 1000, 1)} s alone)`,
  );
}

if (process.env.PERF_MODELS !== '0') {
  console.log('\n# models — fit + score of the 14 variants vs scikit-learn (scripts/parity/registry.ts)\n');
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log('skipped: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn)');
  } else {
    const parity = (args: string[]) =>
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'parity', 'registry.ts'), '--repeats', String(repeat), ...args],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      ).trim();
    console.log(parity([]));
    console.log(
      '\n# models at event level — fit + score on event rows vs scikit-learn, weighted and expanded (registry.ts --level event)\n',
    );
    // Ten untimed fits: on event rows a tree's first fits run before V8 has compiled its hot loops (docs/PARITY.md).
    // No seeds table: it checks quality, not speed, and its expanded refits take minutes (docs/PARITY.md).
    console.log(parity(['--level', 'event', '--expanded', '--warm-ups', '10', '--seeds', '0']));
  }
}
