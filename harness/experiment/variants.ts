/**
 * The variants an experiment runs, checked and resolved: registry names, inline variants
 * (`{ name, algorithm, options, featureSet, level, vectorizer }`), registry variants with their
 * settings overridden (`{ name, from, options }`), and tuning grids (`tune: { variant: { option:
 * [values] } }`). Every mistake is an error naming the field (`variants[1].options.Cc`) with the
 * algorithm's own message (the nearest option name, the values it takes).
 */
import {
  ALGORITHM_NAMES,
  ALGORITHMS,
  type Algorithm,
  type OptionValue,
  resolveAlgorithmOptions,
  resolveVariant,
  VARIANT_NAMES,
  type VariantConfig,
  type VariantOverrides,
  type VectorizerSettings,
} from '../../models/index.ts';
import { closest } from '../errors/index.ts';
// plan.ts imports this module too: configKey is only called, never read at load time.
import { configKey } from './plan.ts';

/** Values to try per option of one variant, in the order written. */
export type OptionGrid = Readonly<Record<string, readonly OptionValue[]>>;

/** A variant as an experiment file writes it beside the registry names. */
export interface VariantDefinition {
  /** What the board, the store and `bench show` call it. */
  name: string;
  /** An algorithm (`ALGORITHMS`) with its defaults… */
  algorithm?: string;
  /** …or a registry variant whose settings this one starts from. */
  from?: string;
  options?: Readonly<Record<string, unknown>>;
  featureSet?: string;
  level?: string;
  vectorizer?: Readonly<Record<string, unknown>>;
}

export type VariantEntry = string | VariantDefinition;

/** One variant of an experiment, ready to resolve on any feature set. */
export interface ExperimentVariant {
  name: string;
  /** A registry variant or an algorithm name: what `resolveVariant` starts from. */
  base: string;
  /** The definition's settings over the base's (none for a registry name). */
  overrides: VariantOverrides;
  /** Its own feature set (the base's when it names none). */
  featureSet: string;
  /** Its tuning grid, when the experiment gives one. */
  tune?: OptionGrid;
}

/** A mistake in the variants or the grids: the field it is in and what is wrong. */
export class VariantFieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** A name that cannot become a path outside its folder: no separators, no control characters, not only dots. */
export function isSafeName(name: string): boolean {
  return !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 32) && !/^\.+$/.test(name.trim());
}

const isRegistryName = (name: string) => (VARIANT_NAMES as readonly string[]).includes(name);
const isOptionValue = (v: unknown): v is OptionValue =>
  v === null || typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The configuration of an experiment's variant on `featureSet` (its own feature set when omitted). */
export function configOn(v: ExperimentVariant, featureSet: string = v.featureSet): VariantConfig {
  return resolveVariant(v.base, { ...v.overrides, featureSet });
}

/**
 * The grid's points in grid order: the options in the order written, the last one varying fastest
 * (`{ a: [1, 2], b: [x, y] }` → a1 bx, a1 by, a2 bx, a2 by). "The first point" of a tie is the
 * first in this order.
 */
export function gridPoints(grid: OptionGrid): Record<string, OptionValue>[] {
  let points: Record<string, OptionValue>[] = [{}];
  for (const [option, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [option]: v })));
  }
  return points;
}

