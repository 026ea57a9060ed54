/** The report as GitHub-flavoured markdown: the HTML page's sections as tables, charts as PNG links. */
import { formatDuration, formatRate, formatNumber as num } from '../../harness/charts/index.ts';
import type { ReportModel } from '../index.ts';
import { configurationMarkdown } from './configuration.ts';
import {
  FALSE_POSITIVE_COLUMNS,
  FAULT_SLICE_COLUMNS,
  f1ByFeatureSetCells,
  faultSliceRows,
  flagReasons,
  LEAKAGE_SUMMARY_COLUMNS,
  leaderboardIntro,
  leaderboardMetricColumns,
  leakageDetailsTitle,
  leakageIntro,
  ownCharts,
  primaryMetricLabel,
  type ReportChart,
  reportCharts,
  type SectionId,
  sectionsOf,
  shapHeader,
} from './html.ts';

/** Options of `renderMarkdown`. */
export interface MarkdownOptions {
  /** Link target of a chart's PNG from the markdown file, e.g. `(name) => \`charts/${name}.png\``. */
  chartPath: (name: string) => string;
}

/**
 * Text safe in a markdown table cell: HTML-significant characters as entities (GitHub would
 * otherwise render or strip tags), markdown punctuation backslash-escaped, and no line breaks
 * (a newline ends the table row).
 */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ');
}

