/**
 * Variants as configurations (issue 15, part 1): option validation with the algorithm and the option
 * named, every registry variant resolving to the settings of the pipeline we replace (a table written
 * out here, not read from the registry), trial keys from the resolved configuration, OOV counting
 * tokens the vocabulary never saw, and the options the pipeline's settings needed (tree feature
 * draws, boosting column samples, the L1 linear SVM).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import type { SequenceBag, SequenceBags } from '../../harness/data/read.ts';
import { configKey, planTrials, trialExplain, trialKey } from '../../harness/experiment/plan.ts';
import { parseExperiment } from '../../harness/experiment/schema.ts';
import { DecisionTree, featuresPerNode } from '../../models/algorithms/decision-tree.ts';
import { GradientBoosting } from '../../models/algorithms/gradient-boosting.ts';
import { LinearSvm } from '../../models/algorithms/linear-svm.ts';
import {
  ALGORITHMS,
  csrFromDense,
  FeatureSpace,
  fitDetector,
  makeDetector,
  resolveAlgorithmOptions,
  resolveVariant,
  VARIANT_NAMES,
  type VariantName,
} from '../../models/index.ts';

describe('algorithm options', () => {
  it('every algorithm declares its options with defaults its class accepts', () => {
    for (const [name, entry] of Object.entries(ALGORITHMS)) {
      assert.equal(entry.name, name);
      assert.deepEqual(resolveAlgorithmOptions(name as keyof typeof ALGORITHMS), entry.defaults, name);
    }
  });

  it('names the variant, the algorithm and the unknown option, with the nearest known one', () => {
    assert.throws(() => makeDetector('event_rf_words', 1, { maxDepht: 3 }), {
      name: 'TypeError',
      message:
        /^event_rf_words \(random-forest\): unknown option 'maxDepht' \(did you mean 'maxDepth'\?\); random-forest takes maxDepth, /,
    });
    assert.throws(() => resolveAlgorithmOptions('logistic-regression', { c: 0.1 }), {
      name: 'TypeError',
      message: /^logistic-regression: unknown option 'c' \(did you mean 'C'\?\)/,
    });
    assert.throws(() => resolveAlgorithmOptions('kmeans', { clusters: 2 }), {
      message: /^kmeans: unknown option 'clusters'; kmeans takes k, nInit, maxIter, tol$/,
    });
    assert.throws(() => resolveAlgorithmOptions('oov', { threshold: 1 }), {
      message: "oov: unknown option 'threshold'; oov takes no options",
    });
  });

  it('names the algorithm and the option for a value its class refuses', () => {
    assert.throws(() => makeDetector('decision-tree', 1, { maxDepth: 0 }), {
      name: 'TypeError',
      message: 'decision-tree: maxDepth must be null or an integer ≥ 1 (got 0)',
    });
    assert.throws(() => makeDetector('event_lsvm_words', 1, { loss: 'hinge' }), {
      message: "event_lsvm_words (linear-svm): penalty 'l1' needs loss 'squared_hinge' (as sklearn's LinearSVC)",
    });
  });

  it('resolves defaults ← the variant ← the caller', () => {
    const d = makeDetector('event_rf_words', 1, { nEstimators: 5, maxDepth: undefined }) as unknown as {
      options: Record<string, unknown>;
    };
    assert.equal(d.options['nEstimators'], 5);
    assert.equal(d.options['maxDepth'], 12, 'undefined counts as not given');
    assert.equal(d.options['minSamplesSplit'], 20);
    const bare = makeDetector('random-forest', 1) as unknown as { options: Record<string, unknown> };
    assert.equal(bare.options['nEstimators'], 100);
  });

  it('refuses unknown names with a suggestion, and OOV on a numeric feature set', () => {
    assert.throws(() => resolveVariant('event_rf_word'), {
      message: /^unknown variant or algorithm 'event_rf_word' \(did you mean 'event_rf_words'\?\)/,
    });
    assert.throws(() => resolveVariant('event_oov_words', { featureSet: 'words+numeric' }), {
      message:
        "event_oov_words (oov): needs the token-length column, so its feature set must have token parts only (got 'words+numeric')",
    });
    assert.throws(() => resolveVariant('event_rf_words', { vectorizer: { minDf: -1 } }), {
      message: /^event_rf_words \(random-forest\): vectorizer tokens.minDf must be/,
    });
  });
});

/**
 * The pipeline's settings (its registry in LO2_samples.py and LogLead's defaults), in our option
 * names; options not listed are the algorithm's defaults, checked against the class defaults below.
 */
