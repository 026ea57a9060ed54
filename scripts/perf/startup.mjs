/**
 * CLI start-up: wall time of `bench <command> --help` (and `bench ls` on an empty home) from process
 * start to exit, median of N runs, with `node -e 0` as the floor. Runs the compiled CLI in dist/
 * when it is fresh (`npm run build`) and the TypeScript sources through tsx (BENCH_TSX=1) beside it.
 *
 *   node scripts/perf/startup.mjs [runs]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFresh } from '../build.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Number(process.argv[2] ?? 9);
const home = mkdtempSync(join(tmpdir(), 'bench-startup-'));

function median(f) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    try {
      f();
    } catch {
      // `bench ls` on an empty home exits 1 ("no bench database"): its time still counts.
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[runs >> 1]);
}

const bench =
  (args, env = {}) =>
  () =>
    execFileSync(process.execPath, [join(root, 'bin/bench.mjs'), ...args], {
      env: { ...process.env, BENCH_HOME: home, ...env },
      stdio: 'ignore',
    });

const COMMANDS = [
  ['--help'],
  ['run', '--help'],
  ['ls'],
  ['show', '--help'],
  ['board', '--help'],
  ['data', 'synth', '--help'],
  ['split', '--help'],
  ['score', '--help'],
];
const compiled = isFresh(root);
process.stdout.write(`node -e 0: ${median(() => execFileSync(process.execPath, ['-e', '0']))} ms (runs ${runs})\n`);
process.stdout.write(
  `| command | ${compiled ? 'dist/ ms' : '(dist/ stale: run npm run build)'} | tsx ms |\n|---|---|---|\n`,
);
for (const args of COMMANDS) {
  const d = compiled ? median(bench(args)) : '';
  process.stdout.write(`| \`bench ${args.join(' ')}\` | ${d} | ${median(bench(args, { BENCH_TSX: '1' }))} |\n`);
}
rmSync(home, { recursive: true, force: true });
