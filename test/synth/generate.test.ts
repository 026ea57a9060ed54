import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CORRECT_CASE,
  DEFAULT_SERVICES,
  ERROR_CASES,
  type ErrorCase,
  serviceLogFileName,
} from '../../harness/data/lo2/constants.ts';
import { affectedServices } from '../../harness/data/synth/errors.ts';
import { abbreviateLogger } from '../../harness/data/synth/format.ts';
import {
  generateSynth,
  resolveSynthOptions,
  type SynthOptions,
  type SynthSummary,
} from '../../harness/data/synth/index.ts';

/** A timestamped line of the Logback pattern, as FORMAT.md describes it. */
const TIMESTAMPED =
  /^\d{2}:\d{2}:\d{2}\.\d{3} \[(?:XNIO-1 task-[1-5]\] {2}[A-Za-z0-9_-]{22} |hz\._hzInstance_1_dev\.partition-operation\.thread-(?:\d|1[0-5])\] {3})(?:DEBUG|INFO |WARN |ERROR) \S+ \S+ - .*$/;
const FRAME = /^\tat [\w$.]+\([\w$]+\.java:\d+\)$/;
const EXCEPTION_HEADER = /^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): \S.*$/;
const RUN_DIR = /^light-oauth2-data-(\d{10})$/;
const DAY_MS = 86_400_000;

type Tree = Map<string, string>;

let root = '';

async function generate(name: string, options: Partial<SynthOptions>): Promise<{ dir: string; summary: SynthSummary }> {
  const dir = join(root, name);
  const summary = await generateSynth({ outDir: dir, preset: 'tiny', ...options });
  return { dir, summary };
}

/** Every file under `dir`, keyed by its relative path, in sorted order. */
async function readTree(dir: string): Promise<Tree> {
  const tree: Tree = new Map();
  for (const run of (await readdir(dir)).sort()) {
    for (const testCase of (await readdir(join(dir, run))).sort()) {
      for (const file of (await readdir(join(dir, run, testCase))).sort()) {
        tree.set(`${run}/${testCase}/${file}`, await readFile(join(dir, run, testCase, file), 'utf8'));
      }
    }
  }
  return tree;
}

function hashes(tree: Tree): string[] {
  return [...tree].map(([path, text]) => `${path} ${createHash('sha256').update(text).digest('hex')}`);
}

function parts(path: string): { run: string; testCase: string; service: string } {
  const [run = '', testCase = '', file = ''] = path.split('/');
  return { run, testCase, service: file.replace(/^light-oauth2-oauth2-/, '').replace(/-1\.log$/, '') };
}

function timestamped(text: string): string[] {
  return text.split('\n').filter((l) => TIMESTAMPED.test(l));
}

function todMs(line: string): number {
  const [h, m, s] = line.slice(0, 12).split(':').map(Number);
  return ((h ?? 0) * 3600 + (m ?? 0) * 60) * 1000 + Math.round((s ?? 0) * 1000);
}

/** Absolute start of a case file: the run's date plus the first line's time of day, after the epoch. */
function startMs(epochSec: number, text: string): number {
  const epochMs = epochSec * 1000;
  let t = Math.floor(epochMs / DAY_MS) * DAY_MS + todMs(text);
  if (t < epochMs - 60_000) t += DAY_MS;
  return t;
}

