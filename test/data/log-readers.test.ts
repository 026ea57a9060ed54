/**
 * The two LogReaders against each other: the kernel reader (WebAssembly for ASCII files, byte
 * offsets for the rest, reused buffers) and the plain reader (strings first, then columns) must
 * give the same columns and counts for any file, under every continuation policy.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import { discover } from '../../harness/data/lo2/discover.ts';
import { CONTINUATION_POLICIES, type FileResult, type FileTask } from '../../harness/data/lo2/read-file.ts';
import { openLogReader } from '../../harness/data/log-reader.ts';
import { generateSynth } from '../../harness/data/synth/index.ts';
import { line, tempDir } from '../helpers/fixtures.ts';

/** Hand-made lines the generator never writes: continuations, non-ASCII, malformed, blank, stray bytes. */
const ODD_LINES: readonly (string | Buffer)[] = [
  '\tat com.networknt.oauth.token.handler.Oauth2TokenPostHandler.handleRequest(Oauth2TokenPostHandler.java:92)',
  '\t... 12 more',
  'Caused by: java.sql.SQLException: connection refused',
  'com.networknt.exception.ApiException: ERR12001 invalid client',
  'java.lang.IllegalStateException',
  line('12:00:00.000', 'café ☕ naïve 日本語 😀 token=é9ß'),
  line('12:00:00.001', 'Ünïcödé logger', 'INFO', 'c.n.ö.Handler'),
  '\tat ça.été.Façade.run(Façade.java:7)',
  'garbage line',
  '',
  '   \t ',
  '\r',
  '99:99:99.999 [x] a b INFO l m - q',
  '12:34:56.789 [',
  '12:34:56.789 [t]  c NOPE l m - x',
  '12:34:56.789 [t]  c INFO l m -x',
  '12:34:56.789 [t]  c INFO l',
  '12:34:56.789 [t]  c WARN l m -',
  '12:00:00.000é',
  '23:59:59.999 [XNIO-1 task-9]  cid ERROR c.n.Foo bar - just before midnight',
  '00:00:00.001 [XNIO-1 task-9]  cid INFO  c.n.Foo bar - just after midnight',
  '12:00:00.000 [t]  c INFO l m - a\rb lone CR inside',
  '\uFEFF12:00:00.000 [t]  c INFO l m - a BOM inside the file',
  Buffer.from([0x31, 0x32, 0xff, 0xfe, 0x20, 0x61]), // invalid UTF-8
  Buffer.concat([Buffer.from(line('12:00:00.002', 'cut ')), Buffer.from([0xe6, 0x97])]), // a truncated character
];

/** A seeded LO2-like file: a slice of a generated log, hand-made lines mixed in, line endings varied. */
function mixedFile(rng: () => number, logs: readonly string[][]): Buffer {
  const source = logs[Math.floor(rng() * logs.length)]!;
  const from = Math.floor(rng() * source.length);
  const lines: (string | Buffer)[] = source.slice(from, from + Math.floor(rng() * 150));
  const odd = rng() < 0.8 ? Math.floor(rng() * 30) : 0;
  for (let k = 0; k < odd; k++)
    lines.splice(Math.floor(rng() * (lines.length + 1)), 0, ODD_LINES[Math.floor(rng() * ODD_LINES.length)]!);
  const crlf = rng();
  const parts: Buffer[] = rng() < 0.15 ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  lines.forEach((l, i) => {
    parts.push(Buffer.isBuffer(l) ? l : Buffer.from(l, 'utf8'));
    const last = i === lines.length - 1;
    if (!last || rng() < 0.5) parts.push(Buffer.from(crlf < 0.2 || (crlf < 0.4 && rng() < 0.5) ? '\r\n' : '\n'));
  });
  return Buffer.concat(parts);
}

/**
 * Fault lines for a file: a seeded few of its physical lines (some on events, some not), and now
 * and then one past its end (a fault-lines file of another log: bad truth for both readers).
 */
function faultLinesFor(rng: () => number, bytes: Buffer): string {
  const text = bytes.toString('latin1');
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const listed: number[] = [];
  for (let n = 1; n <= lines; n++) if (rng() < 0.1) listed.push(n);
  if (rng() < 0.05) listed.push(lines + 1);
  return listed.map((n) => `${n}\n`).join('');
}

