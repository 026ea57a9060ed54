/**
 * The precompiled CLI (scripts/build.mjs → dist/): the same answers as the TypeScript sources, and
 * used only while it matches them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
// @ts-expect-error plain JavaScript module without types
import { build, isFresh, listSources } from '../../scripts/build.mjs';
import { tempDir } from '../helpers/fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('scripts/build.mjs', () => {
  const out = join(ROOT, 'node_modules', '.cache', `lo2-bench-build-test-${process.pid}`);
  after(() => rmSync(out, { recursive: true, force: true }));

  test('the compiled CLI prints what the sources print', async () => {
    const n: number = await build(ROOT, out);
    assert.equal(n, listSources(ROOT).length);
    assert.ok(isFresh(ROOT, out), 'fresh right after the build');
    const run = (code: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: ROOT });
    const mainJs = JSON.stringify(join(out, 'harness/cli/main.js'));
    const compiled = run(`const { main } = await import(${mainJs}); process.exitCode = await main(['run', '--help']);`);
    const sources = spawnSync(process.execPath, [join(ROOT, 'bin/bench.mjs'), 'run', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_TSX: '1' },
    });
    assert.equal(compiled.status, 0, compiled.stderr);
    assert.equal(compiled.stdout, sources.stdout);
    assert.match(compiled.stdout, /usage: bench run/);
  });

  test('a build is stale once a source changes, appears or the folder moves', async () => {
    const { dir, cleanup } = tempDir('build-fresh-');
    after(cleanup);
    mkdirSync(join(dir, 'harness'), { recursive: true });
    for (const d of ['models', 'splits', 'reports']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'harness/a.ts'), "export const a: number = 1;\nexport { b } from './b.ts';\n");
    writeFileSync(join(dir, 'harness/b.ts'), 'export const b = 2;\n');
    const outDir = join(dir, 'dist');
    const past = new Date(Date.now() - 60_000);
    for (const f of ['a.ts', 'b.ts']) utimesSync(join(dir, 'harness', f), past, past);
    assert.equal(await build(dir, outDir), 2);
    assert.ok(isFresh(dir, outDir));
    const { b } = await import(join(outDir, 'harness/a.js'));
    assert.equal(b, 2, 'relative .ts imports point at the compiled .js');

    writeFileSync(join(dir, 'harness/b.ts'), 'export const b = 3;\n');
    assert.equal(isFresh(dir, outDir), false, 'an edited source');
    await build(dir, outDir);
    assert.ok(isFresh(dir, outDir));
    writeFileSync(join(dir, 'models/c.ts'), 'export {};\n');
    utimesSync(join(dir, 'models/c.ts'), past, past);
    assert.equal(isFresh(dir, outDir), false, 'a new source, even with an old mtime');
    rmSync(join(dir, 'models/c.ts'));
    assert.ok(isFresh(dir, outDir));
    const moved = `${dir}-moved`;
    cpSync(dir, moved, { recursive: true, preserveTimestamps: true });
    after(() => rmSync(moved, { recursive: true, force: true }));
    assert.equal(isFresh(moved), false, 'a copy in another folder');
    assert.equal(isFresh(dir, join(dir, 'elsewhere')), false, 'no build at all');
  });
});
