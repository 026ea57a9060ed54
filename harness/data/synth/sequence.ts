/**
 * Writes one sequence: the log file of one service in one test case of one run, the way LO2 recorded
 * it — the service's normal traffic, plus, in the target service of an error case, the error task's
 * requests (../shared/lo2/error-requests.md). Nothing else differs between test cases: a file's
 * normal traffic is drawn from one distribution whatever the case.
 *
 * Normal traffic. Requests arrive as a Poisson process at the service's real-scale rate; the
 * traffic alternates between mixed phases (every request shape at its weight, 9 % of them perturbed
 * as in the real file's long tail, a few baseline failures, background Hazelcast cache lines) and
 * single-flow phases, in which every request takes the service's dominant shape and nothing else is
 * logged — the real token file spends about a fifth of its lines in such phases. A request's lines
 * follow each other by a few ms on one XNIO thread with one cId, so concurrent requests interleave.
 *
 * Fault. The error task's requests arrive as a Poisson process of their own (their own random
 * stream), at `fault.rate` times the service's normal request rate; each takes the case's failing
 * shape. Every physical line they write is a fault line (ground truth).
 *
 * Thinning (LO2 v2 keeps every 20th line) is decided per physical line as it is planned (see
 * {@link Planned}): each line's continuation count is fixed when its request is planned, and only
 * kept lines are stored, sorted by time (a few are written up to 7 ms late, as Logback's appender
 * does under contention) and rendered.
 */
import type { Service } from '../lo2/constants.ts';
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
  /** The error task's failing requests in this service (its target service), or null. */
  readonly fault: { readonly failure: Failure; readonly rate: number } | null;
  /** Start-up block lines to write (0 unless this is the run's first case). */
  readonly startupLines: number;
  /** Write the lazy first-use lines (usually in the first case, sometimes in the second). */
  readonly lazyLines: boolean;
  /** Keep each physical line with probability 1/`thin` (1: all of them). */
  readonly thin: number;
  /** Phase lengths are scaled with the case durations (1 at real scale). */
  readonly timeScale: number;
  /** Leave the fault lines out of the text (a null dataset: the same file minus its fault lines). */
  readonly dropFaultLines: boolean;
}

/** What a service's JVM remembers from one test case to the next within a run. */
export interface JvmState {
  statusLoaded: boolean;
}

export interface BuiltSequence {
  readonly text: string;
  /** Physical lines of `text`, continuation lines included. */
  readonly lines: number;
  /** 1-based numbers of the physical lines of `text` the fault caused, ascending (empty when dropped). */
  readonly faultLines: readonly number[];
  /** Fault lines left out of `text` (`dropFaultLines`). */
  readonly droppedFaultLines: number;
}

/** Mean of logNormal(0.5), so that per-file baseline error rates average to the profile's. */
const BASE_MEAN = Math.exp(0.125);

/** Even the shortest file has a couple of requests (real files never are empty). */
const MIN_REQUESTS = 2;

/** Fraction of normal requests whose shape is perturbed (the real file's shapes seen < 5 times). */
const PERTURBED = 0.09;
/** Perturbation: change in line count → weight (measured on the real file's rare shapes). */
const DELTAS = [1, 0, -1, 2, -2, 3, -3, 4, -4];
const DELTA_CUM = cumulative([30, 25, 18, 10, 6, 4, 3, 2, 2]);

/**
 * Phase lengths in ms at real scale. In the real token file, runs of 100-line windows holding only
 * the dominant shape's lines last 1–13 windows (≈ 0.2–3 s), mixed stretches 12–45 windows (≈ 3–10 s).
 */
const MIXED_MS: readonly [number, number] = [2_000, 9_000];
const SINGLE_MS: readonly [number, number] = [400, 3_000];

