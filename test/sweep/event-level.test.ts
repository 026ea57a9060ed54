import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readModel, readPredictions } from '../../harness/artifacts/index.ts';
import { parseExperiment, rowWeightingOf } from '../../harness/experiment/index.ts';
import { openStore, type Store, type TrialDetail } from '../../harness/store/index.ts';
import { readEventColumns } from '../../harness/sweep/event-inputs.ts';
import { buildEventMatrices, eventSource } from '../../harness/sweep/event-matrices.ts';
import { IngestInputs } from '../../harness/sweep/inputs.ts';
import { distinctEventRows, EventFeatureSpace, fitDetector, makeDetector, resolveVariant } from '../../models/index.ts';
import { assign, DEFAULT_SCOPE, PARTS } from '../../splits/index.ts';
import { tempDir, writeExperiment } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const VARIANTS = ['event_lr_words', 'event_rarity_words', 'event_lof_words'] as const;
const EVENT_METRICS = ['event_f1', 'event_precision', 'event_recall', 'event_auc_pr', 'event_auc_roc'];

describe('event level: pure parts', () => {
  it('collapses events to distinct (message, label) rows with counts, in (message, label) order', () => {
    const rows = distinctEventRows(Int32Array.from([7, 3, 7, 7, 3, 7]), Uint8Array.from([0, 1, 1, 0, 1, 0]));
    assert.deepEqual([...rows.messages], [3, 7, 7]);
    assert.deepEqual([...rows.labels], [1, 0, 1]);
    assert.deepEqual([...rows.weights], [2, 3, 1]);
    assert.deepEqual([...rows.eventRow], [1, 0, 2, 1, 0, 1]);
  });

  it('fits the vocabulary as on every event: minDf counts events, not distinct rows', () => {
    const messages = {
      words: {
        vocabulary: ['a', 'b', 'c'],
        bags: [
          { tokens: Int32Array.from([0, 1]), counts: Int32Array.from([1, 2]) },
          { tokens: Int32Array.from([2]), counts: Int32Array.from([1]) },
        ],
      },
    };
    const train = { messages: Int32Array.from([0, 1]), weights: Float64Array.from([5, 1]) };
    const space = EventFeatureSpace.fit('words', messages, train, {
      tokens: { binary: false, minDf: 5, maxDf: 1, maxFeatures: null },
      length: true,
    });
    // 'a' and 'b' are in 5 training events, 'c' in one.
    assert.deepEqual(space.columnNames, ['words:a', 'words:b', 'length:words']);
    const x = space.transform(Int32Array.from([1, 0]));
    assert.deepEqual([...x.indptr], [0, 1, 4]);
    assert.deepEqual([...x.data], [1, 1, 2, 3]);
  });

  it('refuses level event on a feature set with numeric columns, naming the variant', () => {
    assert.throws(
      () => resolveVariant('event_lr_words', { featureSet: 'words+numeric', level: 'event' }),
      (e: Error) => e instanceof TypeError && /event_lr_words/.test(e.message) && /level 'event'/.test(e.message),
    );
    assert.equal(resolveVariant('event_lr_words', { level: 'event' }).level, 'event');
  });

  it("refuses eventLabels: 'fault' without ground truth, naming the field", () => {
    const base = { name: 'x', seeds: [1], levels: ['event'], eventLabels: 'fault' };
    assert.throws(
      () => parseExperiment({ ...base, dataset: { source: 'lo2', path: '/tmp/x' } }, 'x.ts'),
      /x\.ts: eventLabels: 'fault'/,
    );
    assert.throws(
      () => parseExperiment({ ...base, dataset: { source: 'synthetic', faults: 'none' } }, 'x.ts'),
      /eventLabels/,
    );
    assert.equal(parseExperiment({ ...base, dataset: { source: 'synthetic' } }, 'x.ts').eventLabels, 'fault');
  });
});