/** Markdown table from header cells (plain text) and rows of already-escaped cells. */
function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number>): string {
  const align = header.map((_, i) => (numeric.has(i) ? '---:' : '---'));
  return [
    `| ${header.map(escapeMarkdown).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function image(chart: ReportChart, options: MarkdownOptions): string {
  const alt = chart.title.replace(/[[\]\\]/g, '').replace(/\s+/g, ' ');
  // Angle brackets keep spaces or parentheses in the path from ending the link early.
  return `![${alt}](<${options.chartPath(chart.name)}>)`;
}

const indices = (from: number, count: number) => new Set(Array.from({ length: count }, (_, i) => from + i));

function leaderboard(model: ReportModel): string {
  if (model.leaderboard.length === 0) return '_No finished trials._';
  const metrics = leaderboardMetricColumns(model);
  const header = [
    'Rank',
    'Variant',
    'Feature set',
    'Algorithm',
    'Supervised',
    'Seeds',
    ...metrics.map((m) => m.header),
  ];
  header.push('Fit time', 'Throughput (seq/s)', 'Flags');
  const rows = [...model.leaderboard]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => [
      e.tied ? `≈${e.rank}` : String(e.rank),
      escapeMarkdown(e.variant),
      escapeMarkdown(e.featureSet),
      escapeMarkdown(e.algorithm),
      e.supervised ? 'yes' : 'no',
      String(e.seeds),
      ...metrics.map((m) => escapeMarkdown(m.cell(e))),
      formatDuration(e.fitMs),
      formatRate(e.throughputPerS),
      e.flags.map((f) => (f.flag === 'leak' ? '**⚠ LEAK**' : escapeMarkdown(`⚠ ${f.flag}`))).join(' '),
    ]);
  const reasons = flagReasons(model).map(
    (r) => `- **${escapeMarkdown(r.label)}** ${escapeMarkdown(r.flag)}: ${escapeMarkdown(r.reason)}`,
  );
  return [
    escapeMarkdown(leaderboardIntro(model)),
    '',
    // Numbers right-aligned: rank, seeds, the metrics, fit time and throughput (not the flags).
    table(header, rows, new Set([0, ...[...header.keys()].filter((i) => i >= 5 && i < header.length - 1)])),
    ...(reasons.length > 0 ? ['', ...reasons] : []),
  ].join('\n');
}

function f1ByFeatureSet(model: ReportModel): string {
  const { featureSets, rows } = f1ByFeatureSetCells(model);
  if (rows.length === 0) return '_No data._';
  return table(
    ['Algorithm', ...featureSets],
    rows.map((r) => [escapeMarkdown(r.algorithm), ...r.cells.map(escapeMarkdown)]),
    indices(1, featureSets.length),
  );
}

function recallByCase(model: ReportModel): string {
  const { rows, columns, values } = model.recallByCase;
  if (rows.length === 0 || columns.length === 0) return '_No data._';
  // Transposed as in the HTML page: many error cases read better down than across.
  const body = columns.map((c, ci) => [escapeMarkdown(c), ...rows.map((_, ri) => num(values[ri]?.[ci]))]);
  return table(['Error case', ...rows], body, indices(1, rows.length));
}

function timings(model: ReportModel): string {
  if (model.timings.length === 0) return '_No data._';
  const stages = [...new Set(model.timings.flatMap((t) => Object.keys(t.stages)))];
  const rows = model.timings.map((t) => {
    const total = Object.values(t.stages).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    return [escapeMarkdown(t.label), ...stages.map((s) => formatDuration(t.stages[s])), formatDuration(total)];
  });
  return table(['Variant', ...stages, 'Total'], rows, indices(1, stages.length + 1));
}

function leakage(model: ReportModel): string {
  if (model.leakage.length === 0) return '_No leakage checks recorded._';
  const summary =
    model.leakageSummary.length === 0
      ? []
      : [
          table(
            LEAKAGE_SUMMARY_COLUMNS,
            model.leakageSummary.map((f) => [
              escapeMarkdown(f.split),
              escapeMarkdown(f.featureSet),
              `⚠ ${escapeMarkdown(f.finding)}`,
              String(f.count),
              escapeMarkdown(f.strongest),
            ]),
            new Set([3]),
          ),
        ];
  const full = model.leakage
    .map((l) => {
      const parts = [`### ${escapeMarkdown(l.split)} · ${escapeMarkdown(l.featureSet)}`, ''];
      if (l.warnings.length === 0) parts.push('No warnings.');
      else parts.push(...l.warnings.map((w) => `- ⚠ ${escapeMarkdown(w)}`));
      if (l.trivialRules.length > 0) {
        const rows = l.trivialRules.map((r) => [escapeMarkdown(r.rule), num(r.aucTest), num(r.f1Test)]);
        parts.push('', table(['Trivial rule', 'AUC (test)', 'F1 (test)'], rows, new Set([1, 2])));
      }
      return parts.join('\n');
    })
    .join('\n\n');
  // GitHub renders markdown inside <details> when blank lines set it apart from the tags.
  return [
    escapeMarkdown(leakageIntro(model)),
    ...summary,
    `<details><summary>${escapeMarkdown(leakageDetailsTitle(model))}</summary>`,
    full,
    '</details>',
  ].join('\n\n');
}

function explanations(model: ReportModel, charts: readonly ReportChart[], options: MarkdownOptions): string {
  return (model.explanations ?? [])
    .map((ex, i) => {
      const heading = [
        `### ${escapeMarkdown(ex.label)}`,
        '',
        ...(ex.note === undefined ? [] : [escapeMarkdown(ex.note), '']),
      ];
      if (ex.degenerate !== undefined) return [...heading, `_${escapeMarkdown(ex.degenerate)}_`].join('\n');
      const top = [...ex.shapTop].sort((a, b) => b.meanAbs - a.meanAbs).slice(0, 10);
      return [
        ...heading,
        ...charts.filter((c) => c.explanation === i).map((c) => `${image(c, options)}\n`),
        table(
          ['Feature', shapHeader(ex)],
          top.map((t) => [escapeMarkdown(t.feature), num(t.meanAbs)]),
          new Set([1]),
        ),
      ].join('\n');
    })
    .join('\n\n');
}

