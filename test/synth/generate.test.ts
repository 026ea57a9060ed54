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
  ERROR_REQUESTS,
  type ErrorCase,
  serviceLogFileName,
  TRUTH_MANIFEST,
  targetService,
  V2_PRERUN_FOLDER,
} from '../../harness/data/lo2/constants.ts';
import { CASE_FAILURES, faultService } from '../../harness/data/synth/errors.ts';
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
const V2_RUN_DIR = /^oauth2_logs_LO2_run_(\d{10})$/;
const DAY_MS = 86_400_000;

type Tree = Map<string, string>;

let root = '';

async function generate(name: string, options: Partial<SynthOptions>): Promise<{ dir: string; summary: SynthSummary }> {
  const dir = join(root, name);
  const summary = await generateSynth({ outDir: dir, preset: 'tiny', ...options });
  return { dir, summary };
}

/**
 * Every log file under `dir` (`.log`), keyed by its relative path, in sorted order; with `faults`,
 * the ground-truth files beside them (`.log.faults`) instead.
 */
async function readTree(dir: string, faults = false): Promise<Tree> {
  const tree: Tree = new Map();
  for (const run of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)) {
    if (run === V2_PRERUN_FOLDER) continue;
    for (const testCase of (await readdir(join(dir, run))).sort()) {
      for (const file of (await readdir(join(dir, run, testCase))).sort()) {
        if (file.endsWith('.faults') !== faults) continue;
        tree.set(`${run}/${testCase}/${file}`, await readFile(join(dir, run, testCase, file), 'utf8'));
      }
    }
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The 1-based line numbers a `.faults` file lists. */
function faultNumbers(text: string): number[] {
  return text === '' ? [] : text.trimEnd().split('\n').map(Number);
}

function hashes(tree: Tree): string[] {
  return [...tree].map(([path, text]) => `${path} ${createHash('sha256').update(text).digest('hex')}`);
}

function parts(path: string): { run: string; testCase: string; service: string } {
  const [run = '', testCase = '', file = ''] = path.split('/');
  return {
    run,
    testCase,
    service: file
      .replace(/^light-oauth2-oauth2-/, '')
      .replace(/\.faults$/, '')
      .replace(/-1\.log$/, ''),
  };
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
    const out = await generate('v1', { order: 'v1' });
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
    assert.ok(lines > 3_000 && lines < 15_000, `tiny has ${lines} lines`);
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
    const again = await readTree((await generate('v1-again', { order: 'v1' })).dir);
    assert.deepEqual(hashes(again), hashes(tree));
  });

  test('another seed writes a different tree', async () => {
    const other = await readTree((await generate('seed-2', { seed: 2, order: 'v1' })).dir);
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
      const epoch = Number(V2_RUN_DIR.exec(run)?.[1]);
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
    // Every error case in each run, so that shares are not dominated by chance.
    tree = await readTree(
      (await generate('all-cases', { preset: 'standard', runs: 2, errorsPerRun: ERROR_CASES.length })).dir,
    );
  });

  test('ERROR lines are denser in the target services of error cases than in correct', () => {
    const correct: string[] = [];
    const target: string[] = [];
    const other: string[] = [];
    for (const [path, text] of tree) {
      const { testCase, service } = parts(path);
      if (testCase === CORRECT_CASE) correct.push(text);
      else if (targetService(testCase) === service) target.push(text);
      else other.push(text);
    }
    const [c, a, u] = [errorShare(correct), errorShare(target), errorShare(other)];
    assert.ok(c > 0, 'correct has no ERROR line at all');
    assert.ok(c < 0.01, `correct ERROR share ${c}`);
    assert.ok(a > 2 * c, `target ${a} vs correct ${c}`);
    assert.ok(a > 2 * u, `target ${a} vs other ${u}`);
    assert.ok(a > 0.004 && a < 0.06, `target ERROR share ${a}`);
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

  test("every case's failures go to the target service of error-requests.md, and only there", () => {
    for (const c of ERROR_CASES) {
      assert.equal(faultService(c), ERROR_REQUESTS[c].target, c);
      assert.deepEqual(
        CASE_FAILURES[c].map((f) => f.service),
        [ERROR_REQUESTS[c].target],
        c,
      );
    }
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
      errorsPerRun: 2,
      services: ['code', 'token', 'refresh-token'],
      seed: 1,
      order: 'shuffled',
      faults: 'injected',
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
    ['faults', { faults: 'some' as never }, "faults must be one of injected, none (got 'some')"],
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

describe('ground truth and the null dataset (tiny, shuffled)', () => {
  let dir = '';
  let tree: Tree;
  let truth: Tree;
  let nullTree: Tree;
  let nullTruth: Tree;
  let summary: SynthSummary;
  let nullSummary: SynthSummary;

  before(async () => {
    const faulty = await generate('truth', { runs: 4, errorsPerRun: 6 });
    const none = await generate('truth-none', { runs: 4, errorsPerRun: 6, faults: 'none' });
    dir = faulty.dir;
    summary = faulty.summary;
    nullSummary = none.summary;
    [tree, truth, nullTree, nullTruth] = await Promise.all([
      readTree(faulty.dir),
      readTree(faulty.dir, true),
      readTree(none.dir),
      readTree(none.dir, true),
    ]);
  });

  test('writes the v2 layout: oauth2_logs_LO2_run_<epoch> runs beside an empty prerun folder, truth beside logs', async () => {
    const top = (await readdir(dir, { withFileTypes: true })).map((e) => `${e.name}${e.isDirectory() ? '/' : ''}`);
    assert.ok(top.includes(`${V2_PRERUN_FOLDER}/`));
    assert.deepEqual(await readdir(join(dir, V2_PRERUN_FOLDER)), []);
    assert.ok(top.includes(TRUTH_MANIFEST));
    for (const name of top) {
      if (name === `${V2_PRERUN_FOLDER}/` || name === TRUTH_MANIFEST) continue;
      assert.match(name.slice(0, -1), V2_RUN_DIR);
    }
    assert.deepEqual(JSON.parse(await readFile(join(dir, TRUTH_MANIFEST), 'utf8')).faults, 'injected');
    assert.deepEqual(
      [...truth.keys()],
      [...tree.keys()].map((p) => `${p}.faults`),
    );
  });

  test('fault lines are the failing requests of the target service, nowhere else', () => {
    let listed = 0;
    for (const [path, text] of tree) {
      const { testCase, service } = parts(path);
      const numbers = faultNumbers(truth.get(`${path}.faults`) ?? '');
      const lines = text.slice(0, -1).split('\n');
      if (targetService(testCase) !== service) {
        assert.deepEqual(numbers, [], `${path} is not a target file but has fault lines`);
        continue;
      }
      assert.deepEqual(
        numbers,
        [...numbers].sort((a, b) => a - b),
        path,
      );
      for (const n of numbers) assert.ok(n >= 1 && n <= lines.length, `${path}: fault line ${n} of ${lines.length}`);
      // Every line carrying the case's own status is one the fault wrote.
      const code = /"code":"(ERR\d+)"/;
      const faultSet = new Set(numbers);
      const statusLines = lines.flatMap((l, i) => (code.test(l) ? [i + 1] : []));
      const own = statusLines.filter((n) => faultSet.has(n)).map((n) => code.exec(lines[n - 1] ?? '')?.[1]);
      for (const n of statusLines) {
        const c = code.exec(lines[n - 1] ?? '')?.[1];
        if (own.includes(c)) assert.ok(faultSet.has(n), `${path}:${n} carries ${c} but is not a fault line`);
      }
      listed += numbers.length;
    }
    assert.equal(listed, summary.faultLines);
    assert.ok(summary.faultLines > 20, `only ${summary.faultLines} fault lines`);
  });

  test('the same options write a byte-identical tree, ground truth included', async () => {
    const again = await generate('truth-again', { runs: 4, errorsPerRun: 6 });
    assert.deepEqual(hashes(await readTree(again.dir)), hashes(tree));
    assert.deepEqual(hashes(await readTree(again.dir, true)), hashes(truth));
    assert.equal(
      await readFile(join(again.dir, TRUTH_MANIFEST), 'utf8'),
      await readFile(join(dir, TRUTH_MANIFEST), 'utf8'),
    );
  });

  test('worker threads write the same bytes as the main thread', async () => {
    const threaded = join(root, 'truth-threads');
    const summary2 = await generateSynth({ outDir: threaded, preset: 'tiny', runs: 4, errorsPerRun: 6 }, undefined, 2);
    assert.deepEqual(summary2, summary);
    assert.deepEqual(hashes(await readTree(threaded)), hashes(tree));
    assert.deepEqual(hashes(await readTree(threaded, true)), hashes(truth));
  });

  test('the null tree is the faulty tree with its truth-marked lines removed', () => {
    assert.deepEqual([...nullTree.keys()], [...tree.keys()]);
    let removed = 0;
    for (const [path, text] of tree) {
      const drop = new Set(faultNumbers(truth.get(`${path}.faults`) ?? ''));
      removed += drop.size;
      const kept = text
        .slice(0, -1)
        .split('\n')
        .filter((_, i) => !drop.has(i + 1));
      assert.equal(nullTree.get(path), kept.length === 0 ? '' : `${kept.join('\n')}\n`, path);
      assert.equal(nullTruth.get(`${path}.faults`), '', `${path}: the null tree lists fault lines`);
    }
    assert.equal(removed, summary.faultLines);
    assert.equal(nullSummary.faultLines, 0);
    assert.equal(nullSummary.droppedFaultLines, summary.faultLines);
    assert.equal(nullSummary.lines, summary.lines - summary.faultLines);
  });
});

/** Two-sided Mann–Whitney U test (normal approximation with tie correction): the p-value. */
function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tie = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    const t = j - i + 1;
    tie += t ** 3 - t;
    i = j + 1;
  }
  let ra = 0;
  for (let k = 0; k < all.length; k++) if (all[k]?.g === 0) ra += ranks[k] ?? 0;
  const [n1, n2] = [a.length, b.length];
  const n = n1 + n2;
  const u = ra - (n1 * (n1 + 1)) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1))));
  const z = Math.abs(u - (n1 * n2) / 2) / sd;
  // 2 · (1 − Φ(z)), with Φ from the complementary error function (Abramowitz–Stegun 7.1.26).
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return erfc;
}

