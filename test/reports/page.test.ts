import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ReportModel } from '../../reports/index.ts';
import { summarizeLeakage } from '../../reports/leakage-summary.ts';
import {
  entryLabels,
  inlineSvg,
  renderHtml,
  renderMarkdown,
  reportCharts,
  SECTIONS,
  writeReport,
} from '../../reports/page/index.ts';
import { SINGLE_SEED_REASON } from '../../splits/eval/index.ts';
import { entryMetrics } from '../helpers/board-fixture.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { hasPngSignature, pngSize } from '../helpers/png.ts';

/** Deterministic value in [0, 1) from an integer (no Math.random in fixtures either). */
const unit = (i: number) => (((Math.sin(i * 12.9898) * 43758.5453) % 1) + 1) % 1;

function fixtureModel(): ReportModel {
  const leakage: ReportModel['leakage'] = [
    {
      split: 'by-run',
      featureSet: 'words',
      warnings: ['token <user_id> appears only in anomalous runs & leaks the label'],
      trivialRules: [
        { rule: 'sequence length', aucTest: 0.93, f1Test: 0.88 },
        { rule: 'duration', aucTest: null, f1Test: Number.NaN },
      ],
    },
    { split: 'by-time', featureSet: 'events', warnings: [], trivialRules: [] },
  ];
  const algorithms = ['isolation_forest', 'logistic_regression', 'decision_tree'];
  const featureSets = ['words', 'events', 'event_trigrams', 'sequence_length'];
  const variants = algorithms.flatMap((a) => featureSets.map((f) => ({ a, f, name: `${f}_${a}` })));
  const cases = Array.from({ length: 53 }, (_, i) =>
    i % 7 === 0 ? `case_${i}_token_expired_during_authorization_code_flow` : `case_${i}`,
  );
  return {
    title: 'LO2 <bench> & "friends"',
    experiment: 'feature-sets',
    experimentFile: 'experiments/feature-sets.yaml',
    generatedAt: '2025-01-02T03:04:05.000Z',
    primaryMetric: 'f1',
    leaderboard: variants.map((v, i) => {
      const mean = 0.95 - i * 0.05;
      const means = {
        f1:
          i === 6
            ? { mean, lo: Number.NaN, hi: Number.NaN, interval: 'single-seed' as const, reason: SINGLE_SEED_REASON }
            : { mean, lo: mean - 0.03, hi: Math.min(1, mean + 0.03), interval: 'corrected-t' as const },
        aucPr: mean + 0.01,
        aucRoc: Math.min(1, mean + 0.04),
        precisionAtK: mean - 0.02,
      };
      return {
        rank: i === 2 ? 2 : i + 1,
        tied: i === 2,
        variant: v.name,
        featureSet: v.f,
        algorithm: v.a,
        supervised: v.a !== 'isolation_forest',
        seeds: i === 6 ? 1 : 5,
        ...means,
        metrics: entryMetrics(means),
        fitMs: 120 + i * 1500,
        throughputPerS: i === 5 ? null : 10_000 / (i + 1),
        withinTrivialReach: i === 4,
        leak: i === 3,
        flags: [
          ...(i === 3 ? [{ flag: 'leak' as const, reason: 'mean test AUC-ROC 0.812 > 0.60 on a null dataset' }] : []),
          ...(i === 4
            ? [
                {
                  flag: 'trivial' as const,
                  reason: 'test F1 0.750 is within 0.02 of the trivial rule "lacks \'<x>\'"',
                },
                { flag: 'not-converged' as const, reason: 'hit the iteration limit on 1 of 5 seeds' },
              ]
            : []),
        ],
        // Ground truth for all rows but the last (a row without truth is left out of that table).
        faultSlices:
          i === variants.length - 1
            ? null
            : {
                visible: { f1: 0.9 - i * 0.01, recall: 0.95, aucRoc: 0.97, detected: 19, anomalies: 20 },
                hidden: { f1: 0.4, recall: i === 0 ? Number.NaN : 0.25, aucRoc: 0.55, detected: 5, anomalies: 20 },
              },
      };
    }),
    f1ByFeatureSet: algorithms.flatMap((a, ai) =>
      featureSets.map((f, fi) => {
        const mean = 0.4 + 0.12 * fi + 0.05 * ai;
        return { algorithm: a, featureSet: f, mean, lo: mean - 0.04, hi: mean + 0.04 };
      }),
    ),
    prCurves: variants.slice(0, 3).map((v, ci) => {
      const points = Array.from({ length: 2000 }, (_, i) => {
        const recall = i / 1999;
        const base = 1 - recall ** (2 + ci) * (0.6 + 0.1 * ci);
        return { recall, precision: Math.max(0, Math.min(1, base - 0.02 * unit(i + ci * 2000))) };
      });
      return { label: v.name, aucPr: 0.81 - ci * 0.1, points };
    }),
    recallByCase: {
      rows: variants.map((v) => v.name),
      columns: cases,
      values: variants.map((_, r) => cases.map((_, c) => ((r + c) % 11 === 0 ? null : unit(r * 100 + c)))),
    },
    timings: variants.map((v, i) => ({
      label: v.name,
      stages: {
        load: 200,
        enhance: 50 + i * 10,
        vectorize: 300 + i * 40,
        fit: 100 + i * 500,
        score: 80,
        explain: i % 3 === 0 ? 400 : 0,
      },
    })),
    leakage,
    leakageSummary: summarizeLeakage(leakage),
    environment: {
      git_sha: 'abc1234',
      dirty: 'false',
      node: 'v20.19.0',
      os: 'linux 6.1',
      cpu: 'Example CPU @ 2.0GHz',
      cores: '2',
      lockfile_hash: 'sha256:00ff',
      dataset_hash: 'sha256:11ee',
    },
    explanations: [
      {
        label: 'words_logistic_regression',
        shapTop: Array.from({ length: 25 }, (_, i) => ({
          feature:
            i === 0
              ? 'a<b&"c"'
              : i === 1
                ? 'a_really_long_feature_name_that_will_not_fit_in_the_margin_at_all'
                : `token_${i}`,
          meanAbs: 1 / (i + 1),
        })),
        shapRows: Array.from({ length: 10 }, (_, f) => ({
          feature: f === 0 ? 'a<b&"c"' : `token_${f}`,
          points: Array.from({ length: 300 }, (_, i) => {
            const value = unit(f * 1000 + i);
            return { shap: (value - 0.5) * (2 / (f + 1)) + 0.1 * unit(i), value };
          }),
        })),
      },
    ],
    falsePositives: [
      {
        label: 'event_lr_words:words (seed 1, trial 3)',
        total: 12,
        threshold: 0.4162,
        rows: [
          {
            seqId: 'run-1__correct__token',
            score: 0.52,
            topFeatures: 'words:Unable (+0.311); words:<x> (+0.2)',
            uniqueTemplates: 'ApiException <*> | Error <&>',
          },
          { seqId: 'run-2__correct__code', score: 0.47, topFeatures: '', uniqueTemplates: '' },
        ],
      },
    ],
    notes: ['Fixture report for tests.'],
    configurations: [
      { label: 'event_lr_words:words', lines: ['logistic-regression: C=1, maxIter=4000'] },
      {
        label: 'dt:trigrams',
        lines: ['decision-tree: maxDepth={2, 8}'],
        tuning: {
          grid: { maxDepth: [2, 8] },
          seeds: [
            {
              seed: 1,
              chosen: 1,
              points: [
                { point: { maxDepth: 2 }, valF1: 0.8, valAucPr: 0.7 },
                { point: { maxDepth: 8 }, valF1: 0.9, valAucPr: 0.85 },
              ],
            },
          ],
        },
      },
    ],
    scope: 'labels target-service · seqBy file · order shuffled · faults none (null dataset)',
    warnings: [
      'null dataset (feature-sets): sequence_length_isolation_forest on sequence_length has mean test AUC-ROC 0.812 > 0.60 — a detector above chance means the harness or generator leaks a label',
    ],
  };
}

