/**
 * Parity of all 14 registry variants with scikit-learn / xgboost on the same matrices: the standard
 * synthetic dataset, one random-runs split, each variant's default feature set vectorized on
 * train with the variant's vectorizer settings (the pipeline's min_df / max_features, OOV's length
 * column) and exported as svmlight, one folder per distinct matrix set;
 * `/usr/bin/python3 scripts/parity/registry.py` fits the counterparts with the pipeline's settings.
 * Both sides' scores go through the same protocol (threshold by max F1 on validation, metrics on
 * test). Prints a markdown table.
 *
 * The randomised variants (RANDOMISED) are then refitted on both sides with model seeds
 * seed, seed + 1, …, seed + seeds − 1 (same split, untimed) and a second table gives mean ± sd of
 * test AUC-PR and F1 per side: one draw of a random model is not a parity measurement.
 *
 *   node --import tsx scripts/parity/registry.ts [--preset standard] [--seed 1] [--repeats 3] [--seeds 5]
 *     [--only event_dt_trigrams,event_xgb_words] [--warm-ups 1]
 *
 * `--only` restricts both sides to the named variants (comma-separated), e.g. to time a few models.
 * `--warm-ups` is the number of untimed fits of ours before the timed ones (default 1).
 *
 *   node --import tsx scripts/parity/registry.ts --level event [--expanded] [--expanded-timeout 300]
 *     [--repeats 3] [--warm-ups 1] [--seeds 5] [--only …]
 *
 * `--level event` checks the event variants on event rows instead (scripts/parity/events.ts):
 * `--expanded` also fits scikit-learn on the expanded rows, one per log line, each fit stopped after
 * `--expanded-timeout` seconds (default 300). `--seeds` refits the randomised event variants there
 * too, on ours, the weighted reference and (with `--expanded`) the expanded one, for the same second
 * table (event AUC-PR and the sequence view's AUC-PR and F1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CsrMatrix,
  exportSvmlight,
  fitDetector,
  makeDetector,
  resolveVariant,
  selectRows,
  VARIANT_NAMES,
  type VariantName,
} from '../../models/index.ts';
import { chooseThreshold, metricsAt } from '../../splits/eval/index.ts';
import type { Part } from '../../splits/index.ts';
import { splitDataset } from './split-dataset.ts';

const { values } = parseArgs({
  options: {
    preset: { type: 'string' },
    seed: { type: 'string' },
    repeats: { type: 'string' },
    seeds: { type: 'string' },
    only: { type: 'string' },
    level: { type: 'string' },
    expanded: { type: 'boolean' },
    'expanded-timeout': { type: 'string' },
    'warm-ups': { type: 'string' },
  },
});
/** Variants whose result depends on the model seed (LinearSvm through its column order: see PARITY.md). */
const RANDOMISED = [
  'isolation_forest',
  'event_lsvm_words',
  'event_dt_trigrams',
  'event_rf_words',
  'event_xgb_words',
  'event_kmeans_words',
] as const;
/** A whole-number flag ≥ `min`, or its default; anything else stops the script naming the flag. */
function countFlag(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new TypeError(`--${flag}: expected a whole number ≥ ${min}, got '${value}'`);
  }
  return n;
}
const repeats = countFlag('repeats', values.repeats, 3, 1);
// Untimed fits before ours are timed: V8 compiles a model's hot code during its first fits.
const warmUps = countFlag('warm-ups', values['warm-ups'], 1);
const preset = (values.preset ?? 'standard') as 'standard';
const seed = countFlag('seed', values.seed, 1);
const nSeeds = countFlag('seeds', values.seeds, 5);
const modelSeeds = Array.from({ length: nSeeds }, (_, k) => seed + k);
const only = values.only?.split(',').map((s) => s.trim());
for (const name of only ?? []) {
  if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
    throw new TypeError(`--only: unknown variant ${name} (known: ${VARIANT_NAMES.join(', ')})`);
  }
}
const level = values.level ?? 'sequence';
if (level === 'event') {
  const { eventParity, EVENT_VARIANTS } = await import('./events.ts');
  await eventParity({
    preset,
    seed,
    repeats,
    warmUps,
    variants: only ? VARIANT_NAMES.filter((n) => only.includes(n)) : EVENT_VARIANTS,
    expandedTimeout: values.expanded ? countFlag('expanded-timeout', values['expanded-timeout'], 300, 1) : 0,
    modelSeeds,
    randomised: RANDOMISED,
  });
} else if (level === 'sequence') {
  await sequenceParity();
} else {
  throw new TypeError(`--level: unknown level ${level} (expected sequence or event)`);
}

