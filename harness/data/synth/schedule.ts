/**
 * When things happen: run epochs, which error cases a run has, the order and duration of its test
 * cases, their load and the error task's request rate. One seeded stream per run; runs are planned
 * in order so that epochs increase.
 *
 * Durations are LO2's (v1: 60 s per case; v2: 20–180 s) times the preset's time scale (1 for the
 * standard and large presets); request rates are always the real ones (≈83 requests/s on token).
 * Durations and loads are drawn from the same distributions for correct and error cases.
 */
import { CORRECT_CASE, ERROR_CASES, type ErrorCase } from '../lo2/constants.ts';
import { PRESETS, type SynthOptions } from './options.ts';
import { Rng } from './random.ts';
import type { ServiceProfile } from './templates.ts';

export type TestCase = typeof CORRECT_CASE | ErrorCase;

export interface CasePlan {
  readonly testCase: TestCase;
  /** Start, ms since the unix epoch. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Traffic multiplier shared by the services of this case in this run. */
  readonly load: number;
  /** Error-task requests per normal request of the target service (0 for correct). */
  readonly faultRate: number;
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

/** LO2's case durations in seconds: v1 ran every case for a minute, v2 for a random 20–180 s. */
const NOMINAL_SEC: Readonly<Record<SynthOptions['order'], readonly [number, number]>> = {
  v1: [60, 60],
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

/** Factor from LO2's case durations to the generated ones. */
export function timeScale(options: Pick<SynthOptions, 'preset' | 'order'>): number {
  return PRESETS[options.preset].timeScale[options.order];
}

/**
 * Error-task requests per normal request of the target service. The error task has the weight of
 * its endpoint's correct task (error-requests.md), so it sends a share of that endpoint's traffic;
 * how large a share of the whole service's is not recorded: drawn log-uniformly from 3–20 %.
 */
function drawFaultRate(rng: Rng): number {
  return rng.logUniform(0.03, 0.2);
}

/** Plans every run of a tree. */
export function planRuns(options: Readonly<SynthOptions>): RunPlan[] {
  const scale = timeScale(options);
  const [lo, hi] = NOMINAL_SEC[options.order];
  // v1 ran the cases back to back about 10 s apart; the v2 gaps are not recorded.
  const gap: readonly [number, number] = options.order === 'v1' ? [9_000, 11_000] : [5_000, 15_000];
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
      faultRate: testCase === CORRECT_CASE ? 0 : drawFaultRate(rng),
      gapMs: rng.uniform(gap[0], gap[1]),
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
        faultRate: d.faultRate,
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
