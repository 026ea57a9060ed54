/**
 * `bench score <trial | bundle-dir> <DIR>`: new logs scored by a trained trial. The tree at DIR is
 * ingested with the trial's ingest settings (into the cache), scoped as its split was (label scope,
 * grouping), vectorized by the trial's feature space — fit on its training part; tokens that are no
 * column are dropped, as at training — and scored by its model; sequences at or above its threshold
 * (chosen on validation) are flagged, each with its top features.
 *
 * A trial and its bundle (`bench export <trial> --format bundle`) score through the same path: the
 * trial's bundle is built in memory (its feature space refit on the cached ingest and the stored
 * split, as `bench export --format svmlight` does) and loaded exactly as a bundle folder is.
 *
 * Top features of a flagged sequence: the model's own exact contributions where it has them (linear
 * SHAP, TreeSHAP, token weights); for the linear SVM, weight × value; for the others (isolation
 * forest, LOF, one-class SVM, k-means) no per-feature share of the score exists, so the features the
 * sequence has most of relative to training: value × the column's training idf (a z-score for
 * numeric columns).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type CsrMatrix,
  columnIdf,
  type Detector,
  type Explanation,
  FeatureSpace,
  featureSpaceFileText,
  isTokenPart,
  loadDetector,
  resolveVariant,
  type SequenceRecipe,
  selectRows,
  type VariantConfig,
} from '../../../models/index.ts';
import { assign, DEFAULT_SCOPE, PARTS, type Part } from '../../../splits/index.ts';
import {
  type BundleContents,
  type LoadedBundle,
  loadBundle,
  readArtifact,
  readBundle,
  type ScoredSequence,
  scoreFileFormat,
  type TopFeature,
  writeScores,
} from '../../artifacts/index.ts';
import {
  badFilesError,
  discover,
  type IngestSummary,
  ingest,
  type Service,
  verifiedManifest,
} from '../../data/index.ts';
import { BenchError, dataError, usageError } from '../../errors/index.ts';
import { configurationOf } from '../../experiment/index.ts';
import { openStore, type Store, type TrialDetail } from '../../store/index.ts';
import { IngestInputs } from '../../sweep/index.ts';
import { intFlag, parseFlags, STORE_FLAGS } from '../flags.ts';
import { cacheDir, storeArtifactsDir, storeTarget } from '../paths.ts';
import { num } from './run.ts';

const out = (s: string) => process.stdout.write(s);

/** The lo2-bench version, from the package's manifest. */
function lo2BenchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/**
 * The cached ingest of a trial's dataset, its files checked against the manifest's sha256 (a changed
 * file must not become wrong matrices); an io error naming the entry and how to rebuild it otherwise.
 */
export function trialIngest(cache: string, t: TrialDetail): { dir: string; summary: IngestSummary } {
  const dir = join(cache, 'ingest', t.dataset.hash);
  const entry = verifiedManifest<IngestSummary>(dir);
  if ('problem' in entry) {
    throw new BenchError('io', `the ingest of dataset ${t.dataset.hash} cannot be used: ${entry.problem} (${dir})`, {
      file: dir,
      hint: `rerun its experiment (bench run ${t.experiment.file ?? '<file>'}) to rebuild the cache`,
    });
  }
  return { dir, summary: entry.manifest };
}

/**
 * The bundle of a done trial, built from the store, its model artifact (sha256 checked) and the
 * cached ingest of its dataset: the feature space is refit on the split's training part, which
 * gives the vectorizers the trial's matrices were made with (the fit is deterministic).
 */