function perturb(shape: Shape, rng: Rng): readonly Kind[] {
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

/** The shape with the largest weight: what a single-flow phase sends. */
function dominant(shapes: readonly Shape[]): Shape {
  let best = shapes[0] as Shape;
  for (const s of shapes) if (s.weight > best.weight) best = s;
  return best;
}

/** Share of the time spent in single-flow phases, on average. */
const SINGLE_SHARE = (SINGLE_MS[0] + SINGLE_MS[1]) / (SINGLE_MS[0] + SINGLE_MS[1] + MIXED_MS[0] + MIXED_MS[1]);

/**
 * Shape weights inside mixed phases: the dominant shape's weight lowered so that, with the
 * single-flow phases (which send only it), the whole file keeps the profile's measured mix.
 */
function mixedWeights(shapes: readonly Shape[], main: Shape): number[] {
  const total = shapes.reduce((sum, s) => sum + s.weight, 0);
  const share = main.weight / total;
  const mixedShare = Math.max(0, (share - SINGLE_SHARE) / (1 - SINGLE_SHARE));
  const others = total - main.weight;
  return shapes.map((s) => (s === main ? (mixedShare / (1 - mixedShare)) * others : s.weight));
}

/** Alternating phases over [0, end): `single(t)` tells whether time t falls in a single-flow phase. */
class Phases {
  readonly #bounds: number[] = [];
  readonly #firstSingle: boolean;

  constructor(rng: Rng, end: number, scale: number) {
    const mixedMean = (MIXED_MS[0] + MIXED_MS[1]) / 2;
    const singleMean = (SINGLE_MS[0] + SINGLE_MS[1]) / 2;
    this.#firstSingle = rng.chance(singleMean / (mixedMean + singleMean));
    let single = this.#firstSingle;
    // The file starts somewhere inside its first phase.
    let t = -rng.next() * (single ? SINGLE_MS[1] : MIXED_MS[1]) * scale;
    while (t < end) {
      const [lo, hi] = single ? SINGLE_MS : MIXED_MS;
      t += rng.uniform(lo, hi) * scale;
      this.#bounds.push(t);
      single = !single;
    }
  }

  single(t: number): boolean {
    const b = this.#bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo % 2 === 0 ? this.#firstSingle : !this.#firstSingle;
  }
}

/** Share of lines written a little late (Logback's appender under contention). */
const LATE = 0.0008;

/**
 * The kept lines of a file, before rendering: parallel columns, one entry per planned line that
 * keeps at least one of its physical lines (a line with continuation lines covers several).
 *
 * Thinning decides per physical line, as it is planned: each is kept with probability 1/`thin`,
 * from a stream of its own (the gap to the next kept line is geometric), so lines that are not kept
 * cost no storage, no sort and no rendering. LO2 v2 keeps every 20th line of the written file; for
 * the thousands of interleaved lines of a file the two keep the same mix of lines, the count
 * varying binomially here.
 */
class Planned {
  n = 0;
  time = new Float64Array(256);
  /** Sort key: the time, a few ms later for the lines written late. */
  key = new Float64Array(256);
  /** XNIO task (1–5) of the request, or −1 − Hazelcast thread (0 for a line already rendered). */
  thread = new Int8Array(256);
  extra = new Uint8Array(256);
  /** Bit k set: physical line k of the entry (0 = the timestamped line) is kept. */
  kept = new Uint32Array(256);
  fault = new Uint8Array(256);
  /** A line kind rendered later from its request, or a line already rendered (head included). */
  readonly line: (Kind | string)[] = [];
  readonly req: (Req | null)[] = [];
  readonly #late: Rng;
  readonly #thinning: Rng | null;
  readonly #thin: number;
  #nextLate: number;
  /** Physical lines to pass before the next kept one. */
  #skip: number;

  constructor(late: Rng, thinning: Rng, thin: number) {
    this.#late = late;
    this.#thin = thin;
    this.#thinning = thin > 1 ? thinning : null;
    this.#nextLate = this.#gap(late, LATE);
    this.#skip = this.#thinning === null ? 0 : this.#gap(this.#thinning, 1 / thin);
  }

  /** Failures before the first success of a Bernoulli(p) sequence. */
  #gap(rng: Rng, p: number): number {
    return Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
  }

  /** Which of the line's `1 + extra` physical lines are kept (0: none, and the line is not stored). */
  keep(extra: number): number {
    if (this.#thinning === null) return extra >= 31 ? 0xffffffff : 2 ** (extra + 1) - 1;
    let mask = 0;
    while (this.#skip <= extra) {
      mask |= 1 << this.#skip;
      this.#skip += 1 + this.#gap(this.#thinning, 1 / this.#thin);
    }
    this.#skip -= extra + 1;
    return mask >>> 0;
  }

  push(
    t: number,
    line: Kind | string,
    req: Req | null,
    thread: number,
    extra: number,
    kept: number,
    fault: boolean,
  ): void {
    const i = this.n++;
    if (i === this.time.length) this.#grow();
    this.time[i] = t;
    if (i === this.#nextLate) {
      this.key[i] = t + this.#late.uniform(1, 7);
      this.#nextLate += 1 + this.#gap(this.#late, LATE);
    } else this.key[i] = t;
    this.thread[i] = thread;
    this.extra[i] = extra;
    this.kept[i] = kept;
    this.fault[i] = fault ? 1 : 0;
    this.line.push(line);
    this.req.push(req);
  }

  #grow(): void {
    const cap = this.time.length * 2;
    const grow = <T extends Float64Array | Int8Array | Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.time = grow(this.time, (n) => new Float64Array(n));
    this.key = grow(this.key, (n) => new Float64Array(n));
    this.thread = grow(this.thread, (n) => new Int8Array(n));
    this.extra = grow(this.extra, (n) => new Uint8Array(n));
    this.kept = grow(this.kept, (n) => new Uint32Array(n));
    this.fault = grow(this.fault, (n) => new Uint8Array(n));
  }

  /** Entry indices in time order (ties: in the order planned). */
  order(): Uint32Array {
    const n = this.n;
    const out = new Uint32Array(n);
    if (n < INDEX_SPAN) {
      // Keys to the microsecond, shifted past the index bits: one native numeric sort, exact in a double.
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++)
        packed[i] = Math.round(((this.key[i] as number) + KEY_OFFSET_MS) * 1000) * INDEX_SPAN + i;
      packed.sort();
      for (let i = 0; i < n; i++) out[i] = (packed[i] as number) % INDEX_SPAN;
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = i;
    const key = this.key;
    return out.sort((a, b) => (key[a] as number) - (key[b] as number) || a - b);
  }
}

