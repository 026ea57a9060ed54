/**
 * Compares the generator's token-service `correct` log with the real one
 * (test/fixtures/lo2-real/token-correct.log.gz): template mix, Drain template mix, line lengths, lines per
 * request (cId) and ERROR share. Prints a markdown report; `--write` also puts it into docs/SYNTH.md
 * between the calibration markers.
 *
 *   node --import tsx scripts/calibrate-synth.ts [--real PATH] [--seeds 1,2,3,4,5] [--write]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildSequence } from '../harness/data/synth/sequence.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs/SYNTH.md');
const START = '<!-- calibration:start -->';
const END = '<!-- calibration:end -->';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The real file: the repository's gzipped copy unless `--real` names another (plain or .gz). */
const realPath = arg('--real') ?? join(ROOT, 'test/fixtures/lo2-real/token-correct.log.gz');
const readReal = (path: string) =>
  (path.endsWith('.gz') ? gunzipSync(readFileSync(path)) : readFileSync(path)).toString('utf8');
const seeds = (arg('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
/** Lines cut from the start of the generated file, like the real file's 100-line trim. */
const TRIM = 100;

// ---- parsing -------------------------------------------------------------------------------------

interface Line {
  raw: string;
  cId: string;
  level: string;
  logger: string;
  method: string;
  message: string;
}

const LINE =
  /^\d\d:\d\d:\d\d\.\d{3} \[([^\]]+)\] {1,3}(?:([A-Za-z0-9_-]{22}) )?(TRACE|DEBUG|INFO|WARN|ERROR) +(\S+) (\S+) - (.*)$/;

/** Timestamped lines; continuation lines (stack frames, exception headers) are counted apart. */
function parse(text: string): { lines: Line[]; continuation: number } {
  const lines: Line[] = [];
  let continuation = 0;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const m = LINE.exec(raw);
    if (m === null) {
      continuation++;
      continue;
    }
    lines.push({
      raw,
      cId: m[2] ?? '',
      level: m[3] ?? '',
      logger: m[4] ?? '',
      method: m[5] ?? '',
      message: m[6] ?? '',
    });
  }
  return { lines, continuation };
}

/** Masks ids, credentials, hex and numbers (the calibration's own masking, independent of the enhancer). */
function mask(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
    .replace(/Basic [A-Za-z0-9+/=]+/g, 'Basic <B64>')
    .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g, '<ID>')
    .replace(/\b[0-9a-f]{8}\b/g, '<HEX>')
    .replace(/\d+/g, '<NUM>');
}

/** Template key: level, logger, method and the first four masked message words. */
function templateKey(l: Line): string {
  return `${l.level} ${l.logger} ${l.method} - ${mask(l.message).split(' ').slice(0, 4).join(' ')}`;
}

// ---- statistics ----------------------------------------------------------------------------------

type Dist = Map<string, number>;

function distribution(keys: Iterable<string>): Dist {
  const counts: Dist = new Map();
  let n = 0;
  for (const k of keys) {
    counts.set(k, (counts.get(k) ?? 0) + 1);
    n++;
  }
  for (const [k, c] of counts) counts.set(k, c / n);
  return counts;
}

/** Total variation distance: ½ Σ |p − q| over the union of keys. */
function tvd(p: Dist, q: Dist): number {
  let sum = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) sum += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return sum / 2;
}

function quantiles(values: number[]): { p10: number; p50: number; p90: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0;
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9), max: v[v.length - 1] ?? 0 };
}

function linesPerRequest(lines: Line[]): Dist {
  const perCid = new Map<string, number>();
  for (const l of lines) if (l.cId !== '') perCid.set(l.cId, (perCid.get(l.cId) ?? 0) + 1);
  return distribution([...perCid.values()].map((n) => (n >= 9 ? '9+' : String(n))));
}

interface DrainLike {
  add(message: string): { clusterId: number };
  clusters(): readonly { template: readonly string[]; size: number }[];
}

/**
 * Drain template mixes (harness/data/enhance/drain.ts on messages normalised by the enhancer):
 * `separate` fits one Drain per file and matches templates by their strings; `shared` fits one Drain
 * on both files (real first) and compares cluster frequencies, which does not depend on how far each
 * file's rare lines generalise a template. A string says why Drain is unavailable.
 */
