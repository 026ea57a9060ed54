/**
 * The generator's entry point: plans the runs, builds every sequence and writes the v1 layout
 * `<outDir>/light-oauth2-data-<epoch>/<case>/light-oauth2-oauth2-<svc>-1.log`.
 *
 * Each file is rendered into one string and written with one call; the writes of a run overlap the
 * generation of the next one (at most one run in flight), so memory stays at about two runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORRECT_CASE, type ErrorCase, runDirName, serviceLogFileName } from '../lo2/constants.ts';
import { CASE_FAILURES } from './errors.ts';
import { PRESETS, resolveSynthOptions, type SynthOptions } from './options.ts';
import { Rng } from './random.ts';
import { type CasePlan, planRuns, type RunPlan } from './schedule.ts';
import { buildSequence, type JvmState, type SequenceSpec } from './sequence.ts';

export interface SynthSummary {
  runs: number;
  sequences: number;
  lines: number;
  bytes: number;
  files: number;
}

/** Share of (run, service) pairs whose lazy first-use lines fall into the second test case. */
const LAZY_LATE = 0.1;

function spec(
  options: Readonly<SynthOptions>,
  run: RunPlan,
  k: number,
  service: SequenceSpec['service'],
): SequenceSpec {
  const plan = run.cases[k] as CasePlan;
  const failures =
    plan.testCase === CORRECT_CASE
      ? []
      : CASE_FAILURES[plan.testCase as ErrorCase]
          .filter((f) => f.service === service)
          .map((failure) => ({ failure, share: plan.failShare }));
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
    failures,
    startupLines: !run.warm && k === 0 ? count : 0,
    lazyLines: !run.warm && k === (lazyLate ? 1 : 0),
    flow: plan.flow,
    minLines: PRESETS[options.preset].minLines,
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
  const summary: SynthSummary = { runs: runs.length, sequences: 0, lines: 0, bytes: 0, files: 0 };
  let inFlight: Promise<unknown> = Promise.resolve();
  let done = 0;

  for (const run of runs) {
    const runDir = join(o.outDir, runDirName(run.epochSec));
    const files: [string, string][] = [];
    for (const service of o.services) {
      // One JVM per service and run: state (status.yml loaded) carries over in execution order.
      const jvm: JvmState = { statusLoaded: run.warm };
      for (let k = 0; k < run.cases.length; k++) {
        const plan = run.cases[k] as CasePlan;
        const seq = buildSequence(spec(o, run, k, service), jvm);
        files.push([join(runDir, plan.testCase, serviceLogFileName(service)), seq.text]);
        summary.sequences++;
        summary.lines += seq.lines;
        summary.bytes += Buffer.byteLength(seq.text);
      }
    }
    await inFlight;
    inFlight = (async () => {
      await Promise.all(run.cases.map((c) => mkdir(join(runDir, c.testCase), { recursive: true })));
      await Promise.all(files.map(([path, text]) => writeFile(path, text)));
      summary.files += files.length;
      done += files.length;
      onProgress?.(done, total);
    })();
  }
  await inFlight;
  return summary;
}
