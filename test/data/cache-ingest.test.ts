/**
 * The ingest's cache entry: its tables checked against their sha256 on every use, its key seeing a
 * same-size, same-mtime rewrite of a log's ends, and nothing in it naming where the cache lives.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { materializeDataset } from '../../harness/data/dataset.ts';
import { FINGERPRINT_EDGE_BYTES } from '../../harness/data/digest.ts';
import { type IngestOptions, ingest } from '../../harness/data/ingest.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { realSamplePath, tempDir, writeTree } from '../helpers/fixtures.ts';

const REAL = readFileSync(realSamplePath(), 'utf8').split('\n');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const TABLES = ['events.arrow', 'sequences.arrow', 'messages.arrow', 'templates.arrow'];

/** Flips one byte in the middle of a file, keeping its size. */
function corrupt(path: string): void {
  const bytes = readFileSync(path);
  const at = bytes.length >> 1;
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(path, bytes);
}

describe('the ingest cache entry', () => {
  const { dir, cleanup } = tempDir('lo2-bench-cache-ingest-');
  after(cleanup);
  const root = join(dir, 'tree');
  const log = join(root, 'light-oauth2-data-1719592986', 'correct', 'light-oauth2-oauth2-token-1.log');
  const options = (cacheDir: string, notices: string[] = []): Partial<IngestOptions> => ({
    cacheDir,
    workers: 0,
    trimLines: 0,
    onNotice: (m) => notices.push(m),
  });

  before(() => {
    // 3000 real lines: several times the fingerprint's two 64 KiB ends.
    const lines = REAL.slice(0, 3000);
    const error = [...REAL.slice(3000, 3400)];
    writeTree(root, {
      'light-oauth2-data-1719592986/correct/light-oauth2-oauth2-token-1.log': `${lines.join('\n')}\n`,
      'light-oauth2-data-1719592986/access_token_client_id_not_found_404/light-oauth2-oauth2-token-1.log': `${error.join('\n')}\n`,
    });
    assert.ok(statSync(log).size > 4 * FINGERPRINT_EDGE_BYTES);
  });

  for (const table of ['events.arrow', 'sequences.arrow', 'messages.arrow'] as const) {
    it(`rebuilds, with a notice naming it, an entry whose ${table} changed or went missing`, async () => {
      const cacheDir = join(dir, `cache-${table}`);
      const clean = await ingest(root, options(cacheDir));
      const want = Object.fromEntries(TABLES.map((t) => [t, sha(join(clean.dir, t))]));
      if (table === 'messages.arrow') rmSync(join(clean.dir, table));
      else corrupt(join(clean.dir, table));
      const notices: string[] = [];
      const again = await ingest(root, options(cacheDir, notices));
      assert.equal(again.cacheHit, false, 'a corrupt entry is not used');
      assert.equal(notices.length, 1, notices.join('\n'));
      assert.ok(notices[0]!.includes(clean.dir), notices[0]);
      assert.match(notices[0]!, new RegExp(`${table.replace('.', '\\.')}: (sha256 differs|missing)`));
      assert.equal(again.dir, clean.dir);
      for (const t of TABLES) assert.equal(sha(join(again.dir, t)), want[t], t);
      const third = await ingest(root, options(cacheDir, notices));
      assert.equal(third.cacheHit, true, 'the rebuilt entry is used');
      assert.equal(notices.length, 1);
    });
  }

  it('sees a same-size rewrite within the same mtime when it changes the first or last 64 KiB', async () => {
    const cacheDir = join(dir, 'cache-rewrite');
    const original = readFileSync(log);
    const st = statSync(log);
    /** The log with one byte at `at` changed (a digit for a digit: still a valid line), same size and mtime. */
    const rewrite = (at: number) => {
      const bytes = Buffer.from(original);
      let i = at;
      while (!(bytes[i]! >= 0x30 && bytes[i]! <= 0x39)) i++;
      bytes[i] = bytes[i] === 0x39 ? 0x38 : bytes[i]! + 1;
      writeFileSync(log, bytes);
      utimesSync(log, st.atimeMs / 1000, st.mtimeMs / 1000);
      assert.equal(statSync(log).size, st.size);
      assert.equal(Math.trunc(statSync(log).mtimeMs), Math.trunc(st.mtimeMs));
    };
    try {
      const first = await ingest(root, options(cacheDir));
      for (const [where, at] of [
        ['first', 10],
        ['last', st.size - 200],
      ] as const) {
        rewrite(at);
        const s = await ingest(root, options(cacheDir));
        assert.equal(s.cacheHit, false, `a change in the ${where} 64 KiB makes another key`);
        assert.notEqual(s.key, first.key);
      }
      // The fingerprint reads only the ends, so that a cache hit does not read every log.
      rewrite(st.size >> 1);
      assert.equal((await ingest(root, options(cacheDir))).cacheHit, true);
    } finally {
      writeFileSync(log, original);
      utimesSync(log, st.atimeMs / 1000, st.mtimeMs / 1000);
    }
  });

  it('serves a moved cache from its new place, naming no path of the old one', async () => {
    const oldCache = join(dir, 'cache-old');
    const newCache = join(dir, 'cache-new');
    const first = await ingest(root, options(oldCache));
    const text = readFileSync(join(first.dir, 'manifest.json'), 'utf8');
    assert.ok(!text.includes(oldCache), 'the manifest names no path under the cache');
    const manifest = JSON.parse(text);
    assert.equal(manifest.dir, '.');
    assert.equal(manifest.root, root, 'a tree outside the cache stays where it is: absolute');
    const treePaths = [...Object.keys(manifest.skippedByFile), ...Object.values(manifest.ignored).flat()] as string[];
    assert.ok(treePaths.length > 0);
    for (const p of treePaths) assert.ok(!p.startsWith('/'), `${p}: relative to the tree's root`);
    renameSync(oldCache, newCache);
    const moved = await ingest(root, options(newCache));
    assert.equal(moved.cacheHit, true);
    assert.equal(moved.dir, join(newCache, 'ingest', first.key));
    assert.equal(moved.root, root);
    for (const p of [...Object.keys(moved.skippedByFile), ...Object.values(moved.ignored).flat()]) {
      assert.ok(p.startsWith(root), p);
    }
    assert.deepEqual(Object.keys(moved.skippedByFile), Object.keys(first.skippedByFile));
    assert.equal(readSequenceMeta(moved.dir).length, first.sequences);
  });

  it('finds a generated tree and its ingest in a copied cache, and reads only the copy', async () => {
    const original = join(dir, 'synth-a');
    const copy = join(dir, 'synth-b');
    const spec = { source: 'synthetic', preset: 'tiny', runs: 3, seed: 4 } as const;
    const a = await materializeDataset(spec, { cacheDir: original });
    const ingestA = await ingest(a.root, options(original));
    // cp -a keeps the files' times exactly (Node's cpSync rounds them to the millisecond).
    assert.equal(spawnSync('cp', ['-a', original, copy]).status, 0);
    rmSync(original, { recursive: true });
    const b = await materializeDataset(spec, { cacheDir: copy });
    assert.equal(b.generated, false);
    assert.ok(b.root.startsWith(copy), b.root);
    const ingestB = await ingest(b.root, options(copy));
    assert.equal(ingestB.cacheHit, true);
    assert.equal(ingestB.key, ingestA.key);
    assert.ok(ingestB.dir.startsWith(copy) && ingestB.root.startsWith(copy));
    assert.ok(!JSON.stringify(ingestB).includes(original), 'nothing of the original cache is named');
  });
});
