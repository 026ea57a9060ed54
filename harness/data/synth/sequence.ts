/**
 * Writes one sequence: the log file of one service in one test case of one run.
 *
 * Requests arrive as a Poisson process at the service's (real-scale) rate; each takes a shape —
 * normal (9 % of them perturbed, as in the real file's long tail), a baseline failure (every case
 * has a few, like the real correct file), or, in an affected service of an error case, the case's
 * failure. Its lines follow each other by a few ms on one XNIO thread with one cId, so concurrent
 * requests interleave. Background Hazelcast cache lines arrive independently. Lines are then sorted
 * by time (a few are written up to 7 ms late, as Logback's appender does under contention) and
 * rendered into one string.
 */
import { CORRECT_CASE, type Service } from '../lo2/constants.ts';
import type { Failure } from './errors.ts';
import { hzHead, timeOfDay, xnioHead } from './format.ts';
import { cumulative, Rng } from './random.ts';
import { EntityPool, type Kind, Req } from './request.ts';
import { linesPerRequest } from './schedule.ts';
import { PROFILES } from './services.ts';
import { emitLazyLines, emitStartupBlock, STATUS_YML } from './startup.ts';
import type { Shape } from './templates.ts';

export interface SequenceSpec {
  readonly seed: number;
  readonly run: number;
  readonly service: Service;
  readonly testCase: string;
  /** Start, ms since the unix epoch. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Traffic multiplier of the case. */
  readonly load: number;
  /** The case's failures in this service, each with its target share of ERROR lines. */
  readonly failures: readonly { readonly failure: Failure; readonly share: number }[];
  /** Start-up block lines to write (0 unless this is the run's first case). */
  readonly startupLines: number;
  /** Write the lazy first-use lines (usually in the first case, sometimes in the second). */
  readonly lazyLines: boolean;
  /**
   * Error cases shift the request mix of every service a little: the load generator runs a different
   * flow. 0 for correct; in (0, 1) the strength of a fixed per-service direction, plus a fixed
   * per-(case, service) tilt.
   */
  readonly flow: number;
  /** Fewest request lines to write (the preset's floor); requests continue past the duration until met. */
  readonly minLines: number;
}

/** What a service's JVM remembers from one test case to the next within a run. */
export interface JvmState {
  statusLoaded: boolean;
}

export interface BuiltSequence {
  readonly text: string;
  /** Physical lines, continuation lines included. */
  readonly lines: number;
}

/** Log-scale size of the error cases' mix shift (times `flow`) and of the per-case tilt. */
const FLOW_SIGMA = 1.0;
const TILT_SIGMA = 0.25;

/** Mean of logNormal(0.5), so that per-file baseline error rates average to the profile's. */
const BASE_MEAN = Math.exp(0.125);

/** Even the shortest file has a couple of requests (real files never are empty). */
const MIN_REQUESTS = 2;

/** Fraction of normal requests whose shape is perturbed (the real file's shapes seen < 5 times). */
const PERTURBED = 0.09;
/** Perturbation: change in line count → weight (measured on the real file's rare shapes). */
const DELTAS = [1, 0, -1, 2, -2, 3, -3, 4, -4];
const DELTA_CUM = cumulative([30, 25, 18, 10, 6, 4, 3, 2, 2]);

function perturb(shape: Shape, rng: Rng): Kind[] {
  const kinds = shape.kinds.slice();
  const delta = DELTAS[rng.weighted(DELTA_CUM)] ?? 0;
  if (shape.inserts.length === 0) return kinds;
  if (delta === 0) {
    kinds[rng.int(0, Math.min(2, kinds.length - 1))] = rng.pick(shape.inserts);
  } else if (delta > 0) {
    for (let i = 0; i < delta; i++) kinds.splice(rng.int(0, Math.min(4, kinds.length)), 0, rng.pick(shape.inserts));
  } else {
    for (let i = 0; i < -delta && kinds.length > 1; i++) kinds.splice(rng.int(0, kinds.length - 1), 1);
  }
  return kinds;
}

function weights(shapes: readonly Shape[], rng: Rng | null, sigma: number, base?: readonly number[]): number[] {
  return shapes.map((s, i) => (base?.[i] ?? s.weight) * (rng === null ? 1 : rng.logNormal(sigma)));
}

