import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { ingest } from '../../harness/data/ingest.ts';
import type { Utf8Column } from '../../harness/data/io/utf8.ts';
import { discover } from '../../harness/data/lo2/discover.ts';
import { parseLogBytes } from '../../harness/data/log-reader.ts';
import { autoWorkers } from '../../harness/data/read-schedule.ts';
import { generateSynth } from '../../harness/data/synth/generate.ts';
import { realSamplePath, tempDir, writeTree } from '../helpers/fixtures.ts';

const REAL = readFileSync(realSamplePath(), 'utf8').split('\n');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const TABLES = ['events.arrow', 'sequences.arrow', 'messages.arrow', 'templates.arrow'];

describe('ingest', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const root = join(dir, 'tree');

  before(() => {
    const spec: Record<string, string> = {};
    for (let r = 0; r < 3; r++) {
      const run = `light-oauth2-data-${1_719_592_986 + r * 3600}`;
      const slice = REAL.slice(r * 400, r * 400 + 300);
      spec[`${run}/correct/light-oauth2-oauth2-token-1.log`] = `${slice.join('\n')}\n`;
      const err = [
        ...slice.slice(0, 150),
        '16:29:42.425 [XNIO-1 task-2]  9lZs5u4cSx6GOlZOowR-bQ ERROR c.n.h.LightHttpHandler setExchangeStatus - {"statusCode":404,"code":"ERR12014","message":"CLIENT_NOT_FOUND"}',
        'com.networknt.exception.ApiException: {"statusCode":404,"code":"ERR12014"}',
        '\tat com.networknt.oauth.token.handler.Oauth2TokenPostHandler.handleRequest(Oauth2TokenPostHandler.java:101)',
        'this line is garbage',
        ...slice.slice(150),
      ];
      spec[`${run}/access_token_client_id_not_found_404/light-oauth2-oauth2-token-1.log`] = `${err.join('\n')}\n`;
    }
    writeTree(root, spec);
  });

  it('writes events, sequences, messages and templates with LogLead column names', async () => {
    const s = await ingest(root, { cacheDir: join(dir, 'cache0'), workers: 0, trimLines: 100 });
    assert.equal(s.cacheHit, false);
    assert.equal(s.sequences, 6);
    assert.equal(s.runs, 3);
    assert.equal(s.testCases, 6);
    assert.equal(s.events, 6 * 200 + 3); // 300 lines − 100 trimmed per file, +1 ERROR event in each error file
    assert.deepEqual(s.continuation, { merged: 6, dropped: 0, kept: 0 });
    assert.equal(s.skipped['no-timestamp'], 3);

    const events = tableFromIPC(readFileSync(join(s.dir, 'events.arrow')));
    for (const col of [
      'm_message',
      'run',
      'test_case',
      'service',
      'seq_id',
      'm_time',
      'anomaly',
      'e_message_id',
      'e_event_drain_id',
      'e_chars_len',
      'e_words_len',
    ]) {
      assert.ok(events.getChild(col), `events column ${col}`);
    }
    assert.equal(events.numRows, s.events);
    const seqs = tableFromIPC(readFileSync(join(s.dir, 'sequences.arrow')));
    for (const col of [
      'seq_id',
      'run',
      'test_case',
      'service',
      'anomaly',
      'seq_len',
      'start_time',
      'end_time',
      'duration_sec',
      'e_words',
      'e_trigrams',
      'e_event_drain_id',
      'e_words_len',
      'e_trigrams_len',
    ]) {
      assert.ok(seqs.getChild(col), `sequences column ${col}`);
    }
    assert.equal(seqs.numRows, 6);
    const seqLen = [...seqs.getChild('seq_len')!].reduce((a: number, b) => a + Number(b), 0);
    assert.equal(seqLen, s.events);
    const anomalies = [...seqs.getChild('anomaly')!].filter(Boolean).length;
    assert.equal(anomalies, 3);

    // The error event keeps its stack in m_message and its tokens reach the sequence's bag.
    const messages = tableFromIPC(readFileSync(join(s.dir, 'messages.arrow')));
    const errRow = [...seqs].find((r) => r.test_case === 'access_token_client_id_not_found_404')!;
    const words = [...(errRow.e_words as Iterable<string>)];
    assert.ok(words.includes('ERR12014'), 'error code is a word of the error sequence');
    assert.ok(words.includes('CLIENT_NOT_FOUND'));
    const counts = [...(errRow.e_words_counts as Iterable<number>)];
    assert.equal(counts[words.indexOf('ERR12014')], 2);
    assert.equal([...(errRow.e_event_drain_id as Iterable<number>)].length, errRow.seq_len);
    // Every event's message id resolves in the messages table, whose counts add up to the events.
    const total = [...messages.getChild('count')!].reduce((a: number, b) => a + Number(b), 0);
    assert.equal(total, s.events);
    const stack = [...events.getChild('m_message')!].find((m) => String(m).includes('\tat com.networknt'));
    assert.ok(stack?.startsWith('{"statusCode":404'));
    assert.equal(tableFromIPC(readFileSync(join(s.dir, 'templates.arrow'))).numRows, s.templates);
  });

  it('is identical with 0 and 2 worker threads, and a second ingest is a cache hit', async () => {
    const a = await ingest(root, { cacheDir: join(dir, 'cacheA'), workers: 0 });
    const b = await ingest(root, { cacheDir: join(dir, 'cacheB'), workers: 2 });
    assert.equal(a.key, b.key);
    for (const t of TABLES) assert.equal(sha(join(a.dir, t)), sha(join(b.dir, t)), t);
    const again = await ingest(root, { cacheDir: join(dir, 'cacheA'), workers: 2 });
    assert.equal(again.cacheHit, true);
    assert.equal(again.dir, a.dir);
    const trimmedLess = await ingest(root, { cacheDir: join(dir, 'cacheA'), trimLines: 0 });
    assert.equal(trimmedLess.cacheHit, false);
    assert.notEqual(trimmedLess.key, a.key);
  });

  it('writes Parquet copies on request, also onto an existing cache entry', async () => {
    const cacheDir = join(dir, 'cacheP');
    const first = await ingest(root, { cacheDir, workers: 0 });
    assert.equal(first.files.parquet, undefined);
    const s = await ingest(root, { cacheDir, workers: 0, parquet: true });
    assert.equal(s.cacheHit, true);
    assert.ok(s.files.parquet);
    const meta = parquetMetadata(readFileSync(join(s.dir, s.files.parquet!.sequences!)).buffer);
    assert.equal(Number(meta.num_rows), 6);
    const ev = parquetMetadata(readFileSync(join(s.dir, s.files.parquet!.events!)).buffer);
    assert.equal(Number(ev.num_rows), s.events);
  });

  it('reports files it could not read, and does not serve such a result from the cache', async () => {
    const broken = join(dir, 'broken');
    writeTree(broken, {
      'light-oauth2-data-1719592986/correct/light-oauth2-oauth2-token-1.log.gz': 'not gzip',
      'light-oauth2-data-1719592986/correct/light-oauth2-oauth2-code-1.log': `${REAL.slice(0, 200).join('\n')}\n`,
    });
    const s = await ingest(broken, { cacheDir: join(dir, 'cacheX'), workers: 0 });
    assert.equal(s.failedFiles.length, 1);
    assert.match(s.failedFiles[0]!.error, /not a valid gzip file/);
    assert.equal(s.sequences, 1);
    const again = await ingest(broken, { cacheDir: join(dir, 'cacheX'), workers: 0 });
    assert.equal(again.cacheHit, false, 'a result with unreadable files is rebuilt, the files may have been fixed');
  });
});