async function drainMixes(
  real: Line[],
  gen: Line[],
): Promise<{ separate: number; shared: number; templates: [number, number] } | string> {
  const drainPath = join(ROOT, 'harness/data/enhance/drain.ts');
  const normPath = join(ROOT, 'harness/data/enhance/normalize.ts');
  if (!existsSync(drainPath)) return 'harness/data/enhance/drain.ts does not exist';
  try {
    const { Drain } = (await import(drainPath)) as { Drain: new () => DrainLike };
    const normalize = existsSync(normPath)
      ? ((await import(normPath)) as { normalizeMessage: (m: string) => string }).normalizeMessage
      : mask;
    const byTemplate = (lines: Line[]): Dist => {
      const drain = new Drain();
      for (const l of lines) drain.add(normalize(l.message));
      const dist: Dist = new Map();
      for (const c of drain.clusters()) {
        const key = c.template.join(' ');
        dist.set(key, (dist.get(key) ?? 0) + c.size / lines.length);
      }
      return dist;
    };
    const a = byTemplate(real);
    const b = byTemplate(gen);
    const shared = new Drain();
    const ids = (lines: Line[]) => distribution(lines.map((l) => String(shared.add(normalize(l.message)).clusterId)));
    const sa = ids(real);
    const sb = ids(gen);
    return { separate: tvd(a, b), shared: tvd(sa, sb), templates: [a.size, b.size] };
  } catch (e) {
    return `Drain failed: ${(e as Error).message}`;
  }
}

// ---- report --------------------------------------------------------------------------------------

interface Summary {
  lines: number;
  continuation: number;
  requests: number;
  errorShare: number;
  apiExceptions: number;
  cacheExceptions: number;
  length: ReturnType<typeof quantiles>;
  templates: Dist;
  perRequest: Dist;
  /** Share of consecutive 100-line windows holding at most 5 templates (single-flow phases). */
  singleFlowWindows: number;
  parsed: Line[];
}

/** Share of consecutive, non-overlapping 100-line windows with at most 5 distinct templates. */
function singleFlowWindows(lines: Line[]): number {
  let windows = 0;
  let single = 0;
  for (let i = 0; i + 100 <= lines.length; i += 100) {
    windows++;
    if (new Set(lines.slice(i, i + 100).map(templateKey)).size <= 5) single++;
  }
  return windows === 0 ? 0 : single / windows;
}

function summarize(text: string): Summary {
  const { lines, continuation } = parse(text);
  const cIds = new Set(lines.filter((l) => l.cId !== '').map((l) => l.cId));
  return {
    lines: lines.length,
    continuation,
    requests: cIds.size,
    errorShare: lines.filter((l) => l.level === 'ERROR').length / lines.length,
    apiExceptions: lines.filter((l) => l.message === 'ApiException').length,
    cacheExceptions: lines.filter((l) => l.level === 'ERROR' && l.message === 'Exception:').length,
    length: quantiles(lines.map((l) => l.raw.length)),
    templates: distribution(lines.map(templateKey)),
    perRequest: linesPerRequest(lines),
    singleFlowWindows: singleFlowWindows(lines),
    parsed: lines,
  };
}

