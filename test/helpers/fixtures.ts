/** Small LO2-shaped trees written by tests into temporary folders. */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { SequenceMeta } from '../../harness/data/read.ts';

/** path (relative to the tree root) → file content. */
export type TreeSpec = Record<string, string | Uint8Array>;

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [rel, content] of Object.entries(spec)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'lo2-bench-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;
const CID = 'AbCdEfGhIjKlMnOpQrSt';

/** One well-formed LO2 line at the given time of day. */
export function line(time: string, message: string, level = 'DEBUG', logger = 'c.n.openapi.ApiNormalisedPath'): string {
  const cId = `${CID}${String(counter++ % 100).padStart(2, '0')}`;
  return `${time} [XNIO-1 task-1]  ${cId} ${level.padEnd(5)} ${logger} handle - ${message}`;
}

/** The real sample, gzipped, carried by the repository (see its README for source and licence). */
const REAL_SAMPLE_GZ = join(import.meta.dirname, '../fixtures/lo2-real/token-correct.log.gz');

/**
 * The real 22,660-line LO2 sample as a plain file: unpacked once from test/fixtures into the
 * system's temporary folder (named by the fixture's hash, written under a temporary name and
 * renamed, so concurrent test files never read a half-written copy).
 */
export function realSamplePath(): string {
  const packed = readFileSync(REAL_SAMPLE_GZ);
  const path = join(tmpdir(), `lo2-bench-real-${createHash('sha256').update(packed).digest('hex').slice(0, 16)}.log`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, gunzipSync(packed));
    renameSync(partial, path);
  }
  return path;
}

/**
 * Sequence metadata of `runs` runs holding one `correct` and one `get_token_404` token file each:
 * the smallest store fixture a split per seed can be made over.
 */
export function correctAndErrorRuns(runs: number): SequenceMeta[] {
  return Array.from({ length: runs }, (_, r) =>
    ['correct', 'get_token_404'].map((testCase) => ({
      seqId: `run${r}__${testCase}__token`,
      run: `run${r}`,
      testCase,
      service: 'token',
      anomaly: testCase !== 'correct',
      startMs: r * 1000,
    })),
  ).flat();
}

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');

/** Runs the real `bench` CLI in a child process with BENCH_HOME = `home`. */
export function benchCli(home: string): (...args: string[]) => SpawnSyncReturns<string> {
  const env = { ...process.env, BENCH_HOME: home };
  return (...args) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
}

/**
 * Calls of a CLI that must succeed: `ok` returns stdout (the assertion names the command and its
 * stderr); `json` adds `--json` and parses what it prints.
 */
export function benchOk(bench: (...args: string[]) => SpawnSyncReturns<string>) {
  const ok = (...args: string[]): string => {
    const r = bench(...args);
    assert.equal(r.status, 0, `bench ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const json = <T>(...args: string[]): T => JSON.parse(ok(...args, '--json')) as T;
  return { ok, json };
}

/** A trial as `bench ls --json` lists it (the fields tests compare). */
export interface ListedTrial {
  id: number;
  variant: string;
  feature_set: string;
  status: string;
  f1: number | null;
}

/** Test F1 per `variant:feature_set`, in key order: two stores' trials compared by value. */
export const f1ByVariant = (rows: readonly ListedTrial[]): Record<string, number | null> =>
  Object.fromEntries(rows.map((r) => [`${r.variant}:${r.feature_set}`, r.f1]).sort());

/** Writes `<dir>/<name>.ts`, an experiment file: `defineExperiment({ name, …fields })`. */
export function writeExperiment(dir: string, name: string, fields: string): string {
  const file = join(dir, `${name}.ts`);
  const define = JSON.stringify(join(import.meta.dirname, '../../harness/experiment/index.ts'));
  writeFileSync(
    file,
    `import { defineExperiment } from ${define};\nexport default defineExperiment({\n  name: '${name}',\n${fields}\n});\n`,
  );
  return file;
}

/**
 * The metric rows of every done trial of the database at `db` (variant, seed, part, slice, name,
 * value), in a fixed order: what two runs that must agree are compared on.
 */
export function doneMetrics(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare(
        "SELECT t.variant, t.seed, m.part, m.slice, m.name, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE t.status = 'done' ORDER BY 1, 2, 3, 4, 5",
      )
      .all();
  } finally {
    d.close();
  }
}