describe('only the target service differs between test cases (shuffled, fixed seed)', () => {
  type FileStats = { errorShare: number; perSecond: number; pathShare: number; templates: number };
  const stats = new Map<string, { correct: FileStats[]; other: FileStats[]; target: FileStats[] }>();

  function fileStats(epochSec: number, text: string): FileStats {
    const lines = timestamped(text);
    const first = startMs(epochSec, text);
    const last = first + ((todMs(lines.at(-1) ?? '') - todMs(lines[0] ?? '') + DAY_MS) % DAY_MS);
    const templates = new Set(lines.map((l) => l.slice(13).replace(/[0-9a-f-]{8,}|[A-Za-z0-9_-]{22}|\d+/g, '#')));
    return {
      errorShare: lines.filter((l) => l.includes(' ERROR ')).length / lines.length,
      perSecond: lines.length / Math.max(1, (last - first) / 1000),
      pathShare: lines.filter((l) => l.includes('ApiNormalisedPath')).length / lines.length,
      templates: templates.size / lines.length,
    };
  }

  before(async () => {
    const out = await generate('target-only', { preset: 'standard', runs: 14, errorsPerRun: 5, seed: 11 });
    for (const [path, text] of await readTree(out.dir)) {
      const { run, testCase, service } = parts(path);
      const s = stats.get(service) ?? { correct: [], other: [], target: [] };
      stats.set(service, s);
      const group = testCase === CORRECT_CASE ? s.correct : targetService(testCase) === service ? s.target : s.other;
      group.push(fileStats(Number(V2_RUN_DIR.exec(run)?.[1]), text));
    }
  });

  test("a service's files in error cases that do not target it are distributed as in correct", () => {
    for (const [service, s] of stats) {
      assert.ok(s.correct.length >= 14 && s.other.length >= 40, `${service}: ${s.correct.length} / ${s.other.length}`);
      for (const key of ['errorShare', 'perSecond', 'pathShare', 'templates'] as const) {
        const p = mannWhitneyP(
          s.correct.map((f) => f[key]),
          s.other.map((f) => f[key]),
        );
        assert.ok(p > 0.01, `${service} ${key}: correct vs non-target error files differ, p = ${p.toExponential(2)}`);
      }
    }
  });

  test('the same test tells the target files apart (the test can fail)', () => {
    const token = stats.get('token');
    assert.ok(token !== undefined && token.target.length >= 8, `token target files: ${token?.target.length}`);
    const p = mannWhitneyP(
      token.correct.map((f) => f.errorShare),
      token.target.map((f) => f.errorShare),
    );
    assert.ok(p < 0.001, `token: correct vs target ERROR share p = ${p}`);
  });
});