describe('the kernel and plain LogReaders', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const tree = join(dir, 'tree');
  /** The generated tree's logs as lines, and their tasks as the ingest makes them (with the truth). */
  let logs: string[][] = [];
  let generated: FileTask[] = [];
  before(async () => {
    await generateSynth({ outDir: tree, preset: 'tiny', runs: 3, seed: 11 });
    const found = await discover(tree);
    generated = found.files.map((f) => ({
      path: f.path,
      runEpochSec: f.runEpochSec,
      trimLines: 0,
      faults: f.faults?.path ?? null,
    }));
    logs = found.files.map((f) => readFileSync(f.path, 'utf8').split('\n'));
  });

  it('give the same columns and counts for generated, hand-made and seeded mixed files, plain and gzipped, under every policy', () => {
    const rng = seedrandom('log readers');
    const tasks: FileTask[] = [...generated];
    const write = (name: string, bytes: Buffer, faults: string | null) => {
      const path = join(dir, name);
      writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      const faultsPath = faults === null ? null : `${path}.faults`;
      if (faultsPath) writeFileSync(faultsPath, faults!);
      const runEpochSec = rng() < 0.2 ? null : 1_719_592_986 + Math.floor(rng() * 86_400);
      tasks.push({ path, runEpochSec, trimLines: Math.floor(rng() * 4), faults: faultsPath });
    };
    write('empty.log', Buffer.alloc(0), null);
    write('empty.log.gz', Buffer.alloc(0), '');
    write('bom-only.log', Buffer.from([0xef, 0xbb, 0xbf]), null);
    write('odd-lines.log', Buffer.from(`${ODD_LINES.map(String).join('\n')}\n`), null);
    for (let k = 0; k < 160; k++) {
      const bytes = mixedFile(rng, logs);
      write(`mixed-${k}.log${rng() < 0.25 ? '.gz' : ''}`, bytes, rng() < 0.5 ? faultLinesFor(rng, bytes) : null);
    }
    const kernel = openLogReader('kernel');
    const plain = openLogReader('plain');
    /** What the files exercised, so that the comparison cannot pass by reading nothing of interest. */
    const seen = new Map<string, number>();
    const count = (what: string, n: number) => seen.set(what, (seen.get(what) ?? 0) + n);
    for (const task of tasks) {
      for (const continuation of CONTINUATION_POLICIES) {
        const t = { ...task, continuation };
        const want = plain.read(t);
        const got = kernel.read(t);
        assert.deepEqual(got, want, `${task.path} (${continuation}, trim ${task.trimLines})`);
        count(got.state, 1);
        if (got.state === 'read') {
          const c = got.counts;
          count('events', got.events.count);
          count('gz', task.path.endsWith('.gz') ? got.events.count : 0);
          count('non-ASCII messages', got.events.message.data.some((b) => b > 0x7f) ? 1 : 0);
          for (const [what, n] of Object.entries({ ...c.continuation, ...c.skipped })) count(what, n);
          for (const what of ['trimmed', 'crlf', 'bom', 'invalidUtf8'] as const) count(what, c[what]);
          count('fault events', got.events.faultEvents?.length ?? 0);
        }
        // The kernel reader may reuse a result's buffer once it is released: the next file overwrites it.
        kernel.release(buffersOf(got));
      }
    }
    kernel.close();
    const wanted = [
      ...['read', 'bad-truth', 'events', 'gz', 'non-ASCII messages', 'merged', 'dropped', 'kept'],
      ...['no-timestamp', 'bad-thread', 'bad-level', 'no-message-separator', 'orphan-continuation', 'empty'],
      ...['trimmed', 'crlf', 'bom', 'invalidUtf8', 'fault events'],
    ];
    for (const what of wanted) assert.ok((seen.get(what) ?? 0) > 0, `no file exercised ${what}`);
    assert.ok(seen.get('events')! > 10_000, `only ${seen.get('events')} events read`);
  });
});

function buffersOf(r: FileResult): ArrayBuffer[] {
  return r.state === 'read' ? [r.events.timeMs.buffer as ArrayBuffer] : [];
}