const chartPath = (name: string) => `charts/${name}.png`;

describe('renderHtml', () => {
  const model = fixtureModel();
  const html = renderHtml(model);

  it('has every section, in order', () => {
    const positions = SECTIONS.map((s) => html.indexOf(`<section id="${s.id}">`));
    for (const [i, p] of positions.entries()) assert.ok(p > 0, `section ${SECTIONS[i]!.id} missing`);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
  });

  it('is self-contained: no URLs, no scripts, no external resources', () => {
    assert.ok(!html.includes('http://'));
    assert.ok(!html.includes('https://'));
    assert.ok(!/<script/i.test(html));
    assert.ok(!/<link\b/i.test(html));
    assert.ok(!/\ssrc=/i.test(html));
    assert.ok(html.includes('<style>'));
    assert.match(html, /^<!doctype html>/);
  });

  it('inlines every chart', () => {
    const charts = reportCharts(model);
    assert.deepEqual(
      charts.map((c) => c.name),
      [
        'leaderboard',
        'f1-by-feature-set',
        'pr-curves',
        'recall-by-case',
        'timings',
        'shap-words-logistic-regression',
        'shap-summary-words-logistic-regression',
        'tuning-dt-trigrams',
      ],
    );
    for (const c of charts) assert.ok(html.includes(inlineSvg(c.svg)), `chart ${c.name} not inlined`);
    assert.equal((html.match(/<svg\b/g) ?? []).length, charts.length);
  });

  it('shows the leaderboard with its interval, tied marker, flags with reasons and n/a', () => {
    const table = html.slice(html.indexOf('<section id="leaderboard">'), html.indexOf('<figure'));
    assert.equal((table.match(/<tr/g) ?? []).length, 13, 'header + 12 rows');
    assert.ok(table.includes('<th class="num">F1 [95% corrected t]</th>'));
    assert.ok(table.includes('0.950 [0.920, 0.980]'));
    assert.ok(table.includes('0.650 (1 seed: no interval over splits)'), 'a single seed says why it has no interval');
    assert.match(table, /corrected resampled t-interval/);
    assert.equal((table.match(/≈<\/span>2</g) ?? []).length, 1, 'tied rank marked');
    const trivial = table.match(/<tr class="trivial">.*?<\/tr>/s);
    assert.ok(trivial && trivial.length === 1);
    assert.ok(trivial[0].includes('words_logistic_regression') && trivial[0].includes('⚠ trivial'));
    assert.ok(trivial[0].includes('⚠ not converged'));
    // The reasons are on the page, not only in tooltips.
    assert.match(
      table,
      /<li><b>words_logistic_regression · words<\/b> <span class="flag">⚠ trivial<\/span>: test F1 0\.750 is within 0\.02 of the trivial rule &quot;lacks &#39;&lt;x&gt;&#39;&quot;<\/li>/,
    );
    assert.ok(table.includes('<td class="num">n/a</td>'), 'null throughput');
    assert.ok(table.includes('1.62 s'), 'fit time');
  });

  it('escapes all model text', () => {
    assert.ok(html.includes('<h1>LO2 &lt;bench&gt; &amp; &quot;friends&quot;</h1>'));
    assert.ok(!html.includes('<bench>'));
    assert.ok(html.includes('token &lt;user_id&gt; appears only in anomalous runs &amp; leaks the label'));
    assert.ok(!html.includes('a<b&"c"'));
    assert.ok(html.includes('a&lt;b&amp;&quot;c&quot;'));
  });

  it('lists leakage checks with trivial rules and n/a for missing values', () => {
    const leakage = html.slice(html.indexOf('<section id="leakage">'), html.indexOf('<section id="explanations">'));
    assert.ok(leakage.includes('by-run · words'));
    assert.ok(leakage.includes('<td class="num">0.930</td>'));
    assert.equal((leakage.match(/>n\/a</g) ?? []).length, 2);
    assert.ok(leakage.includes('No warnings.'));
  });

  it('shows the environment and notes', () => {
    assert.ok(html.includes('<code>sha256:11ee</code>'));
    assert.ok(html.includes('Fixture report for tests.'));
  });

  it('shows the scope under the title and leak warnings in an alert box before the sections', () => {
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    assert.match(
      header,
      /<p class="meta scope">Scope: labels target-service · seqBy file · order shuffled · faults none \(null dataset\)<\/p>/,
    );
    const alert = header.match(/<div class="leak" role="alert">.*?<\/div>/s);
    assert.ok(alert, 'leak box in the header');
    assert.match(alert[0], /⚠ LEAK — null dataset/);
    assert.match(
      alert[0],
      /sequence_length_isolation_forest on sequence_length has mean test AUC-ROC 0\.812 &gt; 0\.60/,
    );
    const leaking = html.match(/<tr class="leak">.*?<\/tr>/gs) ?? [];
    assert.equal(leaking.length, 1);
    assert.match(leaking[0]!, /sequence_length_isolation_forest.*⚠ LEAK/s);
    const plain = renderHtml({ ...fixtureModel(), warnings: [] });
    assert.ok(!plain.includes('role="alert"'));
  });

  it('tabulates the fault-visibility slices of rows with ground truth only', () => {
    const section = html.slice(html.indexOf('<section id="fault-slices">'), html.indexOf('<section id="timings">'));
    assert.equal((section.match(/<tr>/g) ?? []).length, 1 + 11, 'header + 11 rows with truth');
    assert.ok(section.includes('<th class="num">Hidden: recall</th>'));
    assert.ok(section.includes('<td class="num">0.950 (19/20)</td>'));
    assert.ok(section.includes('<td class="num">n/a (5/20)</td>'), 'undefined recall stays n/a');
    assert.ok(!section.includes('sequence_length_decision_tree'), 'the row without truth is left out');
    const { leaderboard, ...rest } = fixtureModel();
    const noTruth = renderHtml({ ...rest, leaderboard: leaderboard.map((e) => ({ ...e, faultSlices: null })) });
    assert.ok(!noTruth.includes('id="fault-slices"'));
  });

  it('scales charts with the page and is deterministic', () => {
    assert.ok(html.includes('figure.chart svg { display: block; width: 100%; height: auto; }'));
    assert.ok(html.includes('name="viewport"'));
    assert.equal(renderHtml(fixtureModel()), html);
  });

  it('leaves out explanations and false positives when the model has none', () => {
    const { explanations: _, falsePositives: __, ...rest } = fixtureModel();
    const plain = renderHtml(rest);
    assert.ok(!plain.includes('id="explanations"'));
    assert.ok(!plain.includes('id="false-positives"'));
    assert.ok(plain.includes('id="environment"'));
  });

  it('lists false positives with their features and unseen templates, escaped', () => {
    const fp = html.slice(html.indexOf('<section id="false-positives">'), html.indexOf('<section id="environment">'));
    assert.match(fp, /12 false positives on test at threshold 0\.416; the 2 highest-scoring\./);
    assert.ok(fp.includes('words:&lt;x&gt; (+0.2)'));
    assert.ok(fp.includes('ApiException &lt;*&gt; | Error &lt;&amp;&gt;'));
    assert.ok(fp.includes('n/a (no SHAP for this model)'));
    assert.equal((fp.match(/<tr>/g) ?? []).length, 3, 'header + 2 rows');
  });

  it('renders an empty model without throwing', () => {
    const empty: ReportModel = {
      ...fixtureModel(),
      leaderboard: [],
      f1ByFeatureSet: [],
      prCurves: [],
      recallByCase: { rows: [], columns: [], values: [] },
      timings: [],
      leakage: [],
      leakageSummary: [],
      explanations: [{ label: 'x', shapTop: [], shapRows: [] }],
    };
    const out = renderHtml(empty);
    assert.equal((out.match(/>no data<\/text>/g) ?? []).length, 7);
    assert.ok(out.includes('No finished trials.'));
  });
});

