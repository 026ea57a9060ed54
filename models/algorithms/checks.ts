/**
 * Input and option checks shared by every detector, and the (de)serialisation they need on load:
 * each failure is a TypeError that names the argument, option or JSON field, so `fit`, `score`,
 * the option resolvers and `static load` all report bad input the same way.
 *
 * `checkCsr` is deliberately not `assertCsr` from `../vectorize/csr.ts`: the vectorizer checks the
 * full invariants (ascending columns, bounds) and throws RangeErrors; the models check only what
 * they need to index safely, on every call, and throw TypeErrors. Both messages are asserted by tests.
 */
import type { CsrMatrix } from '../types.ts';

/** Checks the CSR arrays are consistent enough to index safely (lengths, bounds of the last row); optionally the column count. */
export function checkCsr(x: CsrMatrix, nCols?: number): void {
  if (!(x.indptr instanceof Int32Array) || !(x.indices instanceof Int32Array) || !(x.data instanceof Float64Array)) {
    throw new TypeError('x must be a CsrMatrix (indptr, indices: Int32Array; data: Float64Array)');
  }
  if (x.indptr.length !== x.nRows + 1) {
    throw new TypeError(`x.indptr must have nRows + 1 = ${x.nRows + 1} entries (got ${x.indptr.length})`);
  }
  const nnz = x.indptr[x.nRows]!;
  if (x.indices.length < nnz || x.data.length < nnz) {
    throw new TypeError(`x.indices and x.data must hold indptr[nRows] = ${nnz} entries`);
  }
  if (nCols !== undefined && x.nCols !== nCols) {
    throw new TypeError(`x must have ${nCols} columns like the training matrix (got ${x.nCols})`);
  }
}

/** Labels: a Uint8Array of 0/1, one per row of x, both classes present (`model` names what is fitted). */
export function checkLabels(x: CsrMatrix, labels: Uint8Array, model: string): void {
  if (!(labels instanceof Uint8Array)) throw new TypeError('labels must be a Uint8Array');
  if (labels.length !== x.nRows) {
    throw new TypeError(`labels must have one entry per row of x (got ${labels.length} for ${x.nRows} rows)`);
  }
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y > 1) throw new TypeError(`labels[${i}] is ${y}; labels must be 0 (normal) or 1 (anomaly)`);
    pos += y;
  }
  if (pos === 0 || pos === labels.length) {
    throw new TypeError(`labels must contain both classes (0 = normal and 1 = anomaly) to fit a ${model}`);
  }
}

/** A finite number > 0. */
export function checkPositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a finite number > 0 (got ${String(value)})`);
  }
  return value;
}

/** A whole number ≥ min. */
export function checkInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

/** A finite number in [min, max] (bounds inclusive unless `openMin`). */
export function checkRange(value: unknown, name: string, min: number, max: number, openMin = false): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const lo = openMin ? `> ${min}` : `≥ ${min}`;
    const hi = max === Number.POSITIVE_INFINITY ? '' : ` and ≤ ${max}`;
    throw new TypeError(`${name} must be a finite number ${lo}${hi} (got ${String(value)})`);
  }
  return value as number;
}

/**
 * A required seed: a finite number or a non-empty string; there is no unseeded mode. `requiredFor`
 * names the model (or mode) that needs it, for models where the seed is only sometimes required.
 */
export function checkSeed(value: unknown, requiredFor?: string): number | string {
  if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== ''))
    return value;
  if (requiredFor === undefined) {
    throw new TypeError(`seed is required: a finite number or a non-empty string (got ${String(value)})`);
  }
  throw new TypeError(
    `seed is required for ${requiredFor} (a finite number or non-empty string, got ${String(value)})`,
  );
}

/** Checks the `kind` tag and `version` of a serialised detector before its fields are trusted. */
export function checkTag(json: unknown, kind: string, version: number): Record<string, unknown> {
  if (typeof json !== 'object' || json === null) throw new TypeError(`${kind}: json must be an object`);
  const o = json as Record<string, unknown>;
  if (o['kind'] !== kind) throw new TypeError(`${kind}: expected kind '${kind}' (got ${String(o['kind'])})`);
  if (o['version'] !== version) {
    throw new TypeError(`${kind}: unsupported version ${String(o['version'])} (expected ${version})`);
  }
  return o;
}

/** A JSON number array back to a Float64Array, with a TypeError naming the field on bad input. */
export function loadVector(value: unknown, name: string, length?: number): Float64Array {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new TypeError(`${name} must be an array of numbers`);
  }
  if (length !== undefined && value.length !== length) {
    throw new TypeError(`${name} must have ${length} entries (got ${value.length})`);
  }
  return Float64Array.from(value as number[]);
}

/** A CSR matrix as plain JSON arrays (read back by `csrFromJSON`). */
export function csrToJSON(x: CsrMatrix): Record<string, unknown> {
  return {
    nRows: x.nRows,
    nCols: x.nCols,
    indptr: Array.from(x.indptr),
    indices: Array.from(x.indices),
    data: Array.from(x.data),
  };
}

/** Inverse of `csrToJSON`, with the checks `load` needs; throws a TypeError naming `name` on malformed input. */
export function csrFromJSON(value: unknown, name: string): CsrMatrix {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const nRows = checkInteger(o['nRows'], `${name}.nRows`, 0);
  const nCols = checkInteger(o['nCols'], `${name}.nCols`, 0);
  const indptr = Int32Array.from(loadVector(o['indptr'], `${name}.indptr`, nRows + 1));
  const nnz = indptr[nRows]!;
  const indices = Int32Array.from(loadVector(o['indices'], `${name}.indices`, nnz));
  const data = loadVector(o['data'], `${name}.data`, nnz);
  if (!indices.every((j) => j >= 0 && j < nCols) || !indptr.every((v, i) => i === 0 || v >= indptr[i - 1]!)) {
    throw new TypeError(`${name}: indices must lie in [0, nCols) and indptr must not decrease`);
  }
  return { nRows, nCols, indptr, indices, data };
}