const PIPELINE: Record<
  VariantName,
  {
    algorithm: string;
    options: Record<string, unknown>;
    featureSet: string;
    trainsOn: 'all' | 'normal';
    vectorizer?: { minDf: number; maxFeatures: number };
  }
> = {
  isolation_forest: {
    algorithm: 'isolation-forest',
    options: { nEstimators: 200, maxSamples: 256 },
    featureSet: 'words',
    trainsOn: 'normal',
  },
  event_lr_words: {
    algorithm: 'logistic-regression',
    options: { C: 1, maxIter: 4000, tol: 3e-4, classWeight: 'none' },
    featureSet: 'words',
    trainsOn: 'all',
  },
  event_lsvm_words: {
    algorithm: 'linear-svm',
    options: { penalty: 'l1', loss: 'squared_hinge', C: 1, tol: 0.1, maxIter: 4000 },
    featureSet: 'words',
    trainsOn: 'all',
  },
  event_dt_trigrams: {
    algorithm: 'decision-tree',
    options: { maxDepth: 8, minSamplesLeaf: 10, minSamplesSplit: 20, maxLeafNodes: 256, maxFeatures: 0.3 },
    featureSet: 'trigrams',
    trainsOn: 'all',
    vectorizer: { maxFeatures: 40000, minDf: 5 },
  },
  event_rf_words: {
    algorithm: 'random-forest',
    options: {
      nEstimators: 150,
      maxDepth: 12,
      minSamplesLeaf: 10,
      minSamplesSplit: 20,
      maxFeatures: 0.3,
      bootstrap: true,
    },
    featureSet: 'words',
    trainsOn: 'all',
    vectorizer: { maxFeatures: 40000, minDf: 5 },
  },
  event_xgb_words: {
    algorithm: 'gradient-boosting',
    options: {
      maxDepth: 8,
      minChildWeight: 5,
      subsample: 0.7,
      colsampleBytree: 0.6,
      nEstimators: 120,
      maxLeaves: 256,
      learningRate: 0.1,
      lambda: 1,
      gamma: 0,
    },
    featureSet: 'words',
    trainsOn: 'all',
    vectorizer: { maxFeatures: 40000, minDf: 5 },
  },
  event_lof_words: { algorithm: 'lof', options: { nNeighbors: 20 }, featureSet: 'words', trainsOn: 'normal' },
  event_oneclass_svm_words: {
    algorithm: 'one-class-svm',
    options: { maxIter: 1000, nu: 0.5, gamma: 'scale' },
    featureSet: 'words',
    trainsOn: 'normal',
  },
  event_kmeans_words: { algorithm: 'kmeans', options: { k: 2, nInit: 1 }, featureSet: 'words', trainsOn: 'all' },
  event_rarity_words: {
    algorithm: 'rarity',
    options: { commonThreshold: 0.01 },
    featureSet: 'words',
    trainsOn: 'normal',
  },
  event_oov_words: { algorithm: 'oov', options: {}, featureSet: 'words', trainsOn: 'normal' },
  sequence_lr_numeric: {
    algorithm: 'logistic-regression',
    options: { maxIter: 4000, tol: 3e-4 },
    featureSet: 'numeric',
    trainsOn: 'all',
  },
  sequence_lr_words: {
    algorithm: 'logistic-regression',
    options: { maxIter: 4000, tol: 3e-4 },
    featureSet: 'words',
    trainsOn: 'all',
  },
  sequence_shap_lr_words: {
    algorithm: 'logistic-regression',
    options: { maxIter: 4000, tol: 3e-4 },
    featureSet: 'words',
    trainsOn: 'all',
  },
};

describe('registry variants carry the pipeline’s settings', () => {
  for (const name of VARIANT_NAMES) {
    it(name, () => {
      const want = PIPELINE[name];
      const c = resolveVariant(name);
      assert.equal(c.algorithm, want.algorithm);
      assert.equal(c.featureSet, want.featureSet);
      assert.equal(c.level, 'sequence');
      for (const [option, value] of Object.entries(want.options)) assert.equal(c.options[option], value, option);
      assert.equal(c.vectorizer.tokens.minDf, want.vectorizer?.minDf ?? 1);
      assert.equal(c.vectorizer.tokens.maxFeatures, want.vectorizer?.maxFeatures ?? null);
      assert.equal(c.vectorizer.tokens.binary, false, 'counts: docs/VARIANTS.md says why not presence');
      assert.equal(c.vectorizer.length, want.algorithm === 'oov');
      assert.equal(c.explain, name === 'sequence_shap_lr_words');
      assert.equal(makeDetector(name, 1).trainsOn, want.trainsOn);
    });
  }
});

