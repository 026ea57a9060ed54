/**
 * Through the real CLI, on real runs: a sweep's note and tags (`run --note --tag`) come back from
 * `ls --json`, `ls --tag` and `show`; `board --format csv` lists the board's rows; `bench rm` takes
 * an experiment's sweeps, trials, results and trial folders and leaves another experiment's trials,
 * the ones it shares included; `--dry-run` changes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { csvColumns } from '../../reports/board/index.ts';
import { benchCli, tempDir, writeExperiment } from '../helpers/fixtures.ts';
import { parseCsv } from './csv-parse.ts';

const { dir, cleanup } = tempDir('lo2-bench-rm-');
after(cleanup);
const home = join(dir, 'home');
const bench = benchCli(home);
const json = (...args: string[]) => {
  const r = bench(...args, '--json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

/** Two experiments on the same data: both plan `event_lr_words` (one trial, computed by the first). */
const fields = (variants: string) => `  dataset: { source: 'synthetic', preset: 'tiny', runs: 12, seed: 2 },
  ingest: { trimLines: 0 },
  seeds: [1],
  variants: [${variants}],
  throughput: { timeMs: 5, samples: 3 },`;

interface Listed {
  id: number;
  sweep_id: number;
  experiment: string;
  computed_by: string;
  variant: string;
  note: string | null;
  tags: Record<string, string>;
}

