/**
 * When things happen: run epochs, which error cases a run has, the order and duration of its test
 * cases, their load and failure volume. One seeded stream per run; runs are planned in order so
 * that epochs increase.
 *
 * Durations are LO2's (v1: about a minute per case; v2: 20–180 s) multiplied by a preset time
 * scale, so that the request rate stays the real one (≈83 requests/s on token) while sequences have
 * the preset's length. Durations, loads and failure volumes are drawn from the same distributions
 * for correct and error cases: neither length nor duration tells them apart.
 */
import { CORRECT_CASE, DEFAULT_SERVICES, ERROR_CASES, type ErrorCase } from '../lo2/constants.ts';
import { PRESETS, type SynthOptions } from './options.ts';
import { Rng } from './random.ts';
import { PROFILES } from './services.ts';
import type { ServiceProfile } from './templates.ts';

export type TestCase = typeof CORRECT_CASE | ErrorCase;

export interface CasePlan {
  readonly testCase: TestCase;
  /** Start, ms since the unix epoch. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Traffic multiplier shared by the services of this case in this run. */
  readonly load: number;
  /** Target share of failure ERROR lines in an affected service's file (0 for correct). */
  readonly failShare: number;
  /** Strength (0–1) of the error case's shift of the request mix in unaffected services (0 for correct). */
  readonly flow: number;
  /** First case of the run: its files get the start-up lines. */
  readonly first: boolean;
}

export interface RunPlan {
  readonly index: number;
  readonly epochSec: number;
  /** The services were not restarted before this run: no start-up lines, status.yml already loaded. */
  readonly warm: boolean;
  /** In execution order. */
  readonly cases: readonly CasePlan[];
}

/** 2024-06-28T16:00:00Z, a few minutes before the real file's run. */
const BASE_EPOCH_SEC = 1_719_590_400;
const DAY_MS = 86_400_000;
/** Every 25th run (1, 26, 51, …) is placed so that midnight UTC falls inside its first case. */
const MIDNIGHT_EVERY = 25;

/** Share of runs whose services were not restarted (no start-up lines anywhere in the run). */
const WARM_RUNS = 0.03;

const NOMINAL_SEC: Readonly<Record<SynthOptions['order'], readonly [number, number]>> = {
  v1: [30, 90],
  shuffled: [20, 180],
};

const meanLinesCache = new Map<ServiceProfile, number>();

/** Mean lines per request of a profile, cache lines included (continuation lines not). */
export function linesPerRequest(p: ServiceProfile): number {
  let cached = meanLinesCache.get(p);
  if (cached === undefined) {
    const mean = (shapes: ServiceProfile['shapes']) => {
      let w = 0;
      let n = 0;
      for (const s of shapes) {
        w += s.weight;
        n += s.weight * s.kinds.length;
      }
      return w > 0 ? n / w : 0;
    };
    cached = mean(p.shapes) + p.cachePerRequest * mean(p.cache);
    meanLinesCache.set(p, cached);
  }
  return cached;
}

/** Lines per second of the default services at full load, averaged: the reference of the time scale. */
const REFERENCE_LINES_PER_SEC =
  DEFAULT_SERVICES.reduce((sum, s) => sum + PROFILES[s].rate * linesPerRequest(PROFILES[s]), 0) /
  DEFAULT_SERVICES.length;

/** Factor from LO2's case durations to the generated ones, for a preset's mean sequence length. */
export function timeScale(options: Pick<SynthOptions, 'preset' | 'order'>): number {
  const [lo, hi] = NOMINAL_SEC[options.order];
  return PRESETS[options.preset].meanLines / (((lo + hi) / 2) * REFERENCE_LINES_PER_SEC);
}

/** Share of failure ERROR lines: usually 0.5–3 %, sometimes (15 %) far fewer. */
function drawFailShare(rng: Rng): number {
  return rng.chance(0.15) ? rng.uniform(0.0005, 0.004) : rng.logUniform(0.005, 0.03);
}

/** Plans every run of a tree. */
export function planRuns(options: Readonly<SynthOptions>): RunPlan[] {
  const scale = timeScale(options);
  const [lo, hi] = NOMINAL_SEC[options.order];
  const runs: RunPlan[] = [];
  let prevEndMs = BASE_EPOCH_SEC * 1000;
  for (let i = 0; i < options.runs; i++) {
    const rng = Rng.for(options.seed, 'run', i);
    const errors = rng.sample(ERROR_CASES, options.errorsPerRun);
    let order: TestCase[];
    if (options.order === 'v1') {
      // LO2 v1: correct first, then the error cases in the dataset's fixed order.
      const rank = new Map<string, number>(ERROR_CASES.map((c, k) => [c, k]));
      order = [CORRECT_CASE, ...errors.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0))];
    } else {
      order = rng.shuffle<TestCase>([CORRECT_CASE, ...errors]);
    }
    const runLoad = rng.logNormal(0.3);
    const drafts = order.map((testCase) => ({
      testCase,
      durationMs: rng.uniform(lo, hi) * 1000 * scale,
      load: runLoad * rng.logNormal(0.3),
      failShare: testCase === CORRECT_CASE ? 0 : drawFailShare(rng),
      flow: testCase === CORRECT_CASE ? 0 : rng.next(),
      gapMs: options.order === 'v1' ? rng.uniform(9_000, 11_000) : rng.uniform(5_000, 15_000),
    }));
    let startDelayMs = rng.uniform(500, 3_000);
    let epochSec = Math.floor((prevEndMs + rng.uniform(3, 30) * 60_000) / 1000);
    if (i % MIDNIGHT_EVERY === 1 && drafts[0] !== undefined) {
      const midnight = Math.ceil((prevEndMs + 180_000) / DAY_MS) * DAY_MS;
      const firstStart = midnight - rng.uniform(0.3, 0.7) * drafts[0].durationMs;
      epochSec = Math.floor((firstStart - startDelayMs) / 1000);
      startDelayMs = firstStart - epochSec * 1000;
    }
    let t = epochSec * 1000 + startDelayMs;
    const cases = drafts.map((d, k) => {
      const plan: CasePlan = {
        testCase: d.testCase,
        startMs: t,
        durationMs: d.durationMs,
        load: d.load,
        failShare: d.failShare,
        flow: d.flow,
        first: k === 0,
      };
      t += d.durationMs + d.gapMs;
      return plan;
    });
    runs.push({ index: i, epochSec, warm: rng.chance(WARM_RUNS), cases });
    prevEndMs = t;
  }
  return runs;
}