const experiment = (variants: string[], extra: Record<string, unknown> = {}) =>
  parseExperiment(
    { name: 'x', dataset: { source: 'synthetic', preset: 'tiny' }, seeds: [1, 2], variants, ...extra },
    'x.ts',
  );

describe('trial keys hash the resolved configuration', () => {
  const config = (name: string, overrides = {}) => resolveVariant(name, overrides);
  const trial = (variant: VariantName, c = config(variant)) => ({
    variant,
    featureSet: c.featureSet,
    seed: 1,
    config: c,
  });
  const key = (t: ReturnType<typeof trial>) => trialKey('dataset', 'manifest', t, { threshold: { rule: 'max-f1' } });

  it('one configuration under two names: equal configuration keys, a trial (and board row) per name', () => {
    const names: VariantName[] = ['event_lr_words', 'sequence_lr_words', 'sequence_shap_lr_words'];
    assert.equal(new Set(names.map((n) => configKey(config(n)))).size, 1);
    assert.equal(new Set(names.map((n) => key(trial(n)))).size, 3);
    assert.equal(key(trial('event_lr_words')), key(trial('event_lr_words')), 'stable');
  });

  it('differ when an option, the vectorizer or the feature set differs', () => {
    const base = config('event_lr_words');
    const others = [
      config('event_lr_words', { options: { C: 0.5 } }),
      config('event_lr_words', { options: { tol: 1e-4 } }),
      config('event_lr_words', { vectorizer: { minDf: 2 } }),
      config('event_lr_words', { featureSet: 'trigrams' }),
      config('logistic-regression'),
    ];
    const keys = new Set([base, ...others].map(configKey));
    assert.equal(keys.size, others.length + 1);
    for (const c of others) assert.notEqual(key(trial('event_lr_words', c)), key(trial('event_lr_words', base)));
    // An option set to its default value is the same configuration as leaving it out.
    assert.equal(configKey(config('event_lr_words', { options: { C: 1 } })), configKey(base));
  });

  it('planTrials resolves each variant once per feature set; a key without config resolves the same', () => {
    const trials = planTrials(experiment(['event_rf_words', 'event_oov_words']));
    assert.equal(trials.length, 4);
    assert.equal(trials[0]!.config, trials[2]!.config, 'shared between seeds');
    assert.equal(trials[0]!.config.options['nEstimators'], 150);
    assert.equal(trials[1]!.config.vectorizer.length, true);
    const t = trials[0]!;
    assert.equal(
      trialKey('d', 'm', { variant: t.variant, featureSet: t.featureSet, seed: t.seed }, {}),
      trialKey('d', 'm', t, {}),
    );
  });

  it('the explanation flag is read: the SHAP variant writes SHAP where the experiment asks for none', () => {
    type Setting = { shap: 'own' | 'all' | 'none'; budgetMs: number; rows: number; topK: number };
    const defaults: Setting = { shap: 'own', budgetMs: 2000, rows: 128, topK: 10 };
    const none: Setting = { ...defaults, shap: 'none' };
    assert.equal(trialExplain(false, false, defaults), false);
    assert.deepEqual(trialExplain(false, true, defaults), defaults);
    assert.deepEqual(trialExplain(none, true, defaults), { ...none, shap: 'own' });
    assert.deepEqual(trialExplain(none, false, defaults), none);
    const all: Setting = { ...defaults, shap: 'all' };
    assert.equal(trialExplain(all, true, defaults), all);
    const e = experiment(['sequence_lr_words', 'sequence_shap_lr_words'], { explain: false });
    const flags = planTrials(e).map((t) => trialExplain(e.explain, t.config.explain, defaults));
    assert.deepEqual(flags, [false, defaults, false, defaults]);
  });
});

function bag(seqId: string, tokens: number[], counts: number[]): SequenceBag {
  return {
    seqId,
    run: seqId,
    testCase: 'correct',
    service: 'token',
    anomaly: false,
    startMs: 0,
    seqLen: 0,
    durationSec: 0,
    tokens: Int32Array.from(tokens),
    counts: Int32Array.from(counts),
    templates: new Int32Array(0),
  };
}

