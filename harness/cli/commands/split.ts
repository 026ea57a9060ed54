/**
 * `bench split [DIR]`: makes a seeded split of an ingested dataset, stores it in SQLite and
 * prints its leakage audit per feature set. The same work `bench run` does before any model.
 */
import { join } from 'node:path';
// Types only at the top: the rooms a split needs (the data room's Arrow readers, the models, the
// store) load once the flags are parsed, so `--help` and usage errors do not pay for them.
import type {
  LabelScope,
  LeakageAudit,
  Part,
  SeqBy,
  SequenceScope,
  SplitManifest,
  SplitStrategy,
} from '../../../splits/index.ts';
import type { IngestSummary, SynthFaults, TokenFeatureSet } from '../../data/index.ts';
import { usageError } from '../../errors/index.ts';
import { intFlag, parseFlags } from '../flags.ts';
import { HELP_SPLIT_STRATEGIES } from '../main.ts';
import { benchHome } from '../paths.ts';

const flags = {
  strategy: { type: 'string' },
  seed: { type: 'string' },
  fractions: { type: 'string' },
  folds: { type: 'string' },
  fold: { type: 'string' },
  'feature-sets': { type: 'string' },
  preset: { type: 'string' },
  order: { type: 'string' },
  faults: { type: 'string' },
  labels: { type: 'string' },
  'seq-by': { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const HELP = `usage: bench split [DIR] [--strategy ${HELP_SPLIT_STRATEGIES.join('|')}] [--seed N]
                   [--fractions 0.6,0.2,0.2] [--folds K --fold I] [--feature-sets words,trigrams,drain]
                   [--preset tiny|standard|large] [--order v1|shuffled] [--faults injected|none]
                   [--labels case|target-service] [--seq-by file|test_case] [--db FILE] [--json]
Ingests DIR (default: the synthetic preset), splits its runs, stores the split in the database
and prints the leakage audit of each feature set. --labels and --seq-by choose the sequences
(label scope, grouping) as an experiment's \`labels\` and \`seqBy\` do; --faults none generates the
null dataset (synthetic only).
`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

interface SplitReport {
  splitId: number;
  dataset: { hash: string; root: string };
  manifest: SplitManifest;
  parts: Record<Part, { runs: number; sequences: number; anomalies: number; errorCases: number }>;
  excluded: number;
  audits: LeakageAudit[];
}

export async function splitCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, flags, 'split');
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [
    { FEATURE_PARTS, isTokenPart },
    { assign, auditSplit, LABEL_SCOPES, makeSplit, PARTS, SEQ_BY },
    { badFilesError, ingest, materializeDataset, resolveSynthOptions, SYNTH_FAULTS },
    { openStore },
    { IngestInputs },
  ] = await Promise.all([
    import('../../../models/index.ts'),
    import('../../../splits/index.ts'),
    import('../../data/index.ts'),
    import('../../store/index.ts'),
    import('../../sweep/index.ts'),
  ]);
  // The audit works on token bags: every feature part but numeric.
  const FEATURE_SETS: readonly TokenFeatureSet[] = FEATURE_PARTS.filter(isTokenPart);
  const featureSets = (values['feature-sets'] ?? FEATURE_SETS.join(',')).split(',').map((s) => s.trim());
  for (const f of featureSets) {
    if (!(FEATURE_SETS as readonly string[]).includes(f)) {
      throw usageError(`--feature-sets: unknown feature set '${f}'`, { hint: `use any of ${FEATURE_SETS.join(', ')}` });
    }
  }
  const fractions = values.fractions?.split(',').map(Number);
  if (fractions && fractions.length !== 3)
    throw usageError(`--fractions needs three numbers (got '${values.fractions}')`);
  const scope: SequenceScope = {
    labels: oneOf<LabelScope>('labels', values.labels, LABEL_SCOPES) ?? 'case',
    seqBy: oneOf<SeqBy>('seq-by', values['seq-by'], SEQ_BY) ?? 'file',
  };
  const faults = oneOf<SynthFaults>('faults', values.faults, SYNTH_FAULTS);
  const cacheDir = join(benchHome(), 'cache');
  let root = positionals[0];
  if (root !== undefined && faults !== undefined) {
    throw usageError('--faults applies to the synthetic dataset only', {
      hint: 'drop DIR to split the synthetic preset, or drop --faults',
    });
  }
  // The dataset's record names a real tree by its path, a generated one by what generates it (as
  // `bench run` does): its folder in the cache is no name to keep, the cache may move.
  let source = root;
  if (root === undefined) {
    const spec = {
      source: 'synthetic',
      preset: (values.preset ?? 'standard') as 'standard',
      ...(values.order && { order: values.order as 'v1' }),
      ...(faults && { faults }),
    } as const;
    const m = await materializeDataset(spec, { cacheDir });
    root = m.root;
    const s = resolveSynthOptions({ ...spec, outDir: '(cache)' });
    source = `synthetic:${s.preset}:${s.order}:${s.seed}:${s.faults}`;
  }
  const summary: IngestSummary = await ingest(root, { cacheDir, tuneHeap: true });
  const bad = badFilesError(summary, 'fail', 'split a tree without them');
  if (bad) throw bad;
  const inputs = new IngestInputs(summary.dir, scope);
  const manifest = makeSplit(inputs.fileMeta(), {
    scope,
    seed: intFlag(values.seed, 'seed', 0) ?? 1,
    ...(values.strategy && { strategy: values.strategy as SplitStrategy }),
    ...(fractions && { fractions: fractions as [number, number, number] }),
    ...(values.folds && { folds: intFlag(values.folds, 'folds', 3)! }),
    ...(values.fold && { fold: intFlag(values.fold, 'fold', 0)! }),
  });
  const store = await openStore(values.db ?? join(benchHome(), 'bench.db'));
  try {
    const datasetId = await store.upsertDataset({
      hash: summary.key,
      source: source ?? summary.root,
      nRuns: summary.runs,
      nSequences: summary.sequences,
      nEvents: summary.events,
      options: summary.options,
    });
    const splitId = await store.saveSplit(datasetId, manifest);
    const audits: LeakageAudit[] = [];
    let partsSummary: SplitReport['parts'] | undefined;
    let excluded = 0;
    for (const fs of featureSets as TokenFeatureSet[]) {
      const bags = inputs.bags(fs);
      const a = assign(bags.sequences, manifest);
      excluded = a.excluded.length;
      partsSummary ??= Object.fromEntries(
        PARTS.map((p) => [
          p,
          {
            runs: manifest.parts[p].length,
            sequences: a.parts[p].length,
            anomalies: a.parts[p].filter((s) => s.anomaly).length,
            errorCases: new Set(a.parts[p].filter((s) => s.anomaly).map((s) => s.testCase)).size,
          },
        ]),
      ) as SplitReport['parts'];
      const audit = auditSplit(manifest, fs, a.parts, bags.vocabulary);
      await store.saveAudit(splitId, fs, audit);
      audits.push(audit);
    }
    const report: SplitReport = {
      splitId,
      dataset: { hash: summary.key, root: summary.root },
      manifest,
      parts: partsSummary!,
      excluded,
      audits,
    };
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatSplit(report, PARTS));
  } finally {
    await store.close();
  }
  return 0;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

