import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseExperiment, planTrials, trialKey } from '../../harness/experiment/index.ts';
import { makeSplit } from '../../splits/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const IMPORT = JSON.stringify(join(import.meta.dirname, '../../harness/experiment/index.ts'));

describe('experiments', () => {
  it('expands into seeds × variants × feature sets', () => {
    const e = parseExperiment(
      {
        name: 'x',
        dataset: { source: 'synthetic', preset: 'tiny' },
        seeds: [1, 2],
        variants: ['event_lr_words', 'event_dt_trigrams'],
        featureSets: ['words', 'drain+numeric'],
      },
      'x.ts',
    );
    const trials = planTrials(e);
    assert.equal(trials.length, 8);
    const { config, ...first } = trials[0]!;
    assert.deepEqual(first, { variant: 'event_lr_words', featureSet: 'words', seed: 1 });
    assert.equal(config.algorithm, 'logistic-regression');
    assert.equal(planTrials(parseExperiment({ name: 'y', dataset: { source: 'synthetic' } }, 'y.ts')).length, 14);
  });

  it('names the file and the field of an invalid experiment', () => {
    assert.throws(
      () =>
        parseExperiment(
          { name: 'x', dataset: { source: 'synthetic' }, variants: ['event_lr_words', 'event_nb_words'] },
          'exp/x.ts',
        ),
      /^BenchError: exp\/x.ts: variants\[1\]: unknown variant 'event_nb_words'/,
    );
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'kaggle' } }, 'x.ts'),
      /x.ts: dataset.source: /,
    );
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'synthetic' }, featureSets: ['wrds'] }, 'x.ts'),
      /x.ts: featureSets\[0\]: .*unknown part 'wrds'/,
    );
  });
});

describe('experiment scope fields', () => {
  it('defaults to LogLead scope on shuffled order with injected faults', () => {
    const e = parseExperiment({ name: 'x', dataset: { source: 'synthetic' } }, 'x.ts');
    assert.equal(e.labels, 'case');
    assert.equal(e.seqBy, 'file');
    assert.ok(e.dataset.source === 'synthetic');
    assert.equal(e.dataset.order, 'shuffled');
    assert.equal(e.dataset.faults, 'injected');
    const n = parseExperiment(
      {
        name: 'n',
        dataset: { source: 'synthetic', faults: 'none' },
        labels: 'target-service',
        seqBy: 'test_case',
      },
      'n.ts',
    );
    assert.deepEqual(
      [n.labels, n.seqBy, n.dataset.source === 'synthetic' && n.dataset.faults],
      ['target-service', 'test_case', 'none'],
    );
  });

  it('names the file and the field of a bad scope, with the allowed values and a hint', () => {
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'synthetic' }, labels: 'target' }, 'exp/x.ts'),
      (err: Error & { details?: { field?: string } }) =>
        /^exp\/x.ts: labels: must be one of 'case', 'target-service' \(got "target"\); 'target-service' leaves out/.test(
          err.message,
        ) && err.details?.field === 'labels',
    );
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'synthetic' }, seqBy: 'service' }, 'x.ts'),
      /x.ts: seqBy: must be one of 'file', 'test_case' \(got "service"\)/,
    );
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'synthetic', faults: 'off' } }, 'x.ts'),
      /x.ts: dataset.faults: must be one of 'injected', 'none' \(got "off"\); 'none' generates the null dataset/,
    );
    assert.throws(
      () => parseExperiment({ name: 'x', dataset: { source: 'lo2', path: '/data/lo2', faults: 'none' } }, 'x.ts'),
      /x.ts: dataset.faults: applies to synthetic datasets only/,
    );
  });

  it('keys trials and splits by scope, and leaves the default scope out of both', () => {
    const t = { variant: 'event_lr_words' as const, featureSet: 'words', seed: 1 };
    const base = trialKey('d', 'm', t, {});
    assert.equal(trialKey('d', 'm', t, {}, { labels: 'case', seqBy: 'file' }), base);
    const keys = new Set([
      base,
      trialKey('d', 'm', t, {}, { labels: 'target-service', seqBy: 'file' }),
      trialKey('d', 'm', t, {}, { labels: 'case', seqBy: 'test_case' }),
      trialKey('d', 'm', t, {}, { labels: 'target-service', seqBy: 'test_case' }),
    ]);
    assert.equal(keys.size, 4);
    const meta = Array.from({ length: 5 }, (_, r) => ({
      seqId: `r${r}`,
      run: `run${r}`,
      testCase: 'correct',
      service: 'token',
      anomaly: false,
      startMs: r,
    }));
    const plain = makeSplit(meta, { seed: 1 });
    assert.equal(makeSplit(meta, { seed: 1, scope: { labels: 'case', seqBy: 'file' } }).hash, plain.hash);
    assert.equal(plain.scope, undefined);
    const scoped = makeSplit(meta, { seed: 1, scope: { labels: 'target-service', seqBy: 'file' } });
    assert.deepEqual(scoped.parts, plain.parts, 'the same runs in the same parts');
    assert.notEqual(scoped.hash, plain.hash);
    assert.deepEqual(scoped.scope, { labels: 'target-service', seqBy: 'file' });
    assert.throws(
      () => makeSplit(meta, { seed: 1, scope: { labels: 'all' as 'case', seqBy: 'file' } }),
      /split.scope.labels must be one of case, target-service \(got 'all'\)/,
    );
  });
});

