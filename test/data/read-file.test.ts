import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import { CONTINUATION_POLICIES, type FileResult, type FileTask } from '../../harness/data/lo2/read-file.ts';
import { openLogReader, parseLogBytes } from '../../harness/data/log-reader.ts';
import { line, realSamplePath, tempDir, writeTree } from '../helpers/fixtures.ts';

const EPOCH = 1_719_592_986; // 2024-06-28T16:43:06Z
const utf8 = (col: { offsets: Int32Array; data: Uint8Array }, i: number) =>
  Buffer.from(col.data.subarray(col.offsets[i]!, col.offsets[i + 1]!)).toString('utf8');

const kernel = openLogReader('kernel');
const readLogFile = (task: FileTask) => kernel.read(task);

function ok(r: FileResult) {
  assert.equal(r.state, 'read', r.state === 'failed' ? r.error : '');
  return r as Extract<FileResult, { state: 'read' }>;
}

describe('readLogFile', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const path = (name: string) => join(dir, name);
  const read = (name: string, trimLines = 0, runEpochSec: number | null = EPOCH) =>
    readLogFile({ path: path(name), trimLines, runEpochSec });

  before(() => {
    const body = [
      line('16:43:07.000', 'first'),
      line('16:43:07.100', 'ApiException', 'ERROR'),
      'com.networknt.exception.ApiException: {"statusCode":404}',
      '\tat com.networknt.Foo.bar(Foo.java:12)',
      '\tat com.networknt.Foo.baz(Foo.java:34)',
      line('16:43:08.000', 'third'),
    ].join('\n');
    writeTree(dir, {
      'plain.log': `${body}\n`,
      'nofinalnewline.log': body,
      'crlf.log': `${body.split('\n').join('\r\n')}\r\n`,
      'bom.log': `\uFEFF${body}\n`,
      'bad.log': [
        line('16:43:07.000', 'ok'),
        'garbage without timestamp',
        '',
        '16:43:07.000 [XNIO-1 task-1]  abc LOUD a b - c',
        line('16:43:07.500', 'ok again'),
      ].join('\n'),
      'orphan.log': ['\tat com.networknt.Foo.bar(Foo.java:12)', line('16:43:07.000', 'ok')].join('\n'),
      'midnight.log': [line('23:59:59.900', 'before'), line('00:00:00.100', 'after')].join('\n'),
      'empty.log': '',
      'trim.log': Array.from({ length: 10 }, (_, i) => line(`16:43:0${i}.000`, `n${i}`)).join('\n'),
      'latin.log': Buffer.concat([Buffer.from(`${line('16:43:07.000', 'caf')}`), Buffer.from([0xe9, 0xff, 0x0a])]),
      'ok.log.gz': gzipSync(`${body}\n`),
      'bad.log.gz': Buffer.from('this is not gzip'),
    });
    mkdirSync(path('adir.log'));
  });

  it('joins continuation lines into the previous event and counts them', async () => {
    const r = ok(await read('plain.log'));
    assert.equal(r.events.count, 3);
    assert.deepEqual(r.counts.continuation, { merged: 3, dropped: 0, kept: 0 });
    assert.equal(
      utf8(r.events.message, 1),
      'ApiException\ncom.networknt.exception.ApiException: {"statusCode":404}\n\tat com.networknt.Foo.bar(Foo.java:12)\n\tat com.networknt.Foo.baz(Foo.java:34)',
    );
    assert.equal(utf8(r.events.message, 2), 'third');
    assert.equal(r.events.timeMs[0], Date.UTC(2024, 5, 28, 16, 43, 7, 0));
  });

  it('drops continuation lines, or keeps each as an event with the time and level of the event above', () => {
    const drop = ok(readLogFile({ path: path('plain.log'), trimLines: 0, runEpochSec: EPOCH, continuation: 'drop' }));
    assert.equal(drop.events.count, 3);
    assert.deepEqual(drop.counts.continuation, { merged: 0, dropped: 3, kept: 0 });
    assert.equal(utf8(drop.events.message, 1), 'ApiException');
    const keep = ok(readLogFile({ path: path('plain.log'), trimLines: 0, runEpochSec: EPOCH, continuation: 'keep' }));
    assert.equal(keep.events.count, 6);
    assert.deepEqual(keep.counts.continuation, { merged: 0, dropped: 0, kept: 3 });
    assert.equal(utf8(keep.events.message, 1), 'ApiException');
    assert.equal(utf8(keep.events.message, 2), 'com.networknt.exception.ApiException: {"statusCode":404}');
    assert.equal(utf8(keep.events.message, 4), '\tat com.networknt.Foo.baz(Foo.java:34)');
    for (const i of [2, 3, 4]) {
      assert.equal(keep.events.timeMs[i], Date.UTC(2024, 5, 28, 16, 43, 7, 100), `time of kept row ${i}`);
      assert.equal(keep.events.level[i], 4, `level (ERROR) of kept row ${i}`);
      for (const f of ['thread', 'cId', 'logger', 'method'] as const) assert.equal(utf8(keep.events[f], i), '', f);
    }
    assert.equal(utf8(keep.events.thread, 5), 'XNIO-1 task-1');
    assert.equal(utf8(keep.events.message, 5), 'third');
  });

  it('skips a continuation line with no event above it under every policy', () => {
    for (const continuation of ['merge', 'drop', 'keep'] as const) {
      const r = ok(readLogFile({ path: path('orphan.log'), trimLines: 0, runEpochSec: EPOCH, continuation }));
      assert.equal(r.events.count, 1, continuation);
      assert.deepEqual(r.counts.skipped, { 'orphan-continuation': 1 }, continuation);
      assert.deepEqual(r.counts.continuation, { merged: 0, dropped: 0, kept: 0 }, continuation);
    }
  });

  it('marks the events whose first physical line the fault-lines file lists, per policy', () => {
    // Line 2 is the ApiException event's own line, 4 a stack frame of it, 6 the third event.
    writeTree(dir, { 'plain.log.faults': '2\n4\n', 'frame.log.faults': '4', 'none.log.faults': '' });
    const faults = (name: string, continuation: 'merge' | 'drop' | 'keep', trimLines = 0) => {
      const r = ok(
        readLogFile({ path: path('plain.log'), trimLines, runEpochSec: EPOCH, continuation, faults: path(name) }),
      );
      return [...r.events.faultEvents!];
    };
    assert.deepEqual(faults('plain.log.faults', 'merge'), [1]);
    assert.deepEqual(faults('plain.log.faults', 'drop'), [1]);
    assert.deepEqual(faults('plain.log.faults', 'keep'), [1, 3]);
    // A listed stack frame alone makes no fault event when it is merged into its event or dropped.
    assert.deepEqual(faults('frame.log.faults', 'merge'), []);
    assert.deepEqual(faults('frame.log.faults', 'keep'), [3]);
    assert.deepEqual(faults('none.log.faults', 'keep'), []);
    // Physical line numbers count the trimmed lines: with line 1 trimmed, line 2 is event 0 and line 4
    // event 2; with lines 1–2 trimmed, lines 3–5 have no event above them (orphans) and none is marked.
    assert.deepEqual(faults('plain.log.faults', 'keep', 1), [0, 2]);
    assert.deepEqual(faults('plain.log.faults', 'keep', 2), []);
    assert.equal(ok(read('plain.log')).events.faultEvents, null);
  });

  it('reports a fault-lines file that is missing, malformed or lists lines past the end, naming it', () => {
    writeTree(dir, {
      'bad.faults': '2\nthree\n',
      'order.faults': '4\n2\n',
      'zero.faults': '0\n',
      'past.faults': '2\n7\n',
    });
    for (const [name, message] of [
      ['bad.faults', /bad\.faults:2: "three" is not a line number/],
      ['order.faults', /order\.faults:2: line 2 after 4/],
      ['zero.faults', /zero\.faults:1: "0" is not a line number/],
      ['past.faults', /past\.faults: lists line 7, but .*plain\.log has 6 lines/],
      ['missing.faults', /cannot read the fault-lines file .*missing\.faults: ENOENT/],
    ] as const) {
      const r = readLogFile({ path: path('plain.log'), trimLines: 0, runEpochSec: EPOCH, faults: path(name) });
      assert.equal(r.state, 'bad-truth', name);
      const bad = r as Extract<FileResult, { state: 'bad-truth' }>;
      assert.equal(bad.file, path(name));
      assert.match(bad.error, message);
      assert.ok(bad.hint.length > 0);
    }
  });

  it('reads a last line without a newline, CRLF files and a BOM the same as plain LF', async () => {
    const plain = ok(await read('plain.log'));
    for (const name of ['nofinalnewline.log', 'crlf.log', 'bom.log']) {
      const r = ok(await read(name));
      assert.deepEqual(r.events.message, plain.events.message, name);
    }
    assert.equal(ok(await read('crlf.log')).counts.crlf, 6);
    assert.equal(ok(await read('bom.log')).counts.bom, 1);
  });

  it('reads .gz files transparently and reports a corrupt one', async () => {
    const r = ok(await read('ok.log.gz'));
    assert.equal(r.events.count, 3);
    const bad = await read('bad.log.gz');
    assert.equal(bad.state, 'failed');
    assert.match((bad as { error: string }).error, /not a valid gzip file/);
  });

  it('counts unparseable lines per reason instead of dropping them silently', async () => {
    const r = ok(await read('bad.log'));
    assert.equal(r.events.count, 2);
    assert.deepEqual(r.counts.skipped, { 'no-timestamp': 1, empty: 1, 'bad-level': 1 });
  });

  it('counts a continuation line with no event before it as orphan', async () => {
    const r = ok(await read('orphan.log'));
    assert.equal(r.events.count, 1);
    assert.deepEqual(r.counts.skipped, { 'orphan-continuation': 1 });
  });

  it('rolls over to the next day when a run crosses midnight', async () => {
    const r = ok(await read('midnight.log', 0, Date.UTC(2024, 5, 28, 23, 59, 0) / 1000));
    assert.equal(r.events.timeMs[0], Date.UTC(2024, 5, 28, 23, 59, 59, 900));
    assert.equal(r.events.timeMs[1], Date.UTC(2024, 5, 29, 0, 0, 0, 100));
  });

  it('trims the first N physical lines (0 allowed)', async () => {
    assert.equal(ok(await read('trim.log', 0)).events.count, 10);
    const r = ok(await read('trim.log', 4));
    assert.equal(r.events.count, 6);
    assert.equal(r.counts.trimmed, 4);
    assert.equal(utf8(r.events.message, 0), 'n4');
    assert.equal(ok(await read('trim.log', 100)).events.count, 0);
  });

  it('keeps lines with invalid UTF-8, replacing the bytes, and counts them', async () => {
    const r = ok(await read('latin.log'));
    assert.equal(r.events.count, 1);
    assert.equal(r.counts.invalidUtf8, 1);
    assert.equal(utf8(r.events.message, 0), 'caf\uFFFD\uFFFD');
  });

  it('returns an empty result for an empty file and a failure for unreadable paths', async () => {
    const empty = ok(await read('empty.log'));
    assert.equal(empty.events.count, 0);
    const isDir = await read('adir.log');
    assert.deepEqual(isDir, { state: 'failed', path: path('adir.log'), error: 'is a directory, expected a log file' });
    const missing = await read('missing.log');
    assert.equal(missing.state, 'failed');
  });

  it('reads files larger than its first room in the kernel, plain, gzipped and not ASCII, as the plain reader does', () => {
    // 3.6 MB: more than the 1 MB the reader first makes room for, so the room grows mid-file.
    const real = readFileSync(realSamplePath());
    const nonAscii = Buffer.concat([real, Buffer.from(`${line('23:59:59.000', 'café ☕')}\n`)]);
    writeTree(dir, { 'big.log': real, 'big.log.gz': gzipSync(real), 'big-utf8.log': nonAscii });
    const task = { trimLines: 100, runEpochSec: EPOCH };
    const want = (bytes: Buffer) => ({ ...parseLogBytes(bytes, task, 'plain'), bytes: 0, path: '' });
    for (const [name, bytes] of [
      ['big.log', real],
      ['big.log.gz', real],
      ['big-utf8.log', nonAscii],
      ['plain.log', readFileSync(path('plain.log'))],
    ] as const) {
      const { normalized: _, ...got } = ok(read(name, 100));
      const { normalized: __, ...expected } = ok(want(bytes) as FileResult);
      assert.deepEqual({ ...got, bytes: 0, path: '' }, expected, name);
    }
  });

  it('gives each distinct normalised message one local id', async () => {
    const r = ok(await read('trim.log'));
    // n0..n9 normalise to `n<NUM>`? No: `n0` is a word, digits inside words are kept.
    assert.equal(r.normalized.length, 10);
    assert.deepEqual([...r.events.localMessageId], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('the WebAssembly kernel for ASCII files', () => {
  /**
   * Every continuation policy, and fault lines: every 7th physical line (so some land on events'
   * first lines, some on continuation and skipped lines, some past the file's end).
   */
  const both = (bytes: Buffer, trimLines: number, runEpochSec: number | null) => {
    const lines = bytes.length === 0 ? 0 : bytes.toString('latin1').split('\n').length;
    const faultLines = Int32Array.from({ length: Math.ceil((lines + 3) / 7) }, (_, i) => 3 + 7 * i);
    for (const continuation of CONTINUATION_POLICIES) {
      for (const task of [
        { trimLines, runEpochSec, continuation },
        { trimLines, runEpochSec, continuation, faultLines },
      ]) {
        const kernel = parseLogBytes(bytes, task);
        assert.deepEqual(
          kernel,
          parseLogBytes(bytes, task, 'plain'),
          `${continuation}, faults ${'faultLines' in task}`,
        );
        assert.equal(kernel.events.faultEvents === null, !('faultLines' in task));
      }
    }
  };

  it('reads the real token log exactly as the plain reader does, with and without trimming', () => {
    const real = readFileSync(realSamplePath());
    for (const trim of [0, 100, 5000]) both(real, trim, 1_700_000_000);
  });

  it('makes room when the distinct normalised messages outgrow the first guess (numbers become <NUM>)', () => {
    // Every message distinct, each lone digit five bytes once normalised: ≈ 1.5× the file's bytes,
    // beyond the kernel's first room (a quarter of the file plus the longest message's growth).
    const word = (i: number) =>
      [...i.toString(26)].map((c) => String.fromCharCode(97 + Number.parseInt(c, 26))).join('');
    const lines = Array.from({ length: 400 }, (_, i) => line('12:00:00.000', `w${word(i)} ${'7 '.repeat(40)}`));
    both(Buffer.from(`${lines.join('\n')}\n`, 'latin1'), 0, 1_700_000_000);
  });

  it('agrees on seeded garbage: bad lines of every kind, continuations, blank lines, midnight, long tokens', () => {
    const rng = seedrandom('kernel fuzz');
    const good = (t: string) =>
      `${t} [XNIO-1 task-2]  AbCdEfGhIjKlMnOpQrSt01 DEBUG c.n.openapi.ApiNormalisedPath handle - `;
    const pieces = [
      `${good('12:34:56.789')}normalised = /oauth2/token`,
      `${good('23:59:59.999')}code = keNUio1dQP-rs6SyE15iUw 10.0.0.12:5701 3.5`,
      `${good('00:00:01.000')}refreshToken = 96bce40c-3e1e-41df-ac31-34e16e0a46b8`,
      '12:34:56.789 [XNIO-1 task-2]  cid INFO  c.n.Foo bar - x 1',
      '12:34:56.789 [XNIO-1 task-2]  cid WARN c.n.Foo bar -',
      '\tat com.x.Y.z(Y.java:12)',
      'com.x.FooException: bad',
      'Caused by: java.io.IOException',
      '',
      '   ',
      'garbage line',
      '99:99:99.999 [x] a b INFO l m - q',
      '12:34:56.789 [',
      '12:34:56.789 [t]  c NOPE l m - x',
      '12:34:56.789 [t]  c INFO l m -x',
      '12:34:56.789 [t]  c INFO l',
      `${good('01:02:03.004')}${'a'.repeat(3000)}-b 7`,
    ];
    for (let k = 0; k < 300; k++) {
      const lines = Array.from({ length: Math.floor(rng() * 200) }, () => pieces[Math.floor(rng() * pieces.length)]);
      const text = lines.join('\n') + (rng() < 0.5 ? '\n' : '');
      both(Buffer.from(text, 'latin1'), Math.floor(rng() * 4), rng() < 0.2 ? null : 1_700_000_000 + k * 977);
    }
  });
});
