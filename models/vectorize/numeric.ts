/**
 * Standardisation of numeric sequence columns (seq_len, duration_sec, …) with the training rows'
 * mean and population standard deviation, as scikit-learn's StandardScaler does.
 */
import type { CsrMatrix } from '../types.ts';

/** Numeric columns, column-major: `values[j][i]` is column `names[j]` of row i. */
export interface NumericTable {
  readonly names: readonly string[];
  readonly values: readonly Float64Array[];
}

export interface NumericScalerOptions {
  /** Subtract the training mean. @default true */
  withMean: boolean;
  /** Divide by the training population standard deviation (a constant column is divided by 1). @default true */
  withStd: boolean;
}

export const defaultNumericScalerOptions: Readonly<NumericScalerOptions> = Object.freeze({
  withMean: true,
  withStd: true,
});

/** Fills defaults and validates; errors name the option. */
export function resolveNumericScalerOptions(
  partial: Partial<NumericScalerOptions> = {},
): Readonly<NumericScalerOptions> {
  const o = { ...defaultNumericScalerOptions, ...partial };
  if (typeof o.withMean !== 'boolean') throw new TypeError(`numeric.withMean must be a boolean (got ${o.withMean})`);
  if (typeof o.withStd !== 'boolean') throw new TypeError(`numeric.withStd must be a boolean (got ${o.withStd})`);
  return Object.freeze(o);
}

export interface NumericScalerJSON {
  kind: 'numeric-scaler';
  version: 1;
  options: NumericScalerOptions;
  columns: string[];
  mean: number[];
  scale: number[];
}

const KIND = 'numeric-scaler';

/**
 * Learns mean and scale per column from training rows; `transform` gives (x − mean) / scale as a
 * CSR matrix. Entries that are exactly 0 after scaling are not stored (like every matrix of this
 * module), so a column equal to its training mean is an implicit zero.
 */
export class NumericScaler {
  readonly kind = KIND;
  readonly options: Readonly<NumericScalerOptions>;
  #columns: string[] = [];
  #mean = new Float64Array(0);
  #scale = new Float64Array(0);
  #fitted = false;

  constructor(options: Partial<NumericScalerOptions> = {}) {
    this.options = resolveNumericScalerOptions(options);
  }

  /** The fitted column names, in column order. */
  get columnNames(): readonly string[] {
    return this.#columns;
  }

  /** Training means (0 when `withMean` is off). */
  get mean(): Float64Array {
    return this.#mean;
  }

  /** Training population standard deviations, 1 for constant columns (1 when `withStd` is off). */
  get scale(): Float64Array {
    return this.#scale;
  }

  /** Learns each column's mean and scale from the training rows. Returns this. */
  fit(train: NumericTable): this {
    const n = checkTable(train, 'fit');
    if (n === 0) throw new RangeError('NumericScaler.fit: no training rows');
    const m = train.names.length;
    this.#mean = new Float64Array(m);
    this.#scale = new Float64Array(m).fill(1);
    for (let j = 0; j < m; j++) {
      const col = train.values[j]!;
      // Two passes (mean, then squared deviations): exact 0 variance for constant columns.
      let sum = 0;
      for (let i = 0; i < n; i++) sum += col[i]!;
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (col[i]! - mean) ** 2;
      const std = Math.sqrt(ss / n);
      if (this.options.withMean) this.#mean[j] = mean;
      if (this.options.withStd && std > 0) this.#scale[j] = std;
    }
    this.#columns = [...train.names];
    this.#fitted = true;
    return this;
  }

  /** Scaled rows (row i of the result = row i of the table). Columns must match the fitted names. */
  transform(table: NumericTable): CsrMatrix {
    if (!this.#fitted) throw new Error('NumericScaler: call fit() (or load()) before transform');
    const n = checkTable(table, 'transform');
    const m = this.#columns.length;
    if (table.names.length !== m || table.names.some((name, j) => name !== this.#columns[j])) {
      throw new RangeError(
        `NumericScaler.transform: columns [${table.names.join(', ')}] differ from the fitted [${this.#columns.join(', ')}]`,
      );
    }
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(n * m);
    const data = new Float64Array(n * m);
    let at = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const v = (table.values[j]![i]! - this.#mean[j]!) / this.#scale[j]!;
        if (v === 0) continue;
        indices[at] = j;
        data[at++] = v;
      }
      indptr[i + 1] = at;
    }
    return { nRows: n, nCols: m, indptr, indices: indices.slice(0, at), data: data.slice(0, at) };
  }

  toJSON(): NumericScalerJSON {
    return {
      kind: KIND,
      version: 1,
      options: { ...this.options },
      columns: [...this.#columns],
      mean: [...this.#mean],
      scale: [...this.#scale],
    };
  }

  /** Restores a fitted scaler, checking the kind tag first. */
  static load(json: unknown): NumericScaler {
    const j = json as Partial<NumericScalerJSON> | null;
    if (j?.kind !== KIND) throw new TypeError(`NumericScaler.load: kind must be '${KIND}' (got '${j?.kind}')`);
    if (j.version !== 1) throw new TypeError(`NumericScaler.load: unsupported version ${j.version}`);
    const m = j.columns?.length;
    if (m === undefined || j.mean?.length !== m || j.scale?.length !== m) {
      throw new TypeError('NumericScaler.load: columns, mean and scale must be arrays of the same length');
    }
    const s = new NumericScaler(j.options ?? {});
    s.#columns = j.columns!.map(String);
    s.#mean = Float64Array.from(j.mean!);
    s.#scale = Float64Array.from(j.scale!);
    s.#fitted = true;
    return s;
  }
}

/** Row count of a well-formed table with finite values; throws naming the column otherwise. */
function checkTable(t: NumericTable, stage: string): number {
  if (t.names.length !== t.values.length) {
    throw new RangeError(`NumericScaler.${stage}: ${t.names.length} names but ${t.values.length} columns`);
  }
  const n = t.values[0]?.length ?? 0;
  for (const [j, col] of t.values.entries()) {
    if (col.length !== n)
      throw new RangeError(`NumericScaler.${stage}: column ${t.names[j]} has ${col.length} rows, expected ${n}`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i]!))
        throw new RangeError(`NumericScaler.${stage}: column ${t.names[j]} row ${i} is ${col[i]}`);
    }
  }
  return n;
}
