/**
 * The public LO2 v2 archive's layout, read unchanged: run folders `oauth2_logs_LO2_run_<epoch>` beside
 * an empty `prerun results` folder, every service's log thinned to every 20th line (so stack frames
 * mostly lose the exception line above them, and some files start with one). LogLead pins its counts
 * for correct + access_token_client_secret_wrong_401 over all 7 services (1,589 files, 1,582
 * sequences, 2,854,867 events with continuation lines dropped, 3,746,079 kept); the archive is not
 * reachable here, so this checks the same counting, per policy, against a line-by-line count.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import seedrandom from 'seedrandom';
import { ingest } from '../../harness/data/ingest.ts';
import { SERVICES, serviceLogFileName, V2_PRERUN_FOLDER, v2RunDirName } from '../../harness/data/lo2/constants.ts';
import { discover } from '../../harness/data/lo2/discover.ts';
import type { ContinuationPolicy } from '../../harness/data/lo2/read-file.ts';
import { readSequenceMeta } from '../../harness/data/read.ts';
import { line, tempDir, writeTree } from '../helpers/fixtures.ts';

const CASE = 'access_token_client_secret_wrong_401';
const OTHER_CASE = 'get_token_404';
const RUNS = [1_719_592_986, 1_719_610_000, 1_719_650_500].map(v2RunDirName);

/** A full log as the service wrote it: requests, and exceptions with long stack traces. */
function fullLog(rng: () => number, lines: number): string[] {
  const out: string[] = [];
  let ms = 0;
  const time = () => {
    ms += 1 + Math.floor(rng() * 40);
    const s = Math.floor(ms / 1000);
    return `16:${String(30 + Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  };
  while (out.length < lines) {
    if (rng() < 0.15) {
      out.push(line(time(), 'ApiException', 'ERROR', 'c.n.o.t.h.Oauth2TokenPostHandler'));
      out.push('com.networknt.exception.ApiException: {"statusCode":401,"code":"ERR12007"}');
      const frames = 10 + Math.floor(rng() * 50);
      for (let f = 0; f < frames; f++)
        out.push(`\tat io.undertow.server.Connectors.executeRootHandler(Connectors.java:${f})`);
      if (rng() < 0.5) {
        out.push('Caused by: java.lang.IllegalStateException: client secret mismatch');
        out.push('\t... 12 more');
      }
    } else out.push(line(time(), `normalised = /oauth2/token ${Math.floor(rng() * 9)}`));
  }
  return out;
}

/** `run/case/light-oauth2-oauth2-x-1.log` → `run__case__light-oauth2-oauth2-x-1`. */
const seqIdOf = (rel: string) =>
  rel
    .replace(/\.log$/, '')
    .split('/')
    .join('__');

/** Every 20th line from a random start, as the v2 archive keeps them. */
const thinned = (full: readonly string[], rng: () => number) => {
  const from = Math.floor(rng() * 20);
  return full.filter((_, i) => i % 20 === from);
};

/** A file's lines as a reader with no parser sees them: timestamped lines are events, the rest continue one. */
function naiveCount(text: string, trim: number) {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  let events = 0;
  let continuation = 0;
  let orphans = 0;
  lines.forEach((l, i) => {
    if (i < trim) return;
    if (/^\d\d:\d\d:\d\d\.\d{3} \[/.test(l)) events++;
    else if (events === 0) orphans++;
    else continuation++;
  });
  return { events, continuation, orphans };
}

describe('the public LO2 v2 layout', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const root = join(dir, 'lo2-v2');
  /** Path (relative to root) → content of every log the selection takes. */
  const selected = new Map<string, string>();

  before(() => {
    const rng = seedrandom('v2 layout');
    const spec: Record<string, string> = {};
    for (const [r, run] of RUNS.entries()) {
      for (const testCase of ['correct', CASE, OTHER_CASE]) {
        for (const service of SERVICES) {
          const rel = `${run}/${testCase}/${serviceLogFileName(service)}`;
          let text = `${thinned(fullLog(rng, 300 + Math.floor(rng() * 900)), rng).join('\n')}\n`;
          // Two files give no sequence: an empty one, and one of stack frames only.
          if (r === 0 && testCase === 'correct' && service === 'key') text = '';
          if (r === 1 && testCase === CASE && service === 'user')
            text = '\tat com.networknt.Foo.bar(Foo.java:1)\nCaused by: java.io.IOException\n\t... 3 more\n';
          // One file starts with more frames than the trims below drop: orphans whatever the thinning kept.
          if (r === 2 && testCase === CASE && service === 'token') text = '\tat x.Y.z(Y.java:1)\n'.repeat(8) + text;
          spec[rel] = text;
          if (testCase !== OTHER_CASE) selected.set(rel, text);
        }
      }
    }
    writeTree(root, spec);
    mkdirSync(join(root, V2_PRERUN_FOLDER));
  });

  const selection = { errorCase: CASE, services: SERVICES };

  it('lists the runs as usual and the empty prerun folder as not used, with why', async () => {
    const d = await discover(root, selection);
    assert.equal(d.runsFound, RUNS.length);
    assert.equal(d.files.length, RUNS.length * 2 * SERVICES.length);
    assert.deepEqual(d.files.map((f) => f.path.slice(root.length + 1)).sort(), [...selected.keys()].sort());
    assert.ok(d.files.every((f) => f.runEpochSec !== null && f.testCase !== OTHER_CASE));
    const reasons = Object.entries(d.ignored);
    assert.deepEqual(reasons, [
      [`the v2 archive's '${V2_PRERUN_FOLDER}' folder (not a run)`, [join(root, V2_PRERUN_FOLDER)]],
    ]);
  });

  for (const trim of [0, 7]) {
    it(`counts files, sequences and events per continuation policy as a line-by-line count does (trim ${trim})`, async () => {
      const perFile = new Map([...selected].map(([rel, text]) => [rel, naiveCount(text, trim)]));
      const total = { events: 0, continuation: 0, orphans: 0, sequences: 0 };
      for (const c of perFile.values()) {
        total.events += c.events;
        total.continuation += c.continuation;
        total.orphans += c.orphans;
        if (c.events > 0) total.sequences++;
      }
      // Not vacuous: thinning left frames after events and at the top of files, and files without events.
      assert.ok(total.continuation > 50 && total.orphans > 5 && total.sequences <= perFile.size - 2);
      const want: Record<ContinuationPolicy, number> = {
        merge: total.events,
        drop: total.events,
        keep: total.events + total.continuation,
      };
      for (const continuation of ['drop', 'keep', 'merge'] as const) {
        const s = await ingest(root, {
          cacheDir: join(dir, `cache-${trim}`),
          workers: 0,
          trimLines: trim,
          continuation,
          selection,
        });
        const label = `${continuation}, trim ${trim}`;
        assert.equal(s.sequences + s.emptySequences.length + s.failedFiles.length, perFile.size, `files (${label})`);
        assert.equal(s.sequences, total.sequences, `sequences (${label})`);
        assert.equal(s.events, want[continuation], `events (${label})`);
        assert.deepEqual(
          s.continuation,
          {
            merged: continuation === 'merge' ? total.continuation : 0,
            dropped: continuation === 'drop' ? total.continuation : 0,
            kept: continuation === 'keep' ? total.continuation : 0,
          },
          label,
        );
        assert.equal(s.skipped['orphan-continuation'], total.orphans, `orphans (${label})`);
        assert.equal(s.truth, null);
        const seqIds = new Set(readSequenceMeta(s.dir).map((m) => m.seqId));
        for (const [rel, c] of perFile)
          assert.equal(seqIds.has(seqIdOf(rel)), c.events > 0, `${rel} gives a sequence iff it has events (${label})`);
        assert.equal(s.testCases, RUNS.length * 2);
      }
    });
  }

  it('gives each sequence as many events as its file has timestamped lines (+ its frames under keep)', async () => {
    for (const continuation of ['drop', 'keep'] as const) {
      const s = await ingest(root, {
        cacheDir: join(dir, 'per-seq'),
        workers: 0,
        trimLines: 0,
        continuation,
        selection,
      });
      const t = tableFromIPC(readFileSync(join(s.dir, 'sequences.arrow')));
      const ids = [...t.getChild('seq_id')!] as string[];
      const lens = [...t.getChild('seq_len')!] as number[];
      for (const [rel, text] of selected) {
        const c = naiveCount(text, 0);
        if (c.events === 0) continue;
        const i = ids.indexOf(seqIdOf(rel));
        assert.equal(
          lens[i],
          continuation === 'keep' ? c.events + c.continuation : c.events,
          `${rel} (${continuation})`,
        );
      }
    }
  });
});