/** The report as markdown with the HTML page's sections, tables and chart images (PNG links). */
export function renderMarkdown(model: ReportModel, options: MarkdownOptions): string {
  const charts = reportCharts(model);
  const chart = (name: string) =>
    charts
      .filter((c) => c.name === name)
      .map((c) => image(c, options))
      .join('\n');
  const content: Record<SectionId, string> = {
    leaderboard: `${leaderboard(model)}\n\n${chart('leaderboard')}`,
    'f1-by-feature-set': `${chart('f1-by-feature-set')}\n\n${f1ByFeatureSet(model)}`,
    'pr-curves': `${charts
      .filter((c) => c.section === 'pr-curves')
      .map((c) => image(c, options))
      .join('\n')}\n\n${
      model.prCurves.length === 0
        ? '_No data._'
        : table(
            ['Curve', 'AUC-PR', 'Points'],
            model.prCurves.map((c) => [escapeMarkdown(c.label), num(c.aucPr), String(c.points.length)]),
            new Set([1, 2]),
          )
    }`,
    'recall-by-case': `${chart('recall-by-case')}\n\n${recallByCase(model)}`,
    'fault-slices': [
      'Test metrics at the validation threshold on two slices: **visible** = normal sequences + anomalous sequences with at least one fault-caused line; **hidden** = normal sequences + anomalous sequences without any. Recall on hidden anomalies is what a detector catches without seeing the fault. Recall is pooled over seeds (detected/anomalies), F1 and AUC-ROC are means over seeds.',
      '',
      table(
        FAULT_SLICE_COLUMNS,
        faultSliceRows(model).map((r) => [escapeMarkdown(r.label), ...r.cells.map(escapeMarkdown)]),
        indices(1, 6),
      ),
    ].join('\n'),
    timings: `${chart('timings')}\n\n${timings(model)}`,
    leakage: leakage(model),
    explanations: explanations(model, charts, options),
    'false-positives': (model.falsePositives ?? [])
      .map((fp) =>
        [
          `### ${escapeMarkdown(fp.label)}`,
          '',
          `${fp.total} false positive${fp.total === 1 ? '' : 's'} on test at threshold ${num(fp.threshold)}${
            fp.rows.length < fp.total ? `; the ${fp.rows.length} highest-scoring` : ''
          }.`,
          '',
          table(
            FALSE_POSITIVE_COLUMNS,
            fp.rows.map((r) => [
              `\`${r.seqId.replace(/`/g, "'")}\``,
              num(r.score),
              escapeMarkdown(r.topFeatures || 'n/a (no SHAP for this model)'),
              escapeMarkdown(r.uniqueTemplates || 'none'),
            ]),
            new Set([1]),
          ),
        ].join('\n'),
      )
      .join('\n\n'),
    configuration: configurationMarkdown(model, ownCharts(charts), (c) => image(c, options), escapeMarkdown),
    environment: table(
      ['Key', 'Value'],
      Object.entries(model.environment).map(([k, v]) => [escapeMarkdown(k), escapeMarkdown(v)]),
      new Set(),
    ),
  };
  const sections = sectionsOf(model);
  const header = [
    `# ${escapeMarkdown(model.title)}`,
    '',
    `Experiment \`${model.experiment.replace(/`/g, "'")}\` (\`${model.experimentFile.replace(/`/g, "'")}\`) · generated ${escapeMarkdown(model.generatedAt)} · primary metric ${primaryMetricLabel(model)}`,
  ];
  if (model.scope !== undefined) header.push('', `Scope: ${escapeMarkdown(model.scope)}`);
  if (model.warnings && model.warnings.length > 0) {
    header.push(
      '',
      '> **⚠ LEAK — null dataset: a detector above chance means the harness or generator leaks a label**',
      ...model.warnings.map((w) => `> - **${escapeMarkdown(w)}**`),
    );
  }
  if (model.notes && model.notes.length > 0) header.push('', ...model.notes.map((n) => `> ${escapeMarkdown(n)}`));
  return [
    header.join('\n'),
    ...sections.map((s) => `<a id="${s.id}"></a>\n\n## ${s.title}\n\n${content[s.id]}`),
    '',
  ].join('\n\n');
}
