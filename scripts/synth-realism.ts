/**
 * Measures a generated LO2 tree against what is known of the real data (the real token file, the
 * v2 figures LogLead pins): lines per file by order and service, continuation-line share, ERROR
 * share by class, single-flow 100-line windows, and fault lines by label scope. Prints markdown.
 *
 *   node --import tsx scripts/synth-realism.ts DIR [DIR ...]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORRECT_CASE, faultLinesFileOf, targetService, V2_PRERUN_FOLDER } from '../harness/data/lo2/constants.ts';

const TIMESTAMP = /^\d\d:\d\d:\d\d\.\d{3} \[/;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** Template of a timestamped line: level, logger, method and the first masked words. */
function template(line: string): string {
  const rest = line.slice(13).replace(/^\[[^\]]*\]\s+(\S{22}\s+)?/, '');
  return rest
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{22}|Basic \S+|\b[0-9a-f]{8}\b|\d+/g, '#')
    .split(' ')
    .slice(0, 7)
    .join(' ');
}

interface FileFacts {
  service: string;
  group: 'correct' | 'target' | 'other';
  lines: number;
  continuation: number;
  errors: number;
  faultLines: number;
  windows: number;
  singleWindows: number;
}

function facts(path: string, service: string, testCase: string): FileFacts {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const stamped = lines.filter((l) => TIMESTAMP.test(l));
  let windows = 0;
  let singleWindows = 0;
  for (let i = 0; i + 100 <= stamped.length; i += 100) {
    windows++;
    if (new Set(stamped.slice(i, i + 100).map(template)).size <= 5) singleWindows++;
  }
  const faults = readFileSync(faultLinesFileOf(path), 'utf8').trim();
  return {
    service,
    group: testCase === CORRECT_CASE ? 'correct' : targetService(testCase) === service ? 'target' : 'other',
    lines: lines.length,
    continuation: lines.length - stamped.length,
    errors: stamped.filter((l) => l.includes(' ERROR ')).length,
    faultLines: faults === '' ? 0 : faults.split('\n').length,
    windows,
    singleWindows,
  };
}

function measure(root: string): FileFacts[] {
  const out: FileFacts[] = [];
  for (const run of readdirSync(root).sort()) {
    if (run === V2_PRERUN_FOLDER || !statSync(join(root, run)).isDirectory()) continue;
    for (const testCase of readdirSync(join(root, run)).sort()) {
      for (const file of readdirSync(join(root, run, testCase)).sort()) {
        const m = /oauth2-([a-z-]+)-1\.log$/.exec(file);
        if (m?.[1] !== undefined) out.push(facts(join(root, run, testCase, file), m[1], testCase));
      }
    }
  }
  return out;
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(2)} %`);
const sum = (xs: FileFacts[], k: keyof FileFacts) => xs.reduce((s, f) => s + (f[k] as number), 0);

for (const root of process.argv.slice(2)) {
  const files = measure(root);
  console.log(`\n### ${root}\n`);
  console.log(`${files.length} files, ${sum(files, 'lines').toLocaleString('en-US')} lines\n`);
  console.log('| service | files | lines p10 | p50 | p90 | mean | continuation share | single-flow windows |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const service of [...new Set(files.map((f) => f.service))].sort()) {
    const fs = files.filter((f) => f.service === service);
    const lines = fs.map((f) => f.lines);
    console.log(
      `| ${service} | ${fs.length} | ${quantile(lines, 0.1)} | ${quantile(lines, 0.5)} | ${quantile(lines, 0.9)} | ${Math.round(sum(fs, 'lines') / fs.length)} | ${pct(sum(fs, 'continuation'), sum(fs, 'lines'))} | ${pct(sum(fs, 'singleWindows'), sum(fs, 'windows'))} |`,
    );
  }
  console.log('\n| files | count | ERROR share of timestamped lines | files with ≥ 1 fault line | fault lines |');
  console.log('|---|---|---|---|---|');
  for (const group of ['correct', 'target', 'other'] as const) {
    const fs = files.filter((f) => f.group === group);
    console.log(
      `| ${group === 'other' ? 'error case, other service' : group === 'target' ? 'error case, target service' : 'correct'} | ${fs.length} | ${pct(sum(fs, 'errors'), sum(fs, 'lines') - sum(fs, 'continuation'))} | ${fs.filter((f) => f.faultLines > 0).length} | ${sum(fs, 'faultLines')} |`,
    );
  }
}
