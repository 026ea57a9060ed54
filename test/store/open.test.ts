/**
 * Opening a store on real files: what is not a bench database is refused by name and left byte for
 * byte as it was (no WAL switch, no migration, no `-wal`/`-shm` beside it); `create: false` never
 * creates; `readonly` never writes; an older bench database is migrated.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION } from '../../harness/store/index.ts';
import { MIGRATIONS } from '../../harness/store/schema.ts';
import { tempDir } from '../helpers/fixtures.ts';

const { dir, cleanup } = tempDir('lo2-bench-open-');
after(cleanup);

let n = 0;
const fresh = (name: string) => join(dir, `${n++}-${name}`);

/** A bench database written and closed (WAL mode, so its header says WAL), with one experiment row. */
async function benchDb(name: string): Promise<string> {
  const path = fresh(name);
  const store = await openStore(path);
  await store.upsertExperiment({ name: 'x', file: 'x.ts', config: { padding: 'p'.repeat(20_000) } });
  await store.close();
  return path;
}

/** A valid SQLite database of another program: its own tables, user_version 0, rollback journal. */
function foreignDb(): string {
  const path = fresh('foreign.sqlite');
  const db = new Database(path);
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada');");
  db.close();
  return path;
}

const BAD_FILES: { name: string; make: () => Promise<string> | string; says: RegExp }[] = [
  {
    name: 'a text file',
    make: () => {
      const path = fresh('notes.txt');
      writeFileSync(path, 'these are my notes, not a database\n'.repeat(20));
      return path;
    },
    says: /is not a bench database: not an SQLite file/,
  },
  {
    name: 'random bytes after a valid SQLite header (its size a whole number of pages)',
    make: async () => {
      const path = await benchDb('random.db');
      const bytes = readFileSync(path);
      randomBytes(bytes.length - 100).copy(bytes, 100);
      writeFileSync(path, bytes);
      return path;
    },
    says: /is not a bench database: (a corrupt SQLite file|not an SQLite database)/,
  },
  {
    name: 'a bench database cut in half',
    make: async () => {
      const path = await benchDb('truncated.db');
      truncateSync(path, Math.floor(readFileSync(path).length / 2 / 4096) * 4096);
      return path;
    },
    says: /is not a bench database: a truncated SQLite file \(its header counts \d+ pages/,
  },
  {
    name: 'a bench database cut inside a page',
    make: async () => {
      const path = await benchDb('torn.db');
      truncateSync(path, 5000);
      return path;
    },
    says: /is not a bench database: a truncated SQLite file/,
  },
  {
    name: "another program's SQLite database",
    make: foreignDb,
    says: /is not a bench database: an SQLite database of something else \(user_version 0, tables customers\)/,
  },
  {
    name: 'a folder',
    make: () => {
      const path = fresh('folder.db');
      mkdirSync(path);
      return path;
    },
    says: /is not a bench database: it is a folder/,
  },
];

describe('openStore on what is not a bench database', () => {
  for (const c of BAD_FILES) {
    for (const options of [{}, { create: false }, { readonly: true }]) {
      it(`${c.name}, ${JSON.stringify(options)}: refused by name, left untouched`, async () => {
        const path = await c.make();
        const before = statSync(path).isDirectory() ? null : readFileSync(path);
        const companions = [`${path}-wal`, `${path}-shm`, `${path}-journal`].filter((f) => existsSync(f));
        await assert.rejects(openStore(path, options), (err: Error) => {
          assert.match(err.message, c.says);
          assert.ok(err.message.startsWith(`${path} is not a bench database`), err.message);
          return true;
        });
        if (before) assert.ok(readFileSync(path).equals(before), 'the bytes are unchanged');
        for (const f of [`${path}-wal`, `${path}-shm`, `${path}-journal`]) {
          assert.equal(existsSync(f), companions.includes(f), `${f} neither created nor removed`);
        }
      });
    }
  }

  it('a missing path: created by default, an error with create: false or readonly, nothing written', async () => {
    const missing = join(dir, 'nowhere', 'bench.db');
    for (const options of [{ create: false }, { readonly: true }]) {
      await assert.rejects(openStore(missing, options), /no bench database at .*nowhere\/bench\.db/);
      assert.equal(existsSync(join(dir, 'nowhere')), false, 'not even its folder');
    }
    const store = await openStore(missing);
    await store.close();
    assert.ok(existsSync(missing));
  });

  it('an empty file: a new database when creating, refused when only reading', async () => {
    const path = fresh('empty.db');
    writeFileSync(path, '');
    await assert.rejects(openStore(path, { create: false }), /is not a bench database: the file is empty/);
    assert.equal(readFileSync(path).length, 0);
    const store = await openStore(path);
    await store.close();
    await (await openStore(path, { create: false })).close();
  });
});

describe('openStore on a bench database', () => {
  it('readonly: reads and never writes', async () => {
    const path = await benchDb('ro.db');
    const store = await openStore(path, { readonly: true });
    try {
      assert.deepEqual(await store.findExperiment('x'), { id: 1, file: 'x.ts' });
      await assert.rejects(store.upsertExperiment({ name: 'y', file: 'y.ts', config: {} }), /readonly/);
    } finally {
      await store.close();
    }
  });

  it('migrates an older schema (version 3 → today) when writable; readonly refuses to', async () => {
    const path = fresh('v3.db');
    const db = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m);
    db.pragma('user_version = 3');
    db.exec(
      "INSERT INTO experiments (name, file, created_at, config_json) VALUES ('old', 'old.ts', '2024-01-01', '{}');" +
        "INSERT INTO sweeps (experiment_id, started_at, status) VALUES (1, '2024-01-01', 'done');",
    );
    db.close();
    await assert.rejects(openStore(path, { readonly: true }), /schema version 3, older than this bench/);
    const store = await openStore(path, { create: false });
    try {
      await store.annotateSweep(1, { note: 'from before tags', tags: { era: 'v3' } });
      assert.deepEqual(await store.latestSweep('old'), {
        id: 1,
        startedAt: '2024-01-01',
        status: 'done',
        error: null,
        env: null,
        note: 'from before tags',
        tags: { era: 'v3' },
      });
    } finally {
      await store.close();
    }
    const check = new Database(path, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    check.close();
  });
});
