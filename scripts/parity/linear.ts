/**
 * Parity of the linear models against scikit-learn on the same matrices:
 *
 *     node --import tsx scripts/parity/linear.ts [--rows 5000] [--cols 2000] [--seed 1] [--repeats 3] [--rounds 3]
 *
 * Generates seeded sparse count data with a planted linear signal, splits it 60/20/20, writes
 * svmlight files, runs `/usr/bin/python3 scripts/parity/linear.py` (sklearn LogisticRegression /
 * LinearSVC), fits ours on the same training matrix, and prints a markdown table: test AUC-PR and
 * F1 (threshold by max F1 on validation) for both, max |Δw| relative to max |w_sklearn|, and the
 * best wall time of fit + scoring val and test on each side (see `runParity`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { LinearSvm } from '../../models/algorithms/linear-svm.ts';
import { LogisticRegression } from '../../models/algorithms/logistic-regression.ts';
import type { CsrMatrix, Detector } from '../../models/types.ts';
import { chooseThreshold, metricsAt } from '../../splits/eval/index.ts';

/** One labelled CSR part of the parity data. */
export interface Part {
  x: CsrMatrix;
  y: Uint8Array;
}

/** Options of `makeParityData`. */
export interface ParityDataOptions {
  rows: number;
  cols: number;
  seed: string | number;
  /** Target fraction of positives. @default 0.2 */
  positiveRate?: number;
}

/**
 * Seeded sparse counts (each row touches 1–3 % of the columns, values 1 + geometric), labels drawn
 * from a logistic model on a planted sparse weight vector (so the classes overlap), split 60/20/20
 * in row order (rows are i.i.d.).
 */
export function makeParityData(o: ParityDataOptions): { train: Part; val: Part; test: Part } {
  const rng = seedrandom(`parity-linear:${o.seed}`);
  const { rows, cols } = o;
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const beta = new Float64Array(cols);
  for (let j = 0; j < cols; j++) if (rng() < 0.1) beta[j] = gauss();
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  const signal = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const k = Math.max(1, Math.round(cols * (0.01 + 0.02 * rng())));
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(rng() * cols));
    const sorted = [...chosen].sort((a, b) => a - b);
    for (const j of sorted) {
      const v = 1 + Math.floor(-Math.log(1 - rng()) * 1.5);
      indices.push(j);
      data.push(v);
      signal[i]! += beta[j]! * v;
    }
    indptr[i + 1] = indices.length;
  }
  // Standardise the signal, then bisect the offset so the mean probability is the target rate.
  let mean = 0;
  for (const s of signal) mean += s / rows;
  let sd = 0;
  for (const s of signal) sd += (s - mean) ** 2 / rows;
  sd = Math.sqrt(sd) || 1;
  const target = o.positiveRate ?? 0.2;
  const prob = (b: number, s: number): number => 1 / (1 + Math.exp(-(3 * ((s - mean) / sd) + b)));
  let lo = -20;
  let hi = 20;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    let m = 0;
    for (const s of signal) m += prob(mid, s) / rows;
    m < target ? (lo = mid) : (hi = mid);
  }
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = rng() < prob(lo, signal[i]!) ? 1 : 0;
  const full: CsrMatrix = {
    nRows: rows,
    nCols: cols,
    indptr,
    indices: Int32Array.from(indices),
    data: Float64Array.from(data),
  };
  const a = Math.floor(rows * 0.6);
  const b = Math.floor(rows * 0.8);
  return { train: slice(full, labels, 0, a), val: slice(full, labels, a, b), test: slice(full, labels, b, rows) };
}

/** Rows [from, to) of a CSR matrix with their labels. */
function slice(x: CsrMatrix, y: Uint8Array, from: number, to: number): Part {
  const start = x.indptr[from]!;
  const end = x.indptr[to]!;
  const indptr = new Int32Array(to - from + 1);
  for (let i = from; i <= to; i++) indptr[i - from] = x.indptr[i]! - start;
  return {
    x: {
      nRows: to - from,
      nCols: x.nCols,
      indptr,
      indices: x.indices.slice(start, end),
      data: x.data.slice(start, end),
    },
    y: y.slice(from, to),
  };
}

