/**
 * End to end through the real CLI on a throwaway PostgreSQL server: quickstart run into the server
 * (`--store URL`), the same run into SQLite, the server's sweep pulled into a local file. The pulled
 * file lists and shows exactly what the server does (ids, metrics, artifacts), its F1 per variant
 * equals the SQLite run's, and report and board work on it offline. Skipped, with the reason, where
 * PostgreSQL is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { benchCli, benchOk, f1ByVariant, type ListedTrial, tempDir } from '../helpers/fixtures.ts';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres.ts';

const QUICKSTART = join(import.meta.dirname, '../../experiments/quickstart.ts');
const unavailable = postgresAvailable();

describe('bench store pull (real CLI, real PostgreSQL)', { skip: unavailable ?? false }, () => {
  const { dir, cleanup } = tempDir('lo2-bench-pull-');
  const home = join(dir, 'home');
  const bench = benchCli(home);
  const pulled = join(dir, 'pulled.db');
  let server: ThrowawayPostgres;
  let url = '';

  const { ok, json } = benchOk(bench);

  before(async () => {
    server = await startThrowawayPostgres();
    url = server.url;
    ok('run', QUICKSTART, '--store', url);
    ok('run', QUICKSTART); // the embedded SQLite default, same BENCH_HOME (its caches shared)
  });
  after(async () => {
    await server?.stop();
    cleanup();
  });

  it('pulls the sweep into a new SQLite file that lists and shows what the server holds', () => {
    const out = ok('store', 'pull', url, '--to', pulled);
    assert.match(
      out,
      /pulled postgres:\/\/postgres@127\.0\.0\.1:\d+\/bench into .*pulled\.db: 1 sweeps \(1\), 1 experiment rows, 14 trials/,
    );
    const onServer = json<ListedTrial[]>('ls', '--store', url);
    const offline = json<ListedTrial[]>('ls', '--db', pulled);
    assert.equal(onServer.length, 14);
    assert.ok(onServer.every((t) => t.status === 'done'));
    assert.deepEqual(offline, onServer, 'the same listing, ids and all');
    // A few trials, each a CLI start per store: the listing above already covered all of them.
    for (const t of [onServer[0]!, onServer[7]!, onServer[13]!]) {
      const a = json<{ artifacts: { path: string }[] }>('show', String(t.id), '--store', url);
      const b = json<{ artifacts: { path: string }[] }>('show', String(t.id), '--db', pulled);
      assert.deepEqual(b, a, `trial ${t.id}: the same record`);
      assert.ok(a.artifacts.length > 0 && a.artifacts.every((x) => existsSync(x.path)), 'its files are found');
    }
  });

  it('gives the F1 of the same run into SQLite, variant for variant', () => {
    const local = json<ListedTrial[]>('ls');
    const offline = json<ListedTrial[]>('ls', '--db', pulled);
    assert.equal(Object.keys(f1ByVariant(local)).length, 14);
    assert.deepEqual(f1ByVariant(offline), f1ByVariant(local));
    const detail = (args: string[], id: number) =>
      json<{ variant: string; metrics: { test: Record<string, number | null> } }>('show', String(id), ...args);
    for (const t of local.slice(0, 2)) {
      const twin = offline.find((x) => x.variant === t.variant && x.feature_set === t.feature_set)!;
      assert.deepEqual(detail(['--db', pulled], twin.id).metrics.test, detail([], t.id).metrics.test, t.variant);
    }
  });

  it('works offline: report and board read the pulled file', () => {
    const out = join(dir, 'report');
    ok('report', 'quickstart', '--db', pulled, '--out', out);
    assert.ok(existsSync(join(out, 'index.html')));
    const board = json<{ rows: unknown[] }>('board', '--db', pulled);
    assert.equal(board.rows.length, 14);
  });

  it('refuses an existing file unless --force, an unknown sweep, and --db with --store', () => {
    const again = bench('store', 'pull', url, '--to', pulled);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists: not overwritten\nhint: .*--force/);
    ok('store', 'pull', url, '--to', pulled, '--force', '--sweep', '1');
    assert.equal(json<ListedTrial[]>('ls', '--db', pulled).length, 14);
    const unknown = bench('store', 'pull', url, '--to', join(dir, 'other.db'), '--sweep', '99');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /sweep 99 is not in postgres:\/\//);
    assert.equal(existsSync(join(dir, 'other.db')), false, 'nothing written');
    const both = bench('ls', '--db', pulled, '--store', url);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--db and --store both name where the results are/);
  });
});