export async function trialBundle(store: Store, t: TrialDetail, cache: string): Promise<BundleContents> {
  if (t.status !== 'done') {
    const why = t.error ? `: ${t.error.split('\n')[0]}` : '';
    throw new BenchError('data', `trial ${t.id} is ${t.status}, not done: it has no model${why}`, {
      hint:
        t.status === 'failed'
          ? `rerun it with \`bench run ${t.experiment.file ?? '<experiment file>'} --retry-failed\``
          : `finish it with \`bench run ${t.experiment.file ?? '<experiment file>'}\``,
    });
  }
  const artifact = t.artifacts.find((a) => a.kind === 'model');
  if (!artifact) {
    throw new BenchError('data', `trial ${t.id} has no model artifact`, {
      hint: 'rerun it with `bench run --fresh`',
    });
  }
  const model = readArtifact(artifact); // checks the sha256
  const { dir: ingestDir, summary } = trialIngest(cache, t);
  const split = await store.loadSplit(t.split.id);
  const scope = split.scope ?? DEFAULT_SCOPE;
  const inputs = new IngestInputs(ingestDir, scope);
  const parts = assign(inputs.meta(), split).parts;
  // As buildMatrices fits it for the sweep: each part's vectorizer on the training sequences only,
  // with the variant's vectorizer settings.
  // The trial's own configuration (an inline variant has no registry entry to resolve).
  const vectorizer = (configurationOf(t.params)?.vectorizer ??
    resolveVariant(t.variant, { featureSet: t.featureSet }).vectorizer) as VariantConfig['vectorizer'];
  const space = FeatureSpace.fit(t.featureSet, inputs.source(t.featureSet), parts.train, vectorizer);
  const recipe: SequenceRecipe = {
    trimLines: summary.options.trimLines,
    continuation: summary.options.continuation,
    drain: summary.options.drain,
    services: summary.options.selection.services,
    ingestCode: summary.codeVersion,
    scope,
  };
  const threshold = t.metrics.val.threshold;
  if (typeof threshold !== 'number') throw dataError(`trial ${t.id} has no threshold among its validation metrics`);
  const anomalies = parts.train.filter((s) => s.anomaly).length;
  // Which training rows the model learned from depends on the detector: restored once to ask it.
  const { trainsOn } = loadDetector(JSON.parse(model.toString('utf8')));
  const experimentRow = await store.findExperiment(t.experiment.name);
  const config =
    experimentRow?.id === t.experiment.id
      ? ((await store.latestExperimentConfigs()).get(t.experiment.name) ?? null)
      : null;
  const env = (t.sweep.env ?? {}) as { dirty?: boolean | null };
  return {
    info: {
      lo2Bench: lo2BenchVersion(),
      trial: {
        id: t.id,
        variant: t.variant,
        featureSet: t.featureSet,
        seed: t.seed,
        params: t.params,
        key: t.key,
      },
      experiment: { name: t.experiment.name, file: t.experiment.file, config },
      dataset: {
        hash: t.dataset.hash,
        source: t.dataset.source,
        nRuns: t.dataset.nRuns,
        nSequences: t.dataset.nSequences,
        nEvents: t.dataset.nEvents,
      },
      split: {
        seed: split.seed,
        strategy: split.strategy,
        manifestHash: split.hash,
        scope: { labels: scope.labels, seqBy: scope.seqBy },
        runs: Object.fromEntries(PARTS.map((p) => [p, split.parts[p].length])) as Record<Part, number>,
        sequences: Object.fromEntries(PARTS.map((p) => [p, parts[p].length])) as Record<Part, number>,
      },
      training: {
        sequences: parts.train.length,
        anomalies,
        rows: trainsOn === 'normal' ? parts.train.length - anomalies : parts.train.length,
        trainsOn,
      },
      metrics: t.metrics,
      git: { commit: t.sweep.gitSha, dirty: env.dirty ?? null },
    },
    model,
    space: featureSpaceFileText(space, recipe),
    threshold: { threshold, chosenOn: 'val', rule: (t.params as { threshold?: unknown } | null)?.threshold ?? null },
  };
}

/** How a detector's top features are ranked (see the module comment). */
export type TopFeatureMethod = Explanation['method'] | 'weight × value' | 'value × idf';

/**
 * The `k` features of each of `rows` (rows of `x`) that push its score up most, by the detector's
 * own explanation, its weights, or (without either) value × column idf. Features with no positive
 * share are left out.
 */