describe('OOV counts the tokens the training vocabulary never saw', () => {
  // Tokens a, b in training; c and d only in the test sequences.
  const words: SequenceBags = {
    featureSet: 'words',
    vocabulary: ['a', 'b', 'c', 'd'],
    sequences: [
      bag('train0', [0, 1], [2, 1]),
      bag('train1', [0], [3]),
      bag('test0', [0, 2, 3], [1, 3, 1]),
      bag('test1', [1], [4]),
      bag('test2', [2], [2]),
    ],
  };
  const ref = (...ids: string[]) => ids.map((seqId) => ({ seqId }));
  const train = ref('train0', 'train1');
  const test = ref('test0', 'test1', 'test2');

  it('through the registry: the length column is appended and the score is the unseen token count', () => {
    const { vectorizer } = resolveVariant('event_oov_words');
    const space = FeatureSpace.fit('words', { bags: { words } }, train, vectorizer);
    assert.deepEqual(space.columnNames, ['words:a', 'words:b', 'length:words']);
    const d = makeDetector('event_oov_words', 1);
    fitDetector(d, space.transform(train), new Uint8Array(2));
    // test0: 5 tokens, 1 in the vocabulary (a); test1: 4 × b, all known; test2: 2 × c, unseen.
    assert.deepEqual(Array.from(d.score(space.transform(test))), [4, 0, 2]);
    assert.deepEqual(Array.from(space.unseenCounts('words', test)), [4, 0, 2], 'agrees with the vectorizer');
    // The space round-trips with its length column.
    const again = FeatureSpace.load(JSON.parse(JSON.stringify(space.toJSON())), { bags: { words } });
    assert.deepEqual(again.columnNames, space.columnNames);
    assert.deepEqual(again.transform(test), space.transform(test));
  });

  it('tokens the vectorizer prunes (minDf) count as out of vocabulary too', () => {
    const { vectorizer } = resolveVariant('event_oov_words', { vectorizer: { minDf: 2 } });
    const space = FeatureSpace.fit('words', { bags: { words } }, train, vectorizer);
    assert.deepEqual(space.columnNames, ['words:a', 'length:words']);
    const d = makeDetector('oov', 1);
    d.fit(space.transform(train), new Uint8Array(2));
    assert.deepEqual(Array.from(d.score(space.transform([...train, ...test]))), [1, 0, 4, 4, 2]);
  });

  it('a feature space without the length column is refused at fit, not scored as nonsense', () => {
    const space = FeatureSpace.fit('words', { bags: { words } }, train);
    assert.throws(() => makeDetector('oov', 1).fit(space.transform(train), new Uint8Array(2)), /oov: training row 0/);
    assert.throws(() => FeatureSpace.fit('words+numeric', { bags: { words } }, train, { length: true }), {
      message:
        "feature set 'words+numeric': the length column counts tokens, so it needs a feature set of token parts only",
    });
  });
});

describe('rarity through the registry', () => {
  it('learns from normal rows only, weights by hand', () => {
    // Normal rows: col 0 in 2, col 1 in 1, col 2 in none (only the anomaly has it); total 3.
    const x = csrFromDense([
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 5],
    ]);
    const d = makeDetector('rarity', 1, { commonThreshold: 0.5 });
    fitDetector(d, x, Uint8Array.of(0, 0, 1));
    // Shares 2/3 (common), 1/3 → (ln 3)³, unseen 1/4 → (ln 4)³; a row's score is the mean over its tokens.
    const s = d.score(x);
    const expected = [Math.log(3) ** 3 / 2, 0, Math.log(4) ** 3];
    for (const [i, v] of s.entries()) assert.ok(Math.abs(v - expected[i]!) < 1e-12, `row ${i}: ${v} vs ${expected[i]}`);
  });
});

/** n rows × p columns at 20 % density, labels from a planted rule on columns 0–2. */
function planted(n: number, p: number, seed: string) {
  const rng = seedrandom(seed);
  const rows = Array.from({ length: n }, () =>
    Array.from({ length: p }, () => (rng() < 0.2 ? 1 + Math.floor(rng() * 3) : 0)),
  );
  const labels = Uint8Array.from(rows, (r) => (r[0]! + r[1]! - r[2]! + rng() - 0.5 > 1 ? 1 : 0));
  return { x: csrFromDense(rows), labels, rows };
}

const usedFeatures = (t: { feature: Int32Array }) => new Set([...t.feature].filter((f) => f >= 0));

