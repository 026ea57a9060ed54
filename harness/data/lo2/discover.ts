/**
 * Finds the sequences (service log files) of an LO2 tree and selects a seeded subset the way the
 * original tooling does — runs, error cases per run, one error type, services — but over sorted
 * listings, never directory order or unseeded randomness.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import seedrandom from 'seedrandom';
import { dataError, usageError } from '../../errors/index.ts';
import {
  CORRECT_CASE,
  DEFAULT_SERVICES,
  faultLinesFileOf,
  isService,
  SERVICE_FILE_PATTERN,
  SERVICES,
  type Service,
  TRUTH_MANIFEST,
  V2_PRERUN_FOLDER,
} from './constants.ts';
import { type Entry, listEntries, unreadable } from './entries.ts';
import { readTruthManifest, type TruthManifest } from './truth.ts';

export interface SelectionOptions {
  /** Runs to take, sampled with `seed` from the sorted run list; 0 = all. @default 0 */
  runs: number;
  /** Error cases per run, sampled with `seed`; -1 = all present. @default -1 */
  errorsPerRun: number;
  /** Take only this error case (plus correct) in every run. @default null */
  errorCase: string | null;
  /** Services whose logs are read. @default DEFAULT_SERVICES */
  services: readonly Service[];
  /** Seed of the run and error-case sampling. @default 1 */
  seed: number;
}

export const defaultSelection: Readonly<SelectionOptions> = Object.freeze({
  runs: 0,
  errorsPerRun: -1,
  errorCase: null,
  services: DEFAULT_SERVICES,
  seed: 1,
});

/** One sequence to load: a (run, test case, service) log file. */
export interface SequenceFile {
  seqId: string;
  run: string;
  /** Run start in unix seconds, from the run directory name; null if the name carries none. */
  runEpochSec: number | null;
  testCase: string;
  service: Service;
  anomaly: boolean;
  path: string;
  size: number;
  mtimeMs: number;
  /** The log's fault-lines file when the tree carries ground truth (size and mtime: cache identity). */
  faults: { path: string; size: number; mtimeMs: number } | null;
}

export interface Discovery {
  root: string;
  selection: Readonly<SelectionOptions>;
  /** The tree's ground-truth manifest (a generated tree), or null (real LO2). */
  truth: TruthManifest | null;
  files: SequenceFile[];
  runsFound: number;
  runsSelected: number;
  /**
   * Things in the tree that were not used, by reason, so nothing is dropped silently: files and
   * folders where none belong, logs of unknown services, symlinks that dangle or loop. Only the
   * files known to sit beside the logs are passed over without a word (notALog).
   */
  ignored: Record<string, string[]>;
}

/** Parses the run start from a run directory name (`light-oauth2-data-<epoch>`, `..._run_<epoch>`). */
export function runEpochFromName(name: string): number | null {
  const m = /(\d{9,13})(?!.*\d)/.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return m[1]!.length >= 13 ? Math.floor(n / 1000) : n;
}

export function resolveSelection(partial: Partial<SelectionOptions> = {}): Readonly<SelectionOptions> {
  const o = { ...defaultSelection, ...partial };
  if (!Number.isInteger(o.runs) || o.runs < 0)
    throw usageError(`runs must be a non-negative integer (got ${o.runs})`, { field: 'runs' });
  if (!Number.isInteger(o.errorsPerRun) || o.errorsPerRun < -1)
    throw usageError(`errors-per-run must be an integer ≥ 0, or -1 for all (got ${o.errorsPerRun})`, {
      field: 'errorsPerRun',
    });
  if (!Number.isInteger(o.seed)) throw usageError(`seed must be an integer (got ${o.seed})`, { field: 'seed' });
  if (o.services.length === 0) throw usageError('services must name at least one service', { field: 'services' });
  for (const s of o.services) {
    if (!isService(s))
      throw usageError(`services: unknown service '${s}'`, {
        field: 'services',
        hint: `use any of ${SERVICES.join(', ')}`,
      });
  }
  return Object.freeze({ ...o, services: [...new Set(o.services)].sort() });
}