describe('ingest over many reader tasks', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const root = join(dir, 'tree');
  // 180 files: a dozen tasks of 16 files, spread over the worker threads and the main thread.
  before(() => generateSynth({ outDir: root, preset: 'tiny', runs: 20, seed: 5 }));

  it('writes the same tables with 0, 1 and 2 reader threads', async () => {
    const runs = await Promise.all(
      [0, 1, 2].map((workers) => ingest(root, { cacheDir: join(dir, `c${workers}`), workers, trimLines: 0 })),
    );
    assert.equal(runs[0]!.sequences, 180);
    for (const t of TABLES) {
      const want = sha(join(runs[0]!.dir, t));
      for (const r of runs.slice(1)) assert.equal(sha(join(r.dir, t)), want, t);
    }
  });

  it('writes the same tables with the plain reader as with the kernel reader, and refuses an unknown one', async () => {
    const [kernel, plain, plainInWorkers] = await Promise.all([
      ingest(root, { cacheDir: join(dir, 'r-kernel'), workers: 0, trimLines: 0 }),
      ingest(root, { cacheDir: join(dir, 'r-plain'), workers: 0, trimLines: 0, reader: 'plain' }),
      ingest(root, { cacheDir: join(dir, 'r-plain-2'), workers: 2, trimLines: 0, reader: 'plain' }),
    ]);
    for (const t of TABLES) {
      assert.equal(sha(join(plain!.dir, t)), sha(join(kernel!.dir, t)), t);
      assert.equal(sha(join(plainInWorkers!.dir, t)), sha(join(kernel!.dir, t)), `${t} (2 workers)`);
    }
    await assert.rejects(
      ingest(root, { cacheDir: join(dir, 'r-x'), reader: 'fast' as never }),
      /reader must be one of kernel, plain/,
    );
  });

  it("writes every event as its file's parse, though buffers are reused from task to task", async () => {
    // Reused buffers (io/buffer-pool.ts) given back too early would put a later file's bytes here.
    for (const workers of [0, 2]) {
      const s = await ingest(root, { cacheDir: join(dir, `reuse${workers}`), workers, trimLines: 0, force: true });
      const events = tableFromIPC(readFileSync(join(s.dir, 'events.arrow')));
      const seqIds = [...events.getChild('seq_id')!] as string[];
      const messages = [...events.getChild('m_message')!] as string[];
      const times = events.getChild('m_time')!.toArray() as BigInt64Array;
      const threads = [...events.getChild('m_thread')!] as string[];
      let row = 0;
      for (const f of (await discover(root)).files) {
        const parsed = parseLogBytes(readFileSync(f.path), { trimLines: 0, runEpochSec: f.runEpochSec }, 'plain');
        assert.equal(parsed.state, 'read');
        const e = (parsed as Extract<typeof parsed, { state: 'read' }>).events;
        const text = (c: Utf8Column, i: number) => Buffer.from(c.data).toString('utf8', c.offsets[i], c.offsets[i + 1]);
        for (let i = 0; i < e.count; i++, row++) {
          assert.equal(seqIds[row], f.seqId, `row ${row}`);
          assert.equal(messages[row], text(e.message, i), `${f.seqId} event ${i} message (workers ${workers})`);
          assert.equal(threads[row], text(e.thread, i), `${f.seqId} event ${i} thread`);
          assert.equal(Number(times[row]), e.timeMs[i], `${f.seqId} event ${i} time`);
        }
      }
      assert.equal(row, events.numRows);
    }
  });

  it('stops with the error that stopped it while reads are still in flight', async () => {
    const stop = new Error('stopped by the progress callback');
    await assert.rejects(
      ingest(root, {
        cacheDir: join(dir, 'stopped'),
        workers: 2,
        onProgress: (p) => {
          if (p.filesDone === 40) throw stop;
        },
      }),
      (err) => err === stop,
    );
    // A late answer of a destroyed reader pool would surface here as an uncaught error.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});

describe('autoWorkers', () => {
  it('reads small inputs on the main thread alone, larger ones with a worker per other core, at most 4', () => {
    assert.equal(autoWorkers(69e6, 2), 0); // the standard preset
    assert.equal(autoWorkers(180e6, 2), 0);
    assert.equal(autoWorkers(716e6, 2), 1); // the large preset
    assert.equal(autoWorkers(716e6, 1), 0);
    assert.equal(autoWorkers(716e6, 16), 4);
  });
});
