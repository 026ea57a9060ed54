/** `bench show <trial>`, `bench compare <a> <b>`, `bench export <trial>`: one trial's record, two side by side, its data out. */
import { join, resolve } from 'node:path';
import type { exportSvmlight } from '../../../models/index.ts';
import { BenchError, ensureDir, usageError } from '../../errors/index.ts';
import { openStore, type Store, type TrialDetail } from '../../store/index.ts';
import { idArg, parseFlags, STORE_FLAGS } from '../flags.ts';
import { cacheDir, exportsDir, storeArtifactsDir, storeTarget } from '../paths.ts';
import { num, tagText } from './run.ts';

const out = (s: string) => process.stdout.write(s);

async function trialOrThrow(store: Store, id: number): Promise<TrialDetail> {
  const t = await store.getTrial(id);
  if (!t) throw usageError(`trial ${id} is not in the database`, { hint: 'list trials with `bench ls`' });
  return t;
}

export async function showCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...STORE_FLAGS, json: { type: 'boolean' } }, 'show');
  const id = idArg(positionals[0], 'trial', 'show');
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const t = await trialOrThrow(store, id);
    if (values.json) {
      out(`${JSON.stringify(t, null, 2)}\n`);
      return 0;
    }
    out(`trial ${t.id}: ${t.variant} × ${t.featureSet} × seed ${t.seed} — ${t.status}\n`);
    out(
      `experiment ${t.experiment.name} (${t.experiment.file ?? '?'}), sweep ${t.sweep.id}, git ${t.sweep.gitSha?.slice(0, 10) ?? '?'}\n`,
    );
    if (t.worker !== null) out(`run by ${t.worker}\n`);
    if (t.sweep.note !== null) out(`sweep note: ${t.sweep.note}\n`);
    if (Object.keys(t.sweep.tags).length > 0) out(`sweep tags: ${tagText(t.sweep.tags)}\n`);
    out(
      `dataset ${t.dataset.source} (${t.dataset.hash}): ${t.dataset.nRuns} runs, ${t.dataset.nSequences} sequences\n`,
    );
    out(
      `split ${t.split.id}: ${t.split.strategy}, seed ${t.split.seed}, manifest ${t.split.manifestHash.slice(0, 16)}\n`,
    );
    const configuration = await configurationText(t);
    if (configuration.length > 0) out(`\nconfiguration:\n${configuration.map((l) => `  ${l}\n`).join('')}`);
    if (t.error) out(`\nerror:\n${t.error}\n`);
    const { comparedMetrics } = await import('../../../reports/index.ts');
    const names = [
      ...comparedMetrics((id) => (['train', 'val', 'test'] as const).some((p) => t.metrics[p][id] !== undefined)),
      'threshold',
      'tp',
      'fp',
      'tn',
      'fn',
    ];
    if (Object.keys(t.metrics.test).length > 0) {
      out(`\n${'metric'.padEnd(16)}${'train'.padStart(10)}${'val'.padStart(10)}${'test'.padStart(10)}\n`);
      for (const n of names) {
        const cell = (p: 'train' | 'val' | 'test') => {
          const v = t.metrics[p][n];
          return (v === undefined ? '' : ['tp', 'fp', 'tn', 'fn'].includes(n) ? String(v) : num(v)).padStart(10);
        };
        out(`${n.padEnd(16)}${cell('train')}${cell('val')}${cell('test')}\n`);
      }
      const ci = [t.metrics.test.f1_ci_lo, t.metrics.test.f1_ci_hi];
      out(`test F1 95% CI over runs [${num(ci[0])}, ${num(ci[1])}], PSI train→test ${num(t.metrics.test.psi)}\n`);
    }
    const solver = t.metrics.train;
    if (typeof solver.iterations === 'number' && typeof solver.max_iterations === 'number') {
      const g = solver.final_gradient;
      const tol = solver.gradient_tol;
      const stopped = solver.iterations >= solver.max_iterations;
      out(
        `solver: ${solver.iterations}/${solver.max_iterations} iterations` +
          (typeof g === 'number' ? `, final gradient ${g.toExponential(2)}` : '') +
          (typeof tol === 'number' ? ` (tol ${tol.toExponential(0)})` : '') +
          (stopped ? ' — hit the iteration limit: not converged' : ' — stopped before the limit') +
          '\n',
      );
    }
    const cases = Object.entries(t.slices)
      .filter(([k, m]) => k.startsWith('testCase=') && (m.tp ?? 0) + (m.fn ?? 0) > 0)
      .sort((a, b) => (a[1].recall ?? 0) - (b[1].recall ?? 0));
    const faults = ['fault=visible', 'fault=hidden'].filter((k) => t.slices[k]);
    if (faults.length > 0) {
      out('\ntest slices by ground truth (normal sequences + anomalies with / without a fault-caused line):\n');
      for (const k of faults) {
        const m = t.slices[k]!;
        const anomalies = (m.tp ?? 0) + (m.fn ?? 0);
        out(
          anomalies === 0
            ? `  ${k.padEnd(14)} no such anomaly in test\n`
            : `  ${k.padEnd(14)} recall ${num(m.recall)} (${m.tp ?? 0}/${anomalies})  F1 ${num(m.f1)}  AUC-ROC ${num(m.auc_roc)}\n`,
        );
      }
    }
    if (cases.length > 0) {
      out('\nrecall per error case (worst first):\n');
      for (const [k, m] of cases)
        out(`  ${k.slice('testCase='.length).padEnd(40)} ${num(m.recall)}  (${m.tp}/${(m.tp ?? 0) + (m.fn ?? 0)})\n`);
    }
    if (t.timings.length > 0) {
      out('\nstage        wall ms    cpu ms  peak RSS MB\n');
      for (const s of t.timings)
        out(
          `${s.stage.padEnd(10)}${num(s.wallMs, 1).padStart(10)}${num(s.cpuMs, 1).padStart(10)}${num(s.peakRssMb, 0).padStart(13)}\n`,
        );
    }
    if (t.throughput) {
      const q = t.throughput;
      out(
        `\ninference (tinybench, score on ${q.rows} test sequences): mean ${num(q.meanMs, 2)} ms, p99 ${num(q.p99Ms, 2)} ms, ±${num(q.rme, 1)} %, ${q.samples} samples → ${num(q.sequencesPerS, 0)} sequences/s\n`,
      );
    }
    if (t.artifacts.length > 0) {
      out('\nartifacts:\n');
      for (const a of t.artifacts) out(`  ${a.kind.padEnd(14)} ${a.path}  sha256 ${a.sha256.slice(0, 16)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** A trial's configuration and, for a tuned one, its grid search (its `tuning.json`), as lines. */
async function configurationText(t: TrialDetail): Promise<string[]> {
  const [{ paramsLines }, { readTuning }] = await Promise.all([
    import('../../experiment/index.ts'),
    import('../../artifacts/index.ts'),
  ]);
  const tuning = t.artifacts.find((a) => a.kind === 'tuning');
  return paramsLines(t.params, tuning ? readTuning(tuning) : null, (x) => num(x));
}

/** A t statistic, with the infinite ones of zero-variance differences spelled out. */
const tText = (t: number) => (Number.isFinite(t) ? t.toFixed(3) : t > 0 ? '+∞' : '−∞');

export async function compareCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAGS, experiment: { type: 'string' }, json: { type: 'boolean' } },
    'compare',
  );
  if (positionals.length !== 2) {
    throw usageError('compare: expected two trials or two variants', {
      hint: 'bench compare 12 17, or bench compare event_lr_words:words event_rf_words:words [--experiment NAME]',
    });
  }
  const [a, b] = positionals as [string, string];
  const isId = (s: string) => /^\d+$/.test(s);
  if (isId(a) !== isId(b)) throw usageError('compare: give two trial ids or two variants, not one of each');
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const r = isId(a)
      ? await (await import('../../../reports/index.ts')).compareTrials(store, Number(a), Number(b))
      : await (async () => {
          const { compareSelectors, parseSelector } = await import('../../../reports/index.ts');
          return compareSelectors(store, parseSelector(a, values.experiment), parseSelector(b, values.experiment));
        })();
    if (values.json) {
      out(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    const label = (x: { variant: string; featureSet: string }) => `${x.variant}:${x.featureSet}`;
    out(
      `a = ${r.kind === 'trials' ? `trial ${r.a.id} ` : ''}${label(r.a)}\nb = ${r.kind === 'trials' ? `trial ${r.b.id} ` : ''}${label(r.b)}\n`,
    );
    if (r.kind === 'seeds')
      out(`paired over ${r.pairs.length} split seed(s): ${r.pairs.map((p) => p.seed).join(', ')}\n`);
    out(`\n${'test metric'.padEnd(16)}${'a'.padStart(9)}${'b'.padStart(9)}${'b − a'.padStart(9)}\n`);
    for (const d of r.deltas) {
      const sign = d.delta !== null && d.delta > 0 ? '+' : '';
      out(
        `${d.name.padEnd(16)}${num(d.a).padStart(9)}${num(d.b).padStart(9)}${`${sign}${num(d.delta)}`.padStart(9)}\n`,
      );
    }
    if (r.kind === 'trials') {
      if (r.paired) {
        const p = r.paired;
        out(
          `\nF1(b) − F1(a) = ${num(p.meanDiff)}, 95% CI [${num(p.ci[0])}, ${num(p.ci[1])}], p = ${num(p.pValue)} (paired bootstrap over ${p.n} test runs)\n` +
            'note: these two fitted models on this split only — it says nothing about another split or training set (compare the variants over seeds for that)\n',
        );
      } else out(`\n${r.note}\n`);
    } else {
      const w = r.wilcoxon;
      const c = r.corrected_t;
      if (c.state === 'interval') {
        out(
          `\nF1(b) − F1(a) = ${num(c.mean)}, 95% CI [${num(c.ci[0])}, ${num(c.ci[1])}], t = ${tText(c.t)}, df = ${c.df}, p = ${num(c.p)}\n` +
            `  corrected resampled t-test over ${c.k} split seeds (Nadeau & Bengio: variance × (1/${c.k} + ${num(c.nTest, 0)}/${num(c.nTrain, 0)}))` +
            ` → ${r.tied ? `tied: ${c.k} seeds cannot order a and b (not evidence that they are equal)` : `different: ${c.mean > 0 ? 'b' : 'a'} is better on F1`}\n`,
        );
      } else {
        const b = r.bootstrap!;
        out(
          `\n${c.reason}. On that split's test runs only (paired bootstrap, models fixed): F1(b) − F1(a) = ${num(b.meanDiff)}, ` +
            `95% CI [${num(b.ci[0])}, ${num(b.ci[1])}], p = ${num(b.pValue)} → ${r.tied ? 'tied' : 'different'} on this split\n`,
        );
      }
      out(
        `side note — Wilcoxon signed-rank over seeds: p = ${num(w.pValue)} (${w.method}, n = ${w.n})` +
          (r.pairs.length < 6 ? '; with fewer than 6 seeds it cannot reach p < 0.05\n' : '\n'),
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

const FORMATS = ['svmlight', 'arrow', 'parquet', 'csv', 'bundle'] as const;
type Format = (typeof FORMATS)[number];

export async function exportCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAGS, format: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    'export',
  );
  const id = idArg(positionals[0], 'trial', 'export');
  const format = (values.format ?? 'svmlight') as Format;
  if (!FORMATS.includes(format)) {
    throw usageError(`export: unknown --format '${format}'`, { hint: `one of ${FORMATS.join(', ')}` });
  }
  const dir = resolve(values.out ?? join(exportsDir(), `trial-${id}-${format}`));
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const t = await trialOrThrow(store, id);
    const files: string[] = [];
    ensureDir(dir, 'export folder', 'pass a writable folder with --out');
    const [{ exportSvmlight, resolveVariant }, { assign, DEFAULT_SCOPE, PARTS }, { exportPredictions, writeBundle }] =
      await Promise.all([
        import('../../../models/index.ts'),
        import('../../../splits/index.ts'),
        import('../../artifacts/index.ts'),
      ]);
    const { buildMatrices, IngestInputs } = await import('../../sweep/index.ts');
    if (format === 'svmlight') {
      // The exact matrices the model saw: rebuilt from the cached ingest (vectorizers fit on train).
      const { dir: ingestDir } = (await import('./score.ts')).trialIngest(cacheDir(), t);
      const manifest = await store.loadSplit(t.split.id);
      // The sequences the trial saw: its split records the scope they were taken in.
      const inputs = new IngestInputs(ingestDir, manifest.scope ?? DEFAULT_SCOPE);
      const parts = assign(inputs.meta(), manifest).parts;
      // The trial's own configuration (an inline variant has no registry entry to resolve).
      const stored = (await import('../../experiment/index.ts')).configurationOf(t.params);
      const vectorizer = (stored?.vectorizer ??
        resolveVariant(t.variant, { featureSet: t.featureSet }).vectorizer) as ReturnType<
        typeof resolveVariant
      >['vectorizer'];
      const m = buildMatrices(t.featureSet, inputs.source(t.featureSet), parts, vectorizer);
      const labelled = Object.fromEntries(
        PARTS.map((p) => [p, { x: m.matrices[p], labels: Uint8Array.from(parts[p], (s) => (s.anomaly ? 1 : 0)) }]),
      ) as Parameters<typeof exportSvmlight>[1];
      exportSvmlight(dir, labelled, m.columnNames, {
        trial: { id: t.id, variant: t.variant, featureSet: t.featureSet, seed: t.seed, experiment: t.experiment.name },
        dataset: t.dataset.hash,
        split: manifest,
        seqIds: Object.fromEntries(PARTS.map((p) => [p, parts[p].map((s) => s.seqId)])),
      });
      files.push(...PARTS.map((p) => `${p}.svm`), 'features.txt', 'meta.json');
    } else if (format === 'bundle') {
      // Model, feature space fit on train, threshold and metadata: what `bench score` needs, byte-identical per trial.
      const { trialBundle } = await import('./score.ts');
      files.push(...writeBundle(dir, await trialBundle(store, t, cacheDir())));
    } else {
      const artifact = t.artifacts.find((a) => a.kind === 'predictions');
      if (!artifact) {
        throw new BenchError('data', `trial ${id} has no predictions (status ${t.status})`, {
          hint: t.status === 'done' ? 'rerun it with `bench run --fresh`' : 'finish it with `bench run` first',
        });
      }
      files.push(exportPredictions(artifact, format, dir)); // checks the sha256
    }
    const result = { trial: id, format, dir, files: files.map((f) => join(dir, f)) };
    out(
      values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `exported trial ${id} (${format}) to ${dir}: ${files.join(', ')}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
