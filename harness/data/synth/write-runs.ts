/**
 * Builds and writes whole runs of a synthetic tree: every sequence of a run (one per service and
 * test case, its JVM's state carried over in execution order) and the ground truth beside each log.
 * Used by the main thread and by generate-worker.ts alike, so a run's files never depend on which
 * thread wrote them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CORRECT_CASE,
  type ErrorCase,
  faultLinesFileOf,
  runDirName,
  serviceLogFileName,
  v2RunDirName,
} from '../lo2/constants.ts';
import { CASE_FAILURES, type Failure } from './errors.ts';
import { PRESETS, type SynthOptions } from './options.ts';
import { Rng } from './random.ts';
import { type CasePlan, type RunPlan, timeScale } from './schedule.ts';
import { buildSequence, type JvmState, type SequenceSpec } from './sequence.ts';

export interface SynthSummary {
  runs: number;
  sequences: number;
  /** Physical lines written. */
  lines: number;
  bytes: number;
  /** Log files written (the ground-truth files beside them are not counted). */
  files: number;
  /** Fault lines in the written logs (0 with `faults: 'none'`). */
  faultLines: number;
  /** Fault lines left out (`faults: 'none'`; 0 otherwise). */
  droppedFaultLines: number;
  /** Files that hold at least one fault line (or, with `faults: 'none'`, would have). */
  filesWithFaults: number;
}

/** Share of (run, service) pairs whose lazy first-use lines fall into the second test case. */
const LAZY_LATE = 0.1;
/** LO2 v2 keeps every 20th line of each log; the generator keeps each line with probability 1/20 (sequence.ts). */
const V2_THIN = 20;

function spec(
  options: Readonly<SynthOptions>,
  run: RunPlan,
  k: number,
  service: SequenceSpec['service'],
): SequenceSpec {
  const plan = run.cases[k] as CasePlan;
  const failure =
    plan.testCase === CORRECT_CASE
      ? undefined
      : CASE_FAILURES[plan.testCase as ErrorCase].find((f: Failure) => f.service === service);
  // Start-up lines go to the run's first case; the lazy ones sometimes to the second.
  const rng = Rng.for(options.seed, 'startup', run.index, service);
  const [lo, hi] = PRESETS[options.preset].startupLines;
  const count = rng.int(lo, hi);
  const lazyLate = rng.chance(LAZY_LATE) && run.cases.length > 1;
  return {
    seed: options.seed,
    run: run.index,
    service,
    testCase: plan.testCase,
    startMs: plan.startMs,
    durationMs: plan.durationMs,
    load: plan.load,
    fault: failure === undefined ? null : { failure, rate: plan.faultRate },
    startupLines: !run.warm && k === 0 ? count : 0,
    lazyLines: !run.warm && k === (lazyLate ? 1 : 0),
    thin: options.order === 'shuffled' ? V2_THIN : 1,
    timeScale: timeScale(options),
    dropFaultLines: options.faults === 'none',
  };
}

/** A zeroed summary over `runs` runs. */
export function emptySummary(runs: number): SynthSummary {
  return { runs, sequences: 0, lines: 0, bytes: 0, files: 0, faultLines: 0, droppedFaultLines: 0, filesWithFaults: 0 };
}

export function add(into: SynthSummary, part: SynthSummary): void {
  into.sequences += part.sequences;
  into.lines += part.lines;
  into.bytes += part.bytes;
  into.files += part.files;
  into.faultLines += part.faultLines;
  into.droppedFaultLines += part.droppedFaultLines;
  into.filesWithFaults += part.filesWithFaults;
}

/** The folder of a run in the tree (its name follows the order's layout). */
export function runDirOf(o: Readonly<SynthOptions>, run: RunPlan): string {
  return join(o.outDir, o.order === 'shuffled' ? v2RunDirName(run.epochSec) : runDirName(run.epochSec));
}

/** The files of one run (logs and their ground truth), in a fixed order, and what they hold. */
function buildRun(
  o: Readonly<SynthOptions>,
  run: RunPlan,
): { dirs: string[]; files: [string, string][]; summary: SynthSummary } {
  const runDir = runDirOf(o, run);
  const files: [string, string][] = [];
  const summary = emptySummary(0);
  for (const service of o.services) {
    // One JVM per service and run: state (status.yml loaded) carries over in execution order.
    const jvm: JvmState = { statusLoaded: run.warm };
    for (let k = 0; k < run.cases.length; k++) {
      const plan = run.cases[k] as CasePlan;
      const seq = buildSequence(spec(o, run, k, service), jvm);
      const path = join(runDir, plan.testCase, serviceLogFileName(service));
      files.push([path, seq.text]);
      files.push([faultLinesFileOf(path), seq.faultLines.length === 0 ? '' : `${seq.faultLines.join('\n')}\n`]);
      summary.sequences++;
      summary.files++;
      summary.lines += seq.lines;
      summary.bytes += Buffer.byteLength(seq.text);
      summary.faultLines += seq.faultLines.length;
      summary.droppedFaultLines += seq.droppedFaultLines;
      if (seq.faultLines.length + seq.droppedFaultLines > 0) summary.filesWithFaults++;
    }
  }
  return { dirs: run.cases.map((c) => join(runDir, c.testCase)), files, summary };
}

/**
 * Writes a run's files. Every write has ended before this rejects: a failed write (a full disk) then
 * leaves no other write of the run still going, so the caller can remove what was written.
 */
async function writeRun(built: ReturnType<typeof buildRun>): Promise<void> {
  await settleAll(built.dirs.map((d) => mkdir(d, { recursive: true })));
  await settleAll(built.files.map(([path, text]) => writeFile(path, text)));
}

/** Waits for every promise, then rejects with the first rejection, if any. */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  for (const r of await Promise.allSettled(promises)) if (r.status === 'rejected') throw r.reason;
}

/**
 * Builds and writes some runs of a tree (all of them, or a worker's share; see generate-worker.ts).
 * The writes of a run overlap the building of the next; `onWritten(files)` follows each run's writes.
 */
export async function generateRuns(
  o: Readonly<SynthOptions>,
  runs: readonly RunPlan[],
  onWritten?: (files: number) => void,
): Promise<SynthSummary> {
  const summary = emptySummary(0);
  let inFlight: Promise<unknown> = Promise.resolve();
  for (const run of runs) {
    const built = buildRun(o, run);
    add(summary, built.summary);
    await inFlight;
    inFlight = writeRun(built).then(() => onWritten?.(built.summary.files));
  }
  await inFlight;
  return summary;
}
