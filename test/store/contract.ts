/**
 * What every `Store` must do, through the interface only: `storeContract(name, open)` registers the
 * tests, `open` gives a store on a fresh, empty backing database. Each backend's test file calls it
 * (sqlite-contract.test.ts for SqliteStore).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store, TrialClaim, TrialRecord } from '../../harness/store/index.ts';
import { leaderboard, loadBoardData, rowDetail } from '../../reports/leaderboard.ts';
import { makeSplit, PARTS, type SequenceMeta } from '../../splits/index.ts';
import { correctAndErrorRuns } from '../helpers/fixtures.ts';

export interface OpenedStore {
  store: Store;
  /**
   * Another store on the same backing database, as a second bench process opens it: it claims and
   * releases trials as another live owner. The contract closes it.
   */
  another(): Promise<Store>;
  /** Closes `store` (if still open) and removes the backing database. */
  cleanup(): Promise<void>;
}

/** Ten runs of one correct and one error sequence: 6 training, 2 validation and 2 test runs per split. */
const META: SequenceMeta[] = correctAndErrorRuns(10);

const DATASET = { hash: 'contract-data', source: 'fixture', nRuns: 10, nSequences: 20, nEvents: 200, options: {} };

/** An experiment row, a sweep of it on `DATASET` and the split of `seed`: what a sweep stores first. */
async function sweepOf(store: Store, name = 'exp', seed = 1, config: unknown = { name, labels: 'case' }) {
  const experimentId = await store.upsertExperiment({ name, file: `experiments/${name}.ts`, config });
  const sweepId = await store.startSweep(experimentId, { gitSha: 'abc123', env: { datasetHash: DATASET.hash } });
  const datasetId = await store.upsertDataset(DATASET);
  const manifest = makeSplit(META, { seed });
  const splitId = await store.saveSplit(datasetId, manifest);
  return { experimentId, sweepId, datasetId, splitId, manifest };
}

const claimOf = (s: { sweepId: number; splitId: number }, variant: string, seed = 1): TrialClaim => ({
  sweepId: s.sweepId,
  splitId: s.splitId,
  variant,
  featureSet: 'words',
  seed,
  params: { threshold: { strategy: 'f1' } },
  key: `${variant}:words:${seed}`,
});

const timing = (stage: string, wallMs: number) => ({ stage, wallMs, cpuMs: wallMs / 2, peakRssMb: 100 });

/** A finished trial's record with test F1 `f1`: every kind of row, NaN and ∞ included. */
function record(f1: number): TrialRecord {
  return {
    metrics: [
      { part: 'test', name: 'f1', value: f1 },
      { part: 'test', name: 'auc_pr', value: Number.NaN },
      { part: 'test', name: 'tp', value: 3 },
      { part: 'test', name: 'fp', value: 1 },
      { part: 'test', name: 'tn', value: 5 },
      { part: 'test', name: 'fn', value: 1 },
      { part: 'val', name: 'f1', value: f1 - 0.1 },
      { part: 'train', name: 'iterations', value: 12 },
      { part: 'test', name: 'tp', value: 2, slice: 'testCase=get_token_404' },
      { part: 'test', name: 'fn', value: 1, slice: 'testCase=get_token_404' },
      { part: 'test', name: 'threshold', value: Number.POSITIVE_INFINITY, slice: 'service=token' },
    ],
    timings: [timing('ingest', 50), timing('vectorize', 20), timing('fit', 10 * f1)],
    artifacts: [
      { kind: 'predictions', path: '/trials/x/predictions.arrow', sha256: 'a'.repeat(64) },
      { kind: 'model', path: '/trials/x/model.json', sha256: 'b'.repeat(64) },
    ],
    throughput: { rows: 20, meanMs: 0.5, p99Ms: 0.9, rme: 1.5, samples: 40, sequencesPerS: Number.POSITIVE_INFINITY },
  };
}

