/**
 * CPU time of the weighted tree fits on the standard preset's event-level training matrix (words,
 * the event variants' pruned vectorizer, split seed 1, target-service labels): ≈2,100 distinct rows
 * whose counts sum to ≈788k events. Fits `event_rf_words` (150 trees, bootstrap over the events)
 * and/or `event_xgb_words` (120 rounds, subsample per event) for the given model seeds, prints CPU
 * seconds per fit and a hash of the training scores per (variant, seed), so two versions of the
 * code can be compared for speed and for bit-identical output.
 *
 *   node --import tsx scripts/perf/tree-draws.ts [--only rf|xgb] [--seeds 0,1,2,3,4] [--models <dir>/index.ts]
 *
 * `--models` loads the models room from another checkout (a copy of an older `models/`), so old and
 * new run on the same matrix in alternating processes. The matrix is built once and cached under
 * the OS temp folder, keyed by the vectorizer settings only (delete `lo2-tree-draws/` there after
 * a change to the dataset or the split).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchHome } from '../../harness/cli/paths.ts';
import { ingest, materializeDataset } from '../../harness/data/index.ts';
import { buildEventMatrices, eventSource } from '../../harness/sweep/event-matrices.ts';
import { IngestInputs } from '../../harness/sweep/index.ts';
import type { CsrMatrix } from '../../models/index.ts';
import { resolveVariant } from '../../models/index.ts';
import { assign, makeSplit, type SequenceScope } from '../../splits/index.ts';

const { values } = parseArgs({
  options: { only: { type: 'string' }, seeds: { type: 'string' }, models: { type: 'string' } },
});
const seeds = (values.seeds ?? '0,1,2,3,4').split(',').map(Number);
const variants = { rf: 'event_rf_words', xgb: 'event_xgb_words' } as const;
const only = (values.only?.split(',') ?? ['rf', 'xgb']) as (keyof typeof variants)[];
const models: typeof import('../../models/index.ts') = await import(
  values.models ? resolve(values.models) : '../../models/index.ts'
);

interface TrainingRows {
  x: CsrMatrix;
  labels: Uint8Array;
  weights: Float64Array;
}

/** The event-level training rows of the standard preset's first split. */
async function buildTrainingRows(): Promise<TrainingRows> {
  const cacheDir = join(benchHome(), 'cache');
  const scope: SequenceScope = { labels: 'target-service', seqBy: 'file' };
  const { root } = await materializeDataset({ source: 'synthetic', preset: 'standard' }, { cacheDir });
  const ingested = await ingest(root, { cacheDir });
  const inputs = new IngestInputs(ingested.dir, scope);
  const split = assign(inputs.meta(), makeSplit(inputs.fileMeta(), { seed: 1, scope }));
  const { vectorizer } = resolveVariant(variants.rf);
  const m = buildEventMatrices('words', eventSource(inputs, 'words'), split.parts, { vectorizer });
  return { x: m.matrices.train, labels: m.events.train.labels, weights: m.events.train.weights };
}

/** The training rows from the temp cache (keyed by the vectorizer settings), built on first use. */
async function trainingRows(): Promise<TrainingRows> {
  const dir = join(tmpdir(), 'lo2-tree-draws');
  const key = createHash('sha256')
    .update(JSON.stringify(resolveVariant(variants.rf).vectorizer))
    .digest('hex');
  const file = join(dir, `train-${key.slice(0, 12)}.json`);
  if (existsSync(file)) {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    return {
      x: {
        nRows: j.nRows,
        nCols: j.nCols,
        indptr: Int32Array.from(j.indptr),
        indices: Int32Array.from(j.indices),
        data: Float64Array.from(j.data),
      },
      labels: Uint8Array.from(j.labels),
      weights: Float64Array.from(j.weights),
    };
  }
  const rows = await buildTrainingRows();
  mkdirSync(dir, { recursive: true });
  const { x } = rows;
  const plain = {
    nRows: x.nRows,
    nCols: x.nCols,
    indptr: Array.from(x.indptr),
    indices: Array.from(x.indices),
    data: Array.from(x.data),
    labels: Array.from(rows.labels),
    weights: Array.from(rows.weights),
  };
  writeFileSync(file, JSON.stringify(plain));
  return rows;
}

const rows = await trainingRows();
const events = rows.weights.reduce((a, b) => a + b, 0);
console.log(`training rows: ${rows.x.nRows} distinct, ${events} events, ${rows.x.nCols} columns`);
for (const key of only) {
  for (const seed of seeds) {
    const detector = models.makeDetector(variants[key], seed);
    const cpu0 = process.cpuUsage();
    models.fitDetector(detector, rows.x, rows.labels, rows.weights);
    const cpu = process.cpuUsage(cpu0);
    const scores = detector.score(rows.x);
    const hash = createHash('sha256').update(new Uint8Array(scores.buffer)).digest('hex').slice(0, 16);
    const model = createHash('sha256').update(JSON.stringify(detector.toJSON())).digest('hex').slice(0, 16);
    const s = (cpu.user + cpu.system) / 1e6;
    console.log(`${variants[key]} seed ${seed}: ${s.toFixed(2)} CPU-s  scores ${hash}  model ${model}`);
  }
}
