import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION } from '../../harness/store/index.ts';
import { MIGRATIONS } from '../../harness/store/schema.ts';
import { makeSplit, type SequenceMeta } from '../../splits/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const seqs: SequenceMeta[] = Array.from({ length: 30 }, (_, i) => ({
  seqId: `r${i}__x__token`,
  run: `light-oauth2-data-${1_719_592_986 + i}`,
  testCase: i % 2 ? 'correct' : `case_${i % 5}`,
  service: 'token',
  anomaly: i % 2 === 0,
  startMs: i * 1000,
}));
const dataset = {
  hash: 'abc',
  source: 'synthetic',
  nRuns: 30,
  nSequences: 30,
  nEvents: 300,
  options: { preset: 'tiny' },
};

describe('SQLite store: datasets and splits', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('migrates a version-1 database in place, keeping its rows', async () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO experiments (name, created_at, config_json) VALUES ('old', 'then', '{}')").run();
    raw.close();
    await (await openStore(path)).close();
    const db = new Database(path);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const cols = (db.prepare('PRAGMA table_info(trials)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(cols.includes('owner'));
    assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'throughput'").get());
    assert.equal((db.prepare('SELECT name FROM experiments').get() as { name: string }).name, 'old');
    db.close();
  });

  it('creates the documented tables in a WAL database with a schema version', async () => {
    const store = await openStore(join(dir, 'bench.db'));
    // Foreign keys are on: an audit of a split that does not exist is refused.
    await assert.rejects(store.saveAudit(999, 'words', {}), /FOREIGN KEY constraint failed/);
    await store.close();
    const db = new Database(join(dir, 'bench.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const columns = (t: string) =>
      (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    assert.deepEqual(columns('splits').slice(0, 5), ['id', 'dataset_id', 'seed', 'strategy', 'manifest_hash']);
    assert.deepEqual(columns('split_members'), ['split_id', 'run', 'part']);
    for (const t of ['experiments', 'sweeps', 'datasets', 'trials', 'metrics', 'timings', 'artifacts']) {
      assert.ok(columns(t).length > 0, `table ${t}`);
    }
    db.close();
  });

  it('stores a split once, reads it back identical, and SQL proves no run is in two parts', async () => {
    const store = await openStore(join(dir, 'bench.db'));
    const datasetId = await store.upsertDataset(dataset);
    assert.equal(await store.upsertDataset(dataset), datasetId);
    const m = makeSplit(seqs, { seed: 4 });
    const id = await store.saveSplit(datasetId, m);
    assert.equal(await store.saveSplit(datasetId, m), id, 'same manifest, same row');
    assert.deepEqual(await store.loadSplit(id), m);
    assert.deepEqual(await store.leakCheck(), []);
    await store.close();
    const db = new Database(join(dir, 'bench.db'));
    const counts = db
      .prepare('SELECT part, COUNT(*) AS n FROM split_members WHERE split_id = ? GROUP BY part ORDER BY part')
      .all(id);
    assert.deepEqual(counts, [
      { part: 'test', n: 6 },
      { part: 'train', n: 18 },
      { part: 'val', n: 6 },
    ]);
    // The primary key refuses a second part for a run.
    assert.throws(
      () =>
        db
          .prepare('INSERT INTO split_members (split_id, run, part) VALUES (?, ?, ?)')
          .run(id, m.parts.train[0], 'test'),
      /UNIQUE constraint failed/,
    );
    db.close();
  });

  it('refuses a newer schema with a hint', async () => {
    const path = join(dir, 'future.db');
    await (await openStore(path)).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await assert.rejects(
      () => openStore(path),
      new RegExp(`has schema version ${SCHEMA_VERSION + 1}, newer than this bench \\(${SCHEMA_VERSION}\\)`),
    );
  });
});