export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  /** Runs `body` on a fresh store, then cleans up whatever happens. */
  const withStore = (body: (o: OpenedStore) => Promise<void>) => async () => {
    const o = await open();
    try {
      await body(o);
    } finally {
      await o.cleanup();
    }
  };

  describe(`Store contract: ${name}`, () => {
    it(
      'experiments: identical rows are reused, names with sweeps are listed, the newest sweep wins',
      withStore(async ({ store }) => {
        assert.equal(await store.latestExperiment(), null);
        assert.equal(await store.findExperiment('a'), null);
        assert.equal(await store.latestSweep('a'), null);
        const a1 = await store.upsertExperiment({ name: 'a', file: 'experiments/a.ts', config: { seeds: [1] } });
        assert.equal(await store.upsertExperiment({ name: 'a', file: 'experiments/a.ts', config: { seeds: [1] } }), a1);
        const a2 = await store.upsertExperiment({ name: 'a', file: 'experiments/a.ts', config: { seeds: [1, 2] } });
        assert.notEqual(a2, a1, 'an edited configuration is a new row');
        const b = await store.upsertExperiment({ name: 'b', file: 'experiments/b.ts', config: { seeds: [3] } });
        assert.deepEqual(await store.experimentNames(), [], 'no sweep yet');
        assert.deepEqual(await store.findExperiment('a'), { id: a2, file: 'experiments/a.ts' });

        const s1 = await store.startSweep(a1, { gitSha: null, env: { datasetHash: 'x', workers: 2 } });
        const s2 = await store.startSweep(b, { gitSha: 'f00', env: null });
        await store.finishSweep(s1, 'done');
        assert.deepEqual(await store.experimentNames(), ['a', 'b']);
        assert.equal(await store.latestExperiment(), 'b');
        assert.deepEqual(
          new Map(await store.latestExperimentConfigs()),
          new Map<string, unknown>([
            ['a', { seeds: [1] }],
            ['b', { seeds: [3] }],
          ]),
        );
        const s3 = await store.startSweep(a2, { gitSha: null, env: { datasetHash: 'y' } });
        await store.finishSweep(s2, 'interrupted');
        assert.equal(await store.latestExperiment(), 'a');
        assert.deepEqual((await store.latestExperimentConfigs()).get('a'), { seeds: [1, 2] });
        const latest = await store.latestSweep('a');
        assert.equal(latest?.id, s3);
        assert.deepEqual(latest?.env, { datasetHash: 'y' });
        assert.ok(typeof latest?.startedAt === 'string' && !Number.isNaN(Date.parse(latest.startedAt)));
        assert.deepEqual([latest?.status, latest?.error], ['running', null]);
        const b1 = await store.latestSweep('b');
        assert.equal(b1?.env, null);
        assert.deepEqual([b1?.status, b1?.error], ['interrupted', null]);
        // A sweep that failed on its main thread keeps why.
        await store.finishSweep(s3, 'failed', 'Error: disk full: cannot write the cache\n    at somewhere');
        const failed = await store.latestSweep('a');
        assert.deepEqual(
          [failed?.status, failed?.error],
          ['failed', 'Error: disk full: cannot write the cache\n    at somewhere'],
        );
      }),
    );

    it(
      'datasets: the same hash twice is one dataset',
      withStore(async ({ store }) => {
        const id = await store.upsertDataset(DATASET);
        assert.equal(await store.upsertDataset({ ...DATASET, nRuns: 99 }), id);
        assert.notEqual(await store.upsertDataset({ ...DATASET, hash: 'other' }), id);
      }),
    );

    it(
      'splits: saved once, read back identical, sized per part, never a run in two parts',
      withStore(async ({ store }) => {
        const datasetId = await store.upsertDataset(DATASET);
        const m1 = makeSplit(META, { seed: 1 });
        const m2 = makeSplit(META, { seed: 2 });
        const id1 = await store.saveSplit(datasetId, m1);
        const id2 = await store.saveSplit(datasetId, m2);
        assert.notEqual(id1, id2);
        assert.equal(await store.saveSplit(datasetId, m1), id1, 'same manifest, same split');
        assert.deepEqual(await store.loadSplit(id1), m1);
        assert.deepEqual(await store.loadSplit(id2), m2);
        await assert.rejects(store.loadSplit(id2 + 100), /not in the database/);
        const leaking = { ...m1, parts: { ...m1.parts, test: [...m1.parts.test, m1.parts.train[0]!] } };
        await assert.rejects(store.saveSplit(datasetId, leaking), /leaks/);
        const counts = await store.splitRunCounts([id1, id2, id2 + 100]);
        for (const id of [id1, id2]) {
          const m = id === id1 ? m1 : m2;
          assert.deepEqual(counts.get(id), Object.fromEntries(PARTS.map((p) => [p, m.parts[p].length])));
        }
        assert.deepEqual(counts.get(id2 + 100), { train: 0, val: 0, test: 0 });
        assert.deepEqual(await store.splitRunCounts([]), new Map());
        assert.deepEqual(await store.leakCheck(), []);
      }),
    );

    it(
      'audits: stored, replaced, versioned, listed by split then feature set',
      withStore(async ({ store }) => {
        const { splitId } = await sweepOf(store);
        const datasetId = await store.upsertDataset(DATASET);
        const other = await store.saveSplit(datasetId, makeSplit(META, { seed: 2 }));
        assert.equal(await store.hasAudit(splitId, 'words'), false);
        await store.saveAudit(splitId, 'words', { featureSet: 'words', warnings: ['old'] });
        assert.equal(await store.hasAudit(splitId, 'words'), true, 'no version reads as version 1');
        assert.equal(await store.hasAudit(splitId, 'words', 2), false);
        await store.saveAudit(splitId, 'words', { version: 2, featureSet: 'words', warnings: ['new'] });
        assert.equal(await store.hasAudit(splitId, 'words', 2), true);
        assert.equal(await store.hasAudit(splitId, 'words', 3), false);
        assert.equal(await store.hasAudit(splitId, 'drain'), false);
        await store.saveAudit(other, 'drain', { version: 2, featureSet: 'drain', warnings: [] });
        await store.saveAudit(splitId, 'drain', { version: 2, featureSet: 'drain', warnings: [] });
        const all = await store.audits([other, splitId]);
        assert.ok(splitId < other);
        assert.deepEqual(
          all.map((a) => [a.splitId, a.featureSet]),
          [
            [splitId, 'drain'],
            [splitId, 'words'],
            [other, 'drain'],
          ],
        );
        assert.deepEqual(all.find((a) => a.splitId === splitId && a.featureSet === 'words')!.audit, {
          version: 2,
          featureSet: 'words',
          warnings: ['new'],
        });
        assert.deepEqual(
          (await store.audits([other])).map((a) => a.featureSet),
          ['drain'],
        );
        assert.deepEqual(await store.audits([]), []);
      }),
    );

    it(
      'claims: a new key runs, a done one resumes, retries rerun, the trial joins the plan',
      withStore(async ({ store }) => {
        const s = await sweepOf(store, 'a');
        const c = await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: false });
        assert.deepEqual(c, { id: c.id, status: 'running', resumed: false });
        const t = await store.getTrial(c.id);
        assert.equal(t?.status, 'running');
        assert.equal(t?.key, 'event_lr_words:words:1');
        assert.deepEqual(t?.params, { threshold: { strategy: 'f1' } });
        assert.deepEqual(await store.planStatus('a'), { pending: 0, running: 1, done: 0, failed: 0 });
        await store.completeTrial(c.id, record(0.8));
        assert.deepEqual(await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: true }), {
          id: c.id,
          status: 'done',
          resumed: true,
        });
        // Another experiment with the same trial in its plan: not computed again, but planned.
        const b = await sweepOf(store, 'b');
        assert.deepEqual(await store.claimTrial(claimOf(b, 'event_lr_words'), { failed: false }), {
          id: c.id,
          status: 'done',
          resumed: true,
        });
        assert.deepEqual(await store.planStatus('b'), { pending: 0, running: 0, done: 1, failed: 0 });
        const fresh = await store.claimTrial(claimOf(b, 'event_lr_words'), { failed: false, done: true });
        assert.deepEqual(fresh, { id: c.id, status: 'running', resumed: false });
        assert.equal(
          (await store.getTrial(c.id))?.sweep.id,
          b.sweepId,
          'the rerun belongs to the sweep that claimed it',
        );
        assert.equal(await store.getTrial(c.id + 100), null);
      }),
    );

    it(
      'exactly once: the worker that ran a trial is recorded, a late duplicate completion is rejected',
      withStore(async ({ store, another }) => {
        const peer = await another();
        try {
          const s = await sweepOf(store);
          const c = await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: false });
          assert.equal((await store.getTrial(c.id))?.worker, null, 'no worker before it ends');
          // A queue hands the trial to another worker (the first one's lease expired): it takes the
          // running trial although its owner looks alive.
          assert.equal(
            (await peer.claimTrial(claimOf(s, 'event_lr_words'), { failed: false })).busy !== undefined,
            true,
          );
          const taken = await peer.claimTrial(claimOf(s, 'event_lr_words'), { failed: false, running: true });
          assert.deepEqual(taken, { id: c.id, status: 'running', resumed: false });
          assert.equal(await peer.completeTrial(c.id, record(0.8)), true);
          // The first worker's late result: rejected by the trial's state, nothing overwritten.
          assert.equal(await store.completeTrial(c.id, record(0.1)), false);
          await store.failTrial(c.id, 'late failure');
          const t = (await store.getTrial(c.id))!;
          assert.equal(t.status, 'done');
          assert.equal(t.metrics.test.f1, 0.8);
          assert.equal(t.error, null);
          assert.equal(t.worker, 'contract-peer.invalid:1');
          assert.equal(await store.completeTrial(c.id + 100, record(0.5)), false, 'an unknown trial');
          // A failed trial records its worker too; a rerun that completes replaces it.
          const f = await store.claimTrial(claimOf(s, 'event_rf_words'), { failed: false });
          await store.failTrial(f.id, 'boom');
          assert.notEqual((await store.getTrial(f.id))?.worker, 'contract-peer.invalid:1');
          await peer.claimTrial(claimOf(s, 'event_rf_words'), { failed: true });
          assert.equal(await peer.completeTrial(f.id, record(0.5)), true);
          assert.equal((await store.getTrial(f.id))?.worker, 'contract-peer.invalid:1');
        } finally {
          await peer.close();
        }
      }),
    );

    it(
      'claims from two owners at once: each trial is claimed by exactly one',
      withStore(async ({ store, another }) => {
        const peer = await another();
        try {
          const s = await sweepOf(store);
          const variants = ['event_lr_words', 'event_rf_words', 'event_dt_words', 'event_oov_words', 'event_lof_words'];
          const claims = await Promise.all(
            variants.flatMap((v) =>
              [store, peer].map(async (st) => ({ v, c: await st.claimTrial(claimOf(s, v), { failed: false }) })),
            ),
          );
          for (const v of variants) {
            const mine = claims.filter((x) => x.v === v).map((x) => x.c);
            assert.equal(mine.length, 2);
            assert.equal(mine[0]!.id, mine[1]!.id, `${v}: one trial`);
            assert.equal(mine.filter((c) => !c.resumed).length, 1, `${v}: claimed once`);
            const lost = mine.find((c) => c.resumed)!;
            assert.equal(lost.status, 'running');
            assert.ok(lost.busy && lost.busy.length > 0, `${v}: the loser names the owner running it`);
          }
          // Claimed again by either: still running for its owner, so busy for the other one.
          const again = await peer.claimTrial(claimOf(s, variants[0]!), { failed: true, done: true });
          const first = claims.find((x) => x.v === variants[0] && !x.c.resumed)!;
          const peerWon = claims.indexOf(first) % 2 === 1;
          assert.equal(again.resumed, !peerWon);
        } finally {
          await peer.close();
        }
      }),
    );

    it(
      'completes a trial all at once: metrics by part and slice, timings, artifacts, throughput, status',
      withStore(async ({ store }) => {
        const s = await sweepOf(store, 'a');
        const { id } = await store.claimTrial(claimOf(s, 'event_rf_words'), { failed: false });
        await store.completeTrial(id, record(0.75));
        const t = (await store.getTrial(id))!;
        assert.equal(t.status, 'done');
        assert.equal(t.error, null);
        assert.ok(t.startedAt && t.finishedAt && t.finishedAt >= t.startedAt);
        assert.deepEqual(t.metrics, {
          train: { iterations: 12 },
          val: { f1: 0.75 - 0.1 },
          test: { f1: 0.75, auc_pr: null, tp: 3, fp: 1, tn: 5, fn: 1 },
        });
        assert.deepEqual(t.slices, {
          'testCase=get_token_404': { tp: 2, fn: 1 },
          'service=token': { threshold: null },
        });
        assert.deepEqual(t.timings, [timing('ingest', 50), timing('vectorize', 20), timing('fit', 7.5)]);
        assert.deepEqual(
          t.artifacts.map((a) => a.kind),
          ['model', 'predictions'],
        );
        assert.deepEqual(t.throughput, {
          rows: 20,
          meanMs: 0.5,
          p99Ms: 0.9,
          rme: 1.5,
          samples: 40,
          sequencesPerS: Number.POSITIVE_INFINITY,
        });
        assert.deepEqual(
          { experiment: t.experiment.name, file: t.experiment.file, sweep: t.sweep.id, git: t.sweep.gitSha },
          { experiment: 'a', file: 'experiments/a.ts', sweep: s.sweepId, git: 'abc123' },
        );
        assert.deepEqual(t.sweep.env, { datasetHash: DATASET.hash });
        assert.deepEqual(t.experiment, { id: s.experimentId, name: 'a', file: 'experiments/a.ts' });
        const { options: _, ...dataset } = DATASET;
        assert.deepEqual(t.dataset, { id: s.datasetId, ...dataset });
        assert.deepEqual(t.split, {
          id: s.splitId,
          seed: 1,
          strategy: s.manifest.strategy,
          manifestHash: s.manifest.hash,
        });
        // A rerun replaces every row of the earlier result.
        await store.claimTrial(claimOf(s, 'event_rf_words'), { failed: false, done: true });
        await store.completeTrial(id, {
          metrics: [{ part: 'test', name: 'f1', value: 0.5 }],
          timings: [timing('fit', 1)],
          artifacts: [],
          throughput: null,
        });
        const rerun = (await store.getTrial(id))!;
        assert.deepEqual(rerun.metrics, { train: {}, val: {}, test: { f1: 0.5 } });
        assert.deepEqual([rerun.slices, rerun.artifacts, rerun.throughput], [{}, [], null]);
        assert.deepEqual(rerun.timings, [timing('fit', 1)]);
      }),
    );

    it(
      'a failing completion leaves nothing of itself: no partial rows, the earlier result and status kept',
      withStore(async ({ store }) => {
        const s = await sweepOf(store);
        const broken: TrialRecord = {
          ...record(0.9),
          // The same metric twice: the store refuses the second row.
          metrics: [...record(0.9).metrics, { part: 'test', name: 'f1', value: 0.1 }],
        };
        const { id } = await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: false });
        await assert.rejects(store.completeTrial(id, broken));
        const t = (await store.getTrial(id))!;
        assert.equal(t.status, 'running');
        assert.deepEqual(
          [t.metrics, t.slices, t.timings, t.artifacts, t.throughput],
          [{ train: {}, val: {}, test: {} }, {}, [], [], null],
        );
        await store.completeTrial(id, record(0.6));
        await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: false, done: true });
        await assert.rejects(store.completeTrial(id, broken));
        const kept = (await store.getTrial(id))!;
        assert.equal(kept.status, 'running');
        assert.equal(kept.metrics.test.f1, 0.6);
        assert.equal(kept.timings.length, 3);
      }),
    );

    it(
      'fails a trial with its error; a retry clears it',
      withStore(async ({ store }) => {
        const s = await sweepOf(store, 'a');
        const { id } = await store.claimTrial(claimOf(s, 'event_xgb_words'), { failed: false });
        await store.failTrial(id, 'Error: boom\n    at fit');
        const t = (await store.getTrial(id))!;
        assert.deepEqual([t.status, t.error], ['failed', 'Error: boom\n    at fit']);
        assert.ok(t.finishedAt);
        assert.deepEqual(await store.claimTrial(claimOf(s, 'event_xgb_words'), { failed: false }), {
          id,
          status: 'failed',
          resumed: true,
        });
        assert.deepEqual(await store.planStatus('a'), { pending: 0, running: 0, done: 0, failed: 1 });
        const retry = await store.claimTrial(claimOf(s, 'event_xgb_words'), { failed: true });
        assert.deepEqual(retry, { id, status: 'running', resumed: false });
        assert.equal((await store.getTrial(id))!.error, null);
      }),
    );

    it(
      'releases the trials its owner runs in a sweep back to pending, and only those',
      withStore(async ({ store, another }) => {
        const peer = await another();
        try {
          const s = await sweepOf(store, 'a');
          const mine = await store.claimTrial(claimOf(s, 'event_lr_words'), { failed: false });
          const done = await store.claimTrial(claimOf(s, 'event_rf_words'), { failed: false });
          await store.completeTrial(done.id, record(0.7));
          const theirs = await peer.claimTrial(claimOf(s, 'event_oov_words'), { failed: false });
          assert.equal(theirs.resumed, false);
          assert.equal(await store.releaseTrials(s.sweepId + 100), 0, 'another sweep');
          assert.equal(await store.releaseTrials(s.sweepId), 1);
          assert.equal((await store.getTrial(mine.id))!.status, 'pending');
          assert.equal((await store.getTrial(done.id))!.status, 'done');
          assert.equal((await store.getTrial(theirs.id))!.status, 'running', "the peer's trial stays");
          assert.deepEqual(await store.planStatus('a'), { pending: 1, running: 1, done: 1, failed: 0 });
          // The next run claims the pending trial; the peer's still runs elsewhere.
          const next = await sweepOf(store, 'a');
          assert.deepEqual(await store.claimTrial(claimOf(next, 'event_lr_words'), { failed: false }), {
            id: mine.id,
            status: 'running',
            resumed: false,
          });
          const busy = await store.claimTrial(claimOf(next, 'event_oov_words'), { failed: false });
          assert.equal(busy.resumed, true);
          assert.equal(await peer.releaseTrials(s.sweepId), 1);
          assert.equal((await store.getTrial(theirs.id))!.status, 'pending');
        } finally {
          await peer.close();
        }
      }),
    );

    it(
      'lists trials and finds done ones by selector, within an experiment’s plan',
      withStore(async ({ store }) => {
        const a = await sweepOf(store, 'a');
        const lr = await store.claimTrial(claimOf(a, 'event_lr_words'), { failed: false });
        await store.completeTrial(lr.id, record(0.8));
        const rf = await store.claimTrial(claimOf(a, 'event_rf_words'), { failed: false });
        await store.failTrial(rf.id, 'boom');
        const a2 = await sweepOf(store, 'a', 2);
        const lr2 = await store.claimTrial(claimOf(a2, 'event_lr_words', 2), { failed: false });
        await store.completeTrial(lr2.id, record(0.6));
        // b plans a's first trial (computed by a) and one of its own.
        const b = await sweepOf(store, 'b');
        await store.claimTrial(claimOf(b, 'event_lr_words'), { failed: false });
        const oov = await store.claimTrial(claimOf(b, 'event_oov_words'), { failed: false });

        const all = await store.listTrials();
        assert.deepEqual(
          all.map((t) => [t.id, t.experiment, t.computed_by, t.variant, t.status]),
          [
            [lr.id, 'a', 'a', 'event_lr_words', 'done'],
            [rf.id, 'a', 'a', 'event_rf_words', 'failed'],
            [lr2.id, 'a', 'a', 'event_lr_words', 'done'],
            [oov.id, 'b', 'b', 'event_oov_words', 'running'],
          ],
        );
        const first = all[0]!;
        assert.deepEqual(
          [first.sweep_id, first.feature_set, first.seed, first.f1, first.auc_pr, first.auc_roc],
          [a.sweepId, 'words', 1, 0.8, null, null],
        );
        assert.deepEqual(
          (await store.listTrials({ experiment: 'b' })).map((t) => [t.id, t.experiment, t.computed_by]),
          [
            [lr.id, 'b', 'a'],
            [oov.id, 'b', 'b'],
          ],
        );
        assert.deepEqual(
          (await store.listTrials({ status: 'done', variant: 'event_lr_words' })).map((t) => t.id),
          [lr.id, lr2.id],
        );
        assert.deepEqual(await store.listTrials({ experiment: 'nope' }), []);

        const found = await store.findDoneTrials({ variant: 'event_lr_words' });
        assert.deepEqual(
          found.map((t) => [t.id, t.splitId, t.seed, t.featureSet, t.experiment]),
          [
            [lr2.id, a2.splitId, 2, 'words', 'a'],
            [lr.id, a.splitId, 1, 'words', 'a'],
          ],
          'newest first',
        );
        assert.deepEqual(
          (await store.findDoneTrials({ variant: 'event_lr_words', featureSet: 'words', experiment: 'b' })).map((t) => [
            t.id,
            t.experiment,
          ]),
          [[lr.id, 'b']],
        );
        assert.deepEqual(await store.findDoneTrials({ variant: 'event_lr_words', featureSet: 'drain' }), []);
        assert.deepEqual(await store.findDoneTrials({ variant: 'event_rf_words' }), [], 'failed is not done');
      }),
    );

    it(
      'finished trials: the plan’s done and failed trials on the current dataset, newest first, with results',
      withStore(async ({ store }) => {
        const a = await sweepOf(store, 'a', 1, { name: 'a', labels: 'case' });
        const lr = await store.claimTrial(claimOf(a, 'event_lr_words'), { failed: false });
        await store.completeTrial(lr.id, record(0.8));
        const rf = await store.claimTrial(claimOf(a, 'event_rf_words'), { failed: false });
        await store.failTrial(rf.id, 'boom');
        await store.claimTrial(claimOf(a, 'event_oov_words'), { failed: false });
        const b = await sweepOf(store, 'b', 1, { name: 'b' });
        await store.claimTrial(claimOf(b, 'event_lr_words'), { failed: false });

        const all = await store.finishedTrials();
        assert.deepEqual(
          all.map((t) => [t.experiment, t.id, t.status]).sort(),
          [
            ['a', lr.id, 'done'],
            ['a', rf.id, 'failed'],
            ['b', lr.id, 'done'],
          ].sort(),
        );
        const ofA = await store.finishedTrials({ experiment: 'a' });
        assert.deepEqual(
          ofA.map((t) => t.id),
          [rf.id, lr.id],
          'newest first, the running trial left out',
        );
        const t = ofA[1]!;
        const detail = (await store.getTrial(lr.id))!;
        assert.deepEqual(
          [t.splitId, t.splitSeed, t.seed, t.variant, t.featureSet, t.config],
          [a.splitId, 1, 1, 'event_lr_words', 'words', { name: 'a', labels: 'case' }],
        );
        assert.deepEqual(
          [t.metrics, t.slices, t.timings, t.artifacts, t.throughput],
          [detail.metrics, detail.slices, detail.timings, detail.artifacts, detail.throughput],
        );

        // a moves to new data: its trials on the old dataset leave its plan's view.
        const experimentId = await store.upsertExperiment({
          name: 'a',
          file: 'experiments/a.ts',
          config: { name: 'a' },
        });
        const sweepId = await store.startSweep(experimentId, { gitSha: null, env: { datasetHash: 'contract-data-2' } });
        const moved = await store.upsertDataset({ ...DATASET, hash: 'contract-data-2' });
        const splitId = await store.saveSplit(moved, makeSplit(META, { seed: 1 }));
        const lrNew = await store.claimTrial(
          { ...claimOf({ sweepId, splitId }, 'event_lr_words'), key: 'new-data:event_lr_words' },
          { failed: false },
        );
        await store.completeTrial(lrNew.id, record(0.5));
        assert.deepEqual(
          (await store.finishedTrials({ experiment: 'a' })).map((x) => [x.id, x.config]),
          [[lrNew.id, { name: 'a' }]],
        );
        assert.deepEqual(await store.planStatus('a'), { pending: 0, running: 0, done: 1, failed: 0 });
        assert.deepEqual(
          (await store.findDoneTrials({ variant: 'event_lr_words', experiment: 'a' })).map((x) => x.id),
          [lrNew.id],
        );
        assert.deepEqual(
          (await store.listTrials({ experiment: 'a' })).map((x) => x.id),
          [lrNew.id],
        );
        assert.deepEqual(await store.finishedTrials({ experiment: 'nope' }), []);
      }),
    );

    it(
      'the leaderboard and a row’s detail over the store',
      withStore(async ({ store }) => {
        for (const seed of [1, 2, 3]) {
          const s = await sweepOf(store, 'lb', seed, { name: 'lb', labels: 'case' });
          await store.saveAudit(s.splitId, 'words', {
            version: 2,
            featureSet: 'words',
            baselines: [{ name: 'seq_len', direction: 1, threshold: 10, aucTest: 0.6, f1Test: 0.3 }],
            tokenRules: [],
            warnings: ['sequence length separates'],
          });
          for (const [variant, f1] of [
            ['event_lr_words', 0.8 + seed / 100],
            ['event_oov_words', 0.4 + seed / 50],
          ] as const) {
            const c = await store.claimTrial(claimOf(s, variant, seed), { failed: false });
            await store.completeTrial(c.id, record(f1));
          }
        }
        const data = await loadBoardData(store);
        assert.deepEqual(data.experiments, ['lb']);
        const board = leaderboard(data, 'f1');
        assert.deepEqual(
          board.rows.map((r) => [r.rank, r.variant, r.seeds, r.f1.interval]),
          [
            [1, 'event_lr_words', 3, 'corrected-t'],
            [2, 'event_oov_words', 3, 'corrected-t'],
          ],
        );
        assert.ok(Math.abs(board.rows[0]!.f1.mean - 0.82) < 1e-12);
        assert.equal(board.rows[0]!.throughputPerS, null, 'an infinite rate has no mean');
        assert.ok(Math.abs(board.rows[0]!.fitMs - 8.2) < 1e-9);
        const detail = rowDetail(data, board.rows[0]!);
        assert.deepEqual(detail.confusion, { tp: 9, fp: 3, tn: 15, fn: 3 });
        assert.deepEqual(detail.recallByCase, [{ testCase: 'get_token_404', recall: 2 / 3, detected: 6, total: 9 }]);
        assert.deepEqual(
          detail.timings.map((t) => t.stage),
          ['fit', 'ingest', 'vectorize'],
        );
        assert.deepEqual(detail.leakageWarnings, ['words: sequence length separates']);
        assert.equal(detail.trivialF1, 0.3);
      }),
    );

    it(
      'sweep notes and tags: set, replaced, read back with the sweep, its trials and the listing, filtered on',
      withStore(async ({ store }) => {
        const a = await sweepOf(store, 'a');
        assert.deepEqual(
          [(await store.latestSweep('a'))?.note, (await store.latestSweep('a'))?.tags],
          [null, {}],
          'a new sweep has no note and no tags',
        );
        await store.annotateSweep(a.sweepId, { note: 'first try', tags: { model: 'lr', data: 'v2' } });
        await store.annotateSweep(a.sweepId, { tags: { data: 'v3' } });
        const latest = (await store.latestSweep('a'))!;
        assert.equal(latest.note, 'first try', 'tags alone leave the note');
        assert.deepEqual(latest.tags, { data: 'v3', model: 'lr' }, 'a key takes its new value, the others stay');
        await store.annotateSweep(a.sweepId, { note: 'second thoughts, with "quotes"' });
        const lr = await store.claimTrial(claimOf(a, 'event_lr_words'), { failed: false });
        await store.completeTrial(lr.id, record(0.8));
        const t = (await store.getTrial(lr.id))!;
        assert.deepEqual([t.sweep.note, t.sweep.tags], ['second thoughts, with "quotes"', { data: 'v3', model: 'lr' }]);

        const b = await sweepOf(store, 'b', 2);
        await store.annotateSweep(b.sweepId, { tags: { model: 'lr' } });
        const oov = await store.claimTrial(claimOf(b, 'event_oov_words', 2), { failed: false });
        const listed = await store.listTrials();
        assert.deepEqual(
          listed.map((x) => [x.id, x.note, x.tags]),
          [
            [lr.id, 'second thoughts, with "quotes"', { data: 'v3', model: 'lr' }],
            [oov.id, null, { model: 'lr' }],
          ],
        );
        const ids = async (tags: Record<string, string>) => (await store.listTrials({ tags })).map((x) => x.id);
        assert.deepEqual(await ids({ model: 'lr' }), [lr.id, oov.id]);
        assert.deepEqual(await ids({ model: 'lr', data: 'v3' }), [lr.id], 'every tag must match');
        assert.deepEqual(await ids({ data: 'v2' }), [], 'an old value no longer matches');
        assert.deepEqual(await ids({}), [lr.id, oov.id]);
        assert.deepEqual(
          (await store.listTrials({ experiment: 'b', tags: { model: 'lr' } })).map((x) => x.id),
          [oov.id],
        );
        await assert.rejects(store.annotateSweep(b.sweepId + 100, { note: 'x' }), /sweep \d+ is not in the database/);
      }),
    );

    it(
      'removes an experiment: its sweeps, trials and results; a trial another experiment plans stays, credited to it',
      withStore(async ({ store }) => {
        const a1 = await sweepOf(store, 'a');
        const lr = await store.claimTrial(claimOf(a1, 'event_lr_words'), { failed: false });
        await store.completeTrial(lr.id, record(0.8));
        const rf = await store.claimTrial(claimOf(a1, 'event_rf_words'), { failed: false });
        await store.failTrial(rf.id, 'boom');
        await store.finishSweep(a1.sweepId, 'failed');
        await store.annotateSweep(a1.sweepId, { tags: { k: 'v' } });
        const a2 = await sweepOf(store, 'a', 2);
        const lr2 = await store.claimTrial(claimOf(a2, 'event_lr_words', 2), { failed: false });
        await store.completeTrial(lr2.id, record(0.7));
        await store.finishSweep(a2.sweepId, 'done');
        // b resumes a's first trial (same key) and computes one of its own.
        const b = await sweepOf(store, 'b');
        assert.equal((await store.claimTrial(claimOf(b, 'event_lr_words'), { failed: false })).id, lr.id);
        const oov = await store.claimTrial(claimOf(b, 'event_oov_words'), { failed: false });
        await store.completeTrial(oov.id, record(0.5));
        await store.finishSweep(b.sweepId, 'done');

        const before = JSON.stringify([await store.listTrials(), await store.finishedTrials()]);
        const plan = await store.removeSweeps({ experiment: 'a' }, { dryRun: true });
        assert.deepEqual(plan, {
          experiments: ['a'],
          sweeps: [a1.sweepId, a2.sweepId],
          trials: [rf.id, lr2.id],
          kept: [{ trial: lr.id, sweep: b.sweepId }],
          rows: { metrics: 11, timings: 3, artifacts: 2, throughput: 1 },
        });
        assert.equal(JSON.stringify([await store.listTrials(), await store.finishedTrials()]), before, 'a dry run');
        assert.deepEqual(await store.experimentNames(), ['a', 'b']);

        assert.deepEqual(await store.removeSweeps({ experiment: 'a' }), plan, 'the dry run said what goes');
        assert.deepEqual(await store.experimentNames(), ['b']);
        assert.equal(await store.latestSweep('a'), null);
        assert.equal(await store.findExperiment('a'), null);
        assert.equal(await store.getTrial(rf.id), null);
        assert.equal(await store.getTrial(lr2.id), null);
        const kept = (await store.getTrial(lr.id))!;
        assert.deepEqual([kept.status, kept.sweep.id, kept.experiment.name], ['done', b.sweepId, 'b']);
        assert.equal(kept.metrics.test.f1, 0.8, 'its results stay');
        assert.deepEqual(
          (await store.listTrials()).map((t) => [t.id, t.experiment]),
          [
            [lr.id, 'b'],
            [oov.id, 'b'],
          ],
        );
        assert.deepEqual(await store.listTrials({ experiment: 'a' }), []);
        assert.deepEqual(
          (await store.finishedTrials({ experiment: 'b' })).map((t) => t.id),
          [oov.id, lr.id],
        );
        assert.deepEqual(await store.planStatus('a'), { pending: 0, running: 0, done: 0, failed: 0 });
        // Its splits and dataset stay for the others: b's split is a's.
        assert.deepEqual(await store.loadSplit(a1.splitId), a1.manifest);
        await assert.rejects(store.removeSweeps({ experiment: 'a' }), /no experiment named 'a' in the database/);
      }),
    );

    it(
      'removes one sweep: the trials it computed go, the experiment stays until its last sweep goes',
      withStore(async ({ store }) => {
        const s1 = await sweepOf(store, 'a');
        const lr = await store.claimTrial(claimOf(s1, 'event_lr_words'), { failed: false });
        await store.completeTrial(lr.id, record(0.8));
        await store.finishSweep(s1.sweepId, 'done');
        const s2 = await sweepOf(store, 'a', 2);
        // The second sweep resumes the first one's trial and computes another.
        await store.claimTrial(claimOf(s2, 'event_lr_words'), { failed: false });
        const lr2 = await store.claimTrial(claimOf(s2, 'event_lr_words', 2), { failed: false });
        await store.completeTrial(lr2.id, record(0.7));
        await store.finishSweep(s2.sweepId, 'done');

        const r = await store.removeSweeps({ sweepId: s2.sweepId });
        assert.deepEqual([r.experiments, r.sweeps, r.trials, r.kept], [[], [s2.sweepId], [lr2.id], []]);
        assert.deepEqual(await store.experimentNames(), ['a']);
        assert.equal((await store.latestSweep('a'))?.id, s1.sweepId);
        assert.deepEqual(
          (await store.listTrials({ experiment: 'a' })).map((t) => t.id),
          [lr.id],
        );
        await assert.rejects(store.removeSweeps({ sweepId: s2.sweepId }), /sweep \d+ is not in the database/);
        const last = await store.removeSweeps({ sweepId: s1.sweepId });
        assert.deepEqual([last.experiments, last.trials], [['a'], [lr.id]], 'the last sweep takes the experiment');
        assert.deepEqual([await store.experimentNames(), await store.listTrials()], [[], []]);
      }),
    );

    it(
      'refuses to remove what a live process is running, and removes nothing then',
      withStore(async ({ store, another }) => {
        const peer = await another();
        try {
          const theirs = await sweepOf(peer, 'a');
          await assert.rejects(
            store.removeSweeps({ experiment: 'a' }),
            new RegExp(`sweep ${theirs.sweepId} of a is still running \\(process contract-peer\\.invalid:1\\)`),
          );
          await assert.rejects(store.removeSweeps({ sweepId: theirs.sweepId }, { dryRun: true }), /still running/);
          await peer.finishSweep(theirs.sweepId, 'interrupted');
          // A sweep of this process whose trial the peer has claimed since (it reruns it).
          const mine = await sweepOf(store, 'b');
          const t = await peer.claimTrial(claimOf(mine, 'event_lr_words'), { failed: false });
          await store.finishSweep(mine.sweepId, 'done');
          await assert.rejects(
            store.removeSweeps({ experiment: 'b' }),
            new RegExp(`trial ${t.id} of b is still running`),
          );
          assert.deepEqual(await store.experimentNames(), ['a', 'b'], 'nothing removed');
          assert.equal((await store.getTrial(t.id))?.status, 'running');
          await peer.releaseTrials(mine.sweepId);
          assert.deepEqual((await store.removeSweeps({ experiment: 'b' })).trials, [t.id]);
          assert.deepEqual((await store.removeSweeps({ experiment: 'a' })).sweeps, [theirs.sweepId]);
        } finally {
          await peer.close();
        }
      }),
    );

    it(
      'closes: a second close does nothing',
      withStore(async ({ store }) => {
        await store.close();
        await store.close();
      }),
    );
  });
}