describe('renderMarkdown', () => {
  const model = fixtureModel();
  const md = renderMarkdown(model, { chartPath });

  it('has the sections in order, with tables', () => {
    const headings = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(
      headings,
      SECTIONS.map((s) => s.title),
    );
    assert.ok(md.includes('| Rank | Variant | Feature set | Algorithm |'));
    assert.ok(md.includes('| ≈2 |'));
    assert.ok(md.includes('| 0.950 \\[0.920, 0.980\\] |'));
    assert.ok(md.includes('| ⚠ trivial ⚠ not-converged |'));
    assert.ok(md.includes('| 0.650 (1 seed: no interval over splits) |'));
    assert.match(md, /^- \*\*words\\_logistic\\_regression · words\*\* ⚠ trivial: test F1 0\.750 is within 0\.02/m);
    assert.ok(md.includes('**⚠ LEAK**'));
    assert.match(md, /^Scope: labels target-service · seqBy file · order shuffled · faults none \(null dataset\)$/m);
    assert.match(
      md,
      /^> \*\*⚠ LEAK — null dataset: a detector above chance means the harness or generator leaks a label\*\*$/m,
    );
    assert.match(md, /^> - \*\*null dataset \(feature-sets\): sequence\\_length\\_isolation\\_forest/m);
    assert.match(
      md,
      /^\| Variant \| Visible: recall \| Visible: F1 \| Visible: AUC-ROC \| Hidden: recall \| Hidden: F1 \| Hidden: AUC-ROC \|$/m,
    );
    assert.ok(md.includes('| Error case |'));
    // 53 error cases + header + alignment row.
    const recall = md.slice(md.indexOf('## Recall by error case'), md.indexOf('## Fault visibility'));
    assert.equal((recall.match(/^\|/gm) ?? []).length, 55);
  });

  it('links every chart PNG', () => {
    for (const c of reportCharts(model)) assert.ok(md.includes(`](<charts/${c.name}.png>)`), `image ${c.name}`);
  });

  it('escapes text for markdown tables', () => {
    assert.ok(md.includes('# LO2 &lt;bench&gt; &amp; "friends"'));
    assert.ok(md.includes('a&lt;b&amp;"c"'));
    assert.ok(md.includes('words\\_isolation\\_forest'));
    assert.ok(!md.includes('<bench>'));
    // Every table row has the same number of cells as its header.
    for (const block of md.split(/\n\n/)) {
      const rows = block.split('\n').filter((l) => l.startsWith('|'));
      if (rows.length === 0) continue;
      const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      for (const r of rows) assert.equal(cells(r), cells(rows[0]!), r);
    }
  });
});

