/**
 * A split read back from the store is checked before a sweep uses it, and a manifest is checked
 * before it is stored (harness/store/split-check.ts), on a real SQLite file changed behind the
 * store's back.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../harness/store/index.ts';
import { makeSplit } from '../../splits/index.ts';
import { correctAndErrorRuns, tempDir } from '../helpers/fixtures.ts';

const DATASET = { hash: 'split-check', source: 'fixture', nRuns: 10, nSequences: 20, nEvents: 200, options: {} };

describe('stored splits are checked', () => {
  const { dir, cleanup } = tempDir('lo2-bench-split-check-');
  after(cleanup);
  let n = 0;
  /** A database holding one split; returns the store, the split id and the manifest. */
  async function stored() {
    const path = join(dir, `bench-${n++}.db`);
    const store = await SqliteStore.open(path);
    const manifest = makeSplit(correctAndErrorRuns(10), { seed: 1 });
    const id = await store.saveSplit(await store.upsertDataset(DATASET), manifest);
    return { store, path, id, manifest };
  }

  it('reads back a split whose rows agree with its manifest', async () => {
    const { store, id, manifest } = await stored();
    assert.deepEqual(await store.loadSplit(id), manifest);
    await store.close();
  });

  it('refuses a split whose member rows moved a run to another part', async () => {
    const { store, path, id, manifest } = await stored();
    const db = new Database(path);
    db.prepare("UPDATE split_members SET part = 'train' WHERE split_id = ? AND run = ?").run(
      id,
      manifest.parts.test[0],
    );
    db.close();
    await assert.rejects(store.loadSplit(id), /split_members disagree with the stored manifest/);
    await store.close();
  });

  it('refuses a stored manifest whose content no longer matches its hash', async () => {
    const { store, path, id, manifest } = await stored();
    const changed = { ...manifest, seed: 99 };
    const db = new Database(path);
    db.prepare('UPDATE splits SET manifest_json = ? WHERE id = ?').run(JSON.stringify(changed), id);
    db.close();
    await assert.rejects(store.loadSplit(id), /manifest hash does not match its content/);
    await store.close();
  });

  it('stores no split that leaks a run into two parts', async () => {
    const { store, path, manifest } = await stored();
    const leaky = {
      ...manifest,
      parts: { ...manifest.parts, test: [...manifest.parts.test, manifest.parts.train[0]!] },
    };
    await assert.rejects(store.saveSplit(1, leaky), /leaks: run .* is in both train and test/);
    const db = new Database(path, { readonly: true });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM splits').get() as { n: number }).n, 1);
    db.close();
    await store.close();
  });
});
