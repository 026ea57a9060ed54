/**
 * The feature-sets report over a real sweep, small: four variants × words, trigrams, drain and
 * numeric on the tiny preset, two split seeds. Another experiment computes the three `words` rows
 * whose variants default to words first, as `standard` does before `feature-sets`: the report must
 * still show every (algorithm, feature set) cell, and tell the rows of one variant apart.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../harness/store/index.ts';
import type { ReportModel } from '../../reports/index.ts';
import { renderHtml, renderMarkdown, reportCharts } from '../../reports/page/index.ts';
import { buildReportModel } from '../../reports/report-model.ts';
import { shapUnit } from '../../reports/shap-meaning.ts';
import { tempDir } from '../helpers/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/bench.mjs');
const IMPORT = JSON.stringify(join(import.meta.dirname, '../../harness/experiment/index.ts'));
const VARIANTS = ['event_lr_words', 'event_dt_trigrams', 'event_rf_words', 'event_xgb_words'];
const FEATURE_SETS = ['words', 'trigrams', 'drain', 'numeric'];

const experiment = (name: string, variants: readonly string[], featureSets?: readonly string[]) =>
  `import { defineExperiment } from ${IMPORT};
export default defineExperiment({
  name: '${name}',
  dataset: { source: 'synthetic', preset: 'tiny', runs: 16, seed: 3, order: 'shuffled' },
  labels: 'target-service',
  ingest: { trimLines: 0 },
  split: { strategy: 'random-runs' },
  seeds: [1, 2],
  variants: ${JSON.stringify(variants)},
  ${featureSets ? `featureSets: ${JSON.stringify(featureSets)},` : ''}
  throughput: { timeMs: 5, samples: 3 },
});
`;

/** The `<section id>` of an HTML page, up to the next section. */
const section = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}">`);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('feature-sets report over a real sweep (4 variants × 4 feature sets, tiny, 2 seeds)', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);
  const home = join(dir, 'home');
  let store: Store;
  let model: ReportModel;
  before(async () => {
    const shared = join(dir, 'shared.ts');
    const fs = join(dir, 'fs.ts');
    writeFileSync(
      shared,
      experiment(
        'fs-shared',
        VARIANTS.filter((v) => v.endsWith('_words')),
      ),
    );
    writeFileSync(fs, experiment('fs-tiny', VARIANTS, FEATURE_SETS));
    const r = spawnSync(process.execPath, [BIN, 'run', shared, fs, '--workers', '2'], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_HOME: home },
    });
    assert.equal(r.status, 0, r.stderr);
    store = await openStore(join(home, 'bench.db'));
    model = await buildReportModel(store, 'fs-tiny');
  });
  after(async () => {
    await store?.close();
  });

  it('has a row per variant × feature set, the words rows computed by the other experiment', async () => {
    assert.equal(model.leaderboard.length, VARIANTS.length * FEATURE_SETS.length);
    const data = model.leaderboard.filter((e) => e.featureSet === 'words' && e.variant.endsWith('_words'));
    assert.equal(data.length, 3);
    // Precondition of the scenario: these trials were computed by `fs-shared` and reused.
    const t = await store.finishedTrials({ experiment: 'fs-tiny' });
    const words = t.filter((x) => x.featureSet === 'words' && x.variant !== 'event_dt_trigrams');
    assert.equal(words.length, 6);
    for (const x of words) assert.equal((await store.getTrial(x.id))!.experiment.name, 'fs-shared');
  });

  it('fills every (algorithm, feature set) cell of F1 by feature set with its mean and interval', () => {
    assert.equal(model.f1ByFeatureSet.length, VARIANTS.length * FEATURE_SETS.length);
    for (const e of model.leaderboard) {
      const cell = model.f1ByFeatureSet.find((d) => d.algorithm === e.algorithm && d.featureSet === e.featureSet);
      assert.ok(cell, `${e.algorithm} × ${e.featureSet} missing`);
      assert.equal(cell.variant, e.variant);
      assert.equal(cell.mean, e.f1.mean);
      assert.equal(cell.interval, 'corrected-t');
      assert.ok(Number.isFinite(cell.lo) && Number.isFinite(cell.hi));
    }
    const table = section(renderHtml(model), 'f1-by-feature-set').slice(
      section(renderHtml(model), 'f1-by-feature-set').indexOf('<table>'),
    );
    assert.equal((table.match(/<tr>/g) ?? []).length, 1 + VARIANTS.length);
    assert.doesNotMatch(table, />n\/a</, 'no empty cell');
    assert.equal((table.match(/<td class="num">\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]<\/td>/g) ?? []).length, 16);
    const md = renderMarkdown(model, { chartPath: (n) => `charts/${n}.png` });
    const mdTable = md.slice(md.indexOf('| Algorithm |'), md.indexOf('## Precision'));
    assert.doesNotMatch(mdTable, /\| n\/a \|/);
  });

  it('labels each leaderboard bar variant · feature set, with that row’s F1', () => {
    const svg = reportCharts(model).find((c) => c.name === 'leaderboard')!.svg;
    const labels = [...svg.matchAll(/class="group-label"[^>]*>([^<]*)</g)].map((m) => m[1]!);
    const bars = [...svg.matchAll(/<rect class="bar"[^>]*data-value="([^"]*)"/g)].map((m) => Number(m[1]));
    const ranked = [...model.leaderboard].sort((a, b) => a.rank - b.rank);
    assert.deepEqual(
      labels,
      ranked.map((e) => `${e.variant} · ${e.featureSet}`),
    );
    assert.deepEqual(
      bars,
      ranked.map((e) => e.f1.mean),
    );
  });

  it('draws the 16 supervised precision–recall curves in 16 distinct styles', () => {
    const svg = reportCharts(model).find((c) => c.name === 'pr-curves')!.svg;
    const styles = [...svg.matchAll(/<path class="curve"[^>]*>/g)].map((m) => {
      const stroke = /\sstroke="([^"]*)"/.exec(m[0])![1];
      const dash = /\sstroke-dasharray="([^"]*)"/.exec(m[0])?.[1] ?? '';
      return `${stroke}|${dash}`;
    });
    assert.equal(styles.length, 16);
    assert.equal(new Set(styles).size, 16);
  });

  it('gives each explanation the unit of its algorithm’s SHAP values', () => {
    assert.ok(model.explanations && model.explanations.length > 0);
    const html = section(renderHtml(model), 'explanations');
    for (const ex of model.explanations) {
      const e = model.leaderboard.find((x) => `${x.variant}:${x.featureSet}` === ex.label)!;
      assert.equal(ex.unit, shapUnit(e.algorithm).unit, ex.label);
      if (ex.degenerate === undefined) assert.ok(html.includes(`<th class="num">mean |SHAP| (${ex.unit})</th>`));
    }
    assert.ok(model.explanations.some((ex) => ex.unit === 'log-odds'));
    assert.ok(model.explanations.some((ex) => ex.unit === 'probability'));
  });

  it('summarises the leakage warnings, every warning counted once', () => {
    const total = model.leakage.reduce((n, l) => n + l.warnings.length, 0);
    assert.equal(
      model.leakageSummary.reduce((n, f) => n + f.count, 0),
      total,
    );
    assert.ok(model.leakageSummary.length <= total);
    const html = section(renderHtml(model), 'leakage');
    assert.ok(html.includes('<details class="leakage-full">'));
  });
});
