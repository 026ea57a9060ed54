/**
 * Options of the synthetic LO2 generator: presets, defaults, validation.
 * Options are resolved once into a frozen object; every error is a TypeError naming the option.
 */
import { DEFAULT_SERVICES, ERROR_CASES, isService, SERVICES, type Service } from '../lo2/constants.ts';

export type SynthPreset = 'tiny' | 'standard' | 'large';
export type SynthOrder = 'v1' | 'shuffled';

export const SYNTH_PRESETS: readonly SynthPreset[] = ['tiny', 'standard', 'large'];
export const SYNTH_ORDERS: readonly SynthOrder[] = ['v1', 'shuffled'];

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
  /** @default 'v1' */
  order: SynthOrder;
}

/** What a preset fixes besides the option defaults (internal to the generator). */
export interface PresetParams {
  /** Default number of runs. */
  runs: number;
  /** Default error cases per run. */
  errorsPerRun: number;
  /** Mean lines per sequence over the default services; sets the time scale of the runs. */
  meanLines: number;
  /** Length range of the start-up block written into the first test case of a run, per service file. */
  startupLines: readonly [number, number];
  /**
   * Fewest request lines per file. Real LO2 files hold thousands of lines; without a floor the
   * slowest services' short cases would be emptied by the loader's default 100-line trim.
   */
  minLines: number;
}

/**
 * tiny ≈ 6 runs × 3 cases × 3 services, ≈2k lines (tests); standard ≈ 1,200 sequences, ≈300k lines;
 * large ≈ 12,000 sequences, ≥ 10 × standard.
 */
export const PRESETS: Readonly<Record<SynthPreset, Readonly<PresetParams>>> = Object.freeze({
  tiny: Object.freeze({ runs: 6, errorsPerRun: 2, meanLines: 38, startupLines: [5, 12] as const, minLines: 10 }),
  standard: Object.freeze({
    runs: 200,
    errorsPerRun: 1,
    meanLines: 280,
    startupLines: [50, 100] as const,
    minLines: 180,
  }),
  large: Object.freeze({
    runs: 2000,
    errorsPerRun: 1,
    meanLines: 300,
    startupLines: [50, 100] as const,
    minLines: 180,
  }),
});

/** Defaults of the options that do not depend on the preset. */
export const defaultSynthOptions: Readonly<Pick<SynthOptions, 'preset' | 'services' | 'seed' | 'order'>> =
  Object.freeze({ preset: 'standard', services: DEFAULT_SERVICES, seed: 1, order: 'v1' });

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

  const runs = partial.runs ?? params.runs;
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
  const order = oneOf('order', partial.order ?? defaultSynthOptions.order, SYNTH_ORDERS);
  return Object.freeze({ outDir, preset, runs, errorsPerRun, services, seed, order });
}