/** Entries per file the packed sort handles (2^20); keys to the µs stay below 2^33 (≈ 2.4 h). */
const INDEX_SPAN = 1 << 20;
/** Lines planned a little before the case start (status.yml) keep a positive key. */
const KEY_OFFSET_MS = 1_000;

/** Builds the file content of one sequence; updates `jvm` (status.yml loaded). */
export function buildSequence(spec: SequenceSpec, jvm: JvmState): BuiltSequence {
  const rng = Rng.for(spec.seed, 'seq', spec.run, spec.testCase, spec.service);
  const profile = PROFILES[spec.service];
  const duration = spec.durationMs;
  const rate = (profile.rate * spec.load * rng.logNormal(0.12)) / 1000; // requests per ms
  const perRequest = linesPerRequest(profile);

  const main = dominant(profile.shapes);
  const shapeCum = cumulative(mixedWeights(profile.shapes, main).map((w) => w * rng.logNormal(0.15)));
  const baseCum = cumulative(profile.baselineErrors.map((s) => s.weight));
  const cacheCum = cumulative(profile.cache.map((s) => s.weight));
  // Real token traffic uses three of the five XNIO threads, skewed; Hazelcast threads are skewed too.
  const taskW = [1, 2, 3, 4, 5].map(() => rng.logNormal(0.6));
  for (let k = rng.int(0, 2); k > 0; k--) taskW[rng.int(0, 4)] = 0;
  const taskCum = cumulative(taskW);
  const hzCum = cumulative(Array.from({ length: 16 }, () => rng.logNormal(0.9)));
  const phases = new Phases(rng, duration, spec.timeScale);

  const expected = rate * duration;
  const pool = new EntityPool(rng, Math.min(300, Math.max(8, Math.round(expected / 12))));
  // Baseline failures and cache lines pause in single-flow phases: denser in mixed ones, so that the
  // file keeps the profile's rates.
  const baseQ = (profile.baselineErrorRate * rng.logNormal(0.5)) / BASE_MEAN / (1 - SINGLE_SHARE);
  // While a service starts, it serves nothing: requests begin once its start-up lines are written,
  // so the first case of a run is not longer than the others on average.
  const startupSpan = spec.startupLines > 0 ? Math.min(0.5 * duration, spec.startupLines / (rate * perRequest)) : 0;
  // The first case of a run usually meets an early failure (warm-up) that loads status.yml.
  let warmupAt =
    spec.startupLines > 0 && !jvm.statusLoaded && rng.chance(0.85)
      ? startupSpan + rng.uniform(0.02, 0.25) * (duration - startupSpan)
      : -1;

  const planned = new Planned(
    Rng.for(spec.seed, 'late', spec.run, spec.testCase, spec.service),
    Rng.for(spec.seed, 'thin', spec.run, spec.testCase, spec.service),
    spec.thin,
  );
  /** Plans one request's lines from `t0`; fault requests leave the JVM's status.yml state alone. */
  const planRequest = (r: Rng, t0: number, kinds: readonly Kind[], fault: boolean) => {
    let req: Req | null = null; // made once a line of the request is kept
    const task = r.weighted(taskCum) + 1;
    let hz = 0;
    let t = t0;
    for (const k of kinds) {
      t += r.uniform(k.delay[0], k.delay[1]);
      if (k.status && !fault && !jvm.statusLoaded) {
        jvm.statusLoaded = true;
        for (const [dt, text] of [
          [2.2, STATUS_YML[0]],
          [1.1, STATUS_YML[1]],
        ] as const) {
          const kept = planned.keep(0);
          if (kept !== 0)
            planned.push(t - dt, xnioHead(task, (req ??= new Req(r, pool)).cId) + text, null, 0, 0, kept, false);
        }
      }
      const extra = k.extraLines === undefined ? 0 : k.extraLines(r);
      if (k.hz && hz === 0) hz = -1 - r.weighted(hzCum);
      const kept = planned.keep(extra);
      if (kept !== 0) planned.push(t, k, (req ??= new Req(r, pool)), k.hz ? hz : task, extra, kept, fault);
    }
  };

  const pickShape = (shapes: readonly Shape[], cum: Float64Array) => shapes[rng.weighted(cum)] as Shape;
  let requests = 0;
  for (
    let t = startupSpan + rng.exponential(1 / rate);
    t < duration || requests < MIN_REQUESTS;
    t += rng.exponential(1 / rate)
  ) {
    requests++;
    let kinds: readonly Kind[];
    if (phases.single(t)) {
      kinds = main.kinds;
    } else if (warmupAt >= 0 && t >= warmupAt) {
      warmupAt = -1;
      kinds = pickShape(profile.baselineErrors, baseCum).kinds;
    } else if (rng.next() < baseQ) {
      kinds = pickShape(profile.baselineErrors, baseCum).kinds;
    } else {
      const s = pickShape(profile.shapes, shapeCum);
      kinds = rng.chance(PERTURBED) ? perturb(s, rng) : s.kinds;
    }
    planRequest(rng, t, kinds, false);
  }

  // Background cache traffic (write-behind, evictions, other services' requests); it pauses while a
  // single flow runs, as in the real file.
  const cacheRate = (rate * profile.cachePerRequest) / (1 - SINGLE_SHARE);
  if (cacheRate > 0) {
    for (let t = rng.exponential(1 / cacheRate); t < duration; t += rng.exponential(1 / cacheRate)) {
      const shape = pickShape(profile.cache, cacheCum);
      if (phases.single(t)) continue;
      let req: Req | null = null;
      const thread = -1 - rng.weighted(hzCum);
      let lt = t;
      for (const k of shape.kinds) {
        lt += rng.uniform(k.delay[0], k.delay[1]);
        const extra = k.extraLines === undefined ? 0 : k.extraLines(rng);
        const kept = planned.keep(extra);
        if (kept !== 0) planned.push(lt, k, (req ??= new Req(rng, pool)), thread, extra, kept, false);
      }
    }
  }

  if (spec.startupLines > 0 || spec.lazyLines) {
    let left = 0;
    let head = '';
    const emit = (t: number, hz: boolean, body: string) => {
      let text: string;
      if (hz) text = hzHead(rng.weighted(hzCum)) + body;
      else {
        if (left-- <= 0) {
          left = rng.int(3, 8);
          head = xnioHead(rng.weighted(taskCum) + 1, rng.cId());
        }
        text = head + body;
      }
      const kept = planned.keep(0);
      if (kept !== 0) planned.push(t, text, null, 0, 0, kept, false);
    };
    if (spec.startupLines > 0) emitStartupBlock(spec.service, rng, spec.startupLines, startupSpan, emit);
    if (spec.lazyLines) emitLazyLines(spec.service, rng, duration, emit);
  }

  // The error task: its own stream, so the file's normal traffic is the same process in every case.
  if (spec.fault !== null && spec.fault.rate > 0) {
    const f = spec.fault;
    const fr = Rng.for(spec.seed, 'fault', spec.run, spec.testCase, spec.service);
    const faultRate = rate * f.rate;
    for (let t = startupSpan + fr.exponential(1 / faultRate); t < duration; t += fr.exponential(1 / faultRate)) {
      planRequest(fr, t, fr.pick(f.failure.shapes).kinds, true);
    }
  }

  return render(spec, planned);
}

