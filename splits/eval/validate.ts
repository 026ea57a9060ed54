/**
 * Input checks shared by the evaluation functions. Every failure is a `TypeError` whose message
 * names the argument or option, so a caller can find the bad value from the message alone.
 */

/** Scores must be a Float64Array of finite numbers. */
export function checkScores(scores: Float64Array, name = 'scores'): void {
  if (!(scores instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float64Array`);
  }
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    // `s - s` is NaN for NaN and ±Infinity: one comparison instead of Number.isFinite per element.
    if (s - s !== 0) throw new TypeError(`${name}[${i}] is ${s}; ${name} must be finite numbers`);
  }
}

/** Labels must be a Uint8Array of 0s and 1s. */
export function checkLabels(labels: Uint8Array, name = 'labels'): void {
  if (!(labels instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y > 1) throw new TypeError(`${name}[${i}] is ${y}; ${name} must be 0 (normal) or 1 (anomaly)`);
  }
}

/** Scores and labels must both be valid and of the same length. */
export function checkScored(scores: Float64Array, labels: Uint8Array): void {
  checkScores(scores);
  checkLabels(labels);
  if (scores.length !== labels.length) {
    throw new TypeError(`scores and labels must have the same length (got ${scores.length} and ${labels.length})`);
  }
}

/** A threshold may be ±Infinity (predict everything / nothing) but not NaN. */
export function checkThreshold(threshold: number): void {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new TypeError(`threshold must be a number (got ${String(threshold)})`);
  }
}

/** A number strictly inside (lo, hi), or in (lo, hi] when `hiInclusive`. */
export function checkOpenUnit(value: unknown, name: string, hiInclusive = false): number {
  const ok = typeof value === 'number' && value > 0 && (hiInclusive ? value <= 1 : value < 1);
  if (!ok) throw new TypeError(`${name} must be a number in (0, 1${hiInclusive ? ']' : ')'} (got ${String(value)})`);
  return value;
}

/** A whole number ≥ min. */
export function checkInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

/** A plain array of finite numbers (metric values over seeds, paired samples). */
export function checkFiniteArray(values: readonly number[], name: string): void {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of numbers`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`${name}[${i}] is ${String(v)}; ${name} must be finite numbers`);
    }
  }
}
