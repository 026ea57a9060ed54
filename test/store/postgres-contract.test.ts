/**
 * The Store contract over PostgresStore, on a throwaway PostgreSQL server (one per file, each test
 * on a fresh database), then what only a server shared by several processes and machines has to
 * get right: concurrent claims on separate connections, migrations raced by several openers, a
 * database that is not the bench's, passwords kept out of messages. Skipped, with the reason, where
 * PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  maskUrl,
  openStore,
  PG_SCHEMA_VERSION,
  PostgresStore,
  type Store,
  type TrialClaim,
} from '../../harness/store/index.ts';
import { makeSplit } from '../../splits/index.ts';
import { correctAndErrorRuns } from '../helpers/fixtures.ts';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres.ts';
import { storeContract } from './contract.ts';

const unavailable = postgresAvailable();
let server: ThrowawayPostgres | undefined;
let databases = 0;

/** A new empty database on the file's server; dropped by the returned cleanup. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!server) server = await startThrowawayPostgres();
  const name = `contract_${++databases}`;
  const url = await server.createDatabase(name);
  return { url, drop: () => server!.dropDatabase(name) };
}

after(async () => {
  await server?.stop();
});

if (unavailable !== null) {
  describe('Store contract: PostgresStore', () => {
    it('needs a PostgreSQL server', { skip: unavailable }, () => {});
  });
} else {
  storeContract('PostgresStore', async () => {
    const { url, drop } = await freshDatabase();
    const store = await PostgresStore.open(url);
    const peers: Store[] = [];
    return {
      store,
      // Another host's process: its trials count as live whatever its pid.
      another: async () => {
        const peer = await PostgresStore.open(url, { owner: 'contract-peer.invalid:1' });
        peers.push(peer);
        return peer;
      },
      cleanup: async () => {
        await store.close();
        for (const p of peers) await p.close();
        await drop();
      },
    };
  });

  const DATASET = { hash: 'pg-data', source: 'fixture', nRuns: 10, nSequences: 20, nEvents: 200, options: {} };

  const claimOf = (sweepId: number, splitId: number, variant: string): TrialClaim => ({
    sweepId,
    splitId,
    variant,
    featureSet: 'words',
    seed: 1,
    params: {},
    key: `${variant}:words:1`,
  });

  describe('PostgresStore across processes', () => {
    let url = '';
    let drop: () => Promise<void> = async () => {};
    before(async () => {
      ({ url, drop } = await freshDatabase());
    });
    after(async () => {
      await drop();
    });

    it('pending trials claimed by eight owners at once, each on its own connection: one owner each', async () => {
      const owners = await Promise.all(
        Array.from({ length: 8 }, (_, i) => PostgresStore.open(url, { owner: `machine-${i}.invalid:${100 + i}` })),
      );
      try {
        const [first] = owners as [PostgresStore];
        const experimentId = await first.upsertExperiment({ name: 'race', file: 'race.ts', config: {} });
        const sweepId = await first.startSweep(experimentId, { gitSha: null, env: { datasetHash: DATASET.hash } });
        const datasetId = await first.upsertDataset(DATASET);
        const splitId = await first.saveSplit(datasetId, makeSplit(correctAndErrorRuns(10), { seed: 1 }));
        const variants = Array.from({ length: 12 }, (_, i) => `variant_${i}`);
        // Stored and given back: every trial pending, as after a Ctrl-C.
        for (const v of variants) await first.claimTrial(claimOf(sweepId, splitId, v), { failed: false });
        assert.equal(await first.releaseTrials(sweepId), variants.length);
        assert.deepEqual(await first.planStatus('race'), { pending: 12, running: 0, done: 0, failed: 0 });

        const claims = await Promise.all(
          variants.flatMap((v) =>
            owners.map(async (o) => ({
              v,
              o: o.owner,
              c: await o.claimTrial(claimOf(sweepId, splitId, v), { failed: false }),
            })),
          ),
        );
        for (const v of variants) {
          const won = claims.filter((x) => x.v === v && !x.c.resumed);
          assert.equal(won.length, 1, `${v}: claimed by ${won.map((x) => x.o).join(', ') || 'nobody'}`);
          for (const lost of claims.filter((x) => x.v === v && x.c.resumed)) {
            assert.equal(lost.c.busy, won[0]!.o, `${v}: the losers name the winner`);
          }
          assert.equal((await first.getTrial(won[0]!.c.id))?.status, 'running');
        }
        assert.deepEqual(await first.planStatus('race'), { pending: 0, running: 12, done: 0, failed: 0 });
      } finally {
        for (const o of owners) await o.close();
      }
    });

    it('a new database opened by several processes at once is migrated once', async () => {
      const { url: empty, drop: dropEmpty } = await freshDatabase();
      try {
        const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(empty)));
        for (const s of stores) await s.close();
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: empty });
        await client.connect();
        try {
          const { rows } = await client.query('SELECT version FROM bench_schema');
          assert.deepEqual(rows, [{ version: PG_SCHEMA_VERSION }]);
        } finally {
          await client.end();
        }
      } finally {
        await dropEmpty();
      }
    });

    it("refuses a database with the bench's table names but no version, and changes nothing", async () => {
      const { url: foreign, drop: dropForeign } = await freshDatabase();
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: foreign });
      await client.connect();
      try {
        await client.query('CREATE TABLE experiments (customer text)');
        await assert.rejects(PostgresStore.open(foreign), /is not a bench database: it has tables experiments/);
        const { rows } = await client.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        );
        assert.deepEqual(rows, [{ table_name: 'experiments' }]);
      } finally {
        await client.end();
        await dropForeign();
      }
    });

    it('a reader (create: false) does not create tables in an empty database', async () => {
      const { url: empty, drop: dropEmpty } = await freshDatabase();
      try {
        await assert.rejects(openStore(empty, { create: false }), /no bench database at postgres:\/\//);
        await assert.rejects(openStore(empty, { create: false }), /no bench database/, 'still none');
      } finally {
        await dropEmpty();
      }
    });

    it('openStore: a postgres:// or postgresql:// URL opens PostgresStore', async () => {
      for (const target of [url, url.replace(/^postgres:/, 'postgresql:')]) {
        const s = await openStore(target);
        assert.ok(s instanceof PostgresStore);
        await s.close();
      }
    });

    it('never shows a password: masked in the URL, kept out of connection errors', async () => {
      assert.equal(
        maskUrl('postgres://bench:s3cret@db.example:5432/results'),
        'postgres://bench:***@db.example:5432/results',
      );
      assert.equal(maskUrl('postgres://bench@db.example/results'), 'postgres://bench@db.example/results');
      const port = new URL(url).port;
      // A closed port: the connection is refused, and the message names the URL without the password.
      const closed = `postgres://bench:hunter2-secret@127.0.0.1:${Number(port) === 1 ? 2 : 1}/results`;
      await assert.rejects(openStore(closed), (err: Error) => {
        assert.match(err.message, /cannot connect to PostgreSQL at postgres:\/\/bench:\*\*\*@127\.0\.0\.1/);
        assert.doesNotMatch(err.message + String((err as { details?: unknown }).details), /hunter2/);
        return true;
      });
      // A database that does not exist on a live server.
      const missing = url.replace(/\/\w+$/, '/nope').replace('postgres@', 'postgres:pw-hidden@');
      await assert.rejects(openStore(missing), (err: Error) => {
        assert.match(err.message, /the database does not exist/);
        assert.doesNotMatch(err.message, /pw-hidden/);
        return true;
      });
    });
  });

  describe('PostgresStore queued sweeps', () => {
    let url = '';
    let drop: () => Promise<void> = async () => {};
    let store: PostgresStore;
    before(async () => {
      ({ url, drop } = await freshDatabase());
      store = await PostgresStore.open(url);
    });
    after(async () => {
      await store.close();
      await drop();
    });

    const envOn = (datasetHash: string) => ({ gitSha: 'abc123', env: { datasetHash } });
    const sweepRow = async (id: number) =>
      (await store.db.pool.query('SELECT status, finished_at, owner FROM sweeps WHERE id = $1', [id])).rows[0] as {
        status: string;
        finished_at: string | null;
        owner: string;
      };

    it("openQueuedSweep reuses the experiment's running sweep on the same dataset, else opens one", async () => {
      const experimentId = await store.upsertExperiment({ name: 'queued', file: 'queued.ts', config: {} });
      const first = await store.openQueuedSweep(experimentId, envOn('data-a'), 'data-a');
      assert.equal(first.reused, false);
      assert.deepEqual(await sweepRow(first.sweepId), { status: 'running', finished_at: null, owner: store.owner });
      assert.deepEqual(await store.openQueuedSweep(experimentId, envOn('data-a'), 'data-a'), {
        sweepId: first.sweepId,
        reused: true,
      });
      const other = await store.openQueuedSweep(experimentId, envOn('data-b'), 'data-b');
      assert.equal(other.reused, false, 'another dataset: another sweep');
      assert.notEqual(other.sweepId, first.sweepId);
      const elsewhere = await store.upsertExperiment({ name: 'queued-2', file: 'queued.ts', config: {} });
      assert.equal((await store.openQueuedSweep(elsewhere, envOn('data-a'), 'data-a')).reused, false);
      await store.finishSweep(first.sweepId, 'done');
      const next = await store.openQueuedSweep(experimentId, envOn('data-a'), 'data-a');
      assert.equal(next.reused, false, 'a finished sweep is not reused');
      assert.ok(next.sweepId > other.sweepId);
    });

    it('openQueuedSweep from six machines at once: one sweep', async () => {
      const machines = await Promise.all(
        Array.from({ length: 6 }, (_, i) => PostgresStore.open(url, { owner: `submitter-${i}.invalid:${i + 1}` })),
      );
      try {
        const experimentId = await store.upsertExperiment({ name: 'submitted', file: 'submitted.ts', config: {} });
        const opened = await Promise.all(
          machines.map((m) => m.openQueuedSweep(experimentId, envOn('data-c'), 'data-c')),
        );
        assert.equal(new Set(opened.map((o) => o.sweepId)).size, 1, JSON.stringify(opened));
        assert.equal(opened.filter((o) => !o.reused).length, 1);
      } finally {
        for (const m of machines) await m.close();
      }
    });

    it('reopenSweep sets a finished sweep running again; a running one keeps its row', async () => {
      const experimentId = await store.upsertExperiment({ name: 'reopened', file: 'reopened.ts', config: {} });
      const { sweepId } = await store.openQueuedSweep(experimentId, envOn('data-d'), 'data-d');
      await store.reopenSweep(sweepId);
      assert.deepEqual(await sweepRow(sweepId), { status: 'running', finished_at: null, owner: store.owner });
      await store.finishSweep(sweepId, 'interrupted');
      assert.equal((await sweepRow(sweepId)).status, 'interrupted');
      await store.reopenSweep(sweepId);
      assert.deepEqual(await sweepRow(sweepId), { status: 'running', finished_at: null, owner: store.owner });
      assert.deepEqual(await store.openQueuedSweep(experimentId, envOn('data-d'), 'data-d'), { sweepId, reused: true });
    });

    it("sweepTrialStates counts a sweep's trials by status and gives its failures' first lines, oldest first", async () => {
      const experimentId = await store.upsertExperiment({ name: 'states', file: 'states.ts', config: {} });
      const { sweepId } = await store.openQueuedSweep(experimentId, envOn(DATASET.hash), DATASET.hash);
      assert.deepEqual(await store.sweepTrialStates(sweepId), { counts: {}, errors: [] });
      const datasetId = await store.upsertDataset(DATASET);
      const splitId = await store.saveSplit(datasetId, makeSplit(correctAndErrorRuns(10), { seed: 1 }));
      const ids: number[] = [];
      for (const v of ['a', 'b', 'c', 'd', 'e']) {
        ids.push((await store.claimTrial(claimOf(sweepId, splitId, `states_${v}`), { failed: false })).id);
      }
      const [a, b, c, d] = ids as [number, number, number, number];
      await store.failTrial(c, 'third broke\n    at frame c');
      await store.failTrial(a, 'first broke\n    at frame a');
      await store.failTrial(d, '');
      await store.completeTrial(b, { metrics: [], timings: [], artifacts: [], throughput: null });
      assert.deepEqual(await store.sweepTrialStates(sweepId), {
        counts: { done: 1, failed: 3, running: 1 },
        errors: [
          { trialId: a, error: 'first broke' },
          { trialId: c, error: 'third broke' },
          { trialId: d, error: '' },
        ],
      });
      assert.deepEqual((await store.sweepTrialStates(sweepId, 1)).errors, [{ trialId: a, error: 'first broke' }]);
      assert.deepEqual(await store.sweepTrialStates(sweepId + 1000), { counts: {}, errors: [] });
    });
  });
}