describe('event-level trials in a sweep (real CLI, real SQLite, tiny synthetic preset)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const file = writeExperiment(
    dir,
    'events',
    `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 4 },
  ingest: { trimLines: 0 },
  labels: 'target-service',
  seeds: [1, 2],
  variants: ${JSON.stringify(VARIANTS)},
  levels: ['sequence', 'event'],
  explain: false,
  throughput: false,`,
  );
  const homes = { inline: join(dir, 'inline'), pooled: join(dir, 'pooled') };
  const stores: Store[] = [];
  let trials: TrialDetail[] = [];
  let pooled: TrialDetail[] = [];

  const detailsOf = async (home: string) => {
    const store = await openStore(join(home, 'bench.db'), { create: false });
    stores.push(store);
    const out: TrialDetail[] = [];
    for (let id = 1; ; id++) {
      const t = await store.getTrial(id);
      if (!t) break;
      out.push(t);
    }
    return { store, trials: out };
  };

  before(async () => {
    for (const [home, workers] of [
      [homes.inline, '0'],
      [homes.pooled, '2'],
    ] as const) {
      const r = spawnSync(process.execPath, [BIN, 'run', file, '--workers', workers], {
        encoding: 'utf8',
        env: { ...process.env, BENCH_HOME: home },
      });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    }
    trials = (await detailsOf(homes.inline)).trials;
    pooled = (await detailsOf(homes.pooled)).trials;
  });
  after(async () => {
    for (const s of stores) await s.close();
  });

  const eventTrials = () => trials.filter((t) => t.variant.endsWith('@event'));

  it('runs every variant at both levels, the event ones under <variant>@event with their row weighting in params', () => {
    assert.equal(trials.length, VARIANTS.length * 2 * 2);
    assert.ok(trials.every((t) => t.status === 'done'));
    assert.deepEqual(
      [...new Set(trials.map((t) => t.variant))].sort(),
      [...VARIANTS, ...VARIANTS.map((v) => `${v}@event`)].sort(),
    );
    for (const t of eventTrials()) {
      const params = t.params as { level: string; eventLabels: string; rowWeighting: string };
      assert.equal(params.level, 'event');
      assert.equal(params.eventLabels, 'sequence');
      const variant = t.variant.replace(/@event$/, '');
      assert.equal(params.rowWeighting, rowWeightingOf(resolveVariant(variant)), variant);
    }
    // LOF takes no weights: its trials say they fit distinct rows unweighted.
    const lof = eventTrials().find((t) => t.variant === 'event_lof_words@event')!;
    assert.equal((lof.params as { rowWeighting: string }).rowWeighting, 'distinct-unweighted');
  });

  it('stores event_* metrics for event trials only, beside the sequence view’s main metrics', () => {
    for (const t of trials) {
      const event = t.variant.endsWith('@event');
      for (const m of EVENT_METRICS) {
        assert.equal(typeof t.metrics.test[m] === 'number', event, `${t.variant} ${m}`);
      }
      assert.equal(typeof t.metrics.test.f1, 'number');
      if (event) {
        assert.ok(t.metrics.test.event_f1! >= 0 && t.metrics.test.event_f1! <= 1);
        assert.ok(t.metrics.test.events! > t.metrics.test.tp! + t.metrics.test.fn!, 'more events than sequences');
      }
    }
  });

  it('scores each sequence by the maximum of its events, and trains on every training event once', async () => {
    const { store } = { store: stores[0]! };
    for (const t of eventTrials()) {
      const manifest = await store.loadSplit(t.split.id);
      const ingestDir = join(homes.inline, 'cache', 'ingest', t.dataset.hash);
      const inputs = new IngestInputs(ingestDir, manifest.scope ?? DEFAULT_SCOPE);
      const parts = assign(inputs.meta(), manifest).parts;
      const { vectorizer } = resolveVariant(t.variant.replace(/@event$/, ''), { level: 'event' });
      const m = buildEventMatrices(t.featureSet, eventSource(inputs, t.featureSet), parts, { vectorizer });
      // Independently of the index: the events whose file is in the training part.
      const events = readEventColumns(ingestDir);
      const trainFiles = new Set(parts.train.map((s) => s.seqId));
      const trainEvents = [...events.file].filter((f) => trainFiles.has(events.fileSeqIds[f]!)).length;
      const weightSum = m.events.train.weights.reduce((a, b) => a + b, 0);
      assert.equal(weightSum, trainEvents, `${t.variant}: distinct-row counts sum to the training events`);
      assert.equal(t.metrics.train.events, trainEvents);
      assert.ok(m.events.train.weights.length < trainEvents, 'lines repeat: fewer distinct rows than events');

      const model = readModel(t.artifacts.find((a) => a.kind === 'model')!);
      // The stored model is the fit its params name: weighted by counts, or distinct rows unweighted.
      const config = resolveVariant(t.variant.replace(/@event$/, ''), { level: 'event' });
      const refit = makeDetector(config.algorithm, t.seed, config.options);
      if ((t.params as { rowWeighting: string }).rowWeighting === 'counts') {
        fitDetector(refit, m.matrices.train, m.events.train.labels, m.events.train.weights);
      } else {
        fitDetector(refit, m.matrices.train, m.events.train.labels);
      }
      assert.deepEqual([...refit.score(m.matrices.test)], [...model.score(m.matrices.test)], `${t.variant}: refit`);
      const predictions = readPredictions(t.artifacts.find((a) => a.kind === 'predictions')!);
      const stored = new Map(predictions.seqId.map((s, i) => [`${predictions.part[i]}:${s}`, predictions.score[i]!]));
      for (const p of PARTS) {
        const rowScores = model.score(m.matrices[p]);
        const max = new Map<string, number>();
        const ix = m.events[p];
        for (let e = 0; e < ix.eventRow.length; e++) {
          const seq = parts[p][ix.eventSeq[e]!]!.seqId;
          const s = rowScores[ix.eventRow[e]!]!;
          max.set(seq, Math.max(max.get(seq) ?? Number.NEGATIVE_INFINITY, s));
        }
        assert.equal(max.size, parts[p].length, `${p}: every sequence has events`);
        for (const [seq, s] of max) {
          const got = stored.get(`${p}:${seq}`);
          assert.ok(
            got !== undefined && Math.abs(got - s) <= 1e-12 * Math.max(1, Math.abs(s)),
            `${t.variant} ${p} ${seq}: ${got} vs max ${s}`,
          );
        }
      }
    }
  });

  it('gives the same metrics with 2 workers as inline', () => {
    const metricsOf = (ts: TrialDetail[]) =>
      Object.fromEntries(ts.map((t) => [`${t.variant}:${t.seed}`, [t.metrics.test, t.metrics.val, t.metrics.train]]));
    assert.deepEqual(metricsOf(pooled), metricsOf(trials));
  });

  it('labels events by the fault ground truth when asked, which differs from their sequences’ labels', async () => {
    const t = eventTrials()[0]!;
    const manifest = await stores[0]!.loadSplit(t.split.id);
    const ingestDir = join(homes.inline, 'cache', 'ingest', t.dataset.hash);
    const inputs = new IngestInputs(ingestDir, manifest.scope ?? DEFAULT_SCOPE);
    const parts = assign(inputs.meta(), manifest).parts;
    const source = eventSource(inputs, 'words');
    const bySequence = buildEventMatrices('words', source, parts, { eventLabels: 'sequence' });
    const byFault = buildEventMatrices('words', source, parts, { eventLabels: 'fault' });
    let differ = 0;
    let faultOutsideAnomaly = 0;
    let faults = 0;
    for (const p of PARTS) {
      const s = bySequence.events[p];
      const f = byFault.events[p];
      assert.deepEqual([...f.eventSeq], [...s.eventSeq]);
      for (let e = 0; e < s.eventRow.length; e++) {
        const ys = s.labels[s.eventRow[e]!]!;
        const yf = f.labels[f.eventRow[e]!]!;
        faults += yf;
        if (ys !== yf) differ++;
        if (yf === 1 && ys === 0) faultOutsideAnomaly++;
      }
    }
    assert.ok(faults > 0, 'the tiny preset injects faults');
    assert.ok(differ > 0, 'anomalous sequences hold events no fault caused');
    assert.equal(faultOutsideAnomaly, 0, 'a fault event sits in an anomalous sequence');
  });
});
