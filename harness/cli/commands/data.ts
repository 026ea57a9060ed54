/** `bench data synth` and `bench data ingest`. */
import { join } from 'node:path';
// Types only at the top: the data room (Arrow, the readers, the generator) loads once a command
// has parsed its flags, so `--help` and usage errors do not pay for it.
import type {
  ContinuationPolicy,
  IngestSummary,
  OnBadFile,
  Service,
  SynthOptions,
  SynthSummary,
} from '../../data/index.ts';
import { ensureDir, usageError } from '../../errors/index.ts';
import { intFlag, parseFlags, workersFlag } from '../flags.ts';
import { interruptible } from '../interrupt.ts';
import { benchHome } from '../paths.ts';
import { createProgress } from '../progress.ts';

const SUBCOMMANDS = 'synth, ingest';

const listFlag = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

const fmt = (n: number) => n.toLocaleString('en-US');

const dataRoom = () => import('../../data/index.ts');

export async function dataCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'synth':
      return synthCommand(rest);
    case 'ingest':
      return ingestCommand(rest);
    default:
      throw usageError(sub === undefined ? 'data: missing subcommand' : `data: unknown subcommand '${sub}'`, {
        hint: `use one of ${SUBCOMMANDS}`,
      });
  }
}

const synthFlags = {
  out: { type: 'string' },
  preset: { type: 'string' },
  runs: { type: 'string' },
  'errors-per-run': { type: 'string' },
  services: { type: 'string' },
  seed: { type: 'string' },
  order: { type: 'string' },
  faults: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function synthOptionsFrom(values: Record<string, string | boolean | undefined>): Partial<Omit<SynthOptions, 'outDir'>> {
  const o: Partial<Omit<SynthOptions, 'outDir'>> = {};
  if (values.preset !== undefined) o.preset = values.preset as SynthOptions['preset'];
  const runs = intFlag(values.runs as string | undefined, 'runs', 1);
  if (runs !== undefined) o.runs = runs;
  const epr = intFlag(values['errors-per-run'] as string | undefined, 'errors-per-run', 0);
  if (epr !== undefined) o.errorsPerRun = epr;
  const services = listFlag(values.services as string | undefined);
  if (services !== undefined) o.services = services as Service[];
  const seed = intFlag(values.seed as string | undefined, 'seed', 0);
  if (seed !== undefined) o.seed = seed;
  if (values.order !== undefined) o.order = values.order as SynthOptions['order'];
  if (values.faults !== undefined) o.faults = values.faults as SynthOptions['faults'];
  return o;
}

async function synthCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, synthFlags, 'data synth');
  if (values.help) {
    process.stdout.write(
      'usage: bench data synth [--out DIR] [--preset tiny|standard|large] [--runs N] [--errors-per-run N]\n' +
        '                        [--services code,token,refresh-token] [--seed N] [--order shuffled|v1]\n' +
        '                        [--faults injected|none] [--workers N] [--json]\n' +
        '  --order shuffled  LO2 v2 (default): shuffled cases of 20-180 s, 1 line in 20 kept, oauth2_logs_LO2_run_<epoch>/\n' +
        '  --order v1        LO2 v1: correct first, then each case, 60 s each, full files, light-oauth2-data-<epoch>/\n' +
        '  --faults none     the same tree with every fault-caused line left out (a null dataset)\n' +
        '  --workers N       worker threads (default: one per core for large trees, none for small ones;\n' +
        '                    the tree is byte-identical whatever N)\n' +
        'The ground truth goes beside the logs: lo2-truth.json at the root, <log>.faults (fault line numbers).\n',
    );
    return 0;
  }
  const options = synthOptionsFrom(values);
  const { generateSynth, materializeDataset } = await dataRoom();
  const progress = values.json ? undefined : createProgress('synth');
  const onProgress = progress ? (d: number, t: number) => progress.update(d, t) : undefined;
  let root: string;
  let summary: unknown;
  let generated = true;
  const t0 = performance.now();
  if (values.out !== undefined) {
    root = ensureDir(values.out, 'synthetic tree folder', 'pass a folder path with --out (a new or empty folder)');
    const workers = workersFlag(values.workers);
    if (workers !== undefined && workers > 64) {
      throw usageError(`data synth: --workers ${workers} is more threads than this tool will start (at most 64)`, {
        hint: 'leave it out: large trees use one thread per core',
      });
    }
    summary = await generateSynth({ ...options, outDir: root }, onProgress, workers);
  } else {
    const m = await materializeDataset(
      { source: 'synthetic', ...options },
      onProgress ? { cacheDir: join(benchHome(), 'cache'), onProgress } : { cacheDir: join(benchHome(), 'cache') },
    );
    root = m.root;
    summary = m.synth;
    generated = m.generated;
  }
  progress?.finish();
  const seconds = (performance.now() - t0) / 1000;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ root, generated, seconds, ...(summary as object) }, null, 2)}\n`);
    return 0;
  }
  const s = summary as SynthSummary;
  process.stdout.write(
    `${generated ? 'generated' : 'cache hit, reused'} ${root}\n` +
      `  runs ${fmt(s.runs)}  sequences ${fmt(s.sequences)}  lines ${fmt(s.lines)}  ` +
      `${(s.bytes / 1e6).toFixed(1)} MB  in ${seconds.toFixed(1)} s\n` +
      (s.droppedFaultLines > 0
        ? `  null dataset: ${fmt(s.droppedFaultLines)} fault lines left out of ${fmt(s.filesWithFaults)} files\n`
        : `  fault lines ${fmt(s.faultLines)} in ${fmt(s.filesWithFaults)} files (ground truth beside the logs)\n`),
  );
  return 0;
}

const ingestFlags = {
  ...synthFlags,
  'error-case': { type: 'string' },
  trim: { type: 'string' },
  continuation: { type: 'string' },
  workers: { type: 'string' },
  parquet: { type: 'boolean' },
  force: { type: 'boolean' },
  'on-bad-file': { type: 'string' },
} as const;

type IngestFlagValues = ReturnType<typeof parseFlags<typeof ingestFlags>>['values'];

async function ingestCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, ingestFlags, 'data ingest');
  if (values.help) {
    process.stdout.write(
      'usage: bench data ingest [DIR] [--runs N] [--errors-per-run N] [--error-case NAME]\n' +
        '                         [--services code,token,refresh-token] [--seed N] [--trim N] [--workers N]\n' +
        '                         [--continuation merge|drop|keep] [--on-bad-file fail|skip] [--parquet] [--force] [--json]\n' +
        'Without DIR the embedded default is used: the synthetic standard preset (--preset/--order/--faults pick another).\n' +
        '--workers N: reader threads besides the main thread (default: none below 384 MB of logs, else one per other core).\n' +
        '--continuation: stack-frame lines after an event are merged into it (default), dropped, or kept as events\n' +
        '  of their own with the time of the event above (the v2 archive keeps every 20th line, so merging joins\n' +
        '  frames to unrelated events).\n' +
        '--on-bad-file: a log file that cannot be read (not a regular file, a broken or oversized .gz, too large)\n' +
        '  ends the command in an error naming it (fail, the default), or is only listed as FAILED (skip).\n',
    );
    return 0;
  }
  if (positionals.length > 1) throw usageError(`data ingest takes one folder, got ${positionals.length}`);
  const { badFilesError, ON_BAD_FILE } = await dataRoom();
  const onBadFile = (values['on-bad-file'] ?? 'fail') as OnBadFile;
  if (!ON_BAD_FILE.includes(onBadFile)) {
    throw usageError(`--on-bad-file must be one of ${ON_BAD_FILE.join(', ')} (got '${onBadFile}')`, {
      hint: "'fail' ends in an error naming the log files that cannot be read, 'skip' only lists them",
    });
  }
  const cacheDir = join(benchHome(), 'cache');
  const root = positionals[0];
  if (
    root !== undefined &&
    (values.preset !== undefined || values.order !== undefined || values.faults !== undefined)
  ) {
    throw usageError(
      'data ingest: --preset and --order pick the synthetic default (so does --faults); they cannot be combined with DIR',
      { hint: 'drop DIR to ingest a synthetic preset, or drop --preset/--order/--faults' },
    );
  }
  // Ctrl-C stops the generation or the ingest between files and leaves nothing in the cache.
  const { controller, dispose } = interruptible('stopping the ingest; nothing is cached');
  const { signal } = controller;
  let summary: IngestSummary;
  try {
    summary = await generateAndIngest(root, values, cacheDir, signal);
  } catch (err) {
    if (!signal.aborted) throw err;
    process.stderr.write('ingest stopped: nothing was cached\n');
    return 130;
  } finally {
    dispose();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(formatIngest(summary));
  const bad = badFilesError(summary, onBadFile, 'pass --on-bad-file skip to keep the tables without them');
  if (bad) throw bad;
  return 0;
}

/** The tree (the synthetic default unless DIR was given), then its ingest, both stopped by `signal`. */
async function generateAndIngest(
  dir: string | undefined,
  values: IngestFlagValues,
  cacheDir: string,
  signal: AbortSignal,
): Promise<IngestSummary> {
  const { ingest, materializeDataset } = await dataRoom();
  let root = dir;
  if (root === undefined) {
    const { preset, order, seed, faults } = synthOptionsFrom(values);
    const m = await materializeDataset(
      { source: 'synthetic', preset: preset ?? 'standard', order, seed, faults },
      { cacheDir, signal },
    );
    root = m.root;
    if (!values.json) process.stderr.write(`dataset: synthetic ${preset ?? 'standard'} preset at ${root}\n`);
  }
  const selection = synthOptionsFrom({ ...values, preset: undefined, order: undefined });
  const progress = values.json ? undefined : createProgress('ingest');
  const workers = workersFlag(values.workers);
  const trim = intFlag(values.trim, 'trim', 0);
  try {
    return await ingest(root, {
      cacheDir,
      signal,
      tuneHeap: true,
      selection: {
        ...(selection.runs !== undefined && { runs: selection.runs }),
        ...(selection.errorsPerRun !== undefined && { errorsPerRun: selection.errorsPerRun }),
        ...(selection.services !== undefined && { services: selection.services }),
        ...(selection.seed !== undefined && { seed: selection.seed }),
        ...(values['error-case'] !== undefined && { errorCase: values['error-case'] }),
      },
      ...(workers !== undefined && { workers }),
      ...(trim !== undefined && { trimLines: trim }),
      ...(values.continuation !== undefined && { continuation: values.continuation as ContinuationPolicy }),
      parquet: values.parquet === true,
      force: values.force === true,
      ...(progress && {
        onProgress: (p) => progress.update(p.filesDone, p.filesTotal, `files, ${fmt(p.events)} events`),
      }),
    });
  } finally {
    progress?.finish();
  }
}

/** How many of a list the report prints; --json gives all. */
const REPORT_TOP = 5;

/**
 * The human-readable ingest report: counts, skipped lines by reason, notes on the data (files whose
 * times cannot be one recording), failed files, what was not used.
 */
export function formatIngest(s: IngestSummary): string {
  const lines: string[] = [];
  const secs = (s.timings.discoverMs + s.timings.ingestMs) / 1000;
  lines.push(
    s.cacheHit
      ? `cache hit: ${s.dir} (same inputs and options as an earlier ingest; --force rebuilds)`
      : `ingested ${s.root} in ${secs.toFixed(1)} s → ${s.dir}`,
  );
  lines.push(`  runs        ${fmt(s.runs)} selected of ${fmt(s.runsFound)} found`);
  lines.push(`  test cases  ${fmt(s.testCases)}`);
  lines.push(
    `  sequences   ${fmt(s.sequences)}${s.emptySequences.length ? ` (+${s.emptySequences.length} empty after trimming, left out)` : ''}`,
  );
  lines.push(`  events      ${fmt(s.events)}`);
  const c = s.continuation;
  const policy = {
    merge: `${fmt(c.merged)} continuation lines merged into the event above`,
    drop: `${fmt(c.dropped)} continuation lines dropped`,
    keep: `${fmt(c.kept)} continuation lines kept as events`,
  }[s.options.continuation];
  lines.push(
    `  lines       ${fmt(s.lines)} read, ${fmt(s.trimmed)} trimmed (first ${s.options.trimLines} per file), ${policy}`,
  );
  if (s.truth) {
    lines.push(
      `  truth       faults ${s.truth.faults}: ${fmt(s.truth.faultEvents)} fault events in ` +
        `${fmt(s.truth.faultSequences)} sequences (${fmt(s.truth.listedLines)} fault lines listed)`,
    );
  }
  const skippedTotal = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  lines.push(`  skipped     ${fmt(skippedTotal)} lines`);
  for (const [reason, n] of Object.entries(s.skipped)) if (n > 0) lines.push(`    ${reason.padEnd(22)} ${fmt(n)}`);
  const notes = [
    s.crlf && `${fmt(s.crlf)} CRLF line endings`,
    s.bom && `${fmt(s.bom)} byte-order marks`,
    s.invalidUtf8 && `${fmt(s.invalidUtf8)} lines with invalid UTF-8 (kept, bytes replaced by U+FFFD)`,
  ].filter(Boolean);
  if (notes.length) lines.push(`  repaired    ${notes.join('; ')}`);
  lines.push(`  messages    ${fmt(s.distinctMessages)} distinct normalised, ${fmt(s.templates)} Drain templates`);
  const worst = Object.entries(s.skippedByFile)
    .map(([path, r]) => [path, Object.values(r).reduce((a, b) => a + (b ?? 0), 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  if (worst.length) {
    lines.push('  files with skipped lines (top 5; --json lists all):');
    for (const [path, n] of worst) lines.push(`    ${fmt(n).padStart(7)}  ${path}`);
  }
  const dataNotes = s.notes ?? [];
  for (const n of dataNotes.slice(0, REPORT_TOP)) lines.push(`  note        ${n.path}: ${n.note}`);
  if (dataNotes.length > REPORT_TOP)
    lines.push(`  note        … ${dataNotes.length - REPORT_TOP} more (--json lists all)`);
  for (const f of s.failedFiles) lines.push(`  FAILED      ${f.path}: ${f.error}`);
  for (const p of s.emptySequences.slice(0, 5)) lines.push(`  empty       ${p}`);
  for (const [reason, paths] of Object.entries(s.ignored)) {
    lines.push(`  not used    ${paths.length} × ${reason}${paths.length ? ` (e.g. ${paths[0]})` : ''}`);
  }
  const files = Object.values(s.files).filter((v): v is string => typeof v === 'string');
  lines.push(`  files       ${files.join(', ')}${s.files.parquet ? ' + Parquet copies' : ''}`);
  return `${lines.join('\n')}\n`;
}
