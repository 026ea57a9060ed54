/**
 * The report's "Configurations and tuning" section: each row's hyperparameters, and for a tuned
 * variant a chart of validation F1 against one tuned option (a line per combination of the others,
 * the mean over seeds) with a table of every grid point's validation scores per seed.
 */
import { escapeXml as esc, lineChart, formatNumber as num } from '../../harness/charts/index.ts';
import { pointLabel } from '../../harness/experiment/index.ts';
import type { ConfigurationEntry, ReportModel } from '../index.ts';

/** A chart of this section: file stem, title, SVG, and the entry it belongs to. */
export interface ConfigurationChart {
  name: string;
  title: string;
  svg: string;
  entry: number;
}

type Tuning = NonNullable<ConfigurationEntry['tuning']>;

/** The option on the x axis: the first with two or more numeric values, else the first (by its value's index). */
function xOption(grid: Tuning['grid']): { option: string; numeric: boolean } {
  const entries = Object.entries(grid);
  const numeric = entries.find(([, vs]) => vs.length >= 2 && vs.every((v) => typeof v === 'number'));
  return numeric ? { option: numeric[0], numeric: true } : { option: entries[0]![0], numeric: false };
}

/** Mean validation F1 over seeds per grid point (grid order), NaN-free seeds only. */
function meanF1(t: Tuning): number[] {
  const n = t.seeds[0]?.points.length ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const xs = t.seeds.map((s) => s.points[i]?.valF1 ?? Number.NaN).filter(Number.isFinite);
    return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  });
}

/** The F1 range with a margin, within [0, 1]: grid points often differ in the second decimal only. */
function yDomainOf(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.max(0, Math.floor((Math.min(...finite) - 0.05) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...finite) + 0.05) * 20) / 20);
  return [lo, hi > lo ? hi : Math.min(1, lo + 0.1)];
}

/** Validation F1 against the x option, one line per combination of the other options. */
export function tuningChart(entry: ConfigurationEntry, title: string): string {
  const t = entry.tuning!;
  const { option, numeric } = xOption(t.grid);
  const values = t.grid[option]!;
  const xOf = (v: unknown) => (numeric ? (v as number) : values.indexOf(v as never));
  const f1 = meanF1(t);
  const series = new Map<string, { x: number; y: number }[]>();
  for (const [i, p] of (t.seeds[0]?.points ?? []).entries()) {
    const { [option]: x, ...rest } = p.point;
    const label = Object.keys(rest).length === 0 ? 'validation F1' : pointLabel(rest);
    let s = series.get(label);
    if (!s) series.set(label, (s = []));
    s.push({ x: xOf(x), y: f1[i]! });
  }
  const xs = values.map(xOf);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lineChart(
    [...series].map(([label, points]) => ({ label, points: points.sort((a, b) => a.x - b.x) })),
    {
      title,
      xDomain: lo === hi ? [lo - 1, hi + 1] : [lo, hi],
      yDomain: yDomainOf(f1),
      xLabel: numeric ? option : `${option} (${values.map(String).join(', ')} as 0…${values.length - 1})`,
      yLabel: `validation F1 (mean over ${t.seeds.length} seed${t.seeds.length === 1 ? '' : 's'})`,
    },
  );
}

/** One chart per tuned entry, stems made unique by `stem`. */
export function configurationCharts(model: ReportModel, stem: (label: string) => string): ConfigurationChart[] {
  return (model.configurations ?? []).flatMap((e, i) => {
    if (!e.tuning) return [];
    const title = `${e.label}: validation F1 per grid point`;
    return [{ name: stem(`tuning ${e.label}`), title, svg: tuningChart(e, title), entry: i }];
  });
}

/** Header and rows of a tuned entry's table: a row per grid point, validation F1 / AUC-PR per seed, `→` on the chosen. */
export function tuningTable(t: Tuning): { header: string[]; rows: string[][] } {
  const header = ['Grid point', ...t.seeds.flatMap((s) => [`seed ${s.seed} val F1`, `seed ${s.seed} val AUC-PR`])];
  const rows = (t.seeds[0]?.points ?? []).map((p, i) => [
    pointLabel(p.point),
    ...t.seeds.flatMap((s) => {
      const x = s.points[i]!;
      const mark = i === s.chosen ? '→ ' : '';
      return [`${mark}${num(x.valF1)}`, num(x.valAucPr)];
    }),
  ]);
  return { header, rows };
}

const NOTE =
  'A tuned variant is one trial per seed: every grid point is fitted on train and scored on validation; the point with the best validation F1 (at the threshold the rule chooses on validation; ties: AUC-PR, then grid order) is evaluated on test. → marks each seed’s choice. Test scores never choose.';

export function configurationHtml(
  model: ReportModel,
  charts: readonly ConfigurationChart[],
  figure: (svg: string, title: string) => string,
): string {
  return (model.configurations ?? [])
    .map((e, i) => {
      const lines = `<ul>${e.lines.map((l) => `<li><code>${esc(l)}</code></li>`).join('')}</ul>`;
      if (!e.tuning) return `<h3>${esc(e.label)}</h3>\n${lines}`;
      const { header, rows } = tuningTable(e.tuning);
      const table = `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((c, j) => `<td${j > 0 ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
      const own = charts.filter((c) => c.entry === i).map((c) => figure(c.svg, c.title));
      return `<h3>${esc(e.label)}</h3>\n${lines}\n<p>${esc(NOTE)}</p>\n${own.join('\n')}\n${table}`;
    })
    .join('\n');
}

export function configurationMarkdown<C extends ConfigurationChart>(
  model: ReportModel,
  charts: readonly C[],
  image: (chart: C) => string,
  cell: (text: string) => string,
): string {
  return (model.configurations ?? [])
    .map((e, i) => {
      const lines = e.lines.map((l) => `- \`${l.replaceAll('`', "'")}\``).join('\n');
      if (!e.tuning) return `### ${cell(e.label)}\n\n${lines}`;
      const { header, rows } = tuningTable(e.tuning);
      const table = [
        `| ${header.map(cell).join(' | ')} |`,
        `| ${header.map((_, j) => (j === 0 ? '---' : '---:')).join(' | ')} |`,
        ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
      ].join('\n');
      const own = charts.filter((c) => c.entry === i).map(image);
      return `### ${cell(e.label)}\n\n${lines}\n\n${NOTE}\n\n${own.join('\n\n')}\n\n${table}`;
    })
    .join('\n\n');
}