describe('writeReport', () => {
  it('writes the page, the markdown and an SVG + PNG per chart', async () => {
    const { dir, cleanup } = tempDir('lo2-report-');
    try {
      const model = fixtureModel();
      const out = await writeReport(model, join(dir, 'report'));
      assert.equal(out.html, join(dir, 'report', 'index.html'));
      assert.equal(out.markdown, join(dir, 'report', 'report.md'));
      assert.equal(readFileSync(out.html, 'utf8'), renderHtml(model));
      assert.equal(readFileSync(out.markdown, 'utf8'), renderMarkdown(model, { chartPath }));
      const charts = reportCharts(model);
      assert.deepEqual(
        out.charts.map((c) => c.name),
        charts.map((c) => c.name),
      );
      for (const [i, c] of out.charts.entries()) {
        assert.equal(readFileSync(c.svg, 'utf8'), charts[i]!.svg);
        const png = readFileSync(c.png);
        assert.ok(hasPngSignature(png), `${c.name}.png signature`);
        const svgWidth = Number(/width="(\d+)"/.exec(charts[i]!.svg)![1]);
        assert.equal(pngSize(png).width, svgWidth * 2, `${c.name}.png width`);
        assert.ok(existsSync(join(dir, 'report', chartPath(c.name))), 'markdown link resolves');
      }
      const files = [...readdirSync(join(dir, 'report')), ...readdirSync(join(dir, 'report', 'charts'))];
      assert.ok(!files.some((f) => f.includes('.tmp-')), 'no temporary files left');
      assert.equal(files.length, 3 + 2 * charts.length);

      // Writing again replaces the files; a scale of 1 gives PNGs at the SVG's own width.
      const again = await writeReport(model, join(dir, 'report'), { pngScale: 1 });
      const svgWidth = Number(/width="(\d+)"/.exec(charts[0]!.svg)![1]);
      assert.equal(pngSize(readFileSync(again.charts[0]!.png)).width, svgWidth);
    } finally {
      cleanup();
    }
  });

  it('rejects a bad pngScale, naming it', async () => {
    await assert.rejects(writeReport(fixtureModel(), '/nonexistent/never', { pngScale: 0 }), {
      name: 'TypeError',
      message: 'pngScale must be a number in (0, 8] (got 0)',
    });
  });
});