describe('bench run (real CLI, real SQLite)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const env = { ...process.env, BENCH_HOME: join(dir, 'home') };
  const bench = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  const file = join(dir, 'tiny.ts');
  writeFileSync(
    file,
    `import { defineExperiment } from ${IMPORT};
export default defineExperiment({
  name: 'tiny-test',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: [1, 2],
  variants: ['event_lr_words', 'event_rarity_words', 'isolation_forest'],
});
`,
  );

  it('runs every trial, stores metrics per part and slice, and resumes instead of redoing', () => {
    const r = bench('run', file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.stdout.match(/^\[\d+\/6\] done /gm) ?? []).length, 6);
    // It ends by naming the best row and where to look next.
    assert.match(r.stdout, /^best of \S+: \w+ × \w+, test F1 \d\.\d{3} .* over \d seeds?/m);
    assert.match(r.stdout, /^next: npm run bench -- board --experiment \S+/m);
    const db = new Database(join(dir, 'home', 'bench.db'), { readonly: true });
    const trials = db.prepare("SELECT COUNT(*) AS n FROM trials WHERE status = 'done'").get() as { n: number };
    assert.equal(trials.n, 6);
    const names = db
      .prepare("SELECT DISTINCT name FROM metrics WHERE part = 'test' AND slice = '' ORDER BY name")
      .all()
      .map((x) => (x as { name: string }).name);
    for (const n of [
      'f1',
      'precision',
      'recall',
      'accuracy',
      'auc_roc',
      'auc_pr',
      'precision_at_k',
      'fpr_at_alpha',
      'psi',
      'tp',
      'fp',
      'tn',
      'fn',
      'threshold',
    ]) {
      assert.ok(names.includes(n), `metric ${n}`);
    }
    const slices = db
      .prepare("SELECT COUNT(*) AS n FROM metrics WHERE slice LIKE 'testCase=%' AND name = 'recall'")
      .get() as { n: number };
    assert.ok(slices.n > 0, 'recall per error case is stored');
    const stages = db
      .prepare('SELECT DISTINCT stage FROM timings ORDER BY stage')
      .all()
      .map((x) => (x as { stage: string }).stage);
    assert.deepEqual(stages, ['explain', 'fit', 'ingest', 'score', 'vectorize']);
    // The same split thresholds come from validation: a trial's val and test rows share one threshold.
    const thresholds = db
      .prepare(
        "SELECT COUNT(DISTINCT value) AS n FROM metrics WHERE name = 'threshold' AND slice = '' GROUP BY trial_id",
      )
      .all() as { n: number }[];
    assert.ok(thresholds.every((t) => t.n === 1));
    const before = db
      .prepare("SELECT trial_id, part, name, value FROM metrics WHERE slice = '' ORDER BY 1, 2, 3")
      .all();
    db.close();

    const again = bench('run', file);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((again.stdout.match(/skipped .*already done/g) ?? []).length, 6);
    const db2 = new Database(join(dir, 'home', 'bench.db'), { readonly: true });
    assert.deepEqual(
      db2.prepare("SELECT trial_id, part, name, value FROM metrics WHERE slice = '' ORDER BY 1, 2, 3").all(),
      before,
    );
    db2.close();

    // --fresh reruns every trial on the matrices the first run cached: the same metrics.
    const byTrial = (path: string) => {
      const d = new Database(path, { readonly: true });
      const rows = d
        .prepare(
          "SELECT t.variant, t.seed, m.part, m.name, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.slice = '' AND t.status = 'done' ORDER BY 1, 2, 3, 4",
        )
        .all();
      d.close();
      return rows;
    };
    const first = byTrial(join(dir, 'home', 'bench.db'));
    // Each set's files with their modification times: a cache hit rewrites none of them.
    const matrixFiles = () => {
      const root = join(dir, 'home', 'cache', 'matrices');
      return readdirSync(root, { recursive: true, encoding: 'utf8' })
        .sort()
        .map((f) => [f, statSync(join(root, f)).mtimeMs]);
    };
    const matrices = matrixFiles();
    assert.ok(matrices.some(([f]) => String(f).endsWith('features.txt')));
    const fresh = bench('run', file, '--fresh');
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.equal((fresh.stdout.match(/^\[\d+\/6\] done /gm) ?? []).length, 6);
    assert.deepEqual(matrixFiles(), matrices, 'matrices served from the cache, not rewritten');
    assert.deepEqual(byTrial(join(dir, 'home', 'bench.db')), first);
  });

  it('gives identical metrics with 1 worker and with 2 (determinism)', () => {
    for (const [home, workers] of [
      ['home1', '1'],
      ['home2', '2'],
    ]) {
      const env2 = { ...env, BENCH_HOME: join(dir, home!) };
      const r = spawnSync(process.execPath, [BIN, 'run', file, '--json', '--workers', workers!], {
        encoding: 'utf8',
        env: env2,
      });
      assert.equal(r.status, 0, r.stderr);
    }
    const a = new Database(join(dir, 'home1', 'bench.db'), { readonly: true });
    const b = new Database(join(dir, 'home2', 'bench.db'), { readonly: true });
    const q =
      'SELECT t.variant, t.seed, m.part, m.name, m.slice, m.value FROM metrics m JOIN trials t ON t.id = m.trial_id ORDER BY 1, 2, 3, 4, 5';
    assert.deepEqual(a.prepare(q).all(), b.prepare(q).all());
    a.close();
    b.close();
  });

  it('exits with a message naming the file for a bad experiment', () => {
    const bad = join(dir, 'bad.ts');
    writeFileSync(
      bad,
      `import { defineExperiment } from ${IMPORT};\nexport default defineExperiment({ name: 'b', dataset: { source: 'synthetic' }, seeds: [] });\n`,
    );
    const r = bench('run', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`error: ${bad.replace(/[/.]/g, '\\$&')}: seeds: `));
    const missing = bench('run', join(dir, 'nope.ts'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /experiment file not found/);
  });
});

