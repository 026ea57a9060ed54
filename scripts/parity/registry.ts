/**
 * Parity of all 14 registry variants with scikit-learn on the same matrices: the standard
 * synthetic dataset, one random-runs split, each variant's default feature set vectorized on
 * train and exported as svmlight; `/usr/bin/python3 scripts/parity/registry.py` fits the
 * scikit-learn counterparts. Both sides' scores go through the same protocol (threshold by max F1
 * on validation, metrics on test). Prints a markdown table.
 *
 *   node --import tsx scripts/parity/registry.ts [--preset standard] [--seed 1] [--repeats 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchHome } from '../../harness/cli/paths.ts';
import { ingest, materializeDataset } from '../../harness/data/index.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import {
  type CsrMatrix,
  exportSvmlight,
  FeatureSpace,
  makeDetector,
  readFeatureSource,
  selectRows,
  VARIANT_NAMES,
  VARIANTS,
} from '../../models/index.ts';
import { chooseThreshold, metricsAt } from '../../splits/eval/index.ts';
import { assign, makeSplit, PARTS, type Part } from '../../splits/index.ts';

const { values } = parseArgs({
  options: { preset: { type: 'string' }, seed: { type: 'string' }, repeats: { type: 'string' } },
});
const repeats = Number(values.repeats ?? 3);
const preset = (values.preset ?? 'standard') as 'standard';
const seed = Number(values.seed ?? 1);
const cacheDir = join(benchHome(), 'cache');

const { root } = await materializeDataset({ source: 'synthetic', preset }, { cacheDir });
const ingested = await ingest(root, { cacheDir });
const meta = readSequenceMeta(ingested.dir);
const split = assign(meta, makeSplit(meta, { seed }));
const labelsOf = (p: Part) => Uint8Array.from(split.parts[p], (s) => (s.anomaly ? 1 : 0));

const work = mkdtempSync(join(tmpdir(), 'lo2-parity-'));
const matrices: Record<string, Record<Part, CsrMatrix>> = {};
try {
  for (const fs of ['words', 'trigrams', 'numeric']) {
    const space = FeatureSpace.fit(fs, readFeatureSource(ingested.dir, fs), split.parts.train);
    const m = Object.fromEntries(PARTS.map((p) => [p, space.transform(split.parts[p])])) as Record<Part, CsrMatrix>;
    matrices[fs] = m;
    exportSvmlight(
      join(work, fs),
      {
        train: { x: m.train, labels: labelsOf('train') },
        val: { x: m.val, labels: labelsOf('val') },
        test: { x: m.test, labels: labelsOf('test') },
      },
      space.columnNames,
      { n_features: space.columnNames.length, seed },
    );
  }
  const ref = JSON.parse(
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'registry.py'), work, String(repeats)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  ) as Record<string, { val: number[]; test: number[]; wall: number; cpu: number }>;

  const evaluate = (val: Float64Array, test: Float64Array) => {
    const { threshold } = chooseThreshold(val, labelsOf('val'));
    return metricsAt(test, labelsOf('test'), threshold);
  };
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  console.log(
    `# registry parity — ${preset} preset, random-runs seed ${seed}: train ${split.parts.train.length}, val ${split.parts.val.length}, test ${split.parts.test.length} sequences\n`,
  );
  console.log(
    '| variant | feature set (columns) | AUC-PR ours / sklearn | F1 ours / sklearn | max |Δ| | fit+score s ours / sklearn | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|');
  let oursTotal = 0;
  let refTotal = 0;
  for (const name of VARIANT_NAMES) {
    const fs = VARIANTS[name].featureSet;
    const m = matrices[fs]!;
    const trainLabels = labelsOf('train');
    const normal = [...trainLabels.keys()].filter((i) => trainLabels[i] === 0);
    let ours = Number.POSITIVE_INFINITY;
    let val: Float64Array = new Float64Array(0);
    let test: Float64Array = new Float64Array(0);
    // Best of `repeats` (the first run also pays JIT compilation), like the python side.
    for (let k = 0; k < repeats; k++) {
      const d = makeDetector(name, seed);
      const t0 = performance.now();
      if (d.trainsOn === 'normal') d.fit(selectRows(m.train, normal), new Uint8Array(normal.length));
      else d.fit(m.train, trainLabels);
      val = d.score(m.val);
      test = d.score(m.test);
      ours = Math.min(ours, (performance.now() - t0) / 1000);
    }
    const r = ref[name]!;
    const a = evaluate(val, test);
    const b = evaluate(Float64Array.from(r.val), Float64Array.from(r.test));
    const delta = Math.max(Math.abs(a.auc_pr - b.auc_pr), Math.abs(a.f1 - b.f1));
    oursTotal += ours;
    refTotal += r.wall;
    console.log(
      `| ${name} | ${fs} (${m.train.nCols}) | ${f(a.auc_pr)} / ${f(b.auc_pr)} | ${f(a.f1)} / ${f(b.f1)} | ${f(delta)} | ` +
        `${ours.toFixed(3)} / ${r.wall.toFixed(3)} | ${(ours / r.wall).toFixed(2)} |`,
    );
  }
  console.log(
    `| **sum** | | | | | ${oursTotal.toFixed(2)} / ${refTotal.toFixed(2)} | ${(oursTotal / refTotal).toFixed(2)} |`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
