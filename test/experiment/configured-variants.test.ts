import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configKey, gridPoints, parseExperiment, planTrials, trialKey } from '../../harness/experiment/index.ts';
import { hashKey } from '../../harness/hash/index.ts';

const base = { name: 'x', dataset: { source: 'synthetic', preset: 'tiny' }, seeds: [1, 2] };
const parse = (extra: Record<string, unknown>, file = 'exp/x.ts') => parseExperiment({ ...base, ...extra }, file);

/** The config error `f` throws: its message names the file and the field path. */
function refused(f: () => unknown, field: string, message: RegExp): void {
  assert.throws(f, (err: Error & { field?: string }) => {
    assert.equal(err.name, 'BenchError', err.message);
    assert.ok(err.message.startsWith(`exp/x.ts: ${field}: `), err.message);
    assert.match(err.message, message);
    return true;
  });
}

describe('experiment variants: inline, derived, registry names', () => {
  it('accepts an inline variant, a registry variant with overrides, and registry names', () => {
    const e = parse({
      variants: [
        'event_lr_words',
        {
          name: 'lr_c001',
          algorithm: 'logistic-regression',
          options: { C: 0.01 },
          featureSet: 'words',
          level: 'sequence',
        },
        { name: 'rf_deep', from: 'event_rf_words', options: { maxDepth: 20 } },
      ],
    });
    const trials = planTrials(e).filter((t) => t.seed === 1);
    assert.deepEqual(
      trials.map((t) => [t.variant, t.featureSet, t.config.algorithm]),
      [
        ['event_lr_words', 'words', 'logistic-regression'],
        ['lr_c001', 'words', 'logistic-regression'],
        ['rf_deep', 'words', 'random-forest'],
      ],
    );
    const [lr, c001, deep] = trials;
    assert.equal(c001!.config.options.C, 0.01);
    // The algorithm's defaults, not the registry variant's settings.
    assert.equal(c001!.config.options.maxIter, 1000);
    assert.equal(lr!.config.options.maxIter, 4000);
    // A derived variant keeps the registry's settings, vectorizer included, and overrides one.
    assert.equal(deep!.config.options.maxDepth, 20);
    assert.equal(deep!.config.options.nEstimators, 150);
    assert.equal(deep!.config.vectorizer.tokens.minDf, 5);
  });

  it('refuses an unknown option, naming the file, the variant, the option and the nearest name', () => {
    refused(
      () =>
        parse({ variants: ['event_lr_words', { name: 'lr', algorithm: 'logistic-regression', options: { Cc: 1 } }] }),
      'variants[1].options.Cc',
      /lr \(logistic-regression\): unknown option 'Cc' \(did you mean 'C'\?\)/,
    );
    refused(
      () => parse({ variants: [{ name: 'rf', from: 'event_rf_words', options: { maxDepht: 3 } }] }),
      'variants[0].options.maxDepht',
      /did you mean 'maxDepth'/,
    );
  });

  it('refuses a value the algorithm refuses, naming the option', () => {
    refused(
      () => parse({ variants: [{ name: 'dt', algorithm: 'decision-tree', options: { maxDepth: 0 } }] }),
      'variants[0].options.maxDepth',
      /maxDepth/,
    );
    refused(
      () => parse({ variants: [{ name: 'dt', algorithm: 'decision-tree', options: { maxDepth: [3] } }] }),
      'variants[0].options.maxDepth',
      /must be a number, string, boolean or null/,
    );
  });

  it('refuses an unknown algorithm or registry variant, with the nearest name', () => {
    refused(
      () => parse({ variants: [{ name: 'x1', algorithm: 'random-forrest' }] }),
      'variants[0].algorithm',
      /unknown algorithm 'random-forrest' \(did you mean 'random-forest'\?\)/,
    );
    refused(
      () => parse({ variants: [{ name: 'x1', from: 'event_rf_wrds' }] }),
      'variants[0].from',
      /did you mean 'event_rf_words'/,
    );
    refused(() => parse({ variants: [{ name: 'x1' }] }), 'variants[0]', /exactly one of 'algorithm'/);
    refused(
      () => parse({ variants: ['event_lr_words', 'event_nb_words'] }),
      'variants[1]',
      /unknown variant 'event_nb_words'/,
    );
  });

  it('refuses duplicate, unsafe and shadowing names', () => {
    refused(
      () =>
        parse({ variants: ['event_lr_words', { name: 'a', algorithm: 'kmeans' }, { name: 'a', algorithm: 'lof' }] }),
      'variants[2].name',
      /'a' is listed twice/,
    );
    refused(() => parse({ variants: ['event_lr_words', 'event_lr_words'] }), 'variants[1]', /listed twice/);
    refused(
      () => parse({ variants: [{ name: '../up', algorithm: 'kmeans' }] }),
      'variants[0].name',
      /cannot name a variant/,
    );
    refused(
      () => parse({ variants: [{ name: 'x@event', algorithm: 'kmeans' }] }),
      'variants[0].name',
      /cannot name a variant/,
    );
    refused(
      () => parse({ variants: [{ name: 'event_rf_words', from: 'event_rf_words', options: { maxDepth: 3 } }] }),
      'variants[0].name',
      /registry variant with another configuration/,
    );
    // The same configuration under its registry name is no shadow.
    const same = parse({ variants: [{ name: 'event_rf_words', from: 'event_rf_words', options: { maxDepth: 12 } }] });
    assert.equal(planTrials(same).length, 2);
  });

  it('refuses an unknown key of a variant with the keys it takes', () => {
    refused(
      () => parse({ variants: [{ name: 'a', algorithm: 'kmeans', optons: {} }] }),
      'variants[0].optons',
      /unknown key — did you mean 'options'\?/,
    );
  });
});

