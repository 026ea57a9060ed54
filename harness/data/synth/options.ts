/**
 * Options of the synthetic LO2 generator: presets, defaults, validation.
 * Options are resolved once into a frozen object; every error is a TypeError naming the option.
 */
import { DEFAULT_SERVICES, ERROR_CASES, isService, SERVICES, type Service } from '../lo2/constants.ts';

export type SynthPreset = 'tiny' | 'standard' | 'large';
export type SynthOrder = 'v1' | 'shuffled';
/** `injected`: error cases carry their fault; `none`: the same tree with every fault-caused line left out (a null dataset). */
export type SynthFaults = 'injected' | 'none';

export const SYNTH_PRESETS: readonly SynthPreset[] = ['tiny', 'standard', 'large'];
export const SYNTH_ORDERS: readonly SynthOrder[] = ['v1', 'shuffled'];
export const SYNTH_FAULTS: readonly SynthFaults[] = ['injected', 'none'];

export interface SynthOptions {
  /** Output root; the tree is written under it. */
  outDir: string;
  /** @default 'standard' */
  preset: SynthPreset;
  /** Runs (overrides the preset). */
  runs: number;
  /** Error cases per run, sampled (seeded) from the 53. */
  errorsPerRun: number;
  /** Services written. @default DEFAULT_SERVICES (code, token, refresh-token) */
  services: readonly Service[];
  /** @default 1 */
  seed: number;
  /** v1: fixed order, `correct` first, full files; shuffled: LO2 v2 (shuffled order, every 20th line kept). @default 'shuffled' */
  order: SynthOrder;
  /** @default 'injected' */
  faults: SynthFaults;
}

/** What a preset fixes besides the option defaults (internal to the generator). */
export interface PresetParams {
  /** Default number of runs, by order (v1 files are unthinned: 20 × as many lines per second). */
  runs: Readonly<Record<SynthOrder, number>>;
  /** Default error cases per run. */
  errorsPerRun: number;
  /**
   * Factor on LO2's case durations (v1: 60 s; v2: 20–180 s), by order. 1 writes files of the real
   * length at the real request rates; tiny shortens them for tests.
   */
  timeScale: Readonly<Record<SynthOrder, number>>;
  /** Length range of the start-up block written into the first test case of a run, per service file. */
  startupLines: readonly [number, number];
}

/**
 * tiny: 6 runs × 3 cases × 3 services, short files (tests); standard: 200 runs × 3 cases (v1: 40 runs),
 * files of the real length; large: 1,000 runs × 2 cases (v1: 200 runs), ≈ 3.3 × standard's lines.
 */
export const PRESETS: Readonly<Record<SynthPreset, Readonly<PresetParams>>> = Object.freeze({
  tiny: Object.freeze({
    runs: Object.freeze({ v1: 6, shuffled: 6 }),
    errorsPerRun: 2,
    timeScale: Object.freeze({ v1: 0.01, shuffled: 0.05 }),
    startupLines: [5, 12] as const,
  }),
  standard: Object.freeze({
    runs: Object.freeze({ v1: 40, shuffled: 200 }),
    errorsPerRun: 2,
    timeScale: Object.freeze({ v1: 1, shuffled: 1 }),
    startupLines: [50, 100] as const,
  }),
  large: Object.freeze({
    runs: Object.freeze({ v1: 200, shuffled: 1000 }),
    errorsPerRun: 1,
    timeScale: Object.freeze({ v1: 1, shuffled: 1 }),
    startupLines: [50, 100] as const,
  }),
});

/** Defaults of the options that do not depend on the preset. */
export const defaultSynthOptions: Readonly<Pick<SynthOptions, 'preset' | 'services' | 'seed' | 'order' | 'faults'>> =
  Object.freeze({ preset: 'standard', services: DEFAULT_SERVICES, seed: 1, order: 'shuffled', faults: 'injected' });

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(`${name} must be one of ${allowed.join(', ')} (got ${show(value)})`);
}

function resolveServices(value: unknown): readonly Service[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`services must be a non-empty array of service names (got ${show(value)})`);
  }
  const seen = new Set<Service>();
  for (const name of value) {
    if (typeof name !== 'string' || !isService(name)) {
      throw new TypeError(`services: unknown service ${show(name)} (expected one of ${SERVICES.join(', ')})`);
    }
    if (seen.has(name)) throw new TypeError(`services: duplicate service '${name}'`);
    seen.add(name);
  }
  // The caller's order; it changes nothing in the tree (every file has its own random stream).
  return Object.freeze([...seen]);
}

/** Fills in defaults (preset first, then its sizes) and validates every option. */
export function resolveSynthOptions(partial: Partial<SynthOptions> & { outDir: string }): Readonly<SynthOptions> {
  if (partial === null || typeof partial !== 'object') {
    throw new TypeError(`options must be an object (got ${show(partial)})`);
  }
  const { outDir } = partial;
  if (typeof outDir !== 'string' || outDir.length === 0) {
    throw new TypeError(`outDir must be a non-empty string (got ${show(outDir)})`);
  }
  const preset = oneOf('preset', partial.preset ?? defaultSynthOptions.preset, SYNTH_PRESETS);
  const params = PRESETS[preset];

  const order = oneOf('order', partial.order ?? defaultSynthOptions.order, SYNTH_ORDERS);
  const runs = partial.runs ?? params.runs[order];
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new TypeError(`runs must be a positive integer (got ${show(runs)})`);
  }
  const errorsPerRun = partial.errorsPerRun ?? params.errorsPerRun;
  if (!Number.isSafeInteger(errorsPerRun) || errorsPerRun < 0 || errorsPerRun > ERROR_CASES.length) {
    throw new TypeError(`errorsPerRun must be an integer from 0 to ${ERROR_CASES.length} (got ${show(errorsPerRun)})`);
  }
  const services = resolveServices(partial.services ?? defaultSynthOptions.services);
  const seed = partial.seed ?? defaultSynthOptions.seed;
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(`seed must be an integer (got ${show(seed)})`);
  }
  const faults = oneOf('faults', partial.faults ?? defaultSynthOptions.faults, SYNTH_FAULTS);
  return Object.freeze({ outDir, preset, runs, errorsPerRun, services, seed, order, faults });
}
