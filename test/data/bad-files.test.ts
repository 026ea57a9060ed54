/**
 * Bad log files are bounded and reported, never a hang or silence: FIFOs, sockets, devices and
 * folders named like logs are refused without being opened; symlinks are followed, or reported when
 * they dangle or loop; files of unknown services are listed as not used; a `.gz` bomb or a file past
 * the size bound is refused with its reason; files whose times cannot be one recording get a note;
 * and bad files stop a run unless the experiment says to skip them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { formatIngest } from '../../harness/cli/commands/data.ts';
import {
  badFilesError,
  type FileResult,
  type FileTask,
  gzipBound,
  type IngestSummary,
  MAX_LOG_BYTES,
  openLogReader,
  type TimeShape,
  timeNotes,
  timeShape,
} from '../../harness/data/index.ts';
import { discover } from '../../harness/data/lo2/discover.ts';
import { BenchError } from '../../harness/errors/index.ts';
import { parseExperiment } from '../../harness/experiment/index.ts';
import { line, tempDir, writeTree } from '../helpers/fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const RUN = 'light-oauth2-data-1719592986';
const EPOCH = 1_719_592_986; // 2024-06-28T16:43:06Z
const ALL_SERVICES = ['client', 'code', 'key', 'refresh-token', 'service', 'token', 'user'] as const;
const log = (n: number, from = 0) =>
  `${Array.from({ length: n }, (_, i) => line(`16:44:${String((from + i) % 60).padStart(2, '0')}.000`, `request ${i}`)).join('\n')}\n`;
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
const READERS = ['kernel', 'plain'] as const;

/** Runs `ingest(root)` in a child process that is killed after `timeoutMs`: a FIFO read would block forever. */
function ingestInChild(root: string, cacheDir: string, timeoutMs = 60_000) {
  const script = `import(${JSON.stringify(join(ROOT, 'harness/data/index.ts'))}).then(async ({ ingest }) => {
  const s = await ingest(${JSON.stringify(root)}, { cacheDir: ${JSON.stringify(cacheDir)}, workers: 0, trimLines: 0,
    selection: { services: ${JSON.stringify(ALL_SERVICES)} } });
  console.log(JSON.stringify({ sequences: s.sequences, failedFiles: s.failedFiles, ignored: s.ignored }));
});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  assert.equal(r.signal, null, `the ingest did not end within ${timeoutMs} ms (a read blocked?)`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Pick<
    IngestSummary,
    'sequences' | 'failedFiles' | 'ignored'
  >;
}

describe('a tree with entries that are not log files', { skip: hasMkfifo ? false : 'no mkfifo here' }, () => {
  const { dir, cleanup } = tempDir();
  const root = join(dir, 'tree');
  const outside = join(dir, 'outside');
  const caseDir = join(root, RUN, 'correct');
  const at = (rel: string) => join(caseDir, rel);
  let server: Server;

  before(async () => {
    writeTree(root, {
      [`${RUN}/correct/light-oauth2-oauth2-code-1.log`]: log(5),
      [`${RUN}/correct/light-oauth2-oauth2-key-1.log.gz`]: gzipSync(log(4)),
      [`${RUN}/correct/light-oauth2-oauth2-foo-1.log`]: log(3),
      [`${RUN}/correct/notes.txt`]: 'written by hand\n',
      [`${RUN}/correct/metric_cpu.json`]: '{}',
      [`${RUN}/get_token_404/placeholder.txt`]: '',
      'README.md': 'about this tree\n',
    });
    writeTree(outside, {
      'a-case/light-oauth2-oauth2-token-1.log': log(6),
      'token.log': log(7),
      [`${RUN}-copy/correct/light-oauth2-oauth2-token-1.log`]: log(8),
    });
    assert.equal(spawnSync('mkfifo', [at('light-oauth2-oauth2-token-1.log')]).status, 0);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(at('light-oauth2-oauth2-user-1.log'), resolve));
    symlinkSync('/dev/null', at('light-oauth2-oauth2-refresh-token-1.log'));
    mkdirSync(at('light-oauth2-oauth2-client-1.log'));
    // A dangling link named like the key log: the .gz beside it is the key's log.
    symlinkSync(at('nowhere.log'), at('light-oauth2-oauth2-key-1.log'));
    // Two links pointing at each other.
    symlinkSync(at('loop.tmp'), at('light-oauth2-oauth2-service-1.log'));
    symlinkSync(at('light-oauth2-oauth2-service-1.log'), at('loop.tmp'));
    // Followed: a test case folder and a log outside the tree, and a whole run.
    symlinkSync(join(outside, 'a-case'), join(root, RUN, 'delete_token_404'));
    symlinkSync(join(outside, 'token.log'), join(root, RUN, 'get_token_404', 'light-oauth2-oauth2-token-1.log'));
    symlinkSync(join(outside, `${RUN}-copy`), join(root, 'linked-run'));
    // Reported: a run link back to the tree's root, and one to nothing.
    symlinkSync(root, join(root, 'loop-run'));
    symlinkSync(join(dir, 'gone'), join(root, 'gone-run'));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    cleanup();
  });

  it('lists FIFOs, sockets, devices and folders named like logs as logs, follows good links, reports the rest', async () => {
    const d = await discover(root, { services: [...ALL_SERVICES] });
    const rel = (p: string) => p.slice(root.length + 1);
    assert.deepEqual(d.files.map((f) => rel(f.path)).sort(), [
      `${RUN}/correct/light-oauth2-oauth2-client-1.log`,
      `${RUN}/correct/light-oauth2-oauth2-code-1.log`,
      `${RUN}/correct/light-oauth2-oauth2-key-1.log.gz`,
      `${RUN}/correct/light-oauth2-oauth2-refresh-token-1.log`,
      `${RUN}/correct/light-oauth2-oauth2-token-1.log`,
      `${RUN}/correct/light-oauth2-oauth2-user-1.log`,
      `${RUN}/delete_token_404/light-oauth2-oauth2-token-1.log`,
      `${RUN}/get_token_404/light-oauth2-oauth2-token-1.log`,
      'linked-run/correct/light-oauth2-oauth2-token-1.log',
    ]);
    const ignored = Object.fromEntries(Object.entries(d.ignored).map(([k, v]) => [k, v.map(rel).sort()]));
    assert.deepEqual(ignored['dangling symlink (its target does not exist)'], [
      'gone-run',
      `${RUN}/correct/light-oauth2-oauth2-key-1.log`,
    ]);
    assert.deepEqual(ignored['symlink loop'], [
      `${RUN}/correct/light-oauth2-oauth2-service-1.log`,
      `${RUN}/correct/loop.tmp`,
    ]);
    assert.deepEqual(ignored['symlink loop (to a folder above it)'], ['loop-run']);
    assert.deepEqual(
      ignored['log of an unknown service (not one of client, code, key, refresh-token, service, token, user)'],
      [`${RUN}/correct/light-oauth2-oauth2-foo-1.log`],
    );
    assert.deepEqual(ignored['not a service log (expected light-oauth2-oauth2-<service>-1.log)'], [
      `${RUN}/correct/notes.txt`,
      `${RUN}/get_token_404/placeholder.txt`,
    ]);
    assert.deepEqual(ignored['file beside the runs (not a run folder)'], ['README.md']);
    assert.ok(!JSON.stringify(d.ignored).includes('metric_cpu.json'), "LO2's metrics files are expected, not reported");
  });

  it('ingests the readable logs and reports the others as failed with their reason, without blocking', () => {
    const s = ingestInChild(root, join(dir, 'cache'));
    const failed = Object.fromEntries(s.failedFiles.map((f) => [f.path.slice(caseDir.length + 1), f.error]));
    assert.deepEqual(failed, {
      'light-oauth2-oauth2-token-1.log': 'not a regular file (a FIFO)',
      'light-oauth2-oauth2-user-1.log': 'not a regular file (a socket)',
      'light-oauth2-oauth2-refresh-token-1.log': 'not a regular file (a character device)',
      'light-oauth2-oauth2-client-1.log': 'is a directory, expected a log file',
    });
    // code, key (.gz), the two linked token logs and the linked run's.
    assert.equal(s.sequences, 5);
  });

  for (const kind of READERS) {
    it(`the ${kind} reader refuses a FIFO, a socket and a device by their type, not by reading them`, () => {
      const reader = openLogReader(kind);
      // The FIFO only in a child process (above): here a regression would block this process.
      for (const [name, what] of [
        ['light-oauth2-oauth2-user-1.log', 'a socket'],
        ['light-oauth2-oauth2-refresh-token-1.log', 'a character device'],
      ] as const) {
        const r = reader.read({ path: at(name), trimLines: 0, runEpochSec: EPOCH });
        assert.deepEqual(r, { state: 'failed', path: at(name), error: `not a regular file (${what})` });
      }
    });
  }
});

describe('size bounds', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const path = (name: string) => join(dir, name);
  const task = (name: string, maxBytes?: number): FileTask => ({
    path: path(name),
    trimLines: 0,
    runEpochSec: EPOCH,
    ...(maxBytes !== undefined && { maxBytes }),
  });
  const failed = (r: FileResult) => {
    assert.equal(r.state, 'failed');
    return (r as Extract<FileResult, { state: 'failed' }>).error;
  };

  before(() => {
    const lines = log(20_000); // ≈ 2.2 MB
    writeTree(dir, {
      'bomb.log.gz': gzipSync(Buffer.alloc(4e6, 'a')),
      'big.log': lines,
      'big.log.gz': gzipSync(lines),
      'small.log.gz': gzipSync(log(10)),
    });
  });

  it('bounds what a .gz may expand to by its size, with a floor and a cap', () => {
    assert.equal(gzipBound(1_000), 64e6, 'a small file may always expand to the floor');
    assert.equal(gzipBound(2e6), 128e6, '64 times its size');
    assert.equal(gzipBound(100e6), MAX_LOG_BYTES, 'never past the cap');
    assert.equal(gzipBound(1_000, { maxBytes: 1e6 }), 1e6);
    assert.equal(gzipBound(1_000, { ratio: 10, floor: 0 }), 10_000);
  });

  for (const kind of READERS) {
    it(`the ${kind} reader refuses a gzip bomb and a file past the bound, naming the bound, and reads the rest`, () => {
      const reader = openLogReader(kind);
      assert.equal(failed(reader.read(task('bomb.log.gz', 1e6))), 'expands past 1.0 MB (gzip bomb?)');
      assert.equal(failed(reader.read(task('big.log.gz', 1e6))), 'expands past 1.0 MB (gzip bomb?)');
      assert.match(failed(reader.read(task('big.log', 1e6))), /^2\.\d MB: larger than the 1\.0 MB a log may have$/);
      for (const name of ['big.log', 'big.log.gz']) {
        const r = reader.read(task(name));
        assert.equal(r.state, 'read', name);
        assert.equal((r as Extract<FileResult, { state: 'read' }>).events.count, 20_000, name);
      }
      assert.equal(reader.read(task('small.log.gz', 1e6)).state, 'read');
    });

    it(`the ${kind} reader reads a file to its end whatever its size said, within the bound`, {
      skip: existsSync('/proc/self/smaps') ? false : 'no /proc',
    }, () => {
      // A /proc file says it is empty and holds hundreds of kB: the room grows while it is read.
      const reader = openLogReader(kind);
      const whole = reader.read({ path: '/proc/self/smaps', trimLines: 0, runEpochSec: null });
      assert.equal(whole.state, 'read');
      assert.ok((whole as Extract<FileResult, { state: 'read' }>).bytes > 1 << 17);
      const bounded = reader.read({ path: '/proc/self/smaps', trimLines: 0, runEpochSec: null, maxBytes: 100_000 });
      assert.equal(failed(bounded), 'grew past the 100,000 bytes a log may have while it was read');
    });
  }
});

describe('time notes', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const shape = (minMs: number, maxMs: number, backJumps = 0, dayChanges = 0): TimeShape => ({
    firstMs: minMs,
    lastMs: maxMs,
    minMs,
    maxMs,
    backJumps,
    dayChanges,
  });
  const H = 3_600_000;
  const D = 24 * H;

  it('counts jumps back over a minute and steps into a later day, not the jitter of threads', () => {
    const t0 = Date.UTC(2024, 5, 28, 16);
    const times = Float64Array.from([
      t0,
      t0 - 500,
      t0 + 1_000,
      t0 - 2 * 60_000,
      t0 + 9 * H,
      t0 + 9 * H + 1,
      t0 - 3 * H,
    ]);
    assert.deepEqual(timeShape(times), {
      firstMs: t0,
      lastMs: t0 - 3 * H,
      minMs: t0 - 3 * H,
      maxMs: t0 + 9 * H + 1,
      backJumps: 2,
      dayChanges: 1,
    });
    assert.equal(timeShape(new Float64Array(0)), null);
  });

  for (const kind of READERS) {
    it(`the ${kind} reader gives the time shape of a file that interleaves two times of day`, () => {
      const lines = [];
      for (let i = 0; i < 4; i++) lines.push(line(`23:00:0${i}.000`, 'late'), line(`10:00:0${i}.000`, 'early'));
      writeTree(dir, { 'mixed.log': `${lines.join('\n')}\n` });
      const r = openLogReader(kind).read({ path: join(dir, 'mixed.log'), trimLines: 0, runEpochSec: EPOCH });
      assert.equal(r.state, 'read');
      const time = (r as Extract<FileResult, { state: 'read' }>).time!;
      // Each 23:00 → 10:00 is read as the next day: four days climbed.
      assert.equal(time.dayChanges, 4);
      assert.equal(time.backJumps, 0);
      assert.equal(time.maxMs - time.minMs, 3 * D + 11 * H + 3_000);
    });
  }

  it('notes a file spanning more than a day, and its run, in order; nothing for ordinary files', () => {
    const day0 = Date.UTC(2024, 5, 28);
    const notes = timeNotes([
      { path: '/t/run-a/correct/token.log', run: 'run-a', time: shape(day0, day0 + 10 * 60_000) },
      { path: '/t/run-a/correct/code.log', run: 'run-a', time: shape(day0, day0 + 79 * D + 3 * H, 2, 77) },
      { path: '/t/run-b/correct/token.log', run: 'run-b', time: shape(day0, day0 + 20 * H) },
      { path: '/t/run-b/correct/empty.log', run: 'run-b', time: null },
      // Each of run-c's files is short, but they lie two days apart.
      { path: '/t/run-c/correct/token.log', run: 'run-c', time: shape(day0, day0 + H) },
      { path: '/t/run-c/x/token.log', run: 'run-c', time: shape(day0 + 2 * D, day0 + 2 * D + H) },
    ]);
    assert.deepEqual(notes, [
      { path: '/t/run-a/correct/code.log', note: 'timestamps go back 79 times, span 79 d 3 h' },
      { path: '/t/run-a', note: "the run's 2 files span 79 d 3 h" },
      { path: '/t/run-c', note: "the run's 2 files span 2 d 1 h" },
    ]);
  });

  it('are printed by bench data ingest, the first five and how many more', () => {
    const summary = minimalSummary();
    const notes = Array.from({ length: 7 }, (_, i) => ({ path: `/t/run-${i}`, note: "the run's file spans 3 d 0 h" }));
    const text = formatIngest({ ...summary, notes });
    assert.match(text, /^ {2}note {8}\/t\/run-0: the run's file spans 3 d 0 h$/m);
    assert.match(text, /\/t\/run-4: /);
    assert.doesNotMatch(text, /\/t\/run-5: /);
    assert.match(text, /^ {2}note {8}… 2 more \(--json lists all\)$/m);
    assert.doesNotMatch(formatIngest(summary), /note/);
  });
});

describe('bad files stop a run unless the experiment skips them', () => {
  const two = {
    failedFiles: [
      { path: '/t/run/correct/light-oauth2-oauth2-token-1.log', error: 'not a regular file (a FIFO)' },
      { path: '/t/run/correct/light-oauth2-oauth2-code-1.log.gz', error: 'expands past 64 MB (gzip bomb?)' },
    ],
  };

  it('names every bad file with its reason, and says how to go on', () => {
    const err = badFilesError(two, 'fail');
    assert.ok(err instanceof BenchError);
    assert.equal(err.kind, 'data');
    assert.equal(err.exitCode, 1);
    assert.equal(
      err.message,
      '2 log files could not be read: /t/run/correct/light-oauth2-oauth2-token-1.log: not a regular file (a FIFO); ' +
        '/t/run/correct/light-oauth2-oauth2-code-1.log.gz: expands past 64 MB (gzip bomb?)',
    );
    assert.equal(
      err.details.hint,
      "fix or remove them, or set `ingest: { onBadFile: 'skip' }` in the experiment to skip them",
    );
    assert.equal(err.details.file, two.failedFiles[0]!.path);
    assert.match(badFilesError(two, 'fail', 'pass --on-bad-file skip')!.details.hint!, /, or pass --on-bad-file skip$/);
  });

  it('is nothing when there are no bad files or they are to be skipped; an unknown choice is refused', () => {
    assert.equal(badFilesError({ failedFiles: [] }, 'fail'), null);
    assert.equal(badFilesError(two, 'skip'), null);
    assert.throws(() => badFilesError(two, 'ignore' as never), /onBadFile must be one of fail, skip \(got 'ignore'\)/);
  });

  it("is an experiment's ingest option: fail by default, skip on request, anything else an error naming it", () => {
    const base = { name: 'x', dataset: { source: 'synthetic', preset: 'tiny' } };
    assert.equal(parseExperiment(base, 'x.ts').ingest.onBadFile, 'fail');
    assert.equal(parseExperiment({ ...base, ingest: { trimLines: 0 } }, 'x.ts').ingest.onBadFile, 'fail');
    assert.equal(parseExperiment({ ...base, ingest: { onBadFile: 'skip' } }, 'x.ts').ingest.onBadFile, 'skip');
    assert.throws(
      () => parseExperiment({ ...base, ingest: { onBadFile: 'ignore' } }, 'x.ts'),
      /x\.ts: ingest\.onBadFile: must be one of 'fail', 'skip' \(got "ignore"\)/,
    );
    assert.throws(
      () => parseExperiment({ ...base, ingest: { onBadFiles: 'skip' } }, 'x.ts'),
      /x\.ts: ingest\.onBadFiles: unknown key — did you mean 'onBadFile'\?/,
    );
  });
});

/** The smallest summary formatIngest prints. */
function minimalSummary(): IngestSummary {
  // Cast: fields the summary may gain need not be spelled out here.
  return {
    key: 'k',
    dir: '/cache/ingest/k',
    notes: [],
    cacheHit: false,
    root: '/t',
    options: {
      trimLines: 0,
      continuation: 'merge',
      selection: { runs: 0, errorsPerRun: -1, errorCase: null, services: ['token'], seed: 1 },
      drain: {} as IngestSummary['options']['drain'],
    },
    runs: 1,
    runsFound: 1,
    testCases: 1,
    sequences: 1,
    emptySequences: [],
    events: 1,
    bytes: 1,
    lines: 1,
    trimmed: 0,
    continuation: { merged: 0, dropped: 0, kept: 0 },
    crlf: 0,
    bom: 0,
    invalidUtf8: 0,
    skipped: {} as IngestSummary['skipped'],
    skippedByFile: {},
    failedFiles: [],
    ignored: {},
    truth: null,
    distinctMessages: 1,
    templates: 1,
    files: {
      events: 'events.arrow',
      sequences: 'sequences.arrow',
      messages: 'messages.arrow',
      templates: 'templates.arrow',
    },
    timings: { discoverMs: 1, ingestMs: 1 },
    codeVersion: 'v',
  } as IngestSummary;
}