describe('shipped experiments', () => {
  it('every file in experiments/ loads and validates', async () => {
    const { readdirSync } = await import('node:fs');
    const { loadExperiment } = await import('../../harness/experiment/index.ts');
    const dir = join(import.meta.dirname, '../../experiments');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    assert.deepEqual(files, [
      'configured.ts',
      'event-level-null.ts',
      'event-level.ts',
      'feature-sets.ts',
      'leakage-shuffled.ts',
      'leakage-v1.ts',
      'null.ts',
      'quickstart.ts',
      'standard.ts',
      'unseen-errors.ts',
    ]);
    for (const f of files) {
      const e = await loadExperiment(join(dir, f));
      assert.ok(planTrials(e).length > 0, f);
    }
  });

  it('null.ts runs every supervised variant on the null dataset, case labels, 3 seeds', async () => {
    const { loadExperiment } = await import('../../harness/experiment/index.ts');
    const { ALGORITHMS, VARIANT_NAMES, VARIANTS } = await import('../../models/index.ts');
    const e = await loadExperiment(join(import.meta.dirname, '../../experiments/null.ts'));
    assert.deepEqual(e.dataset, {
      source: 'synthetic',
      preset: 'standard',
      seed: 1,
      order: 'shuffled',
      faults: 'none',
    });
    assert.equal(e.labels, 'case');
    assert.deepEqual(e.seeds, [1, 2, 3]);
    const planned = new Set(planTrials(e).map((t) => t.variant));
    const supervised = VARIANT_NAMES.filter((v) => ALGORITHMS[VARIANTS[v].algorithm].supervised);
    assert.ok(supervised.length >= 5);
    for (const v of supervised) assert.ok(planned.has(v), v);
  });
});