describe('a generated tree read by the loader, unchanged', () => {
  test('its ground truth arrives as fault events and fault_lines, and the null tree carries none', async () => {
    const { ingest } = await import('../../harness/data/ingest.ts');
    const { readSequenceMeta } = await import('../../harness/data/read.ts');
    const faulty = await generate('ingested', { runs: 4, errorsPerRun: 6, seed: 3 });
    const none = await generate('ingested-none', { runs: 4, errorsPerRun: 6, seed: 3, faults: 'none' });
    const [tree, truth] = await Promise.all([readTree(faulty.dir), readTree(faulty.dir, true)]);
    // Under the default merge policy with no trimming, an event is a fault event when its own
    // timestamped line is listed: count those per file, independently of the loader.
    const expected = new Map<string, number>();
    for (const [path, text] of tree) {
      const lines = text.split('\n');
      const n = faultNumbers(truth.get(`${path}.faults`) ?? '').filter((k) => TIMESTAMPED.test(lines[k - 1] ?? ''));
      const { run, testCase, service } = parts(path);
      expected.set(`${run}__${testCase}__light-oauth2-oauth2-${service}-1`, n.length);
    }
    const s = await ingest(faulty.dir, { cacheDir: join(root, 'ingest-cache'), workers: 0, trimLines: 0 });
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    assert.ok(total > 20, `only ${total} timestamped fault lines`);
    assert.equal(s.truth?.faultEvents, total);
    const meta = readSequenceMeta(s.dir);
    assert.equal(meta.length, tree.size);
    for (const m of meta) assert.equal(m.faultLines, expected.get(m.seqId), m.seqId);

    const n = await ingest(none.dir, { cacheDir: join(root, 'ingest-cache'), workers: 0, trimLines: 0 });
    assert.equal(n.truth?.faultEvents, 0);
    assert.ok(readSequenceMeta(n.dir).every((m) => m.faultLines === 0));
  });
});