function statFile(path: string) {
  try {
    return statSync(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** Seeded sample of k items, returned in their original (sorted) order. */
function sample<T>(items: readonly T[], k: number, rng: () => number): T[] {
  if (k >= items.length) return [...items];
  const idx = items.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

/**
 * Lists and selects the sequences under `root`. Throws a BenchError for a missing or empty tree.
 * The listing uses synchronous calls: one awaited `readdir`/`stat` after another would make each a
 * round trip through libuv's thread pool, thousands of them on a large tree, where a synchronous
 * call is a plain system call (docs/PERFORMANCE.md).
 */
export async function discover(root: string, partial: Partial<SelectionOptions> = {}): Promise<Discovery> {
  const sel = resolveSelection(partial);
  const rootStat = statSync(root, { throwIfNoEntry: false });
  if (!rootStat) {
    throw dataError(`dataset folder not found: ${root}`, {
      file: root,
      hint: 'pass the folder that holds the run directories (light-oauth2-data-<epoch>/), or generate one with `bench data synth`',
    });
  }
  if (!rootStat.isDirectory()) {
    throw dataError(`dataset path is not a folder: ${root}`, {
      file: root,
      hint: 'pass the folder that holds the runs',
    });
  }
  const ignored: Record<string, string[]> = {};
  const ignore = (reason: string, path: string) => {
    (ignored[reason] ??= []).push(path);
  };
  const truth = readTruthManifest(root);

  // A run is a directory whose subdirectories (test cases) hold service logs.
  const runs: { name: string; cases: Map<string, Map<Service, string>> }[] = [];
  for (const run of listEntries(root)) {
    if (run.type === 'broken') {
      ignore(run.reason, run.path);
      continue;
    }
    if (run.type !== 'dir') {
      if (run.name !== TRUTH_MANIFEST) ignore(NOT_A_RUN, run.path);
      continue;
    }
    // The public v2 archive ships it (empty) beside its runs; whatever it might hold is not a run.
    if (run.name === V2_PRERUN_FOLDER) {
      ignore(`the v2 archive's '${V2_PRERUN_FOLDER}' folder (not a run)`, run.path);
      continue;
    }
    const cases = new Map<string, Map<Service, string>>();
    for (const testCase of listEntries(run.path)) {
      if (testCase.type === 'broken') {
        ignore(testCase.reason, testCase.path);
        continue;
      }
      if (testCase.type !== 'dir') {
        ignore(NOT_A_TEST_CASE, testCase.path);
        continue;
      }
      const logs = new Map<Service, string>();
      for (const file of listEntries(testCase.path)) {
        const m = SERVICE_FILE_PATTERN.exec(file.name);
        if (!m) {
          const why = notALog(file, truth !== null);
          if (why !== null) ignore(why, file.path);
          continue;
        }
        // A log that leads nowhere is not a candidate: a .gz beside it may be the service's log.
        if (file.type === 'broken') {
          ignore(file.reason, file.path);
          continue;
        }
        // A FIFO, device or folder named like a log stays the service's log: the reader refuses it
        // without opening it, and the ingest reports it as a failed file.
        const service = m[1] as Service;
        const prev = logs.get(service);
        // Prefer the plain file when both x.log and x.log.gz exist; report the other.
        if (prev !== undefined) {
          ignore('duplicate service log (kept the first in sorted order)', file.path);
          continue;
        }
        logs.set(service, file.name);
      }
      if (logs.size > 0) cases.set(testCase.name, logs);
      else ignore('test case folder without service logs', testCase.path);
    }
    if (cases.size > 0) runs.push({ name: run.name, cases });
    else ignore('folder without test cases holding service logs', run.path);
  }
  if (runs.length === 0) {
    // What the listing passed over is often the answer: a dangling link, a misnamed log.
    const passed = Object.entries(ignored).map(([reason, paths]) => `${paths.length} × ${reason} (e.g. ${paths[0]})`);
    throw dataError(`no LO2 runs found under ${root}`, {
      file: root,
      hint:
        'expected <root>/<run>/<test case>/light-oauth2-oauth2-<service>-1.log (or oauth2-<service>.log); generate a tree with `bench data synth`' +
        (passed.length > 0 ? `; not used: ${passed.join('; ')}` : ''),
    });
  }

  const rng = seedrandom(`lo2-selection:${sel.seed}`);
  const chosenRuns = sel.runs === 0 ? runs : sample(runs, sel.runs, rng);
  const files: SequenceFile[] = [];
  for (const run of chosenRuns) {
    const caseNames = [...run.cases.keys()].sort();
    const errorCases = caseNames.filter((c) => c !== CORRECT_CASE);
    let chosenErrors: string[];
    if (sel.errorCase !== null) chosenErrors = errorCases.filter((c) => c === sel.errorCase);
    else if (sel.errorsPerRun < 0) chosenErrors = errorCases;
    else chosenErrors = sample(errorCases, sel.errorsPerRun, rng);
    const chosen = run.cases.has(CORRECT_CASE) ? [CORRECT_CASE, ...chosenErrors] : chosenErrors;
    if (!run.cases.has(CORRECT_CASE))
      ignore('run without a correct test case (only error cases used)', join(root, run.name));
    for (const testCase of chosen) {
      const logs = run.cases.get(testCase)!;
      for (const service of sel.services) {
        const file = logs.get(service);
        if (file === undefined) {
          ignore(`missing ${service} log`, join(root, run.name, testCase));
          continue;
        }
        const path = join(root, run.name, testCase, file);
        const st = statFile(path);
        const faults = truth === null ? null : faultsOf(path);
        const stem = basename(file).replace(/\.log(\.gz)?$/, '');
        files.push({
          seqId: `${run.name}__${testCase}__${stem}`,
          run: run.name,
          runEpochSec: runEpochFromName(run.name),
          testCase,
          service,
          anomaly: testCase !== CORRECT_CASE,
          path,
          size: st.size,
          mtimeMs: Math.trunc(st.mtimeMs),
          faults,
        });
      }
    }
  }
  if (sel.errorCase !== null && !files.some((f) => f.testCase === sel.errorCase)) {
    throw usageError(`error case '${sel.errorCase}' is not present in any selected run under ${root}`, {
      field: 'errorCase',
      hint: 'check the spelling against the folder names (see shared lo2 error-cases list)',
    });
  }
  return { root, selection: sel, truth, files, runsFound: runs.length, runsSelected: chosenRuns.length, ignored };
}

const NOT_A_RUN = 'file beside the runs (not a run folder)';
const NOT_A_TEST_CASE = 'file in a run folder (not a test case folder)';

/** LO2's Prometheus metrics beside the logs (`metric_*.json`): part of the dataset, never read here. */
const METRICS_FILE = /^metric_.*\.json$/;

/**
 * Why an entry of a test case folder that is not named like a service log is not used; null for
 * the files known to sit beside the logs (LO2's metrics; a generated tree's fault-lines files).
 */
function notALog(entry: Entry, hasTruth: boolean): string | null {
  if (entry.type === 'broken') return entry.reason;
  if (entry.type === 'dir') return 'folder inside a test case folder (not read)';
  if (METRICS_FILE.test(entry.name)) return null;
  if (entry.name.endsWith('.faults') && SERVICE_FILE_PATTERN.test(entry.name.slice(0, -'.faults'.length)))
    return hasTruth ? null : `fault-lines file, but the tree has no ${TRUTH_MANIFEST} (not read)`;
  if (/\.log(\.gz)?$/.test(entry.name)) return `log of an unknown service (not one of ${SERVICES.join(', ')})`;
  return 'not a service log (expected light-oauth2-oauth2-<service>-1.log)';
}

/** The fault-lines file beside a log of a tree with a truth manifest; a data error when it is missing. */
function faultsOf(logPath: string): SequenceFile['faults'] {
  const path = faultLinesFileOf(logPath);
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) {
    throw dataError(`missing fault-lines file ${path}: the tree's ${TRUTH_MANIFEST} says every log has one`, {
      file: path,
      hint: `regenerate the tree with \`bench data synth\`, or delete ${TRUTH_MANIFEST} to read the tree as a real one (no truth)`,
    });
  }
  return { path, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
}