/** A generated token `correct` file of about the real file's size, with the same 100-line trim. */
function generated(seed: number): string {
  const seq = buildSequence(
    {
      seed,
      run: 0,
      service: 'token',
      testCase: 'correct',
      startMs: 1_719_592_986_000,
      durationMs: 53_500,
      load: 1,
      fault: null,
      startupLines: 80,
      lazyLines: true,
      thin: 1,
      timeScale: 1,
      dropFaultLines: false,
    },
    { statusLoaded: false },
  );
  const lines = seq.text.split('\n');
  let cut = 0;
  let kept = 0;
  // Trim the first 100 timestamped lines (and the continuation lines among them).
  while (cut < lines.length && kept < TRIM) {
    if (/^\d\d:/.test(lines[cut] ?? '')) kept++;
    cut++;
  }
  while (cut < lines.length && !/^\d\d:/.test(lines[cut] ?? '')) cut++;
  return lines.slice(cut).join('\n');
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const f3 = (x: number) => x.toFixed(3);

function mean(xs: number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${f3(m)} ± ${f3(sd)}`;
}

async function main(): Promise<void> {
  const real = summarize(readReal(realPath));
  const runs = seeds.map((seed) => ({ seed, s: summarize(generated(seed)) }));
  const first = runs[0];
  if (first === undefined) throw new Error('no seeds given');
  const gen = first.s;
  const out: string[] = [];
  const row = (...cells: (string | number)[]) => out.push(`| ${cells.join(' | ')} |`);

  out.push(
    `Generated: token service, \`correct\`, seed ${first.seed}, 53.5 s at the real rate, first ${TRIM} lines trimmed like the real file.`,
  );
  out.push(`Spread over seeds ${seeds.join(', ')} as mean ± sd.`, '');
  row('figure', 'real', `generated (seed ${first.seed})`, `seeds ${seeds.join(',')}`);
  row('---', '---', '---', '---');
  row('lines (timestamped)', real.lines, gen.lines, mean(runs.map((r) => r.s.lines)));
  row('continuation lines', real.continuation, gen.continuation, mean(runs.map((r) => r.s.continuation)));
  row('requests (distinct cIds)', real.requests, gen.requests, mean(runs.map((r) => r.s.requests)));
  row(
    'template mix TVD',
    '—',
    f3(tvd(real.templates, gen.templates)),
    mean(runs.map((r) => tvd(real.templates, r.s.templates))),
  );
  const drains = await Promise.all(runs.map((r) => drainMixes(real.parsed, r.s.parsed)));
  const d0 = drains[0];
  if (d0 === undefined || typeof d0 === 'string') {
    row('Drain template TVD', '—', String(d0), '—');
  } else {
    const ok = drains.filter((d): d is Exclude<typeof d, string> => typeof d !== 'string');
    row(
      'Drain TVD, separate Drains, by template string',
      `${d0.templates[0]} templates`,
      `${f3(d0.separate)} (${d0.templates[1]} templates)`,
      mean(ok.map((d) => d.separate)),
    );
    row('Drain TVD, one shared Drain, by cluster', '—', f3(d0.shared), mean(ok.map((d) => d.shared)));
  }
  row(
    'lines-per-request TVD',
    '—',
    f3(tvd(real.perRequest, gen.perRequest)),
    mean(runs.map((r) => tvd(real.perRequest, r.s.perRequest))),
  );
  for (const q of ['p10', 'p50', 'p90', 'max'] as const) {
    row(`line length ${q}`, real.length[q], gen.length[q], mean(runs.map((r) => r.s.length[q])));
  }
  row(
    '100-line windows with ≤ 5 templates',
    pct(real.singleFlowWindows),
    pct(gen.singleFlowWindows),
    `${mean(runs.map((r) => 100 * r.s.singleFlowWindows))} %`,
  );
  row('ERROR share', pct(real.errorShare), pct(gen.errorShare), `${mean(runs.map((r) => 100 * r.s.errorShare))} %`);
  row(
    '`handleRequest - ApiException`',
    real.apiExceptions,
    gen.apiExceptions,
    mean(runs.map((r) => r.s.apiExceptions)),
  );
  row(
    '`ClientMapStore delete - Exception:`',
    real.cacheExceptions,
    gen.cacheExceptions,
    mean(runs.map((r) => r.s.cacheExceptions)),
  );

  out.push('', `Lines per request (share of requests, seed ${first.seed}):`, '');
  const buckets = ['1', '2', '3', '4', '5', '6', '7', '8', '9+'];
  out.push(`| lines | ${buckets.join(' | ')} |`, `|---|${buckets.map(() => '---').join('|')}|`);
  out.push(`| real | ${buckets.map((b) => pct(real.perRequest.get(b) ?? 0)).join(' | ')} |`);
  out.push(`| generated | ${buckets.map((b) => pct(gen.perRequest.get(b) ?? 0)).join(' | ')} |`);

  out.push('', `Template mix, top rows (share of timestamped lines, seed ${first.seed}):`, '');
  out.push('| template (level logger method - first masked words) | real | generated |', '|---|---|---|');
  const keys = [...new Set([...real.templates.keys(), ...gen.templates.keys()])];
  keys.sort(
    (a, b) =>
      (real.templates.get(b) ?? 0) +
        (gen.templates.get(b) ?? 0) -
        (real.templates.get(a) ?? 0) -
        (gen.templates.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  for (const k of keys.slice(0, 24)) {
    out.push(
      `| \`${k.replace(/\|/g, '\\|')}\` | ${pct(real.templates.get(k) ?? 0)} | ${pct(gen.templates.get(k) ?? 0)} |`,
    );
  }
  const report = out.join('\n');
  console.log(report);

  if (process.argv.includes('--write')) {
    const doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${DOC}: calibration markers not found`);
    writeFileSync(DOC, `${doc.slice(0, a + START.length)}\n${report}\n${doc.slice(b)}`);
    console.error(`wrote ${DOC}`);
  }
}

await main();