/** svmlight text (`label idx:value ...`, 1-based indices), as sklearn's load_svmlight_file reads. */
export function toSvmlight(p: Part): string {
  const lines: string[] = [];
  for (let i = 0; i < p.x.nRows; i++) {
    let line = String(p.y[i]);
    for (let k = p.x.indptr[i]!; k < p.x.indptr[i + 1]!; k++) line += ` ${p.x.indices[k]! + 1}:${p.x.data[k]!}`;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** One sklearn variant's output from linear.py. */
export interface SklearnVariant {
  coef: number[];
  intercept: number;
  val: number[];
  test: number[];
  n_iter: number;
  seconds: number;
  cpu_seconds: number;
}

/** Whether /usr/bin/python3 can import sklearn (the parity test skips otherwise). */
export function hasSklearn(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    // Missing interpreter or missing module: either way there is no reference to compare with.
    return false;
  }
}

/** Writes the three parts to a temp folder, runs linear.py there, returns its parsed output. */
export function runSklearn(
  parts: { train: Part; val: Part; test: Part },
  repeats: number,
): { sklearn: string; variants: Record<string, SklearnVariant> } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-linear-'));
  try {
    for (const name of ['train', 'val', 'test'] as const)
      writeFileSync(join(dir, `${name}.svm`), toSvmlight(parts[name]));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ n_features: parts.train.x.nCols }));
    const script = join(import.meta.dirname, 'linear.py');
    const out = execFileSync('/usr/bin/python3', [script, dir, String(repeats)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our detector for each sklearn variant name of linear.py. */
export const ourVariants: Record<
  string,
  () => Detector & { weights: Float64Array; intercept: number; fitInfo: { iterations: number } | null }
> = {
  lr: () => new LogisticRegression(),
  lr_balanced: () => new LogisticRegression({ classWeight: 'balanced' }),
  svm_squared_hinge: () => new LinearSvm({ seed: 0 }),
  svm_hinge: () => new LinearSvm({ seed: 0, loss: 'hinge' }),
};

/** One row of the parity table. */
export interface ParityRow {
  variant: string;
  ours: { aucPr: number; f1: number; seconds: number; cpuSeconds: number; nIter: number };
  sklearn: { aucPr: number; f1: number; seconds: number; cpuSeconds: number; nIter: number };
  /** max_j |w_j − w_sklearn_j| / max_j |w_sklearn_j| (intercept included in both maxima). */
  coefRelDiff: number;
}

/** Test AUC-PR and F1 at the max-F1 threshold chosen on validation. */
export function evaluate(val: Float64Array, test: Float64Array, parts: { val: Part; test: Part }) {
  const { threshold } = chooseThreshold(val, parts.val.y);
  const m = metricsAt(test, parts.test.y, threshold);
  return { aucPr: m.auc_pr, f1: m.f1 };
}

/**
 * Fits every variant on both sides and compares them. Timing: `rounds` × (sklearn `repeats` times,
 * then ours `repeats` times), the minimum over all of them per side, so that load from other
 * processes on a shared machine hits both sides alike. Scores and weights come from the last fit.
 */
export function runParity(parts: { train: Part; val: Part; test: Part }, repeats: number, rounds = 1): ParityRow[] {
  const best = new Map<string, { ours: number; oursCpu: number; sklearn: number; sklearnCpu: number }>();
  let ref: ReturnType<typeof runSklearn> | null = null;
  const fitted = new Map<
    string,
    { model: ReturnType<(typeof ourVariants)[string]>; val: Float64Array; test: Float64Array }
  >();
  for (let round = 0; round < rounds; round++) {
    ref = runSklearn(parts, repeats);
    for (const [variant, make] of Object.entries(ourVariants)) {
      const sk = ref.variants[variant];
      if (sk === undefined) throw new Error(`linear.py did not report variant ${variant}`);
      const inf = Number.POSITIVE_INFINITY;
      const b = best.get(variant) ?? { ours: inf, oursCpu: inf, sklearn: inf, sklearnCpu: inf };
      b.sklearn = Math.min(b.sklearn, sk.seconds);
      b.sklearnCpu = Math.min(b.sklearnCpu, sk.cpu_seconds);
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const model = make();
        model.fit(parts.train.x, parts.train.y);
        const val = model.score(parts.val.x);
        const test = model.score(parts.test.x);
        b.ours = Math.min(b.ours, (performance.now() - t0) / 1000);
        const cpu = process.cpuUsage(c0);
        b.oursCpu = Math.min(b.oursCpu, (cpu.user + cpu.system) / 1e6);
        fitted.set(variant, { model, val, test });
      }
      best.set(variant, b);
    }
  }
  const rows: ParityRow[] = [];
  for (const [variant, { model, val, test }] of fitted) {
    const sk = ref!.variants[variant]!;
    const w = model.weights;
    let diff = Math.abs(model.intercept - sk.intercept);
    let scale = Math.abs(sk.intercept);
    for (let j = 0; j < w.length; j++) {
      diff = Math.max(diff, Math.abs(w[j]! - sk.coef[j]!));
      scale = Math.max(scale, Math.abs(sk.coef[j]!));
    }
    const times = best.get(variant)!;
    rows.push({
      variant,
      ours: {
        ...evaluate(val, test, parts),
        seconds: times.ours,
        cpuSeconds: times.oursCpu,
        nIter: model.fitInfo?.iterations ?? Number.NaN,
      },
      sklearn: {
        ...evaluate(Float64Array.from(sk.val), Float64Array.from(sk.test), parts),
        seconds: times.sklearn,
        cpuSeconds: times.sklearnCpu,
        nIter: sk.n_iter,
      },
      coefRelDiff: diff / scale,
    });
  }
  return rows;
}

function table(rows: ParityRow[]): string {
  const f = (v: number, d = 3): string => v.toFixed(d);
  const out = [
    '| variant | AUC-PR ours / sklearn | F1 ours / sklearn | max rel Δw | iterations ours / sklearn | ' +
      'wall s ours / sklearn | wall ratio | CPU s ours / sklearn | CPU ratio |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const { ours, sklearn } = r;
    out.push(
      `| ${r.variant} | ${f(ours.aucPr)} / ${f(sklearn.aucPr)} | ${f(ours.f1)} / ${f(sklearn.f1)} | ` +
        `${r.coefRelDiff.toExponential(1)} | ${ours.nIter} / ${sklearn.nIter} | ` +
        `${f(ours.seconds)} / ${f(sklearn.seconds)} | ${f(ours.seconds / sklearn.seconds, 2)} | ` +
        `${f(ours.cpuSeconds)} / ${f(sklearn.cpuSeconds)} | ${f(ours.cpuSeconds / sklearn.cpuSeconds, 2)} |`,
    );
  }
  return out.join('\n');
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '5000' },
      cols: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      repeats: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const parts = makeParityData({ rows: Number(values.rows), cols: Number(values.cols), seed: values.seed });
  let pos = 0;
  for (const y of parts.train.y) pos += y;
  const nnz = parts.train.x.indptr[parts.train.x.nRows]!;
  console.log(
    `rows ${values.rows} × cols ${values.cols}, seed ${values.seed}; train ${parts.train.x.nRows} rows, ` +
      `${nnz} non-zeros, ${((100 * pos) / parts.train.x.nRows).toFixed(1)} % positive; time = best of ${values.rounds} rounds × ${values.repeats} repeats per side\n`,
  );
  console.log(table(runParity(parts, Number(values.repeats), Number(values.rounds))));
}
