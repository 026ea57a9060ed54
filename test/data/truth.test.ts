import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import seedrandom from 'seedrandom';
import { ingest } from '../../harness/data/ingest.ts';
import { faultLinesFileOf, runDirName, TRUTH_FORMAT, TRUTH_MANIFEST } from '../../harness/data/lo2/constants.ts';
import { discover } from '../../harness/data/lo2/discover.ts';
import type { ContinuationPolicy } from '../../harness/data/lo2/read-file.ts';
import { faultEventsOf, parseFaultLines, readTruthManifest } from '../../harness/data/lo2/truth.ts';
import { readSequenceBags, readSequenceMeta } from '../../harness/data/read.ts';
import { BenchError } from '../../harness/errors/index.ts';
import { line, tempDir, writeTree } from '../helpers/fixtures.ts';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const POLICIES: readonly ContinuationPolicy[] = ['merge', 'drop', 'keep'];
const ERROR_CASE = 'access_token_client_secret_wrong_401';
const TRIM = 3;

/** A log of `n` physical lines: events, exceptions with stack frames, blank and garbage lines. */
function logLines(rng: () => number, n: number): string[] {
  const out: string[] = [];
  let second = 0;
  const time = () => {
    second += 1;
    return `16:${String(30 + Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.${String(Math.floor(rng() * 1000)).padStart(3, '0')}`;
  };
  // The first lines may be stack frames: continuation lines with no event above them.
  if (rng() < 0.5) out.push('\tat com.networknt.Foo.bar(Foo.java:1)');
  while (out.length < n) {
    const r = rng();
    if (r < 0.12) {
      out.push(line(time(), 'ApiException', 'ERROR', 'c.n.o.t.h.Oauth2TokenPostHandler'));
      out.push('com.networknt.exception.ApiException: {"statusCode":401,"code":"ERR12007"}');
      for (let f = Math.floor(rng() * 4); f >= 0; f--)
        out.push(`\tat com.networknt.Handler.h${f}(Handler.java:${f + 10})`);
    } else if (r < 0.14) out.push('');
    else if (r < 0.16) out.push('garbage without a timestamp');
    else out.push(line(time(), `normalised = /oauth2/token/${Math.floor(rng() * 5)}`));
  }
  return out.slice(0, n);
}