/** The sequence-level check and its tables (the module comment). */
async function sequenceParity(): Promise<void> {
  const selected = only ? VARIANT_NAMES.filter((n) => only.includes(n)) : VARIANT_NAMES;

  const { split, labelsOf, vectorize } = await splitDataset(preset, seed);

  const work = mkdtempSync(join(tmpdir(), 'lo2-parity-'));
  /** Each variant's matrices, shared by the variants with the same feature set and vectorizer options. */
  const matrices: Record<string, Record<Part, CsrMatrix>> = {};
  const folderOf: Partial<Record<VariantName, string>> = {};
  const configs = Object.fromEntries(VARIANT_NAMES.map((n) => [n, resolveVariant(n)])) as Record<
    VariantName,
    ReturnType<typeof resolveVariant>
  >;
  try {
    const folders = new Map<string, string>();
    for (const name of selected) {
      const c = configs[name];
      const id = JSON.stringify([c.featureSet, c.vectorizer]);
      const known = folders.get(id);
      if (known) {
        folderOf[name] = known;
        continue;
      }
      const fs = `${c.featureSet}-${folders.size}`;
      folders.set(id, fs);
      folderOf[name] = fs;
      const { matrices: m, columnNames } = vectorize(c.featureSet, c.vectorizer);
      matrices[fs] = m;
      exportSvmlight(
        join(work, fs),
        {
          train: { x: m.train, labels: labelsOf('train') },
          val: { x: m.val, labels: labelsOf('val') },
          test: { x: m.test, labels: labelsOf('test') },
        },
        columnNames,
        { n_features: columnNames.length, seed },
      );
    }
    writeFileSync(join(work, 'variants.json'), JSON.stringify(folderOf));
    const ref = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [join(import.meta.dirname, 'registry.py'), work, String(repeats), modelSeeds.join(',')],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        },
      ),
    ) as Record<
      string,
      { val: number[]; test: number[]; wall: number; cpu: number; seeds?: { val: number[]; test: number[] }[] }
    >;

    const evaluate = (val: Float64Array, test: Float64Array) => {
      const { threshold } = chooseThreshold(val, labelsOf('val'));
      return metricsAt(test, labelsOf('test'), threshold);
    };
    const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
    console.log(
      `# registry parity — ${preset} preset, target-service labels, random-runs seed ${seed}: train ${split.parts.train.length}, val ${split.parts.val.length}, test ${split.parts.test.length} sequences\n`,
    );
    console.log(
      '| variant | feature set (columns) | AUC-PR ours / reference | F1 ours / reference | max |Δ| | fit+score s ours / reference | ratio | CPU s ours / reference | CPU ratio |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    let oursTotal = 0;
    let refTotal = 0;
    let oursCpuTotal = 0;
    let refCpuTotal = 0;
    const trainLabels = labelsOf('train');
    const normal = [...trainLabels.keys()].filter((i) => trainLabels[i] === 0);
    for (const name of selected) {
      const fs = configs[name].featureSet;
      const m = matrices[folderOf[name]!]!;
      const r = ref[name];
      if (!r) {
        console.log(`| ${name} | ${fs} (${m.train.nCols}) | no reference (xgboost not importable) | | | | | | |`);
        continue;
      }
      let ours = Number.POSITIVE_INFINITY;
      let oursCpu = Number.POSITIVE_INFINITY;
      let val: Float64Array = new Float64Array(0);
      let test: Float64Array = new Float64Array(0);
      // Selecting the normal rows is not timed, as on the python side (`xtr[ytr == 0]` before the clock).
      const normalTrain = selectRows(m.train, normal);
      const normalLabels = new Uint8Array(normal.length);
      // Untimed warm-up fits (JIT compilation: numpy has none to pay), then best of `repeats` like the python side.
      for (let k = -warmUps; k < repeats; k++) {
        const d = makeDetector(name, seed);
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        if (d.trainsOn === 'normal') d.fit(normalTrain, normalLabels);
        else d.fit(m.train, trainLabels);
        val = d.score(m.val);
        test = d.score(m.test);
        if (k >= 0) {
          ours = Math.min(ours, (performance.now() - t0) / 1000);
          const c = process.cpuUsage(c0);
          oursCpu = Math.min(oursCpu, (c.user + c.system) / 1e6);
        }
      }
      const a = evaluate(val, test);
      const b = evaluate(Float64Array.from(r.val), Float64Array.from(r.test));
      const delta = Math.max(Math.abs(a.auc_pr - b.auc_pr), Math.abs(a.f1 - b.f1));
      oursTotal += ours;
      refTotal += r.wall;
      oursCpuTotal += oursCpu;
      refCpuTotal += r.cpu;
      console.log(
        `| ${name} | ${fs} (${m.train.nCols}) | ${f(a.auc_pr)} / ${f(b.auc_pr)} | ${f(a.f1)} / ${f(b.f1)} | ${f(delta)} | ` +
          `${ours.toFixed(3)} / ${r.wall.toFixed(3)} | ${(ours / r.wall).toFixed(2)} | ` +
          `${oursCpu.toFixed(3)} / ${r.cpu.toFixed(3)} | ${(oursCpu / r.cpu).toFixed(2)} |`,
      );
    }
    console.log(
      `| **sum** | | | | | ${oursTotal.toFixed(2)} / ${refTotal.toFixed(2)} | ${(oursTotal / refTotal).toFixed(2)} | ${oursCpuTotal.toFixed(2)} / ${refCpuTotal.toFixed(2)} | ${(oursCpuTotal / refCpuTotal).toFixed(2)} |`,
    );

    if (nSeeds > 0) {
      const ms = (xs: number[]) => {
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
        return { mean, sd, text: `${mean.toFixed(3)} ± ${sd.toFixed(3)}` };
      };
      console.log(`\n## randomised variants over model seeds ${modelSeeds.join(', ')} (mean ± sd, same split)\n`);
      console.log('| variant | AUC-PR ours | AUC-PR reference | F1 ours | F1 reference | Δ means AUC-PR / F1 |');
      console.log('|---|---|---|---|---|---|');
      for (const name of RANDOMISED) {
        if (!ref[name] || !selected.includes(name)) continue;
        const m = matrices[folderOf[name]!]!;
        const ours = modelSeeds.map((s) => {
          const d = makeDetector(name, s);
          fitDetector(d, m.train, trainLabels);
          return evaluate(d.score(m.val), d.score(m.test));
        });
        const theirs = ref[name]!.seeds!.map((r) => evaluate(Float64Array.from(r.val), Float64Array.from(r.test)));
        const [ap, bp, af, bf] = [
          ms(ours.map((r) => r.auc_pr)),
          ms(theirs.map((r) => r.auc_pr)),
          ms(ours.map((r) => r.f1)),
          ms(theirs.map((r) => r.f1)),
        ];
        console.log(
          `| ${name} | ${ap.text} | ${bp.text} | ${af.text} | ${bf.text} | ${f(Math.abs(ap.mean - bp.mean))} / ${f(Math.abs(af.mean - bf.mean))} |`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