export function topFeatures(
  detector: Detector,
  x: CsrMatrix,
  rows: readonly number[],
  columns: readonly string[],
  idf: Float64Array,
  k: number,
): { method: TopFeatureMethod; features: TopFeature[][] } {
  const rank = (entries: TopFeature[]) =>
    entries
      .filter((f) => f.importance > 0)
      .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
      .slice(0, k);
  const sub = selectRows(x, rows);
  const rowValues = (r: number) => {
    const m = new Map<number, number>();
    for (let j = sub.indptr[r]!; j < sub.indptr[r + 1]!; j++) m.set(sub.indices[j]!, sub.data[j]!);
    return m;
  };
  if (detector.explain) {
    const e = detector.explain(sub);
    return {
      method: e.method,
      features: e.rows.map((row, r) => {
        const values = rowValues(r);
        return rank(
          [...row.columns].map((c, i) => ({
            feature: columns[c] ?? `#${c}`,
            value: values.get(c) ?? 0,
            importance: row.values[i]!,
          })),
        );
      }),
    };
  }
  const weights = (detector as { weights?: unknown }).weights;
  const w = weights instanceof Float64Array && weights.length === x.nCols ? weights : null;
  return {
    method: w ? 'weight × value' : 'value × idf',
    features: rows.map((_, r) =>
      rank(
        [...rowValues(r)].map(([c, v]) => ({
          feature: columns[c] ?? `#${c}`,
          value: v,
          importance: w ? w[c]! * v : Math.abs(v) * idf[c]!,
        })),
      ),
    ),
  };
}

export interface ScoreResult {
  /** What scored: a trial of the database, or a bundle folder. */
  source: { trial: number } | { bundle: string };
  trial: LoadedBundle['meta']['trial'];
  dir: string;
  featureSet: string;
  scope: SequenceRecipe['scope'];
  threshold: number;
  topFeatures: TopFeatureMethod;
  sequences: number;
  flagged: number;
  rows: ScoredSequence[];
}

/** Scores the LO2 tree at `root` with a loaded bundle (built from a trial or read from a folder). */
export async function scoreTree(
  bundle: LoadedBundle,
  root: string,
  o: { cacheDir: string; top: number },
): Promise<Omit<ScoreResult, 'source'>> {
  const recipe = bundle.space.recipe;
  const ing = await ingest(root, {
    cacheDir: o.cacheDir,
    trimLines: recipe.trimLines,
    continuation: recipe.continuation,
    drain: recipe.drain,
    selection: { services: recipe.services as Service[] },
  });
  const bad = badFilesError(ing, 'fail', 'score a tree without them');
  if (bad) throw bad;
  const inputs = new IngestInputs(ing.dir, recipe.scope);
  const meta = inputs.meta();
  if (meta.length === 0) {
    throw dataError(`no sequences of ${root} are in the trial's scope (labels ${recipe.scope.labels})`, {
      file: root,
      hint: `the trial reads the services ${recipe.services.join(', ')}`,
    });
  }
  const space = bundle.space.load(inputs.source(bundle.space.featureSet));
  const x = space.transform(meta);
  const scores = bundle.detector.score(x);
  const unseen = new Int32Array(meta.length);
  for (const part of space.parts.filter(isTokenPart)) {
    const u = space.unseenCounts(part, meta);
    for (let i = 0; i < u.length; i++) unseen[i]! += u[i]!;
  }
  const threshold = bundle.threshold.threshold;
  const flaggedRows: number[] = [];
  for (let i = 0; i < meta.length; i++) if (scores[i]! >= threshold) flaggedRows.push(i);
  const top = topFeatures(bundle.detector, x, flaggedRows, space.columnNames, columnIdf(space), o.top);
  const featuresOf = new Map(flaggedRows.map((r, k) => [r, top.features[k]!]));
  return {
    trial: bundle.meta.trial,
    dir: root,
    featureSet: bundle.space.featureSet,
    scope: recipe.scope,
    threshold,
    topFeatures: top.method,
    sequences: meta.length,
    flagged: flaggedRows.length,
    rows: meta.map((s, i) => ({
      seqId: s.seqId,
      run: s.run,
      testCase: s.testCase,
      service: s.service,
      anomaly: s.anomaly,
      score: scores[i]!,
      flagged: scores[i]! >= threshold,
      unseenTokens: unseen[i]!,
      topFeatures: featuresOf.get(i) ?? [],
    })),
  };
}

