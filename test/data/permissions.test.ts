/**
 * Unreadable files and folders, for real: root ignores file modes, so when the suite runs as root
 * (as CI does) the ingest runs in a child process as `nobody`, through util-linux's `setpriv`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { line, realSamplePath, tempDir, writeTree } from '../helpers/fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const INGEST = join(ROOT, 'harness/data/ingest.ts');
const asRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
const NOBODY = 65534;

/** Whether `nobody` can reach this checkout (a clone inside a private folder cannot be tested so). */
function nobodyReachesCheckout(): boolean {
  if (!asRoot || !setpriv) return true;
  const probe = `process.exit(require('node:fs').existsSync(${JSON.stringify(join(ROOT, 'node_modules/tsx/package.json'))}) ? 0 : 3)`;
  const r = spawnSync(setpriv, [
    `--reuid=${NOBODY}`,
    `--regid=${NOBODY}`,
    '--clear-groups',
    process.execPath,
    '-e',
    probe,
  ]);
  return r.status === 0;
}

/** Ingests `root` with 0 workers as an unprivileged user; the summary's failed files, or the error. */
function ingestUnprivileged(root: string, cacheDir: string) {
  const script = `import(${JSON.stringify(INGEST)}).then(async ({ ingest }) => {
  try {
    const s = await ingest(${JSON.stringify(root)}, { cacheDir: ${JSON.stringify(cacheDir)}, workers: 0, trimLines: 0 });
    console.log(JSON.stringify({ sequences: s.sequences, failedFiles: s.failedFiles }));
  } catch (e) {
    console.log(JSON.stringify({ error: e.message, file: e.details?.file, hint: e.details?.hint }));
  }
});`;
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const argv = asRoot ? [setpriv!, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node] : node;
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    sequences?: number;
    failedFiles?: { path: string; error: string }[];
    error?: string;
    file?: string;
    hint?: string;
  };
}

const skip =
  asRoot && !setpriv
    ? 'running as root without setpriv'
    : !nobodyReachesCheckout()
      ? 'running as root, and user nobody cannot read this checkout'
      : false;

describe('unreadable input', { skip }, () => {
  const { dir, cleanup } = tempDir();
  after(() => {
    chmodSync(dir, 0o755);
    cleanup();
  });
  // The unprivileged user must reach the tree and write the cache.
  chmodSync(dir, 0o777);
  const real = readFileSync(realSamplePath(), 'utf8').split('\n').slice(0, 50).join('\n');
  const run = 'light-oauth2-data-1719592986';

  it('reports a log file it may not read as failed, naming it, and reads the rest', () => {
    const root = join(dir, 'file');
    writeTree(root, {
      [`${run}/correct/light-oauth2-oauth2-token-1.log`]: `${real}\n`,
      [`${run}/correct/light-oauth2-oauth2-code-1.log`]: `${line('16:43:07.000', 'x')}\n`,
    });
    chmodSync(join(root, run, 'correct', 'light-oauth2-oauth2-code-1.log'), 0o000);
    const r = ingestUnprivileged(root, join(dir, 'cache-file'));
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.sequences, 1);
    assert.equal(r.failedFiles?.length, 1);
    assert.match(r.failedFiles![0]!.path, /light-oauth2-oauth2-code-1\.log$/);
    assert.match(r.failedFiles![0]!.error, /permission denied/);
  });

  it('stops with an error naming a test case folder it may not list, and a hint', () => {
    const root = join(dir, 'folder');
    writeTree(root, {
      [`${run}/correct/light-oauth2-oauth2-token-1.log`]: `${real}\n`,
      [`${run}/access_token_client_id_not_found_404/light-oauth2-oauth2-token-1.log`]: `${real}\n`,
    });
    const locked = join(root, run, 'access_token_client_id_not_found_404');
    chmodSync(locked, 0o000);
    const r = ingestUnprivileged(root, join(dir, 'cache-folder'));
    chmodSync(locked, 0o755);
    assert.equal(r.file, locked);
    assert.match(r.error ?? '', /cannot read .*access_token_client_id_not_found_404 while listing the dataset: EACCES/);
    assert.match(r.hint ?? '', /read and search permission/);
  });
});