/** Every row of every table: what a dry run must leave exactly as it was. */
function dump(): string {
  const db = new Database(join(home, 'bench.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

const folder = (trial: number) => join(home, 'artifacts', String(trial));

describe('sweep notes and tags, board --format csv, bench rm (real CLI)', () => {
  let a: Listed[];
  let b: Listed[];
  before(() => {
    const first = writeExperiment(dir, 'rm-a', fields("'event_lr_words', 'event_rarity_words'"));
    const second = writeExperiment(dir, 'rm-b', fields("'event_lr_words', 'event_oov_words'"));
    const note = 'baseline, before the "tokenizer" change';
    const r = bench('run', first, second, '--workers', '0', '--note', note, '--tag', 'team=logs', '--tag', 'phase=1');
    assert.equal(r.status, 0, r.stderr);
    a = json('ls', '--experiment', 'rm-a');
    b = json('ls', '--experiment', 'rm-b');
  });

  it('ls --json carries the sweep’s note and tags; ls --tag filters on them; show prints them', () => {
    assert.equal(a.length, 2);
    assert.equal(b.length, 2);
    for (const t of [...a, ...b]) {
      assert.equal(t.note, 'baseline, before the "tokenizer" change');
      assert.deepEqual(t.tags, { phase: '1', team: 'logs' });
    }
    assert.equal(json('ls', '--tag', 'team=logs').length, 3, 'three trials, one shared');
    assert.equal(json('ls', '--tag', 'team=logs', '--tag', 'phase=1', '--experiment', 'rm-b').length, 2);
    assert.deepEqual(json('ls', '--tag', 'team=other'), []);
    const shown = bench('show', String(b.find((t) => t.variant === 'event_oov_words')!.id));
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^sweep note: baseline, before the "tokenizer" change$/m);
    assert.match(shown.stdout, /^sweep tags: phase=1 team=logs$/m);
    assert.match(bench('ls').stdout, /event_rarity_words .*\[phase=1 team=logs\]/);
  });

  it('board --format csv: the rows of board --json, one line each, RFC 4180', () => {
    const r = bench('board', '--format', 'csv');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.endsWith('\r\n'));
    const [header, ...rows] = parseCsv(r.stdout);
    assert.deepEqual(header, csvColumns());
    const board = json('board');
    assert.equal(rows.length, board.rows.length);
    const col = (name: string) => header!.indexOf(name);
    for (const [i, row] of rows.entries()) {
      const expected = board.rows[i];
      assert.equal(row.length, header!.length);
      assert.deepEqual(
        [
          row[col('experiment')],
          row[col('rank')],
          row[col('variant')],
          row[col('feature_set')],
          row[col('label_scope')],
        ],
        [expected.experiment, String(expected.rank), expected.variant, expected.featureSet, expected.scope.labels],
      );
      assert.equal(Number(row[col('f1_mean')]), expected.f1.mean);
      assert.equal(row[col('flags')], expected.flags.map((f: { flag: string }) => f.flag).join(' '));
      assert.equal(row[col('trials')], expected.trials.join(' '));
    }
    assert.equal(bench('board', '--format', 'csv', '--json').status, 2, 'two formats asked for');
  });

  it('rm --dry-run lists what would go and changes nothing', () => {
    const before = dump();
    const r = bench('rm', '--experiment', 'rm-a', '--dry-run');
    assert.equal(r.status, 0, r.stderr);
    const rarity = a.find((t) => t.variant === 'event_rarity_words')!;
    assert.match(
      r.stdout,
      new RegExp(`^would remove experiment rm-a: 1 sweep \\(\\d+\\), 1 trial \\(${rarity.id}\\)$`, 'm'),
    );
    assert.match(r.stdout, /^dry run: nothing was removed$/m);
    assert.equal(dump(), before);
    for (const t of [...a, ...b]) assert.ok(existsSync(folder(t.id)), `trial ${t.id}'s folder`);
  });

  it('rm --experiment: its trials, results and folders go; the other experiment keeps its own and the shared one', () => {
    const rarity = a.find((t) => t.variant === 'event_rarity_words')!;
    const shared = a.find((t) => t.variant === 'event_lr_words')!;
    const own = b.find((t) => t.variant === 'event_oov_words')!;
    assert.equal(shared.computed_by, 'rm-a');
    assert.equal(b.find((t) => t.variant === 'event_lr_words')!.id, shared.id);
    const r = json('rm', '--experiment', 'rm-a');
    assert.deepEqual([r.dryRun, r.experiments, r.trials], [false, ['rm-a'], [rarity.id]]);
    assert.deepEqual(r.folders, [folder(rarity.id)]);
    assert.ok(r.rows.metrics > 0 && r.rows.artifacts > 0);
    assert.equal(existsSync(folder(rarity.id)), false, 'its folder is gone');
    assert.ok(existsSync(folder(shared.id)) && existsSync(folder(own.id)), 'the other experiment’s folders stay');

    const left: Listed[] = json('ls');
    assert.deepEqual(
      left.map((t) => [t.id, t.experiment, t.computed_by]),
      [
        [shared.id, 'rm-b', 'rm-b'],
        [own.id, 'rm-b', 'rm-b'],
      ],
    );
    assert.deepEqual(json('ls', '--experiment', 'rm-a'), []);
    const board = json('board');
    assert.deepEqual(board.experiments, ['rm-b']);
    assert.equal(board.rows.length, 2);
    const db = new Database(join(home, 'bench.db'), { readonly: true });
    try {
      for (const table of ['metrics', 'timings', 'artifacts', 'throughput']) {
        assert.equal(db.prepare(`SELECT COUNT(*) FROM ${table} WHERE trial_id = ?`).pluck().get(rarity.id), 0, table);
        assert.ok((db.prepare(`SELECT COUNT(*) FROM ${table} WHERE trial_id = ?`).pluck().get(own.id) as number) > 0);
      }
      assert.equal(db.prepare("SELECT COUNT(*) FROM experiments WHERE name = 'rm-a'").pluck().get(), 0);
      assert.equal(db.prepare('SELECT COUNT(*) FROM splits').pluck().get(), 1, 'the shared split stays');
    } finally {
      db.close();
    }
    const again = bench('rm', '--experiment', 'rm-a');
    assert.equal(again.status, 2);
    assert.match(again.stderr, /no experiment named 'rm-a' in the database\nhint: experiments: rm-b/);
  });

  it('rm --sweep removes the last sweep and, with it, its experiment', () => {
    const sweep = json('ls')[0].sweep_id;
    const r = bench('rm', '--sweep', String(sweep));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^removed sweep ${sweep}: 1 sweep \\(${sweep}\\), 2 trials`, 'm'));
    assert.match(r.stdout, /experiment rm-b leaves the database/);
    assert.deepEqual(json('ls'), []);
    assert.equal(existsSync(folder(b[0]!.id)) || existsSync(folder(b[1]!.id)), false);
  });

  it('rm --help is its entry of the command list', () => {
    const r = bench('rm', '--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}rm +--experiment NAME \| --sweep ID \[--dry-run\]/m);
  });
});
