/**
 * Finds the sequences (service log files) of an LO2 tree and selects a seeded subset the way the
 * original tooling does — runs, error cases per run, one error type, services — but over sorted
 * listings, never directory order or unseeded randomness.
 */
import { readdirSync, statSync } from 'node:fs';
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
  /** Things in the tree that were not used, by reason, so nothing is dropped silently. */
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

/** A folder or file the listing cannot read, as an error that names it. */
function unreadable(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return dataError(`cannot read ${path} while listing the dataset: ${code ?? (err as Error).message}`, {
    file: path,
    hint:
      code === 'EACCES' || code === 'EPERM'
        ? 'give the user running bench read and search permission on it (chmod -R a+rX)'
        : 'check that it still exists and is readable',
  });
}

function readDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(dir, err);
  }
}

function statFile(path: string) {
  try {
    return statSync(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

function listDirs(dir: string): string[] {
  const entries = readDir(dir);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
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
  for (const runName of listDirs(root)) {
    const runDir = join(root, runName);
    // The public v2 archive ships it (empty) beside its runs; whatever it might hold is not a run.
    if (runName === V2_PRERUN_FOLDER) {
      ignore(`the v2 archive's '${V2_PRERUN_FOLDER}' folder (not a run)`, runDir);
      continue;
    }
    const cases = new Map<string, Map<Service, string>>();
    for (const caseName of listDirs(runDir)) {
      const caseDir = join(runDir, caseName);
      const logs = new Map<Service, string>();
      const names = readDir(caseDir)
        .map((e) => e.name)
        .sort();
      for (const file of names) {
        const m = SERVICE_FILE_PATTERN.exec(file);
        if (!m) continue;
        const service = m[1] as Service;
        const prev = logs.get(service);
        // Prefer the plain file when both x.log and x.log.gz exist; report the other.
        if (prev !== undefined) {
          ignore('duplicate service log (kept the first in sorted order)', join(caseDir, file));
          continue;
        }
        logs.set(service, file);
      }
      if (logs.size > 0) cases.set(caseName, logs);
      else ignore('test case folder without service logs', caseDir);
    }
    if (cases.size > 0) runs.push({ name: runName, cases });
    else ignore('folder without test cases holding service logs', runDir);
  }
  if (runs.length === 0) {
    throw dataError(`no LO2 runs found under ${root}`, {
      file: root,
      hint: 'expected <root>/<run>/<test case>/light-oauth2-oauth2-<service>-1.log (or oauth2-<service>.log); generate a tree with `bench data synth`',
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