/** Sorts the kept lines by time and renders them. */
function render(spec: SequenceSpec, planned: Planned): BuiltSequence {
  const order = planned.order();
  const out: string[] = [];
  const faultLines: number[] = [];
  let dropped = 0;
  for (const i of order) {
    const extra = planned.extra[i] as number;
    const kept = planned.kept[i] as number;
    const line = planned.line[i] as Kind | string;
    const req = planned.req[i] as Req | null;
    let text: string;
    if (typeof line === 'string') text = line;
    else {
      const thread = planned.thread[i] as number;
      const head = thread < 0 ? hzHead(-1 - thread) : xnioHead(thread, (req as Req).cId);
      text = head + line.body(req as Req, extra);
    }
    const fault = planned.fault[i] === 1;
    const parts = extra === 0 ? [text] : text.split('\n');
    for (let k = 0; k <= extra; k++) {
      if ((kept & (1 << k)) === 0) continue;
      if (fault && spec.dropFaultLines) {
        dropped++;
        continue;
      }
      out.push(
        k === 0 ? timeOfDay(spec.startMs + (planned.time[i] as number)) + (parts[0] as string) : (parts[k] as string),
      );
      if (fault) faultLines.push(out.length);
    }
  }
  return {
    text: out.length === 0 ? '' : `${out.join('\n')}\n`,
    lines: out.length,
    faultLines,
    droppedFaultLines: dropped,
  };
}