describe('options the pipeline’s settings needed', () => {
  const { x, labels } = planted(400, 20, 'opts');

  it('decision tree: maxFeatures draws per node, seeded; a share is ⌊share · p⌋', () => {
    assert.equal(featuresPerNode(0.3, 20), 6);
    assert.equal(featuresPerNode(0.3, 3), 1);
    const fit = (o: ConstructorParameters<typeof DecisionTree>[0]) => {
      const t = new DecisionTree(o);
      t.fit(x, labels);
      return t;
    };
    const all = fit({ maxDepth: 4 });
    assert.deepEqual(fit({ maxDepth: 4, maxFeatures: 'all', seed: 3 }).tree.feature, all.tree.feature);
    const a = fit({ maxDepth: 4, maxFeatures: 0.3, seed: 1 });
    assert.deepEqual(fit({ maxDepth: 4, maxFeatures: 0.3, seed: 1 }).tree.feature, a.tree.feature, 'seeded');
    assert.notDeepEqual(fit({ maxDepth: 4, maxFeatures: 0.3, seed: 2 }).tree.feature, a.tree.feature);
    // The budget cannot bind at depth 8 (2^8 = 256 leaves at most): the same tree with and without it.
    assert.deepEqual(fit({ maxDepth: 8, maxLeafNodes: 256 }).tree.feature, fit({ maxDepth: 8 }).tree.feature);
  });

  it('gradient boosting: each tree splits only on its column sample of ⌊share · p⌋ columns', () => {
    const gb = new GradientBoosting({ nEstimators: 8, maxDepth: 3, colsampleBytree: 0.25, seed: 5 });
    gb.fit(x, labels);
    const sets = gb.trees.map(usedFeatures);
    for (const s of sets) assert.ok(s.size <= 5, `${s.size} features in one tree`);
    assert.ok(new Set(gb.trees.flatMap((t) => [...usedFeatures(t)])).size > 5, 'trees see different samples');
    const full = new GradientBoosting({ nEstimators: 8, maxDepth: 3 });
    full.fit(x, labels);
    assert.deepEqual(
      new GradientBoosting({ nEstimators: 8, maxDepth: 3, colsampleBytree: 1, maxLeaves: 8 }).options.maxLeaves,
      8,
    );
    assert.notDeepEqual(gb.trees[0]!.feature, full.trees[0]!.feature);
  });

  it('linear SVM, penalty l1: sparse weights, converges, and a loose tol stops earlier', () => {
    const fit = (tol: number) => {
      // A small C, so the penalty has columns to drop (17 of the 20 are noise).
      const m = new LinearSvm({ seed: 0, penalty: 'l1', C: 0.05, tol, maxIter: 4000 });
      m.fit(x, labels);
      return m;
    };
    const tight = fit(1e-4);
    const loose = fit(0.1);
    assert.equal(tight.fitInfo!.converged, true);
    assert.ok(loose.fitInfo!.iterations < tight.fitInfo!.iterations);
    const zeros = [...tight.weights].filter((w) => w === 0).length;
    assert.ok(zeros >= 5, `${zeros} zero weights of 20: the L1 penalty selects columns`);
    assert.ok(tight.weights[0]! > 0 && tight.weights[1]! > 0 && tight.weights[2]! < 0, 'the planted signs');
    const again = new LinearSvm({ seed: 0, penalty: 'l1', C: 0.05, tol: 1e-4, maxIter: 4000 });
    again.fit(x, labels);
    assert.deepEqual(again.weights, tight.weights, 'seeded');
    const c = tight.convergence()!;
    assert.ok(c.finalGradient <= c.tolerance);
  });

  const sklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
  it('linear SVM, penalty l1: the weights of sklearn’s LinearSVC(penalty="l1", dual=False)', {
    skip: !sklearn && 'no /usr/bin/python3 with sklearn',
  }, () => {
    const { rows, labels: y } = planted(600, 40, 'parity');
    const out = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import json, sys, numpy as np
from sklearn.svm import LinearSVC
d = json.load(sys.stdin)
m = LinearSVC(penalty='l1', dual=False, tol=1e-5, C=1, max_iter=10000).fit(np.array(d['x'], dtype=float), np.array(d['y']))
print(json.dumps({'w': m.coef_[0].tolist(), 'b': float(m.intercept_[0])}))`,
      ],
      { input: JSON.stringify({ x: rows, y: [...y] }), encoding: 'utf8' },
    );
    const ref = JSON.parse(out) as { w: number[]; b: number };
    const m = new LinearSvm({ seed: 0, penalty: 'l1', tol: 1e-5, maxIter: 10000 });
    m.fit(csrFromDense(rows), y);
    const scale = Math.max(...ref.w.map(Math.abs));
    const dw = Math.max(...ref.w.map((w, j) => Math.abs(w - m.weights[j]!)), Math.abs(ref.b - m.intercept));
    assert.ok(dw / scale < 1e-2, `max relative weight difference ${dw / scale}`);
    assert.deepEqual(
      ref.w.map((w) => w === 0),
      [...m.weights].map((w) => w === 0),
      'the same columns selected',
    );
  });
});