type Kind = 'event' | 'continuation' | 'skip';
/** How a physical line of the fixtures reads, told apart by its first characters only. */
const kindOf = (l: string): Kind =>
  /^\d\d:\d\d:\d\d\.\d{3} \[/.test(l) ? 'event' : l.startsWith('\t') || l.startsWith('com.') ? 'continuation' : 'skip';

/**
 * What the loader should make of a file, counted line by line: per event, whether it is a fault
 * event (its own first physical line is listed).
 */
function expectedFaults(lines: readonly string[], listed: ReadonlySet<number>, policy: ContinuationPolicy): boolean[] {
  const events: boolean[] = [];
  lines.forEach((l, i) => {
    const n = i + 1;
    if (n <= TRIM) return;
    const kind = kindOf(l);
    if (kind === 'event') events.push(listed.has(n));
    else if (kind === 'continuation' && events.length > 0 && policy === 'keep') events.push(listed.has(n));
  });
  return events;
}

describe('ground truth of a generated tree', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const root = join(dir, 'tree');
  /** Log path → its physical lines and listed fault lines. */
  const logs = new Map<string, { lines: string[]; listed: Set<number> }>();

  before(() => {
    const rng = seedrandom('truth fixture');
    const spec: Record<string, string> = {};
    for (let r = 0; r < 3; r++) {
      const run = runDirName(1_719_592_986 + r * 3600);
      for (const testCase of ['correct', ERROR_CASE]) {
        for (const service of ['code', 'token']) {
          const rel = `${run}/${testCase}/light-oauth2-oauth2-${service}-1.log`;
          const lines = logLines(rng, 40 + Math.floor(rng() * 40));
          // Faults only in the error case's target service, and one such file with none listed.
          const listed = new Set<number>();
          if (testCase === ERROR_CASE && service === 'token' && r > 0)
            for (let i = 1; i <= lines.length; i++) if (rng() < 0.2) listed.add(i);
          logs.set(join(root, rel), { lines, listed });
          spec[rel] = `${lines.join('\n')}\n`;
          spec[`${rel}.faults`] = [...listed].map((n) => `${n}\n`).join('');
        }
      }
    }
    spec[TRUTH_MANIFEST] = JSON.stringify({ format: TRUTH_FORMAT, faults: 'injected' });
    writeTree(root, spec);
  });

  const run = (policy: ContinuationPolicy, cacheDir: string, workers = 0, at = root) =>
    ingest(at, {
      cacheDir: join(dir, cacheDir),
      workers,
      trimLines: TRIM,
      continuation: policy,
      selection: { services: ['code', 'token'] },
    });

  for (const policy of POLICIES) {
    it(`marks fault events and counts fault lines per sequence (continuation: ${policy})`, async () => {
      const s = await run(policy, `c-${policy}`);
      const files = (await discover(root, { services: ['code', 'token'] })).files;
      const want = files.map((f) => ({
        seqId: f.seqId,
        faults: expectedFaults(logs.get(f.path)!.lines, logs.get(f.path)!.listed, policy),
      }));
      const events = tableFromIPC(readFileSync(join(s.dir, 'events.arrow')));
      assert.equal(events.getChild('fault')!.nullCount, 0);
      assert.deepEqual(
        [...events.getChild('fault')!],
        want.flatMap((w) => w.faults),
      );
      assert.deepEqual(
        [...events.getChild('seq_id')!],
        want.flatMap((w) => w.faults.map(() => w.seqId)),
      );
      const faultLines = want.map((w) => w.faults.filter(Boolean).length);
      const seqs = tableFromIPC(readFileSync(join(s.dir, 'sequences.arrow')));
      assert.deepEqual([...seqs.getChild('fault_lines')!], faultLines);
      assert.deepEqual(
        readSequenceMeta(s.dir).map((m) => m.faultLines),
        faultLines,
      );
      assert.deepEqual(
        readSequenceBags(s.dir, 'words').sequences.map((b) => b.faultLines),
        faultLines,
      );
      const listedLines = [...logs.values()].reduce((a, l) => a + l.listed.size, 0);
      assert.deepEqual(s.truth, {
        faults: 'injected',
        listedLines,
        faultEvents: faultLines.reduce((a, b) => a + b, 0),
        faultSequences: faultLines.filter((n) => n > 0).length,
      });
      // Not vacuous: some events are fault events, in more than one sequence.
      assert.ok(s.truth!.faultEvents > 0 && s.truth!.faultSequences >= 2);
    });
  }

  it('keeps more fault events than it merges (listed stack frames become fault events)', async () => {
    const [merge, keep] = [await run('merge', 'c-merge'), await run('keep', 'c-keep')];
    assert.ok(keep.truth!.faultEvents > merge.truth!.faultEvents);
  });

  it('writes the same tables with 0 and 2 reader threads, and Parquet copies with the truth', async () => {
    const a = await run('keep', 'w0', 0);
    const b = await run('keep', 'w2', 2);
    for (const t of ['events.arrow', 'sequences.arrow', 'messages.arrow', 'templates.arrow'])
      assert.equal(sha(join(a.dir, t)), sha(join(b.dir, t)), t);
    const p = await ingest(root, {
      cacheDir: join(dir, 'w0'),
      workers: 0,
      trimLines: TRIM,
      continuation: 'keep',
      selection: { services: ['code', 'token'] },
      parquet: true,
    });
    const events = tableFromIPC(readFileSync(join(a.dir, 'events.arrow')));
    const file = readFileSync(join(p.dir, p.files.parquet!.events!));
    const rows = await parquetReadObjects({
      file: file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer,
      columns: ['fault'],
    });
    assert.deepEqual(
      rows.map((r) => r.fault),
      [...events.getChild('fault')!],
    );
    const seqFile = readFileSync(join(p.dir, p.files.parquet!.sequences!));
    const seqRows = await parquetReadObjects({
      file: seqFile.buffer.slice(seqFile.byteOffset, seqFile.byteOffset + seqFile.length) as ArrayBuffer,
      columns: ['fault_lines'],
    });
    assert.deepEqual(
      seqRows.map((r) => r.fault_lines),
      readSequenceMeta(a.dir).map((m) => m.faultLines),
    );
  });

  it('is never a feature: without the truth files every other column and table is the same', async () => {
    const real = join(dir, 'real');
    cpSync(root, real, { recursive: true });
    rmSync(join(real, TRUTH_MANIFEST));
    for (const path of logs.keys()) rmSync(faultLinesFileOf(path.replace(root, real)));
    for (const policy of POLICIES) {
      const withTruth = await run(policy, `f-${policy}`);
      const without = await run(policy, `f-${policy}`, 0, real);
      assert.equal(without.truth, null);
      for (const t of ['messages.arrow', 'templates.arrow'])
        assert.equal(sha(join(withTruth.dir, t)), sha(join(without.dir, t)), `${t} (${policy})`);
      for (const table of ['events.arrow', 'sequences.arrow']) {
        const a = tableFromIPC(readFileSync(join(withTruth.dir, table)));
        const b = tableFromIPC(readFileSync(join(without.dir, table)));
        const truthColumn = table === 'events.arrow' ? 'fault' : 'fault_lines';
        assert.equal(b.getChild(truthColumn)!.nullCount, b.numRows, `${truthColumn} is null for a real tree`);
        for (const f of a.schema.fields) {
          if (f.name === truthColumn || f.name === 'seq_id' || f.name === 'run') continue;
          assert.deepEqual(
            JSON.stringify([...a.getChild(f.name)!]),
            JSON.stringify([...b.getChild(f.name)!]),
            `${table} ${f.name} (${policy})`,
          );
        }
      }
      assert.ok(readSequenceMeta(without.dir).every((m) => m.faultLines === null));
    }
  });

  it('reads a null dataset (faults: none) as truth with no fault events', async () => {
    const none = join(dir, 'none');
    cpSync(root, none, { recursive: true });
    writeFileSync(join(none, TRUTH_MANIFEST), JSON.stringify({ format: TRUTH_FORMAT, faults: 'none' }));
    for (const path of logs.keys()) writeFileSync(faultLinesFileOf(path.replace(root, none)), '');
    const s = await run('merge', 'none', 0, none);
    assert.deepEqual(s.truth, { faults: 'none', listedLines: 0, faultEvents: 0, faultSequences: 0 });
    const events = tableFromIPC(readFileSync(join(s.dir, 'events.arrow')));
    assert.equal(events.getChild('fault')!.nullCount, 0);
    assert.ok([...events.getChild('fault')!].every((v) => v === false));
    assert.ok(readSequenceMeta(s.dir).every((m) => m.faultLines === 0));
  });

  it('keys the cache on the fault-lines files, the manifest and the continuation policy', async () => {
    const copy = join(dir, 'keyed');
    cpSync(root, copy, { recursive: true });
    const first = await run('merge', 'keyed', 0, copy);
    assert.equal((await run('merge', 'keyed', 0, copy)).cacheHit, true);
    assert.notEqual((await run('drop', 'keyed', 0, copy)).key, first.key);
    const someLog = [...logs.keys()].find((p) => logs.get(p)!.listed.size === 0)!.replace(root, copy);
    appendFileSync(faultLinesFileOf(someLog), '5\n');
    const edited = await run('merge', 'keyed', 0, copy);
    assert.equal(edited.cacheHit, false);
    assert.notEqual(edited.key, first.key);
    writeFileSync(join(copy, TRUTH_MANIFEST), JSON.stringify({ format: TRUTH_FORMAT, faults: 'none' }));
    assert.notEqual((await run('merge', 'keyed', 0, copy)).key, edited.key);
  });

  it('stops with a data error naming a missing or malformed fault-lines file, whoever read it', async () => {
    const broken = join(dir, 'broken');
    cpSync(root, broken, { recursive: true });
    const paths = [...logs.keys()].map((p) => p.replace(root, broken));
    const missing = faultLinesFileOf(paths[3]!);
    rmSync(missing);
    const isDataError = (file: string, message: RegExp) => (err: unknown) => {
      assert.ok(err instanceof BenchError, String(err));
      assert.equal(err.kind, 'data');
      assert.equal(err.details.file, file);
      assert.match(err.message, message);
      assert.ok(err.details.hint);
      return true;
    };
    await assert.rejects(run('merge', 'broken', 0, broken), isDataError(missing, /missing fault-lines file/));
    writeFileSync(missing, '');
    const malformed = faultLinesFileOf(paths[7]!);
    writeFileSync(malformed, '3\n2\n');
    for (const workers of [0, 2])
      await assert.rejects(
        run('merge', `broken${workers}`, workers, broken),
        isDataError(malformed, /line 2 after 3 \(line numbers must be strictly ascending\)/),
      );
    writeFileSync(malformed, '');
    writeFileSync(join(broken, TRUTH_MANIFEST), '{"format":"lo2-bench-truth/0","faults":"injected"}');
    await assert.rejects(run('merge', 'broken', 0, broken), isDataError(join(broken, TRUTH_MANIFEST), /format/));
  });

  it('rejects an unknown continuation policy as a usage error', async () => {
    await assert.rejects(run('squash' as ContinuationPolicy, 'bad'), (err: unknown) => {
      assert.ok(err instanceof BenchError);
      assert.equal(err.kind, 'usage');
      assert.equal(err.details.field, 'continuation');
      return true;
    });
  });
});