/** ERROR lines / timestamped lines over a set of files. */
function errorShare(texts: string[]): number {
  let errors = 0;
  let lines = 0;
  for (const text of texts) {
    for (const l of timestamped(text)) {
      lines++;
      if (l.includes(' ERROR ')) errors++;
    }
  }
  return errors / lines;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lo2-synth-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tiny preset, v1 order', () => {
  let tree: Tree;
  let summary: SynthSummary;

  before(async () => {
    const out = await generate('v1', {});
    summary = out.summary;
    tree = await readTree(out.dir);
  });

  test('writes the v1 layout with exactly the expected names', () => {
    const runs = new Map<string, Set<string>>();
    for (const path of tree.keys()) {
      const { run, testCase } = parts(path);
      assert.match(run, RUN_DIR);
      runs.set(run, (runs.get(run) ?? new Set()).add(testCase));
    }
    assert.equal(runs.size, 6);
    for (const [run, cases] of runs) {
      assert.ok(cases.has(CORRECT_CASE), `${run} has no correct case`);
      assert.equal(cases.size, 3, `${run}: ${[...cases].join(', ')}`);
      for (const c of cases) if (c !== CORRECT_CASE) assert.ok((ERROR_CASES as readonly string[]).includes(c), c);
      for (const c of cases) {
        const files = [...tree.keys()].filter((p) => p.startsWith(`${run}/${c}/`)).map((p) => p.split('/')[2]);
        assert.deepEqual(files.sort(), DEFAULT_SERVICES.map(serviceLogFileName).sort());
      }
    }
    assert.deepEqual(summary.runs, 6);
    assert.equal(summary.files, tree.size);
    assert.equal(summary.sequences, 54);
  });

  test('summary counts the lines and bytes written', () => {
    let lines = 0;
    let bytes = 0;
    for (const text of tree.values()) {
      lines += text.split('\n').length - 1;
      bytes += Buffer.byteLength(text);
    }
    assert.equal(summary.lines, lines);
    assert.equal(summary.bytes, bytes);
    assert.ok(lines > 1_000 && lines < 4_000, `tiny has ${lines} lines`);
  });

  test('every line is a timestamped Logback line or a continuation of an ERROR line', () => {
    let continuation = 0;
    for (const [path, text] of tree) {
      assert.ok(text.endsWith('\n'), `${path} does not end with a newline`);
      let previous = '';
      for (const line of text.slice(0, -1).split('\n')) {
        if (TIMESTAMPED.test(line)) {
          previous = line;
          continue;
        }
        assert.ok(FRAME.test(line) || EXCEPTION_HEADER.test(line), `${path}: not a log line: ${JSON.stringify(line)}`);
        assert.ok(
          previous.includes(' ERROR ') || previous === 'continuation',
          `${path}: continuation after ${previous}`,
        );
        previous = 'continuation';
        continuation++;
      }
    }
    assert.ok(continuation > 0, 'no multi-line exception at all');
  });

  test('timestamps increase within a file except for small interleaving and the midnight wrap', () => {
    for (const [path, text] of tree) {
      let prev = -1;
      for (const line of timestamped(text)) {
        const t = todMs(line);
        if (prev >= 0 && t < prev) {
          const back = prev - t;
          assert.ok(back <= 10 || back > DAY_MS - 60_000, `${path}: time goes back ${back} ms at ${line.slice(0, 12)}`);
        }
        prev = t;
      }
    }
  });

  test('a run crosses midnight UTC', () => {
    const crossing = [...tree].filter(([, text]) => {
      const lines = timestamped(text);
      const first = lines.findIndex((l) => l.startsWith('23:59:'));
      return first >= 0 && lines.slice(first).some((l) => l.startsWith('00:00:'));
    });
    assert.ok(crossing.length > 0, 'no file goes from 23:59 to 00:00');
  });

  test('v1 runs correct first, then the error cases in their fixed order', () => {
    const byRun = new Map<string, { testCase: string; start: number }[]>();
    for (const [path, text] of tree) {
      const { run, testCase, service } = parts(path);
      if (service !== 'token') continue;
      const epoch = Number(RUN_DIR.exec(run)?.[1]);
      byRun.set(run, [...(byRun.get(run) ?? []), { testCase, start: startMs(epoch, text) }]);
    }
    for (const [run, cases] of byRun) {
      const order = cases.sort((a, b) => a.start - b.start).map((c) => c.testCase);
      const rank = (c: string) => (c === CORRECT_CASE ? -1 : ERROR_CASES.indexOf(c as ErrorCase));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => rank(a) - rank(b)),
        run,
      );
    }
  });

  test('v1 puts the status.yml first-use lines in correct', () => {
    let inCorrect = 0;
    let elsewhere = 0;
    for (const [path, text] of tree) {
      const n = timestamped(text).filter((l) => l.includes('for status.yml')).length;
      if (parts(path).testCase === CORRECT_CASE) inCorrect += n;
      else elsewhere += n;
    }
    assert.ok(inCorrect >= 8, `status.yml lines in correct: ${inCorrect}`);
    assert.ok(inCorrect >= 4 * elsewhere, `status.yml lines: ${inCorrect} in correct, ${elsewhere} elsewhere`);
  });

  test('the same options write a byte-identical tree', async () => {
    const again = await readTree((await generate('v1-again', {})).dir);
    assert.deepEqual(hashes(again), hashes(tree));
  });

  test('another seed writes a different tree', async () => {
    const other = await readTree((await generate('seed-2', { seed: 2 })).dir);
    assert.notDeepEqual(hashes(other), hashes(tree));
    const paths = new Set(tree.keys());
    assert.ok(
      [...other.keys()].some((p) => !paths.has(p)),
      'seed 2 has the same file names',
    );
  });

  test('shuffled order differs from v1 and sometimes runs correct later', async () => {
    const shuffled = await readTree((await generate('shuffled', { order: 'shuffled' })).dir);
    assert.notDeepEqual(hashes(shuffled), hashes(tree));
    let correctNotFirst = 0;
    const runs = new Set([...shuffled.keys()].map((p) => parts(p).run));
    for (const run of runs) {
      const epoch = Number(RUN_DIR.exec(run)?.[1]);
      const starts = [...shuffled]
        .filter(([p]) => p.startsWith(`${run}/`) && parts(p).service === 'token')
        .map(([p, text]) => ({ testCase: parts(p).testCase, start: startMs(epoch, text) }))
        .sort((a, b) => a.start - b.start);
      if (starts[0]?.testCase !== CORRECT_CASE) correctNotFirst++;
    }
    assert.ok(correctNotFirst > 0, 'correct ran first in every shuffled run');
  });
});

