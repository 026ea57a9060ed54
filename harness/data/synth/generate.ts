/**
 * The generator's entry point: plans the runs, builds every sequence and writes the tree in the
 * layout of its order — v1 `<outDir>/light-oauth2-data-<epoch>/<case>/light-oauth2-oauth2-<svc>-1.log`;
 * shuffled, the public v2 archive's `<outDir>/oauth2_logs_LO2_run_<epoch>/…` beside an empty
 * `prerun results` folder — with the ground truth beside the logs: `lo2-truth.json` at the root and
 * `<log>.faults` (the fault lines' numbers) beside every log.
 *
 * Each file is rendered into one string and written with one call; the writes of a run overlap the
 * generation of the next one (at most one run in flight), so memory stays at about two runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CORRECT_CASE,
  type ErrorCase,
  faultLinesFileOf,
  runDirName,
  serviceLogFileName,
  TRUTH_FORMAT,
  TRUTH_MANIFEST,
  V2_PRERUN_FOLDER,
  v2RunDirName,
} from '../lo2/constants.ts';
import { CASE_FAILURES, type Failure } from './errors.ts';
import { PRESETS, resolveSynthOptions, type SynthOptions } from './options.ts';
import { Rng } from './random.ts';
import { type CasePlan, planRuns, type RunPlan, timeScale } from './schedule.ts';
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

/**
 * Writes a synthetic LO2 tree under `options.outDir` (existing files of the same names are
 * replaced). Same options → byte-identical tree. `onProgress(done, total)` counts files.
 */
export async function generateSynth(
  options: Partial<SynthOptions> & { outDir: string },
  onProgress?: (done: number, total: number) => void,
): Promise<SynthSummary> {
  const o = resolveSynthOptions(options);
  const runs = planRuns(o);
  const total = runs.reduce((n, r) => n + r.cases.length, 0) * o.services.length;
  const summary: SynthSummary = {
    runs: runs.length,
    sequences: 0,
    lines: 0,
    bytes: 0,
    files: 0,
    faultLines: 0,
    droppedFaultLines: 0,
    filesWithFaults: 0,
  };
  const v2 = o.order === 'shuffled';
  await mkdir(o.outDir, { recursive: true });
  if (v2) await mkdir(join(o.outDir, V2_PRERUN_FOLDER), { recursive: true });
  await writeFile(
    join(o.outDir, TRUTH_MANIFEST),
    `${JSON.stringify({ format: TRUTH_FORMAT, faults: o.faults, generator: 'lo2-bench synth', seed: o.seed, order: o.order })}\n`,
  );
  let inFlight: Promise<unknown> = Promise.resolve();
  let done = 0;

  for (const run of runs) {
    const runDir = join(o.outDir, v2 ? v2RunDirName(run.epochSec) : runDirName(run.epochSec));
    const files: [string, string][] = [];
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
        summary.lines += seq.lines;
        summary.bytes += Buffer.byteLength(seq.text);
        summary.faultLines += seq.faultLines.length;
        summary.droppedFaultLines += seq.droppedFaultLines;
        if (seq.faultLines.length + seq.droppedFaultLines > 0) summary.filesWithFaults++;
      }
    }
    await inFlight;
    inFlight = (async () => {
      await Promise.all(run.cases.map((c) => mkdir(join(runDir, c.testCase), { recursive: true })));
      await Promise.all(files.map(([path, text]) => writeFile(path, text)));
      summary.files += files.length / 2;
      done += files.length / 2;
      onProgress?.(done, total);
    })();
  }
  await inFlight;
  return summary;
}
