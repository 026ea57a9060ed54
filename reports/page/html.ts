/**
 * The report as one self-contained HTML page: inline `<style>` and inline SVG charts, no scripts,
 * no external resources, so it opens offline and can be mailed or archived as a single file.
 */
import {
  escapeXml as esc,
  formatDuration,
  formatRate,
  groupedBarChart,
  heatmap,
  lineChart,
  formatNumber as num,
  shapBarChart,
  shapSummaryPlot,
  stackedBarChart,
} from '../../harness/charts/index.ts';
import { metricDef } from '../../splits/eval/index.ts';
import { type EntryFlag, entryMetric, type LeaderboardEntry, type ReportModel, shownMetrics } from '../index.ts';
import { type ConfigurationChart, configurationCharts, configurationHtml } from './configuration.ts';

/** Section ids in page order (also the markdown order). */
export const SECTIONS = Object.freeze([
  { id: 'leaderboard', title: 'Leaderboard' },
  { id: 'f1-by-feature-set', title: 'F1 by feature set' },
  { id: 'pr-curves', title: 'Precision–recall curves' },
  { id: 'recall-by-case', title: 'Recall by error case' },
  { id: 'fault-slices', title: 'Fault visibility (ground truth)' },
  { id: 'timings', title: 'Stage timings' },
  { id: 'configuration', title: 'Configurations and tuning' },
  { id: 'leakage', title: 'Leakage checks' },
  { id: 'explanations', title: 'Explanations' },
  { id: 'false-positives', title: 'False positives' },
  { id: 'environment', title: 'Environment' },
] as const);

/** Id of a report section. */
export type SectionId = (typeof SECTIONS)[number]['id'];

/** One chart of the report: file stem, the section it belongs to, and its SVG. */
export interface ReportChart {
  /** File stem, unique within the report: `charts/<name>.svg|png`. */
  name: string;
  section: SectionId;
  title: string;
  svg: string;
  /** Index into `model.explanations` for the SHAP charts. */
  explanation?: number;
}

/** Label of the model's primary metric ("F1", "AUC-PR", "AUC-ROC"), from the metrics registry. */
export function primaryMetricLabel(model: ReportModel): string {
  return metricDef(model.primaryMetric)?.label ?? model.primaryMetric;
}