describe('error volume', () => {
  let tree: Tree;

  before(async () => {
    // Standard-sized sequences with every error case, so that shares are not dominated by chance.
    tree = await readTree(
      (await generate('all-cases', { preset: 'standard', runs: 3, errorsPerRun: ERROR_CASES.length })).dir,
    );
  });

  test('ERROR lines are denser in the affected services of error cases than in correct', () => {
    const correct: string[] = [];
    const affected: string[] = [];
    const unaffected: string[] = [];
    for (const [path, text] of tree) {
      const { testCase, service } = parts(path);
      if (testCase === CORRECT_CASE) correct.push(text);
      else if (affectedServices(testCase as ErrorCase).primary.includes(service as never)) affected.push(text);
      else unaffected.push(text);
    }
    const [c, a, u] = [errorShare(correct), errorShare(affected), errorShare(unaffected)];
    assert.ok(c > 0, 'correct has no ERROR line at all');
    assert.ok(c < 0.01, `correct ERROR share ${c}`);
    assert.ok(a > 2 * c, `affected ${a} vs correct ${c}`);
    assert.ok(a > 2 * u, `affected ${a} vs unaffected ${u}`);
    assert.ok(a > 0.004 && a < 0.05, `affected ERROR share ${a}`);
  });

  test('failing requests carry the status code of their case', () => {
    const text = [...tree]
      .filter(
        ([p]) => p.includes('/access_token_client_id_not_found_404/') && p.endsWith(`/${serviceLogFileName('token')}`),
      )
      .map(([, t]) => t)
      .join('');
    assert.match(text, /"code":"ERR12014","message":"CLIENT_NOT_FOUND"/);
    const correct = [...tree]
      .filter(([p]) => parts(p).testCase === CORRECT_CASE)
      .map(([, t]) => t)
      .join('');
    assert.doesNotMatch(correct, /"code":"ERR12014"/);
  });
});

describe('line format', () => {
  test("logger names follow Logback's %logger{36} as the real file shows them", () => {
    const real: [string, string][] = [
      ['com.networknt.oauth.cache.UserMapStore', 'c.networknt.oauth.cache.UserMapStore'],
      ['com.networknt.oauth.cache.RefreshTokenMapStore', 'c.n.oauth.cache.RefreshTokenMapStore'],
      ['com.networknt.oauth.cache.ServiceEndpointMapStore', 'c.n.o.cache.ServiceEndpointMapStore'],
      ['com.networknt.oauth.token.handler.Oauth2TokenPostHandler', 'c.n.o.t.h.Oauth2TokenPostHandler'],
      ['com.networknt.openapi.ApiNormalisedPath', 'c.n.openapi.ApiNormalisedPath'],
      ['com.networknt.schema.TypeValidator', 'com.networknt.schema.TypeValidator'],
    ];
    for (const [fqcn, written] of real) assert.equal(abbreviateLogger(fqcn), written);
  });
});

describe('options', () => {
  const outDir = '/tmp/never-written';

  test('fills in the preset and the defaults', () => {
    assert.deepEqual(resolveSynthOptions({ outDir }), {
      outDir,
      preset: 'standard',
      runs: 200,
      errorsPerRun: 1,
      services: ['code', 'token', 'refresh-token'],
      seed: 1,
      order: 'v1',
    });
    const tiny = resolveSynthOptions({ outDir, preset: 'tiny', runs: 3 });
    assert.equal(tiny.runs, 3);
    assert.equal(tiny.errorsPerRun, 2);
    assert.ok(Object.isFrozen(tiny));
  });

  const cases: [string, Partial<SynthOptions>, string][] = [
    ['runs', { runs: -1 }, 'runs must be a positive integer (got -1)'],
    ['runs', { runs: 1.5 }, 'runs must be a positive integer (got 1.5)'],
    ['errorsPerRun', { errorsPerRun: 54 }, 'errorsPerRun must be an integer from 0 to 53 (got 54)'],
    ['preset', { preset: 'huge' as never }, "preset must be one of tiny, standard, large (got 'huge')"],
    ['order', { order: 'v3' as never }, "order must be one of v1, shuffled (got 'v3')"],
    ['seed', { seed: 0.5 }, 'seed must be an integer (got 0.5)'],
    ['outDir', { outDir: '' }, "outDir must be a non-empty string (got '')"],
    ['services', { services: [] }, 'services must be a non-empty array of service names (got [])'],
    [
      'services',
      { services: ['token', 'tokn' as never] },
      "services: unknown service 'tokn' (expected one of client, code, key, refresh-token, service, token, user)",
    ],
    ['services', { services: ['token', 'token'] }, "services: duplicate service 'token'"],
  ];
  for (const [name, partial, message] of cases) {
    test(`rejects a bad ${name}: ${message}`, () => {
      assert.throws(() => resolveSynthOptions({ outDir, ...partial }), { name: 'TypeError', message });
    });
  }

  test('generateSynth rejects bad options before writing anything', async () => {
    const dir = join(root, 'never');
    await assert.rejects(generateSynth({ outDir: dir, runs: 0 }), {
      name: 'TypeError',
      message: 'runs must be a positive integer (got 0)',
    });
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  });
});