describe('fault-lines files and the manifest', () => {
  it('parse ascending positive line numbers, with or without a final newline', () => {
    assert.deepEqual([...parseFaultLines('', 'x')], []);
    assert.deepEqual([...parseFaultLines('1\n5\n90', 'x')], [1, 5, 90]);
    assert.deepEqual([...parseFaultLines('1\n5\n90\n', 'x')], [1, 5, 90]);
    for (const bad of ['\n', '1\n\n2\n', '-1\n', '1.5\n', '2\n2\n', ' 3\n', '3\r\n', '99999999999\n'])
      assert.throws(
        () => parseFaultLines(bad, '/t/x.log.faults'),
        /^Error: \/t\/x\.log\.faults:\d+: /,
        JSON.stringify(bad),
      );
  });

  it('map listed lines to the events that start on them', () => {
    const lineNos = Int32Array.from([2, 3, 7, 8, 12]);
    assert.deepEqual([...faultEventsOf(lineNos, Int32Array.from([1, 3, 4, 12, 13]))], [1, 4]);
    assert.deepEqual([...faultEventsOf(lineNos, new Int32Array(0))], []);
    assert.deepEqual([...faultEventsOf(new Int32Array(0), Int32Array.from([1]))], []);
  });

  it('read the manifest, or null when the tree has none; a bad one is a data error naming it', () => {
    const { dir, cleanup } = tempDir();
    try {
      assert.equal(readTruthManifest(dir), null);
      for (const [text, message] of [
        ['{', /not valid JSON/],
        ['{"format":"x","faults":"injected"}', /format "x", expected "lo2-bench-truth\/1"/],
        [`{"format":"${TRUTH_FORMAT}","faults":"some"}`, /faults "some", expected "injected" or "none"/],
      ] as const) {
        writeFileSync(join(dir, TRUTH_MANIFEST), text);
        assert.throws(
          () => readTruthManifest(dir),
          (err: unknown) =>
            err instanceof BenchError && err.details.file === join(dir, TRUTH_MANIFEST) && message.test(err.message),
        );
      }
      writeFileSync(join(dir, TRUTH_MANIFEST), `{"format":"${TRUTH_FORMAT}","faults":"none"}`);
      assert.deepEqual(readTruthManifest(dir), { path: join(dir, TRUTH_MANIFEST), faults: 'none' });
    } finally {
      cleanup();
    }
  });
});
