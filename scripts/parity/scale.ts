/**
 * Scale check of the vectorizer and all 14 variants on a larger synthetic preset (default
 * `large`), with the split protocol of registry.ts (random runs 60/20/20, one
 * seed; vocabulary fit on train; normal training rows for the novelty detectors).
 *
 * Each measurement runs in a fresh child process (`--child NAME`), so `process.resourceUsage().maxRSS`
 * is that measurement's own peak: the child loads the cached sequences, splits, vectorizes the
 * variant's feature set, fits, scores val and test, and prints one JSON line. `--child vectorize:FS`
 * stops after vectorizing, the baseline a variant's peak is read against. A child that runs longer
 * than `--timeout` seconds is killed and reported as such. Prints a markdown table.
 *
 *   node --import tsx scripts/parity/scale.ts [--preset large] [--seed 1] [--timeout 300] [--only a,b]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchHome } from '../../harness/cli/paths.ts';
import { ingest, materializeDataset } from '../../harness/data/index.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { makeDetector, resolveVariant, trainingRows, VARIANT_NAMES, type VariantName } from '../../models/index.ts';
import { chooseThreshold, metricsAt } from '../../splits/eval/index.ts';
import type { Part } from '../../splits/index.ts';
import { splitDataset } from './split-dataset.ts';

const { values } = parseArgs({
  options: {
    preset: { type: 'string' },
    seed: { type: 'string' },
    timeout: { type: 'string' },
    only: { type: 'string' },
    child: { type: 'string' },
  },
});
const preset = (values.preset ?? 'large') as 'large';
const seed = Number(values.seed ?? 1);
const cacheDir = join(benchHome(), 'cache');

/** What a child prints (one JSON line on stdout). */
interface ChildResult {
  name: string;
  featureSet: string;
  rows: Record<Part, number>;
  cols: number;
  trainNnz: number;
  fitRows: number;
  vectorizeS: number;
  fitS: number;
  scoreS: number;
  aucPr: number;
  f1: number;
  peakRssMb: number;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function child(name: string): Promise<ChildResult> {
  const { labelsOf, vectorize } = await splitDataset(preset, seed);
  const vectorizeOnly = name.startsWith('vectorize:');
  const config = vectorizeOnly ? null : resolveVariant(name);
  const featureSet = config?.featureSet ?? name.slice('vectorize:'.length);
  const t0 = performance.now();
  // Each variant on its own vectorizer settings (the pipeline's min_df/max_features, OOV's length column).
  const m = vectorize(featureSet, config?.vectorizer).matrices;
  const vectorizeS = (performance.now() - t0) / 1000;
  const base = {
    name,
    featureSet,
    rows: { train: m.train.nRows, val: m.val.nRows, test: m.test.nRows },
    cols: m.train.nCols,
    trainNnz: m.train.indptr[m.train.nRows]!,
    vectorizeS,
  };
  if (vectorizeOnly) {
    return { ...base, fitRows: 0, fitS: 0, scoreS: 0, aucPr: Number.NaN, f1: Number.NaN, peakRssMb: peakRssMb() };
  }
  const trainLabels = labelsOf('train');
  const d = makeDetector(name as VariantName, seed);
  const fit = trainingRows(d, m.train, trainLabels);
  const fitX = fit.x;
  const t1 = performance.now();
  d.fit(fit.x, fit.labels);
  const t2 = performance.now();
  const val = d.score(m.val);
  const test = d.score(m.test);
  const t3 = performance.now();
  const { threshold } = chooseThreshold(val, labelsOf('val'));
  const r = metricsAt(test, labelsOf('test'), threshold);
  return {
    ...base,
    fitRows: fitX.nRows,
    fitS: (t2 - t1) / 1000,
    scoreS: (t3 - t2) / 1000,
    aucPr: r.auc_pr,
    f1: r.f1,
    peakRssMb: peakRssMb(),
  };
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await child(values.child)));
} else {
  const timeoutS = Number(values.timeout ?? 300);
  // Make sure the tree and the ingest are cached before the children start (not timed).
  const t0 = performance.now();
  const { root } = await materializeDataset({ source: 'synthetic', preset }, { cacheDir });
  const ingested = await ingest(root, { cacheDir });
  const meta = readSequenceMeta(ingested.dir);
  console.log(
    `# ${preset} preset: ${meta.length} sequences, split seed ${seed} (data ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  const names = values.only
    ? values.only.split(',')
    : ['vectorize:words', 'vectorize:trigrams', 'vectorize:numeric', ...VARIANT_NAMES];
  console.log(
    '| variant | feature set (cols) | fit rows | train nnz | vectorize s | fit s | score s (val+test) | fit+score s | peak RSS MB | test AUC-PR | test F1 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const started = performance.now();
    let line: string;
    try {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, import.meta.filename, '--child', name, '--preset', preset, '--seed', String(seed)],
        { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult;
      // JSON turns the vectorize rows' NaN metrics into null.
      const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(3));
      const timed = r.fitRows === 0 ? '—' : (r.fitS + r.scoreS).toFixed(2);
      line =
        `| ${r.name} | ${r.featureSet} (${r.cols.toLocaleString('en')}) | ${r.fitRows === 0 ? '—' : r.fitRows.toLocaleString('en')} | ` +
        `${r.trainNnz.toLocaleString('en')} | ${r.vectorizeS.toFixed(2)} | ${r.fitRows === 0 ? '—' : r.fitS.toFixed(2)} | ` +
        `${r.fitRows === 0 ? '—' : r.scoreS.toFixed(2)} | ${timed} | ${Math.round(r.peakRssMb)} | ${fmt(r.aucPr)} | ${fmt(r.f1)} |`;
    } catch (e) {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      const why =
        (e as { signal?: string }).signal === 'SIGTERM'
          ? `killed after ${s} s (timeout)`
          : `failed: ${(e as Error).message.split('\n')[0]}`;
      line = `| ${name} | ${why} | | | | | | | | | |`;
    }
    console.log(line);
  }
}