/** File-name-safe stem of `label`, made unique against `taken`. */
function slug(label: string, taken: Set<string>): string {
  const base =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'chart';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/**
 * The leaderboard chart's label of each entry: its variant, and `variant · feature set` for every
 * variant that appears with more than one feature set (bars under one name would hide all but one).
 */
export function entryLabels(entries: readonly LeaderboardEntry[]): string[] {
  const featureSets = new Map<string, Set<string>>();
  for (const e of entries) {
    let s = featureSets.get(e.variant);
    if (!s) featureSets.set(e.variant, (s = new Set()));
    s.add(e.featureSet);
  }
  return entries.map((e) => (featureSets.get(e.variant)!.size > 1 ? `${e.variant} · ${e.featureSet}` : e.variant));
}

/** One precision–recall chart per curve group, in the order the groups first appear. */
function prCurveCharts(model: ReportModel): ReportChart[] {
  const groups = [...new Set(model.prCurves.map((c) => c.group ?? ''))];
  if (groups.length === 0) groups.push('');
  return groups.map((g, i) => {
    const title = `Precision–recall curves (test)${g ? ` — ${g}` : ''}`;
    return {
      name: i === 0 ? 'pr-curves' : `pr-curves-${i + 1}`,
      section: 'pr-curves' as const,
      title,
      svg: lineChart(
        model.prCurves
          .filter((c) => (c.group ?? '') === g)
          .map((c) => ({
            label: `${c.label} · AUC-PR ${num(c.aucPr)}`,
            points: c.points.map((p) => ({ x: p.recall, y: p.precision })),
          })),
        { title, xLabel: 'recall', yLabel: 'precision' },
      ),
    };
  });
}

/**
 * Every chart of the report in page order. Pure: the same model gives the same SVG strings, and
 * empty parts of the model give "no data" charts rather than errors.
 */
export function reportCharts(model: ReportModel): ReportChart[] {
  const metric = primaryMetricLabel(model);
  const leaderboardTitle = `Leaderboard: test ${metric} per variant`;
  const ranked = [...model.leaderboard].sort((a, b) => a.rank - b.rank);
  const groups = entryLabels(ranked);
  const primaryInterval = metricDef(model.primaryMetric)?.interval === 'always';
  const charts: ReportChart[] = [
    {
      name: 'leaderboard',
      section: 'leaderboard',
      title: leaderboardTitle,
      svg: groupedBarChart(
        ranked.map((e, i) => ({
          group: groups[i]!,
          series: `test ${metric}`,
          value: entryMetric(e, model.primaryMetric).mean,
          // Whiskers for the headline metric, whose interval the table shows too.
          lo: primaryInterval ? entryMetric(e, model.primaryMetric).lo : null,
          hi: primaryInterval ? entryMetric(e, model.primaryMetric).hi : null,
        })),
        {
          title: leaderboardTitle,
          yLabel: `test ${metric}`,
          legend: false,
          maxLabelChars: Math.max(28, ...groups.map((g) => g.length)),
        },
      ),
    },
    {
      name: 'f1-by-feature-set',
      section: 'f1-by-feature-set',
      title: 'Test F1 by feature set per algorithm (95% corrected t-interval over seeds)',
      svg: groupedBarChart(
        model.f1ByFeatureSet.map((d) => ({
          group: d.algorithm,
          series: d.featureSet,
          value: d.mean,
          lo: d.lo,
          hi: d.hi,
        })),
        {
          title: 'Test F1 by feature set per algorithm (95% corrected t-interval over seeds)',
          xLabel: 'algorithm',
          yLabel: 'test F1',
        },
      ),
    },
    ...prCurveCharts(model),
    {
      name: 'recall-by-case',
      section: 'recall-by-case',
      title: 'Recall per error case',
      svg: heatmap(model.recallByCase, { title: 'Recall per error case', valueLabel: 'recall' }),
    },
    {
      name: 'timings',
      section: 'timings',
      title: 'Wall time per stage',
      svg: stackedBarChart(model.timings, { title: 'Wall time per stage' }),
    },
  ];
  const taken = new Set(charts.map((c) => c.name));
  for (const [i, ex] of (model.explanations ?? []).entries()) {
    // Bars of identical height say nothing the sentence does not.
    if (ex.degenerate !== undefined) continue;
    const unit = ex.unit ?? '';
    const stem = slug(`shap ${ex.label}`, taken);
    const barTitle = `${ex.label}: mean |SHAP| (top features)`;
    charts.push({
      name: stem,
      section: 'explanations',
      title: barTitle,
      svg: shapBarChart(ex.shapTop, { title: barTitle, unit }),
      explanation: i,
    });
    if (ex.shapRows !== undefined) {
      const summaryTitle = `${ex.label}: SHAP values per sequence`;
      charts.push({
        name: slug(`shap summary ${ex.label}`, taken),
        section: 'explanations',
        title: summaryTitle,
        svg: shapSummaryPlot(ex.shapRows, { title: summaryTitle, unit }),
        explanation: i,
      });
    }
  }
  for (const c of configurationCharts(model, (label) => slug(label, taken))) {
    charts.push({ ...c, section: 'configuration' });
  }
  return charts;
}

/**
 * A chart's SVG for inline use in HTML: the HTML parser puts `<svg>` in the SVG namespace by
 * itself, and dropping the xmlns keeps the page free of any URL.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
}

function figure(chart: ReportChart): string {
  const width = /width="(\d+(?:\.\d+)?)"/.exec(chart.svg)?.[1] ?? '960';
  return `<figure class="chart" id="chart-${esc(chart.name)}" style="max-width:${width}px">\n${inlineSvg(chart.svg)}\n</figure>`;
}

/**
 * `<table>` from header cells (plain text) and rows of already-escaped cell HTML; `numeric` columns
 * are right-aligned, `rowClass` tags rows for the stylesheet.
 */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number>,
  rowClass: (row: number) => string = () => '',
): string {
  const cls = (i: number) => (numeric.has(i) ? ' class="num"' : '');
  const tr = (i: number) => (rowClass(i) ? `<tr class="${rowClass(i)}">` : '<tr>');
  return [
    '<div class="table-wrap"><table>',
    `<thead><tr>${header.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r, ri) => `${tr(ri)}${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/** Header of a metric's interval column (F1's by default): which interval the numbers carry. */
export function intervalHeader(model: ReportModel, id = 'f1'): string {
  const label = metricDef(id)?.label ?? id;
  return model.leaderboard.some((e) => entryMetric(e, id).interval === 'corrected-t')
    ? `${label} [95% corrected t]`
    : label;
}

/**
 * The leaderboard table's metric columns, shared with the markdown twin (plain text): each metric
 * the board shows, in registry order; the headline metric with its interval, the others' means.
 */
export function leaderboardMetricColumns(
  model: ReportModel,
): { header: string; cell: (e: LeaderboardEntry) => string }[] {
  return shownMetrics(model.leaderboard, model.primaryMetric).map((d) =>
    d.interval === 'always'
      ? { header: intervalHeader(model, d.id), cell: (e) => meanIntervalText(entryMetric(e, d.id)) }
      : { header: d.short, cell: (e) => num(entryMetric(e, d.id).mean) },
  );
}

/** A mean with its interval, or the reason it has none (`0.812 (1 seed: no interval over splits)`). */
export function meanIntervalText(v: LeaderboardEntry['f1']): string {
  if (v.interval === 'corrected-t') return `${num(v.mean)} [${num(v.lo)}, ${num(v.hi)}]`;
  return v.reason ? `${num(v.mean)} (${v.reason})` : num(v.mean);
}

/** The F1-by-feature-set table: algorithms down, feature sets across (first appearance), plain-text cells. */
export function f1ByFeatureSetCells(model: ReportModel): {
  featureSets: string[];
  rows: { algorithm: string; cells: string[] }[];
} {
  const algorithms = [...new Set(model.f1ByFeatureSet.map((d) => d.algorithm))];
  const featureSets = [...new Set(model.f1ByFeatureSet.map((d) => d.featureSet))];
  const cell = new Map(model.f1ByFeatureSet.map((d) => [`${d.algorithm}\u0000${d.featureSet}`, d]));
  return {
    featureSets,
    rows: algorithms.map((algorithm) => ({
      algorithm,
      cells: featureSets.map((f) => {
        const d = cell.get(`${algorithm}\u0000${f}`);
        if (!d) return 'n/a';
        const { mean, lo, hi } = d;
        return meanIntervalText({
          mean,
          lo,
          hi,
          interval: d.interval ?? 'corrected-t',
          ...(d.reason && { reason: d.reason }),
        });
      }),
    })),
  };
}

/** The leaderboard's opening paragraph, shared with the markdown twin (plain text). */
export function leaderboardIntro(model: ReportModel): string {
  return (
    `Ranked by test ${primaryMetricLabel(model)}. F1 [lo, hi]: the mean over split seeds with its 95 % corrected ` +
    'resampled t-interval (Nadeau & Bengio 2003: the splits overlap, so the variance over seeds is scaled by ' +
    '1/k + nTest/nTrain); a row with one seed has no interval. ≈ marks a rank the corrected resampled t-test over ' +
    'the seeds both share cannot tell from the row above (p ≥ 0.05); ⚠ marks a flag, with its reason under the table.'
  );
}

const FLAG_TEXT: Record<EntryFlag['flag'], string> = {
  leak: '⚠ LEAK',
  degenerate: '⚠ degenerate',
  trivial: '⚠ trivial',
  'not-converged': '⚠ not converged',
};

/** Every flagged row's flags with their reasons, rank order. */
export function flagReasons(model: ReportModel): { label: string; flag: string; reason: string }[] {
  return [...model.leaderboard]
    .sort((a, b) => a.rank - b.rank)
    .flatMap((e) =>
      e.flags.map((f) => ({ label: `${e.variant} · ${e.featureSet}`, flag: FLAG_TEXT[f.flag], reason: f.reason })),
    );
}

function leaderboardTable(model: ReportModel): string {
  if (model.leaderboard.length === 0) return '<p class="empty">No finished trials.</p>';
  // Feature set, algorithm and the flags go in the variant cell: separate columns would not fit 1280 px.
  const metrics = leaderboardMetricColumns(model);
  const header = ['Rank', 'Variant', 'Supervised', 'Seeds', ...metrics.map((m) => m.header)];
  header.push('Fit time', 'Throughput (seq/s)');
  const entries = [...model.leaderboard].sort((a, b) => a.rank - b.rank);
  const rows = entries.map((e) => {
    const rank = e.tied
      ? `<span class="tied" title="the corrected resampled t-test cannot tell it from the row above">≈</span>${e.rank}`
      : String(e.rank);
    const flag = e.flags
      .map(
        (f) =>
          ` <span class="${f.flag === 'leak' ? 'leak-flag' : 'flag'}" title="${esc(f.reason)}">${esc(FLAG_TEXT[f.flag])}</span>`,
      )
      .join('');
    return [
      rank,
      `${esc(e.variant)}${flag}<br><small class="sub">${esc(e.featureSet)} · ${esc(e.algorithm)}</small>`,
      e.supervised ? 'yes' : 'no',
      String(e.seeds),
      ...metrics.map((m) => esc(m.cell(e))),
      esc(formatDuration(e.fitMs)),
      formatRate(e.throughputPerS),
    ];
  });
  const has = (e: LeaderboardEntry, flag: EntryFlag['flag']) => e.flags.some((f) => f.flag === flag);
  const reasons = flagReasons(model);
  const list =
    reasons.length === 0
      ? ''
      : `\n<ul class="flags">${reasons.map((r) => `<li><b>${esc(r.label)}</b> <span class="flag">${esc(r.flag)}</span>: ${esc(r.reason)}</li>`).join('')}</ul>`;
  return (
    // Numbers right-aligned: rank, seeds, the metrics, fit time and throughput.
    table(header, rows, new Set([0, ...[...header.keys()].filter((i) => i >= 3)]), (i) =>
      has(entries[i]!, 'leak') ? 'leak' : entries[i]!.flags.length > 0 ? 'trivial' : '',
    ) + list
  );
}

/** Header and cells of the fault-visibility table, shared with the markdown twin. */
export const FAULT_SLICE_COLUMNS = [
  'Variant',
  'Visible: recall',
  'Visible: F1',
  'Visible: AUC-ROC',
  'Hidden: recall',
  'Hidden: F1',
  'Hidden: AUC-ROC',
];

/** Rows (rank order) with ground-truth slices: label, then per slice recall (detected/total), F1, AUC-ROC. */
export function faultSliceRows(model: ReportModel): { label: string; cells: string[] }[] {
  return [...model.leaderboard]
    .sort((a, b) => a.rank - b.rank)
    .flatMap((e) => {
      const f = e.faultSlices;
      if (!f) return [];
      const cells = [f.visible, f.hidden].flatMap((m) => [
        `${num(m.recall)} (${m.detected}/${m.anomalies})`,
        num(m.f1),
        num(m.aucRoc),
      ]);
      return [{ label: `${e.variant} · ${e.featureSet}`, cells }];
    });
}

function faultSlicesHtml(model: ReportModel): string {
  const rows = faultSliceRows(model).map((r) => [esc(r.label), ...r.cells.map(esc)]);
  return `<p>Test metrics at the validation threshold on two slices: <b>visible</b> = normal sequences + anomalous sequences with at least one fault-caused line; <b>hidden</b> = normal sequences + anomalous sequences without any. Recall on hidden anomalies is what a detector catches without seeing the fault. Recall is pooled over seeds (detected/anomalies), F1 and AUC-ROC are means over seeds.</p>\n${table(FAULT_SLICE_COLUMNS, rows, new Set([1, 2, 3, 4, 5, 6]))}`;
}

/** The leak warnings as a box no reader can miss, or nothing. */
function warningsHtml(model: ReportModel): string {
  if (!model.warnings || model.warnings.length === 0) return '';
  return `<div class="leak" role="alert"><strong>⚠ LEAK — null dataset: a detector above chance means the harness or generator leaks a label</strong><ul>${model.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
}

function f1Table(model: ReportModel): string {
  const { featureSets, rows } = f1ByFeatureSetCells(model);
  if (rows.length === 0) return '';
  return table(
    ['Algorithm', ...featureSets],
    rows.map((r) => [esc(r.algorithm), ...r.cells.map(esc)]),
    new Set(featureSets.map((_, i) => i + 1)),
  );
}

function recallTable(model: ReportModel): string {
  const { rows, columns, values } = model.recallByCase;
  if (rows.length === 0 || columns.length === 0) return '';
  // Transposed: 53 error cases read better down the page than across it.
  const body = columns.map((c, ci) => [esc(c), ...rows.map((_, ri) => num(values[ri]?.[ci]))]);
  const numeric = new Set(rows.map((_, i) => i + 1));
  return `<details><summary>Table</summary>\n${table(['Error case', ...rows], body, numeric)}\n</details>`;
}

function timingsTable(model: ReportModel): string {
  if (model.timings.length === 0) return '';
  const stages = [...new Set(model.timings.flatMap((t) => Object.keys(t.stages)))];
  const rows = model.timings.map((t) => {
    const total = Object.values(t.stages).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    return [esc(t.label), ...stages.map((s) => esc(formatDuration(t.stages[s]))), esc(formatDuration(total))];
  });
  return table(['Variant', ...stages, 'Total'], rows, new Set(stages.map((_, i) => i + 1).concat(stages.length + 1)));
}

/** Header of the leakage summary table, shared with the markdown twin. */
export const LEAKAGE_SUMMARY_COLUMNS = ['Split', 'Feature set', 'Finding', 'Count', 'Strongest'];

/** The leakage section's opening line (plain text), shared with the markdown twin. */
export function leakageIntro(model: ReportModel): string {
  const audits = model.leakage.length;
  const warnings = model.leakage.reduce((n, l) => n + l.warnings.length, 0);
  const clean = model.leakage.filter((l) => l.warnings.length === 0).length;
  const audited = `${audits} leakage audit${audits === 1 ? '' : 's'} (split × feature set)`;
  if (warnings === 0) return `No warnings from ${audited}; each audit’s trivial rules are listed below.`;
  return (
    `${warnings} warning${warnings === 1 ? '' : 's'} from ${audited}${clean > 0 ? `, ${clean} of them without any` : ''}, ` +
    'one line per split, feature set and kind of finding with its count and strongest instance; every warning and each audit’s trivial rules are listed below.'
  );
}

/** Text of the `<details>` summary holding the full leakage list. */
export function leakageDetailsTitle(model: ReportModel): string {
  return `All warnings and trivial rules, per split and feature set (${model.leakage.length} audits)`;
}

function leakageHtml(model: ReportModel): string {
  if (model.leakage.length === 0) return '<p class="empty">No leakage checks recorded.</p>';
  const summary =
    model.leakageSummary.length === 0
      ? ''
      : table(
          LEAKAGE_SUMMARY_COLUMNS,
          model.leakageSummary.map((f) => [
            esc(f.split),
            esc(f.featureSet),
            `<span class="flag">⚠</span> ${esc(f.finding)}`,
            String(f.count),
            esc(f.strongest),
          ]),
          new Set([3]),
        );
  const full = model.leakage
    .map((l) => {
      const warnings =
        l.warnings.length === 0
          ? '<p class="ok">No warnings.</p>'
          : `<ul class="warnings">${l.warnings.map((w) => `<li><span class="flag">⚠</span> ${esc(w)}</li>`).join('')}</ul>`;
      const rules =
        l.trivialRules.length === 0
          ? ''
          : table(
              ['Trivial rule', 'AUC (test)', 'F1 (test)'],
              l.trivialRules.map((r) => [esc(r.rule), num(r.aucTest), num(r.f1Test)]),
              new Set([1, 2]),
            );
      return `<h3>${esc(l.split)} · ${esc(l.featureSet)}</h3>\n${warnings}\n${rules}`;
    })
    .join('\n');
  return `<p>${esc(leakageIntro(model))}</p>\n${summary}\n<details class="leakage-full"><summary>${esc(leakageDetailsTitle(model))}</summary>\n${full}\n</details>`;
}

/** Header of an explanation's value column: mean |SHAP| with the unit the values are in. */
export function shapHeader(ex: NonNullable<ReportModel['explanations']>[number]): string {
  return ex.unit ? `mean |SHAP| (${ex.unit})` : 'mean |SHAP|';
}

function explanationsHtml(model: ReportModel, charts: readonly ReportChart[]): string {
  return (model.explanations ?? [])
    .map((ex, i) => {
      const note = ex.note === undefined ? '' : `<p>${esc(ex.note)}</p>\n`;
      const heading = `<h3>${esc(ex.label)}</h3>\n${note}`;
      if (ex.degenerate !== undefined) return `${heading}<p class="degenerate">${esc(ex.degenerate)}</p>`;
      const own = charts.filter((c) => c.explanation === i);
      const top = [...ex.shapTop].sort((a, b) => b.meanAbs - a.meanAbs).slice(0, 10);
      const rows = top.map((t) => [esc(t.feature), num(t.meanAbs)]);
      return `${heading}${own.map(figure).join('\n')}\n${table(['Feature', shapHeader(ex)], rows, new Set([1]))}`;
    })
    .join('\n');
}

/** The configuration section's charts among the report's (they carry the entry they belong to). */
export const ownCharts = (charts: readonly ReportChart[]): (ReportChart & ConfigurationChart)[] =>
  charts.filter((c): c is ReportChart & ConfigurationChart => c.section === 'configuration' && 'entry' in c);

/** Sections shown only when the model has their data. */
export function sectionsOf(model: ReportModel): (typeof SECTIONS)[number][] {
  return SECTIONS.filter(
    (s) =>
      (s.id !== 'explanations' || model.explanations !== undefined) &&
      (s.id !== 'false-positives' || model.falsePositives !== undefined) &&
      (s.id !== 'configuration' || model.configurations !== undefined) &&
      (s.id !== 'fault-slices' || model.leaderboard.some((e) => e.faultSlices)),
  );
}

/** What a reader needs to judge a false positive: its score and what in it the model reacted to. */
export const FALSE_POSITIVE_COLUMNS = [
  'Sequence',
  'Score',
  'Top contributing features',
  'Templates no normal training sequence has',
];

function falsePositivesHtml(model: ReportModel): string {
  return (model.falsePositives ?? [])
    .map(
      (fp) =>
        `<h3>${esc(fp.label)}</h3>\n<p>${fp.total} false positive${fp.total === 1 ? '' : 's'} on test at threshold ${num(fp.threshold)}${
          fp.rows.length < fp.total ? `; the ${fp.rows.length} highest-scoring` : ''
        }.</p>\n${table(
          FALSE_POSITIVE_COLUMNS,
          fp.rows.map((r) => [
            `<code>${esc(r.seqId)}</code>`,
            num(r.score),
            esc(r.topFeatures || 'n/a (no SHAP for this model)'),
            esc(r.uniqueTemplates || 'none'),
          ]),
          new Set([1]),
        )}`,
    )
    .join('\n');
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F6F6F6; color: #222; font: 15px/1.45 'DejaVu Sans', system-ui, sans-serif; }
header, main { max-width: 1240px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; }
h1 { font-size: 1.6em; margin: 0.3em 0; }
h2 { font-size: 1.25em; margin: 0 0 0.5em; }
h3 { font-size: 1.05em; margin: 1em 0 0.4em; }
nav a { margin-right: 0.9em; color: #0072B2; }
.meta { color: #555; }
section { background: #FFF; border: 1px solid #E0E0E0; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
figure.chart { margin: 12px 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 4px 8px; border-bottom: 1px solid #EEE; text-align: left; white-space: nowrap; }
th { background: #FAFAFA; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.trivial { background: #FFF3E0; }
tr.leak { background: #FDE0DC; }
.leak { background: #FDE0DC; border: 2px solid #B00020; color: #7A0014; padding: 8px 12px; border-radius: 6px; margin: 8px 0; }
.leak-flag { color: #B00020; font-weight: bold; }
.sub { color: #666; }
.flag { color: #A04000; font-weight: bold; }
.tied { color: #0072B2; font-weight: bold; margin-right: 2px; }
.notes { background: #FFFBE6; border: 1px solid #F0E0A0; padding: 8px 12px; border-radius: 6px; }
.empty, .ok { color: #555; }
.degenerate { color: #A04000; font-style: italic; }
details > summary { cursor: pointer; color: #0072B2; margin: 0.6em 0; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92em; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  header, main { padding: 0 8px; }
  section { padding: 8px; }
  /* Below phone width chart text gets too small to read: scroll the charts instead. */
  figure.chart { overflow-x: auto; }
  figure.chart svg { min-width: 560px; }
  table { font-size: 0.8em; }
}
`;

/** The report as a standalone HTML page (see the module comment). All model text is escaped. */
export function renderHtml(model: ReportModel): string {
  const charts = reportCharts(model);
  const chart = (name: string) =>
    charts
      .filter((c) => c.name === name)
      .map(figure)
      .join('\n');
  const sections = sectionsOf(model);
  const content: Record<SectionId, string> = {
    leaderboard: `<p>${esc(leaderboardIntro(model))}</p>\n${leaderboardTable(model)}\n${chart('leaderboard')}`,
    'f1-by-feature-set': `${chart('f1-by-feature-set')}\n${f1Table(model)}`,
    'pr-curves': `${charts
      .filter((c) => c.section === 'pr-curves')
      .map(figure)
      .join('\n')}\n${
      model.prCurves.length === 0
        ? ''
        : table(
            ['Curve', 'AUC-PR', 'Points'],
            model.prCurves.map((c) => [esc(c.label), num(c.aucPr), String(c.points.length)]),
            new Set([1, 2]),
          )
    }`,
    'recall-by-case': `${chart('recall-by-case')}\n${recallTable(model)}`,
    'fault-slices': faultSlicesHtml(model),
    timings: `${chart('timings')}\n${timingsTable(model)}`,
    leakage: leakageHtml(model),
    explanations: explanationsHtml(model, charts),
    'false-positives': falsePositivesHtml(model),
    configuration: configurationHtml(model, ownCharts(charts), (svg, title) =>
      figure({ name: slug(title, new Set()), section: 'configuration', title, svg }),
    ),
    environment: table(
      ['Key', 'Value'],
      Object.entries(model.environment).map(([k, v]) => [esc(k), `<code>${esc(v)}</code>`]),
      new Set(),
    ),
  };
  const notes =
    model.notes && model.notes.length > 0
      ? `<div class="notes"><ul>${model.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>`
      : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(model.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(model.title)}</h1>`,
    `<p class="meta">Experiment <code>${esc(model.experiment)}</code> (<code>${esc(model.experimentFile)}</code>) · generated <time datetime="${esc(model.generatedAt)}">${esc(model.generatedAt)}</time> · primary metric ${esc(primaryMetricLabel(model))}</p>`,
    ...(model.scope === undefined ? [] : [`<p class="meta scope">Scope: ${esc(model.scope)}</p>`]),
    warningsHtml(model),
    `<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('')}</nav>`,
    notes,
    '</header>',
    '<main>',
    ...sections.map((s) => `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${content[s.id]}\n</section>`),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
