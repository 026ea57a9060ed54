/** Cache entries: digests checked on every read, stale temporary folders of dead builds removed. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCacheEntry, STALE_TEMP_MS } from '../../harness/data/cache.ts';
import { tempDir } from '../helpers/fixtures.ts';

/** A pid no process has any more: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('cache entries', () => {
  const { dir, cleanup } = tempDir('lo2-bench-cache-');
  after(cleanup);

  /** Builds the entry of `inputs` with two files and returns it. */
  async function built(root: string, inputs: unknown, notices: string[] = []) {
    const entry = await openCacheEntry(root, 'things', inputs, { onNotice: (m) => notices.push(m) });
    writeFileSync(entry.tmpPath('a.bin'), 'alpha');
    writeFileSync(entry.tmpPath('b.bin'), 'beta');
    await entry.commit({ made: 1 }, { digest: ['a.bin', 'b.bin'] });
    return entry;
  }

  it('records the sha256 of the named files and gives the manifest back without them', async () => {
    const root = join(dir, 'digests');
    const entry = await built(root, { n: 1 });
    const raw = JSON.parse(readFileSync(join(entry.dir, 'manifest.json'), 'utf8'));
    assert.deepEqual(Object.keys(raw.sha256).sort(), ['a.bin', 'b.bin']);
    const again = await openCacheEntry(root, 'things', { n: 1 });
    assert.deepEqual(await again.read(), { made: 1 });
  });

  for (const [what, spoil, problem] of [
    ['changed', (p: string) => writeFileSync(p, 'alphA'), /a\.bin: sha256 differs/],
    ['lost', (p: string) => rmSync(p), /a\.bin: missing/],
  ] as const) {
    it(`reports an entry with a ${what} file, reads it as absent and replaces it on commit`, async () => {
      const root = join(dir, `spoilt-${what}`);
      const first = await built(root, { n: 2 });
      spoil(join(first.dir, 'a.bin'));
      const notices: string[] = [];
      const entry = await openCacheEntry(root, 'things', { n: 2 }, { onNotice: (m) => notices.push(m) });
      assert.equal(await entry.read(), null);
      assert.equal(notices.length, 1);
      assert.match(notices[0]!, problem);
      assert.ok(notices[0]!.includes(entry.dir), 'the notice names the entry');
      writeFileSync(entry.tmpPath('a.bin'), 'alpha');
      writeFileSync(entry.tmpPath('b.bin'), 'beta');
      // Not a forced rebuild: the corrupt entry is replaced all the same.
      await entry.commit({ made: 2 }, { digest: ['a.bin', 'b.bin'] });
      assert.equal(readFileSync(join(entry.dir, 'a.bin'), 'utf8'), 'alpha');
      assert.deepEqual(await (await openCacheEntry(root, 'things', { n: 2 })).read(), { made: 2 });
    });
  }

  it('reports a folder without a manifest as incomplete', async () => {
    const root = join(dir, 'incomplete');
    const entry = await built(root, { n: 3 });
    rmSync(join(entry.dir, 'manifest.json'));
    const notices: string[] = [];
    const again = await openCacheEntry(root, 'things', { n: 3 }, { onNotice: (m) => notices.push(m) });
    assert.equal(await again.read(), null);
    assert.match(notices[0] ?? '', /incomplete/);
  });

  it('is silent about an entry that was never built', async () => {
    const notices: string[] = [];
    const entry = await openCacheEntry(join(dir, 'none'), 'things', { n: 4 }, { onNotice: (m) => notices.push(m) });
    assert.equal(await entry.read(), null);
    assert.deepEqual(notices, []);
  });

  it('removes temporary folders of dead builds older than a minute, and only those', async () => {
    const root = join(dir, 'temps');
    const kind = join(root, 'things');
    mkdirSync(kind, { recursive: true });
    const now = Date.now();
    const dead = deadPid();
    const old = now - STALE_TEMP_MS - 5_000;
    const folders = {
      deadOld: `${'a'.repeat(32)}.tmp-${dead}-${old}`,
      deadYoung: `${'b'.repeat(32)}.tmp-${dead}-${now}`,
      aliveOld: `${'c'.repeat(32)}.tmp-${process.pid}-${old}`,
      notATemp: 'd'.repeat(32),
    };
    for (const f of Object.values(folders)) {
      mkdirSync(join(kind, f));
      writeFileSync(join(kind, f, 'events.arrow'), 'half');
    }
    await openCacheEntry(root, 'things', { n: 5 });
    assert.equal(existsSync(join(kind, folders.deadOld)), false, 'a dead build’s old folder is removed');
    assert.deepEqual(
      readdirSync(kind).sort(),
      [folders.deadYoung, folders.aliveOld, folders.notATemp].sort(),
      'a young one, a live process’s one and entries stay',
    );
  });
});
