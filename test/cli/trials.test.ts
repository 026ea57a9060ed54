import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import Database from 'better-sqlite3';
import { parquetReadObjects } from 'hyparquet';
import { tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const IMPORT = JSON.stringify(join(import.meta.dirname, '../../harness/experiment/index.ts'));

function experiment(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `import { defineExperiment } from ${IMPORT};\nexport default defineExperiment(${body});\n`);
  return file;
}

const TINY = (name: string, seeds: string, variants: string) => `{
  name: '${name}',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: ${seeds},
  variants: ${variants},
  throughput: { timeMs: 5, samples: 3 },
}`;

describe('bench show / compare / export and what a trial leaves behind', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const home = join(dir, 'home');
  const env = { ...process.env, BENCH_HOME: home };
  const bench = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  const json = (...args: string[]) => {
    const r = bench(...args, '--json');
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const file = experiment(dir, 'tiny', TINY('tiny-trials', '[1, 2]', "['event_lr_words', 'event_rarity_words']"));
  let db: Database.Database;
  before(() => {
    const r = bench('run', file, '--workers', '2');
    assert.equal(r.status, 0, r.stderr);
    db = new Database(join(home, 'bench.db'), { readonly: true });
  });
  after(() => db?.close());

  it('registers each trial’s predictions and model with a sha256 of the file, and its throughput', () => {
    const rows = db.prepare('SELECT trial_id, kind, path, sha256 FROM artifacts ORDER BY 1, 2').all() as {
      trial_id: number;
      kind: string;
      path: string;
      sha256: string;
    }[];
    // Both variants have their own exact explainers: every trial writes all eight files.
    const kinds = [...new Set(rows.map((a) => a.kind))].sort();
    assert.deepEqual(kinds, [
      'false-positives',
      'model',
      'nearest-normal',
      'predictions',
      'shap',
      'shap-bar-chart',
      'shap-points',
      'shap-summary-plot',
    ]);
    assert.equal(rows.length, 4 * 8);
    // Stored relative to the database's folder (the home), so that a moved home finds them.
    for (const a of rows) a.path = resolve(home, a.path);
    for (const a of rows) {
      assert.equal(createHash('sha256').update(readFileSync(a.path)).digest('hex'), a.sha256, a.path);
    }
    const pred = rows.find((a) => a.kind === 'predictions')!;
    const t = tableFromIPC(readFileSync(pred.path));
    const n = db.prepare('SELECT n_sequences AS n FROM datasets').get() as { n: number };
    assert.equal(t.numRows, n.n, 'every sequence of every part is listed');
    assert.deepEqual(
      t.schema.fields.map((f) => f.name),
      ['seq_id', 'part', 'run', 'test_case', 'service', 'anomaly', 'score', 'predicted'],
    );
    const q = db.prepare('SELECT * FROM throughput').all() as { samples: number; mean_ms: number; rows: number }[];
    assert.equal(q.length, 4);
    assert.ok(q.every((x) => x.samples >= 3 && x.mean_ms > 0 && x.rows > 0));
  });

  it('records the environment fingerprint of the sweep', () => {
    const { env_json, git_sha } = db.prepare('SELECT env_json, git_sha FROM sweeps').get() as {
      env_json: string;
      git_sha: string | null;
    };
    const e = JSON.parse(env_json);
    for (const k of ['node', 'os', 'cpu', 'cores', 'lockfileHash', 'datasetHash', 'dirty']) assert.ok(k in e, k);
    assert.equal(e.lockfileHash, createHash('sha256').update(readFileSync('package-lock.json')).digest('hex'));
    assert.equal(e.datasetHash, (db.prepare('SELECT hash FROM datasets').get() as { hash: string }).hash);
    assert.equal(e.gitSha, git_sha);
  });

  it('show prints a trial, with --json everything stored about it', () => {
    const t = json('show', '1');
    assert.equal(t.id, 1);
    assert.equal(t.status, 'done');
    assert.ok(t.metrics.test.f1 >= 0 && t.metrics.val.threshold === t.metrics.test.threshold);
    assert.ok(Object.keys(t.slices).some((k: string) => k.startsWith('testCase=')));
    assert.deepEqual(t.timings.map((x: { stage: string }) => x.stage).sort(), [
      'explain',
      'fit',
      'ingest',
      'score',
      'vectorize',
    ]);
    const text = bench('show', '1');
    assert.match(text.stdout, /trial 1: event_lr_words × words × seed 1 — done/);
    assert.match(text.stdout, /recall per error case/);
    // Logistic regression records how its solver ended.
    assert.equal(t.metrics.train.max_iterations, 4000);
    assert.ok(t.metrics.train.iterations >= 1 && t.metrics.train.final_gradient >= 0);
    assert.match(text.stdout, /^solver: \d+\/4000 iterations, final gradient \d\.\d\de[-+]\d+ \(tol 3e-4\) — /m);
    const listed = json('ls', '--variant', 'event_rarity_words', '--status', 'done');
    assert.equal(listed.length, 2);
    assert.ok(listed.every((r: { variant: string; experiment: string }) => r.variant === 'event_rarity_words'));
    assert.equal(listed[0].experiment, 'tiny-trials');
    assert.equal(json('ls', '--experiment', 'nope').length, 0);
    const missing = bench('show', '999');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /trial 999 is not in the database/);
  });

  it('stops quietly when its reader goes away (bench show 1 | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'show', '1'], { env });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.destroy(); // the reader is gone before the first line is written
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });

  it('compare pairs two trials of one split over its test runs, and two variants over seeds', () => {
    const ids = db.prepare('SELECT id, variant, split_id FROM trials WHERE seed = 1 ORDER BY variant').all() as {
      id: number;
      split_id: number;
    }[];
    const r = json('compare', String(ids[0]!.id), String(ids[1]!.id));
    assert.equal(r.kind, 'trials');
    const f1 = r.deltas.find((d: { name: string }) => d.name === 'f1');
    assert.ok(Math.abs(f1.delta - (f1.b - f1.a)) < 1e-12);
    assert.ok(Math.abs(r.paired.meanDiff - f1.delta) < 1e-9, 'bootstrap estimate is the F1 difference');
    assert.ok(r.paired.ci[0] <= r.paired.meanDiff && r.paired.meanDiff <= r.paired.ci[1]);
    assert.ok(r.paired.pValue > 0 && r.paired.pValue <= 1);
    const s = json('compare', 'event_lr_words', 'event_rarity_words:words');
    assert.equal(s.kind, 'seeds');
    assert.equal(s.pairs.length, 2);
    assert.deepEqual(s.pairs.map((p: { seed: number }) => p.seed).sort(), [1, 2]);
    assert.equal(typeof s.wilcoxon.pValue, 'number');
    const other = db.prepare('SELECT id FROM trials WHERE seed = 2 ORDER BY id LIMIT 1').get() as { id: number };
    const cross = json('compare', String(ids[0]!.id), String(other.id));
    assert.equal(cross.paired, null);
    assert.match(cross.note, /different splits/);
    const bad = bench('compare', '1', 'event_lr_words');
    assert.equal(bad.status, 2);
  });

  it('a smaller experiment over the same trials shows every one of them, and running it has nothing to do', () => {
    const file = experiment(dir, 'subset', TINY('tiny-subset', '[1]', "['event_lr_words']"));
    const run = json('run', file);
    assert.deepEqual(
      run[0].outcomes.map((o: { state: string }) => o.state),
      ['skipped'],
      'its one trial was computed by tiny-trials',
    );
    const lr = db.prepare("SELECT id FROM trials WHERE variant = 'event_lr_words' AND seed = 1").get() as {
      id: number;
    };
    const board = json('board', '--experiment', 'tiny-subset');
    assert.deepEqual(
      board.rows.map((r: { variant: string; trials: number[] }) => [r.variant, r.trials]),
      [['event_lr_words', [lr.id]]],
    );
    assert.equal(board.rows[0].f1.interval, 'single-seed');
    assert.equal(board.rows[0].f1.reason, '1 seed: no interval over splits');
    const listed = json('ls', '--experiment', 'tiny-subset');
    assert.deepEqual(
      listed.map((r: { id: number; computed_by: string }) => [r.id, r.computed_by]),
      [[lr.id, 'tiny-trials']],
    );
    assert.equal(bench('report', 'tiny-subset', '--json').status, 0);
    const cmp = bench('compare', 'event_lr_words', 'event_rarity_words', '--experiment', 'tiny-subset');
    assert.equal(cmp.status, 2, 'rarity is not in its plan');
    // Both experiments on the all-experiments board: grouped, each with its own rows and ranks.
    const all = json('board');
    assert.deepEqual(
      all.rows.map((r: { experiment: string; rank: number }) => `${r.experiment} ${r.rank}`),
      ['tiny-subset 1', 'tiny-trials 1', 'tiny-trials 2'],
    );
  });

  it('export writes the exact matrices as svmlight, and predictions as arrow, parquet and csv', async () => {
    const out = join(dir, 'exp');
    const r = json('export', '1', '--format', 'svmlight', '--out', join(out, 'svm'));
    assert.equal(r.files.length, 5);
    const meta = JSON.parse(readFileSync(join(out, 'svm', 'meta.json'), 'utf8'));
    const nCols = readFileSync(join(out, 'svm', 'features.txt'), 'utf8').split('\n').length - 1;
    const pred = tableFromIPC(
      readFileSync(
        resolve(
          home,
          (
            db.prepare("SELECT path FROM artifacts WHERE trial_id = 1 AND kind = 'predictions'").get() as {
              path: string;
            }
          ).path,
        ),
      ),
    );
    const predLabel = new Map<string, number>();
    for (let i = 0; i < pred.numRows; i++)
      predLabel.set(String(pred.getChild('seq_id')!.get(i)), Number(pred.getChild('anomaly')!.get(i)));
    for (const part of ['train', 'val', 'test']) {
      const lines = readFileSync(join(out, 'svm', `${part}.svm`), 'utf8')
        .trimEnd()
        .split('\n');
      assert.equal(lines.length, meta.seqIds[part].length, part);
      lines.forEach((l, i) => {
        const [label, ...feats] = l.split(' ');
        assert.equal(Number(label), predLabel.get(meta.seqIds[part][i]), `label of ${part} row ${i}`);
        for (const f of feats) assert.ok(Number(f.split(':')[0]) <= nCols);
      });
    }
    json('export', '1', '--format', 'arrow', '--out', join(out, 'a'));
    assert.equal(tableFromIPC(readFileSync(join(out, 'a', 'predictions.arrow'))).numRows, pred.numRows);
    json('export', '1', '--format', 'parquet', '--out', join(out, 'p'));
    const buf = readFileSync(join(out, 'p', 'predictions.parquet'));
    const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    assert.equal(rows.length, pred.numRows);
    json('export', '1', '--format', 'csv', '--out', join(out, 'c'));
    const csv = readFileSync(join(out, 'c', 'predictions.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    assert.equal(csv[0], 'seq_id,part,run,test_case,service,anomaly,score,predicted');
    assert.equal(csv.length, pred.numRows + 1);
    const unwritable = bench('export', '1', '--format', 'csv', '--out', join(out, 'c', 'predictions.csv', 'x'));
    assert.equal(unwritable.status, 1);
    assert.match(unwritable.stderr, /cannot create export folder .*\nhint: pass a writable folder with --out/);
    const bad = bench('export', '1', '--format', 'xlsx');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /one of svmlight, arrow, parquet, csv/);
  });

  it('refuses predictions that changed since the trial wrote them', () => {
    const path = resolve(
      home,
      (db.prepare("SELECT path FROM artifacts WHERE trial_id = 2 AND kind = 'predictions'").get() as { path: string })
        .path,
    );
    const bytes = readFileSync(path);
    const at = bytes.length - 20;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(path, bytes);
    const r = bench('export', '2', '--format', 'csv', '--out', join(dir, 'tampered'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /changed since the trial wrote it/);
    assert.ok(!existsSync(join(dir, 'tampered', 'predictions.csv')));
  });
});