describe('tuning grids', () => {
  const tuned = (tune: Record<string, unknown>, variants: unknown = ['event_dt_trigrams', 'event_lr_words']) =>
    parse({ variants, tune });

  it('plans one trial per seed for a tuned variant, carrying its grid', () => {
    const trials = planTrials(tuned({ event_dt_trigrams: { maxDepth: [2, 4], minSamplesLeaf: [1, 5, 10] } }));
    assert.equal(trials.length, 4);
    const dt = trials.find((t) => t.variant === 'event_dt_trigrams')!;
    assert.deepEqual(dt.tune, { maxDepth: [2, 4], minSamplesLeaf: [1, 5, 10] });
    assert.equal(trials.find((t) => t.variant === 'event_lr_words')!.tune, undefined);
    assert.deepEqual(gridPoints(dt.tune!).slice(0, 4), [
      { maxDepth: 2, minSamplesLeaf: 1 },
      { maxDepth: 2, minSamplesLeaf: 5 },
      { maxDepth: 2, minSamplesLeaf: 10 },
      { maxDepth: 4, minSamplesLeaf: 1 },
    ]);
  });

  it('refuses a grid on a variant the experiment does not run, unknown options, empty or bad values', () => {
    refused(() => tuned({ event_rf_words: { maxDepth: [2] } }), 'tune.event_rf_words', /does not run/);
    refused(
      () => tuned({ event_dt_trigrams: { maxDepht: [2] } }),
      'tune.event_dt_trigrams.maxDepht',
      /did you mean 'maxDepth'/,
    );
    refused(() => tuned({ event_dt_trigrams: { maxDepth: [] } }), 'tune.event_dt_trigrams.maxDepth', /non-empty list/);
    refused(() => tuned({ event_dt_trigrams: { maxDepth: [3, 0] } }), 'tune.event_dt_trigrams.maxDepth[1]', /maxDepth/);
    refused(() => tuned({ event_dt_trigrams: { maxDepth: [3, 3] } }), 'tune.event_dt_trigrams.maxDepth[1]', /twice/);
    refused(() => tuned({ event_dt_trigrams: {} }), 'tune.event_dt_trigrams', /empty grid/);
    refused(() => tuned({ event_dt_trigrams: { maxDepth: 3 } }), 'tune.event_dt_trigrams.maxDepth', /expected array/);
  });

  it('tunes inline variants by their name', () => {
    const e = tuned({ lr: { C: [0.01, 1] } }, [{ name: 'lr', algorithm: 'logistic-regression' }]);
    assert.deepEqual(planTrials(e)[0]!.tune, { C: [0.01, 1] });
  });
});

describe('trial keys of configured variants', () => {
  const params = { threshold: { rule: 'max-f1' } };
  const keyOf = (variants: unknown[], tune?: Record<string, unknown>) => {
    const t = planTrials(parse({ variants, ...(tune && { tune }) }))[0]!;
    return trialKey('dataset', 'manifest', t, params);
  };
  const inline = (options: Record<string, unknown>, name = 'lr') => ({
    name,
    algorithm: 'logistic-regression',
    options,
  });

  it('equal for the same configuration under the same name', () => {
    assert.equal(keyOf([inline({ C: 0.01 })]), keyOf([inline({ C: 0.01 })]));
    // Options given explicitly at their defaults resolve to the same configuration.
    assert.equal(keyOf([inline({})]), keyOf([inline({ C: 1 })]));
  });

  it('differ with the options, the name and the grid', () => {
    const keys = [
      keyOf([inline({ C: 0.01 })]),
      keyOf([inline({ C: 0.1 })]),
      keyOf([inline({ C: 0.01 }, 'lr2')]),
      keyOf([inline({ C: 0.01 })], { lr: { tol: [1e-4, 1e-6] } }),
      keyOf([inline({ C: 0.01 })], { lr: { tol: [1e-4, 1e-5] } }),
      keyOf([inline({ C: 0.01 })], { lr: { maxIter: [100, 1000] } }),
    ];
    assert.equal(new Set(keys).size, keys.length);
  });

  it('keep the keys of untuned registry variants as they were', () => {
    // What keys hashed before inline variants and grids: a changed key would rerun every stored trial.
    const t = planTrials(parse({ variants: ['event_lr_words'] }))[0]!;
    assert.equal(
      trialKey('dataset', 'manifest', t, params),
      hashKey({
        datasetHash: 'dataset',
        manifestHash: 'manifest',
        variant: 'event_lr_words',
        config: configKey(t.config),
        seed: 1,
        params,
      }),
    );
  });
});