export async function scoreCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAGS, json: { type: 'boolean' }, out: { type: 'string' }, top: { type: 'string' } },
    'score',
  );
  if (positionals.length !== 2) {
    throw usageError('score: expected a trial (or a bundle folder) and the folder of the logs to score', {
      hint: 'bench score 12 path/to/lo2-tree, or bench score path/to/bundle path/to/lo2-tree',
    });
  }
  const [who, dirArg] = positionals as [string, string];
  const top = intFlag(values.top, 'top', 1) ?? 5;
  if (values.out !== undefined) scoreFileFormat(values.out); // a bad extension fails before any work
  const root = resolve(dirArg);
  await discover(root); // a missing folder, or one without LO2 runs, fails before the trial is loaded
  let source: ScoreResult['source'];
  let bundle: LoadedBundle;
  if (/^\d+$/.test(who)) {
    const id = Number(who);
    source = { trial: id };
    const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
    try {
      const t = await store.getTrial(id);
      if (!t) throw usageError(`trial ${id} is not in the database`, { hint: 'list trials with `bench ls`' });
      bundle = loadBundle(await trialBundle(store, t, cacheDir()));
    } finally {
      await store.close();
    }
  } else {
    const dir = resolve(who);
    if (!existsSync(dir)) {
      throw usageError(`score: '${who}' is neither a trial id nor a bundle folder`, {
        hint: 'give a trial id (bench ls) or a folder written by `bench export <trial> --format bundle`',
      });
    }
    source = { bundle: dir };
    bundle = readBundle(dir);
  }
  const r: ScoreResult = { source, ...(await scoreTree(bundle, root, { cacheDir: cacheDir(), top })) };
  if (values.out !== undefined) writeScores(resolve(values.out), r.rows, r.threshold);
  if (values.json) {
    out(`${JSON.stringify(values.out === undefined ? r : { ...r, out: resolve(values.out) }, null, 2)}\n`);
    return 0;
  }
  const t = r.trial;
  const by = 'trial' in source ? `trial ${t.id}` : `bundle ${source.bundle} (trial ${t.id})`;
  out(`${by}: ${t.variant} × ${t.featureSet} × seed ${t.seed}, threshold ${num(r.threshold)} (chosen on validation)\n`);
  out(
    `${r.sequences} sequences of ${root} (labels ${r.scope.labels}, one sequence per ${r.scope.seqBy === 'file' ? 'file' : 'test case'}): ${r.flagged} flagged\n`,
  );
  const flagged = r.rows.filter((x) => x.flagged).sort((a, b) => b.score - a.score || (a.seqId < b.seqId ? -1 : 1));
  if (flagged.length > 0) {
    const w = (k: 'run' | 'testCase' | 'service', title: string) =>
      Math.max(title.length, ...flagged.map((x) => x[k].length));
    const [wr, wc, ws] = [w('run', 'run'), w('testCase', 'test case'), w('service', 'service')];
    out(`\ntop features: ${r.topFeatures}\n`);
    out(
      `${'run'.padEnd(wr)}  ${'test case'.padEnd(wc)}  ${'service'.padEnd(ws)}  ${'score'.padStart(9)}  top features\n`,
    );
    for (const x of flagged) {
      const features = x.topFeatures.map((f) => `${f.feature} ${f.importance >= 0 ? '+' : ''}${num(f.importance)}`);
      out(
        `${x.run.padEnd(wr)}  ${x.testCase.padEnd(wc)}  ${x.service.padEnd(ws)}  ${num(x.score).padStart(9)}  ${features.join(', ')}\n`,
      );
    }
  }
  const withUnseen = r.rows.filter((x) => x.unseenTokens > 0).length;
  if (withUnseen > 0) {
    out(
      `\n${withUnseen} of ${r.sequences} sequences hold tokens the trial never trained on (left out, as at training)\n`,
    );
  }
  if (values.out !== undefined) out(`wrote ${resolve(values.out)}\n`);
  return 0;
}