describe('bench run under interruption and concurrency', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('Ctrl-C stops cleanly: sweep interrupted, nothing left running, a rerun finishes the rest', async () => {
    const home = join(dir, 'int');
    const env = { ...process.env, BENCH_HOME: home };
    const file = experiment(dir, 'many', TINY('many', '[1, 2, 3]', "'all'"));
    const child = spawn(process.execPath, [BIN, 'run', file, '--workers', '2'], { env });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/\[\d+\/42\] done/.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => done(c));
    });
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupt: stopping/);
    assert.match(stderr, /interrupted: .*rerun `bench run/);
    const db = new Database(join(home, 'bench.db'), { readonly: true });
    assert.equal((db.prepare('SELECT status FROM sweeps').get() as { status: string }).status, 'interrupted');
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM trials WHERE status = 'running'").get() as { n: number }).n, 0);
    const done = (db.prepare("SELECT COUNT(*) AS n FROM trials WHERE status = 'done'").get() as { n: number }).n;
    db.close();
    assert.ok(done >= 1 && done < 42, `${done} trials done before the interrupt`);
    const again = spawnSync(process.execPath, [BIN, 'run', file, '--workers', '2'], { env, encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal((again.stdout.match(/skipped .*already done/g) ?? []).length, done);
    assert.equal((again.stdout.match(/\] done /g) ?? []).length, 42 - done);
  });

  it('two databases in one BENCH_HOME keep their trials’ files apart', () => {
    const home = join(dir, 'twodb');
    const env = { ...process.env, BENCH_HOME: home };
    const a = experiment(dir, 'dba', TINY('dba', '[1]', "['event_rarity_words']"));
    const b = experiment(dir, 'dbb', TINY('dbb', '[2]', "['event_oov_words']"));
    const other = join(dir, 'other.db');
    for (const args of [
      ['run', a],
      ['run', b, '--db', other],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    // Both databases have a trial 1; each still reads back the files it wrote (sha256 checked).
    for (const db of [[], ['--db', other]]) {
      const r = spawnSync(process.execPath, [BIN, 'export', '1', '--format', 'csv', '--json', ...db], {
        env,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
    }
    const paths = [join(home, 'bench.db'), other].map((p) => {
      const d = new Database(p, { readonly: true });
      const row = d.prepare("SELECT path FROM artifacts WHERE trial_id = 1 AND kind = 'predictions'").get() as {
        path: string;
      };
      d.close();
      return row.path;
    });
    assert.notEqual(paths[0], paths[1]);
  });

  it('two bench run processes on one database both finish, without running a trial twice', async () => {
    const home = join(dir, 'two');
    const env = { ...process.env, BENCH_HOME: home };
    const file = experiment(dir, 'pair', TINY('pair', '[1, 2]', "'all'"));
    const start = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const c = spawn(process.execPath, [BIN, 'run', file, '--workers', '1'], { env });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => {
          stdout += d;
        });
        c.stderr.on('data', (d) => {
          stderr += d;
        });
        c.on('exit', (code) => done({ code, stdout, stderr }));
      });
    const [a, b] = await Promise.all([start(), start()]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /locked|SQLITE_BUSY/);
    }
    const ran = (a.stdout + b.stdout).match(/\] done /g)?.length ?? 0;
    const db = new Database(join(home, 'bench.db'), { readonly: true });
    const n = (db.prepare("SELECT COUNT(*) AS n FROM trials WHERE status = 'done'").get() as { n: number }).n;
    db.close();
    assert.equal(n, 28);
    assert.ok(ran >= 28, 'every trial ran');
    // A trial runs twice only if one process claimed it after the other had finished it: never here,
    // because a finished trial is 'done' and a running one belongs to a live process.
    assert.equal(ran, 28, `trials run in total by both: ${ran}`);
  });
});