describe('the report shows what its numbers are', () => {
  /** The fixture with three seeds × two feature sets of audits, each with ten feature warnings and a trivial rule. */
  function auditedModel(): ReportModel {
    const leakage: ReportModel['leakage'] = [1, 2, 3].flatMap((seed) =>
      ['words', 'trigrams'].map((featureSet) => ({
        split: `split ${10 + seed} (seed ${seed})`,
        featureSet,
        warnings: [
          ...Array.from(
            { length: 10 },
            (_, i) =>
              `feature 'tok<${i}>' alone carries much of the label (AUC train 0.792, test ${(0.8 + i / 100).toFixed(3)}; in 40 % of normal vs 98 % of anomalous training sequences)`,
          ),
          'trivial rule unseen_templates reaches test AUC 0.969, F1 0.835',
        ],
        trivialRules: [{ rule: 'unseen_templates', aucTest: 0.969, f1Test: 0.835 }],
      })),
    );
    return { ...fixtureModel(), leakage, leakageSummary: summarizeLeakage(leakage) };
  }

  it('summarises the leakage warnings in one line per split, feature set and kind, the full list on demand', () => {
    const model = auditedModel();
    const html = renderHtml(model);
    const section = html.slice(html.indexOf('<section id="leakage">'), html.indexOf('<section id="explanations">'));
    const details = section.indexOf('<details class="leakage-full">');
    assert.ok(details > 0, 'the full list sits in <details>');
    const shown = section.slice(0, details);
    // 6 audits × 2 kinds of finding, plus the header row.
    assert.equal((shown.match(/<tr>/g) ?? []).length, 1 + 12);
    assert.match(shown, /66 warnings from 6 leakage audits/);
    assert.match(
      shown,
      /<td>split 11 \(seed 1\)<\/td><td>words<\/td><td><span class="flag">⚠<\/span> single features carry much of the label<\/td><td class="num">10<\/td><td>&#39;tok&lt;9&gt;&#39; \(test AUC 0\.890\)<\/td>/,
    );
    assert.ok(shown.includes('unseen_templates (test AUC 0.969, F1 0.835)'));
    assert.ok(!shown.includes('tok&lt;3&gt;'), 'single warnings only in the details');
    const full = section.slice(details);
    assert.equal((full.match(/<li><span class="flag">⚠<\/span>/g) ?? []).length, 66, 'every warning listed in full');
    assert.equal((full.match(/<h3>/g) ?? []).length, 6);

    const md = renderMarkdown(model, { chartPath });
    const mdSection = md.slice(md.indexOf('## Leakage checks'), md.indexOf('## Explanations'));
    const mdDetails = mdSection.indexOf('<details><summary>');
    assert.ok(mdDetails > 0);
    const mdShown = mdSection.slice(0, mdDetails);
    assert.equal((mdShown.match(/^\| split/gm) ?? []).length, 12);
    assert.match(
      mdShown,
      /^\| split 11 \(seed 1\) \| words \| ⚠ single features carry much of the label \| 10 \| 'tok&lt;9&gt;' \(test AUC 0\.890\) \|$/m,
    );
    assert.equal((mdSection.slice(mdDetails).match(/^- ⚠ /gm) ?? []).length, 66);
    assert.match(mdSection, /\n\n<\/details>/, 'a blank line before </details> keeps the markdown inside rendered');
  });

  it('says when no audit warned', () => {
    const { leakage } = fixtureModel();
    const quiet = leakage.map((l) => ({ ...l, warnings: [] }));
    const model = { ...fixtureModel(), leakage: quiet, leakageSummary: summarizeLeakage(quiet) };
    assert.match(renderHtml(model), /No warnings from 2 leakage audits \(split × feature set\)/);
  });

  it('labels leaderboard bars variant · feature set when a variant has several feature sets', () => {
    const base = fixtureModel().leaderboard[0]!;
    const entry = (rank: number, variant: string, featureSet: string, mean: number) => {
      const f1 = { mean, lo: mean - 0.1, hi: mean + 0.1, interval: 'corrected-t' as const };
      return { ...base, rank, tied: false, variant, featureSet, f1, metrics: { ...base.metrics, f1 }, flags: [] };
    };
    const leaderboard = [
      entry(1, 'event_lr_words', 'words', 0.9),
      entry(2, 'event_lr_words', 'numeric', 0.4),
      entry(3, 'event_oov_words', 'words', 0.3),
    ];
    assert.deepEqual(entryLabels(leaderboard), [
      'event_lr_words · words',
      'event_lr_words · numeric',
      'event_oov_words',
    ]);
    const svg = reportCharts({ ...fixtureModel(), leaderboard }).find((c) => c.name === 'leaderboard')!.svg;
    const labels = [...svg.matchAll(/class="group-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(labels, ['event_lr_words · words', 'event_lr_words · numeric', 'event_oov_words']);
    const bars = [...svg.matchAll(/<rect class="bar"[^>]*data-value="([^"]*)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(bars, [0.9, 0.4, 0.3], 'each bar its own row, none hidden under another');
  });

  it('shows a single-seed F1-by-feature-set cell with its reason, not an empty interval', () => {
    const model = fixtureModel();
    model.f1ByFeatureSet[0] = {
      ...model.f1ByFeatureSet[0]!,
      lo: Number.NaN,
      hi: Number.NaN,
      interval: 'single-seed',
      reason: SINGLE_SEED_REASON,
    };
    const html = renderHtml(model);
    const section = html.slice(
      html.indexOf('<section id="f1-by-feature-set">'),
      html.indexOf('<section id="pr-curves">'),
    );
    assert.ok(section.includes('<td class="num">0.400 (1 seed: no interval over splits)</td>'));
    assert.ok(!section.includes('[n/a, n/a]'));
    assert.ok(section.includes('<td class="num">0.520 [0.480, 0.560]</td>'), 'a corrected-t cell keeps its interval');
  });

  it('names the unit of SHAP values in the chart axes and the table header', () => {
    const model = fixtureModel();
    model.explanations = model.explanations!.map((ex) => ({ ...ex, unit: 'log-odds' }));
    const html = renderHtml(model);
    const section = html.slice(
      html.indexOf('<section id="explanations">'),
      html.indexOf('<section id="false-positives">'),
    );
    assert.ok(section.includes('<th class="num">mean |SHAP| (log-odds)</th>'));
    assert.ok(section.includes('>mean |SHAP value| (log-odds)</text>'));
    assert.ok(section.includes('>SHAP value (log-odds; impact on anomaly score)</text>'));
    assert.ok(renderMarkdown(model, { chartPath }).includes('| Feature | mean \\|SHAP\\| (log-odds) |'));
  });

  it('says no feature explains a degenerate model instead of tabulating identical values', () => {
    const model = fixtureModel();
    const sentence =
      "No feature explains this model's scores (it flags everything; every top feature has the same mean |SHAP|, 0.0078).";
    model.explanations = [
      {
        label: 'event_oov_words:words',
        unit: 'OOV tokens',
        degenerate: sentence,
        shapTop: Array.from({ length: 10 }, (_, i) => ({ feature: `words:t${i}`, meanAbs: 0.0078125 })),
      },
      ...model.explanations!,
    ];
    const charts = reportCharts(model);
    assert.ok(!charts.some((c) => c.explanation === 0), 'no chart of identical bars');
    assert.ok(
      charts.some((c) => c.explanation === 1),
      'the other explanation keeps its charts',
    );
    const html = renderHtml(model);
    const section = html.slice(
      html.indexOf('<section id="explanations">'),
      html.indexOf('<section id="false-positives">'),
    );
    const own = section.slice(
      section.indexOf('<h3>event_oov_words:words</h3>'),
      section.indexOf('<h3>words_logistic_regression</h3>'),
    );
    assert.ok(own.includes(`<p class="degenerate">${sentence.replace("'", '&#39;')}</p>`));
    assert.ok(!own.includes('<table>') && !own.includes('0.008'));
    const md = renderMarkdown(model, { chartPath });
    const mdOwn = md.slice(
      md.indexOf('### event\\_oov\\_words:words'),
      md.indexOf('### words\\_logistic\\_regression'),
    );
    assert.ok(mdOwn.includes("_No feature explains this model's scores (it flags everything;"));
    assert.ok(!mdOwn.includes('| Feature |'));
  });
});