function formatSplit(r: SplitReport, parts: readonly Part[]): string {
  const m = r.manifest;
  const scope = m.scope ? `, labels ${m.scope.labels}, sequences per ${m.scope.seqBy}` : '';
  const lines = [`split ${r.splitId}: ${m.strategy}, seed ${m.seed}${scope}, manifest ${m.hash.slice(0, 16)}`];
  for (const p of parts) {
    const s = r.parts[p];
    lines.push(
      `  ${p.padEnd(5)} ${String(s.runs).padStart(5)} runs ${String(s.sequences).padStart(6)} sequences ` +
        `${String(s.anomalies).padStart(6)} anomalous (${pct(s.sequences ? s.anomalies / s.sequences : 0)}), ${s.errorCases} error cases`,
    );
  }
  if (r.excluded) lines.push(`  excluded ${r.excluded} sequences of error cases owned by another part (unseen-errors)`);
  for (const a of r.audits) {
    lines.push(`leakage audit — ${a.featureSet}`);
    lines.push(`  test bags identical to a training bag: ${a.duplicateBags.count} (${pct(a.duplicateBags.share)})`);
    for (const b of a.baselines) {
      lines.push(`  trivial ${b.name.padEnd(16)} test AUC ${num(b.aucTest)}  F1 ${num(b.f1Test)}`);
    }
    for (const r of a.tokenRules ?? []) {
      const kind = r.kind === 'token' ? 'one token' : 'two tokens';
      lines.push(
        `  trivial ${kind.padEnd(16)} test AUC ${num(r.aucTest)}  F1 ${num(r.f1Test)}  ${r.name.slice(0, 80)}`,
      );
    }
    const top = a.strongestFeatures
      .slice(0, 3)
      .map((f) => `'${f.feature.slice(0, 40)}' ${num(f.aucTrain)}/${num(f.aucTest)}`);
    lines.push(`  strongest single features (AUC train/test): ${top.join(', ')}`);
    for (const w of a.warnings) lines.push(`  WARNING ${w}`);
    if (a.warnings.length === 0) lines.push('  no warnings');
  }
  return `${lines.join('\n')}\n`;
}