/** Builds the file content of one sequence; updates `jvm` (status.yml loaded). */
export function buildSequence(spec: SequenceSpec, jvm: JvmState): BuiltSequence {
  const rng = Rng.for(spec.seed, 'seq', spec.run, spec.testCase, spec.service);
  const profile = PROFILES[spec.service];
  const duration = spec.durationMs;
  const rate = (profile.rate * spec.load * rng.logNormal(0.12)) / 1000; // requests per ms
  const perRequest = linesPerRequest(profile);

  // Request mix: per-file noise everywhere; in error cases a shift along a fixed per-service
  // direction (strength `flow`) and a fixed tilt per (error case, service).
  let w = weights(profile.shapes, rng, 0.15);
  if (spec.testCase !== CORRECT_CASE) {
    w = weights(profile.shapes, Rng.for(spec.seed, 'flow', spec.service), FLOW_SIGMA * spec.flow, w);
    w = weights(profile.shapes, Rng.for(spec.seed, 'tilt', spec.testCase, spec.service), TILT_SIGMA, w);
  }
  const shapeCum = cumulative(w);
  const baseCum = cumulative(weights(profile.baselineErrors, null, 0));
  const cacheCum = cumulative(weights(profile.cache, null, 0));
  // Real token traffic uses three of the five XNIO threads, skewed; Hazelcast threads are skewed too.
  const taskW = [1, 2, 3, 4, 5].map(() => rng.logNormal(0.6));
  for (let k = rng.int(0, 2); k > 0; k--) taskW[rng.int(0, 4)] = 0;
  const taskCum = cumulative(taskW);
  const hzCum = cumulative(Array.from({ length: 16 }, () => rng.logNormal(0.9)));

  const expected = rate * duration;
  const pool = new EntityPool(rng, Math.min(300, Math.max(8, Math.round(expected / 12))));
  const baseQ = (profile.baselineErrorRate * rng.logNormal(0.5)) / BASE_MEAN; // mean = the profile's rate
  const failQ = spec.failures.map((f) => Math.min(0.4, f.share * perRequest * f.failure.intensity));
  const failCum = cumulative(failQ);
  const failTotal = Math.min(
    0.5,
    failQ.reduce((a, b) => a + b, 0),
  );
  // While a service starts, it serves nothing: requests begin once its start-up lines are written,
  // so the first case of a run is not longer than the others on average.
  const startupSpan = spec.startupLines > 0 ? Math.min(0.5 * duration, spec.startupLines / (rate * perRequest)) : 0;
  // The first case of a run usually meets an early failure (warm-up) that loads status.yml.
  let warmupAt =
    spec.startupLines > 0 && !jvm.statusLoaded && rng.chance(0.85)
      ? startupSpan + rng.uniform(0.02, 0.25) * (duration - startupSpan)
      : -1;

  const times: number[] = [];
  const keys: number[] = [];
  const texts: string[] = [];
  let lines = 0;
  const push = (t: number, text: string) => {
    times.push(t);
    keys.push(rng.chance(0.0008) ? t + rng.uniform(1, 7) : t);
    texts.push(text);
    lines++;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  };

  const emitRequest = (t0: number, kinds: readonly Kind[]) => {
    const r = new Req(rng, pool, rng.cId());
    const head = xnioHead(rng.weighted(taskCum) + 1, r.cId);
    let hz = '';
    let t = t0;
    for (const k of kinds) {
      t += rng.uniform(k.delay[0], k.delay[1]);
      if (k.status && !jvm.statusLoaded) {
        jvm.statusLoaded = true;
        push(t - 2.2, head + STATUS_YML[0]);
        push(t - 1.1, head + STATUS_YML[1]);
      }
      if (k.hz) {
        if (hz === '') hz = hzHead(rng.weighted(hzCum));
        push(t, hz + k.body(r));
      } else {
        push(t, head + k.body(r));
      }
    }
  };

  const pickShape = (shapes: readonly Shape[], cum: Float64Array) => shapes[rng.weighted(cum)] as Shape;
  let requests = 0;
  const minRequests = Math.max(MIN_REQUESTS, Math.ceil(spec.minLines / perRequest));
  for (
    let t = startupSpan + rng.exponential(1 / rate);
    t < duration || requests < minRequests;
    t += rng.exponential(1 / rate)
  ) {
    requests++;
    let kinds: readonly Kind[];
    const x = rng.next();
    if (warmupAt >= 0 && t >= warmupAt) {
      warmupAt = -1;
      kinds = pickShape(profile.baselineErrors, baseCum).kinds;
    } else if (x < failTotal) {
      const f = spec.failures[rng.weighted(failCum)]?.failure;
      kinds = f === undefined ? [] : rng.pick(f.shapes).kinds;
    } else if (x < failTotal + baseQ) {
      kinds = pickShape(profile.baselineErrors, baseCum).kinds;
    } else {
      const s = pickShape(profile.shapes, shapeCum);
      kinds = rng.chance(PERTURBED) ? perturb(s, rng) : s.kinds;
    }
    emitRequest(t, kinds);
  }

  // Background cache traffic (write-behind, evictions, other services' requests).
  const cacheRate = rate * profile.cachePerRequest;
  if (cacheRate > 0) {
    for (let t = rng.exponential(1 / cacheRate); t < duration; t += rng.exponential(1 / cacheRate)) {
      const r = new Req(rng, pool, '');
      const head = hzHead(rng.weighted(hzCum));
      let lt = t;
      for (const k of pickShape(profile.cache, cacheCum).kinds) {
        lt += rng.uniform(k.delay[0], k.delay[1]);
        push(lt, head + k.body(r));
      }
    }
  }

  if (spec.startupLines > 0 || spec.lazyLines) {
    let left = 0;
    let head = '';
    const emit = (t: number, hz: boolean, body: string) => {
      if (hz) return push(t, hzHead(rng.weighted(hzCum)) + body);
      if (left-- <= 0) {
        left = rng.int(3, 8);
        head = xnioHead(rng.weighted(taskCum) + 1, rng.cId());
      }
      push(t, head + body);
    };
    if (spec.startupLines > 0) emitStartupBlock(spec.service, rng, spec.startupLines, startupSpan, emit);
    if (spec.lazyLines) emitLazyLines(spec.service, rng, duration, emit);
  }

  const order = Array.from({ length: texts.length }, (_, i) => i);
  order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
  let text = '';
  for (const i of order) text += `${timeOfDay(spec.startMs + (times[i] as number))}${texts[i]}\n`;
  return { text, lines };
}
