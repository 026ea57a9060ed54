/**
 * CLI start-up: `bench <command> --help` (and `bench ls` on an empty home) from process start to
 * exit, median of N runs, beside `node -e 0`, the floor no command can go under. Two figures per
 * run: wall time, and the CPU time (user + system) the process itself used, which other jobs on the
 * machine inflate far less than wall time, so it compares runs taken at different loads. The load
 * average is printed before and after. Runs the compiled CLI in dist/ when it is fresh
 * (`npm run build`) and the TypeScript sources through tsx (BENCH_TSX=1) beside it.
 *
 *   node scripts/perf/startup.mjs [runs]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFresh } from '../build.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runs = Number(process.argv[2] ?? 9);
const home = mkdtempSync(join(tmpdir(), 'bench-startup-'));

// Loaded before the measured program: at exit it writes the process's own CPU time to fd 3.
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  "import{writeSync}from'node:fs';process.on('exit',()=>{const c=process.cpuUsage();writeSync(3,String((c.user+c.system)/1000))})",
)}`;

const loadavg = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
};

/** Median wall and CPU milliseconds of `runs` runs of `node [--import REPORT_CPU] ...args`. */
function measure(args, env = {}) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    // `bench ls` on an empty home exits 1 ("no bench database"): its time still counts.
    const r = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], {
      env: { ...process.env, BENCH_HOME: home, ...env },
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push(Number(r.output[3]));
  }
  const median = (xs) => Math.round(xs.sort((a, b) => a - b)[runs >> 1]);
  return { wall: median(wall), cpu: median(cpu) };
}

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
const bin = join(root, 'bin/bench.mjs');
const compiled = isFresh(root);
const loadBefore = loadavg();
const floor = measure(['-e', '0']);
const fmt = (m) => `${m.wall} / ${m.cpu}`;
const signed = (x) => (x < 0 ? `−${-x}` : `+${x}`);
const above = (m) => `${signed(m.wall - floor.wall)} / ${signed(m.cpu - floor.cpu)}`;
const rows = [`| \`node -e 0\` (floor) | ${fmt(floor)} | | ${fmt(floor)} |`];
for (const args of COMMANDS) {
  const d = compiled ? measure([bin, ...args]) : null;
  const t = measure([bin, ...args], { BENCH_TSX: '1' });
  rows.push(`| \`bench ${args.join(' ')}\` | ${d ? fmt(d) : ''} | ${d ? above(d) : ''} | ${fmt(t)} |`);
}
process.stdout.write(
  `runs ${runs}, load average ${loadBefore} before, ${loadavg()} after; ms as wall / CPU\n` +
    `| command | ${compiled ? 'dist/ ms' : '(dist/ stale: run npm run build)'} | dist/ above the floor | tsx ms |\n` +
    `|---|---|---|---|\n${rows.join('\n')}\n`,
);
if (compiled && !isFresh(root)) {
  process.stdout.write('warning: a source changed while measuring, so later dist/ runs ran tsx: measure again\n');
}
rmSync(home, { recursive: true, force: true });