/** `maxDepth=6, nEstimators=50`: a grid point as one short label. */
export function pointLabel(point: Readonly<Record<string, OptionValue>>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/**
 * The experiment's variants (`'all'`: the 14 registry variants), each checked: names known, safe
 * and unique, no registry name shadowed by another configuration, options known and accepted by
 * the algorithm, feature set and level possible; and the grids: for variants the experiment runs,
 * options known, values non-empty, each point accepted. Throws a VariantFieldError naming the field.
 */
export function experimentVariants(
  variants: 'all' | readonly VariantEntry[],
  tune: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>> = {},
): ExperimentVariant[] {
  const entries: readonly VariantEntry[] = variants === 'all' ? VARIANT_NAMES : variants;
  const seen = new Set<string>();
  const resolved = entries.map((entry, i) => {
    const v = typeof entry === 'string' ? registryVariant(entry, `variants[${i}]`) : defined(entry, `variants[${i}]`);
    if (seen.has(v.name)) {
      throw new VariantFieldError(
        typeof entry === 'string' ? `variants[${i}]` : `variants[${i}].name`,
        `variant '${v.name}' is listed twice (names must be unique: they name the board's rows)`,
      );
    }
    seen.add(v.name);
    return v;
  });
  for (const [name, grid] of Object.entries(tune)) {
    const v = resolved.find((x) => x.name === name);
    if (!v) {
      const near = closest(name, [...seen]);
      throw new VariantFieldError(
        `tune.${name}`,
        `tunes '${name}', which the experiment does not run${near ? ` (did you mean '${near}'?)` : ''}; its variants: ${[...seen].join(', ')}`,
      );
    }
    v.tune = checkGrid(v, grid, `tune.${name}`);
  }
  return resolved;
}

function registryVariant(name: string, field: string): ExperimentVariant {
  if (!isRegistryName(name)) {
    const near = closest(name, VARIANT_NAMES);
    throw new VariantFieldError(
      field,
      `unknown variant '${name}'${near ? ` (did you mean '${near}'?)` : ''} (expected one of ${VARIANT_NAMES.join(', ')}, or an inline variant { name, algorithm, options })`,
    );
  }
  return { name, base: name, overrides: {}, featureSet: resolveVariant(name).featureSet };
}

/** An inline or derived variant checked field by field, so that each error names its field. */
function defined(d: VariantDefinition, field: string): ExperimentVariant {
  if (!isSafeName(d.name) || d.name.trim() === '' || d.name.includes('@')) {
    throw new VariantFieldError(
      `${field}.name`,
      `${JSON.stringify(d.name)} cannot name a variant (no '/', '\\', '@' — it marks a level —, control characters, or only dots); use e.g. 'lr_c001'`,
    );
  }
  if ((d.algorithm === undefined) === (d.from === undefined)) {
    throw new VariantFieldError(
      field,
      `variant '${d.name}' needs exactly one of 'algorithm' (an algorithm with its defaults) or 'from' (a registry variant to start from)`,
    );
  }
  let base: string;
  let algorithm: Algorithm;
  if (d.from !== undefined) {
    if (!isRegistryName(d.from)) {
      const near = closest(d.from, VARIANT_NAMES);
      throw new VariantFieldError(
        `${field}.from`,
        `unknown registry variant '${d.from}'${near ? ` (did you mean '${near}'?)` : ''} (known: ${VARIANT_NAMES.join(', ')})`,
      );
    }
    base = d.from;
    algorithm = resolveVariant(d.from).algorithm;
  } else {
    if (!(ALGORITHM_NAMES as readonly string[]).includes(d.algorithm!)) {
      const near = closest(d.algorithm!, ALGORITHM_NAMES);
      throw new VariantFieldError(
        `${field}.algorithm`,
        `unknown algorithm '${d.algorithm}'${near ? ` (did you mean '${near}'?)` : ''} (known: ${ALGORITHM_NAMES.join(', ')})`,
      );
    }
    base = d.algorithm!;
    algorithm = d.algorithm as Algorithm;
  }
  const owner = `${d.name} (${algorithm})`;
  const options = d.options ?? {};
  for (const [key, value] of Object.entries(options)) {
    // The algorithm's own message: the nearest known name and every option it takes.
    if (!Object.hasOwn(ALGORITHMS[algorithm].defaults, key)) {
      throw new VariantFieldError(
        `${field}.options.${key}`,
        messageOf(() => resolveAlgorithmOptions(algorithm, { [key]: value }, owner)),
      );
    }
    if (!isOptionValue(value)) {
      throw new VariantFieldError(
        `${field}.options.${key}`,
        `${owner}: option '${key}' must be a number, string, boolean or null (got ${JSON.stringify(value)})`,
      );
    }
  }
  const overrides: VariantOverrides = {
    options,
    ...(d.vectorizer !== undefined && { vectorizer: d.vectorizer as VectorizerSettings }),
    ...(d.level !== undefined && { level: d.level as NonNullable<VariantOverrides['level']> }),
  };
  const v: ExperimentVariant = {
    name: d.name,
    base,
    overrides,
    featureSet: d.featureSet ?? resolveVariant(base).featureSet,
  };
  let config: VariantConfig;
  try {
    config = configOn(v);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw new VariantFieldError(
      fieldOfFailure(err.message, field, options, d),
      err.message.replace(/^[^:]+: /, `${owner}: `),
    );
  }
  if (isRegistryName(d.name) && configKey(config) !== configKey(resolveVariant(d.name))) {
    throw new VariantFieldError(
      `${field}.name`,
      `'${d.name}' is a registry variant with another configuration: an inline variant may not shadow it (rename it, e.g. '${d.name}_custom')`,
    );
  }
  return v;
}

/** Which field a TypeError of `resolveVariant` is about: an option it names, the vectorizer, the feature set or the level. */
function fieldOfFailure(
  message: string,
  field: string,
  options: Readonly<Record<string, unknown>>,
  d: VariantDefinition,
): string {
  const option = Object.keys(options).find((k) => new RegExp(`\\b${k}\\b`).test(message));
  if (option) return `${field}.options.${option}`;
  if (/\bvectorizer\b/.test(message) && d.vectorizer !== undefined) return `${field}.vectorizer`;
  if (/\blevel\b/.test(message) && d.level !== undefined) return `${field}.level`;
  if (d.featureSet !== undefined) return `${field}.featureSet`;
  return field;
}

/** A grid checked against its variant's algorithm: known options, non-empty lists of distinct plain values, every point accepted. */
function checkGrid(
  v: ExperimentVariant,
  grid: Readonly<Record<string, readonly unknown[]>>,
  field: string,
): OptionGrid {
  const base = configOn(v);
  const owner = `${v.name} (${base.algorithm})`;
  if (Object.keys(grid).length === 0) {
    throw new VariantFieldError(field, `${owner}: an empty grid tunes nothing; give { option: [values] } or remove it`);
  }
  for (const [option, values] of Object.entries(grid)) {
    const at = `${field}.${option}`;
    if (!Object.hasOwn(ALGORITHMS[base.algorithm].defaults, option)) {
      throw new VariantFieldError(
        at,
        messageOf(() => resolveAlgorithmOptions(base.algorithm, { [option]: 0 }, owner)),
      );
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new VariantFieldError(
        at,
        `${owner}: '${option}' needs a non-empty list of values to try (got ${JSON.stringify(values)})`,
      );
    }
    values.forEach((value, j) => {
      if (!isOptionValue(value)) {
        throw new VariantFieldError(
          `${at}[${j}]`,
          `${owner}: option '${option}' must be a number, string, boolean or null (got ${JSON.stringify(value)})`,
        );
      }
      if (values.indexOf(value) !== j) {
        throw new VariantFieldError(`${at}[${j}]`, `${owner}: '${option}' lists ${JSON.stringify(value)} twice`);
      }
      try {
        resolveAlgorithmOptions(base.algorithm, { ...base.options, [option]: value }, owner);
      } catch (err) {
        throw new VariantFieldError(`${at}[${j}]`, (err as Error).message);
      }
    });
  }
  const checked = grid as OptionGrid;
  // Values fine one by one can still clash together (e.g. a leaf budget a depth makes binding).
  for (const point of gridPoints(checked)) {
    try {
      resolveAlgorithmOptions(base.algorithm, { ...base.options, ...point }, owner);
    } catch (err) {
      throw new VariantFieldError(field, `grid point ${pointLabel(point)}: ${(err as Error).message}`);
    }
  }
  return checked;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'invalid';
}
