/** Bar charts: grouped vertical bars with confidence whiskers, and horizontal stacked bars of stage timings. */
import {
  axisLines,
  escapeXml,
  formatDuration,
  formatNumber,
  isFiniteNumber,
  legend,
  linearScale,
  niceDomain,
  niceTicks,
  noDataSvg,
  px,
  seriesColor,
  svgDocument,
  TITLE_HEIGHT,
  text,
  textWidth,
  truncate,
  xAxisLabel,
  xGrid,
  yAxisLabel,
  yGrid,
} from './svg.ts';

/** One bar: `value` of `series` within `group`, with an optional interval [lo, hi] drawn as a whisker. */
export interface BarDatum {
  group: string;
  series: string;
  value: number | null;
  lo?: number | null;
  hi?: number | null;
}

/** Options of `groupedBarChart`. */
export interface GroupedBarOptions {
  title: string;
  /** @default 960 */
  width?: number;
  /** @default 420 */
  height?: number;
  /** @default '' */
  xLabel?: string;
  /** @default '' */
  yLabel?: string;
  /** Value axis range; widened (never narrowed) to fit values and intervals outside it. @default [0, 1] */
  yDomain?: [number, number];
  /** Group order; groups not listed follow in order of first appearance. @default order of first appearance */
  groups?: string[];
  /** Series order, as `groups`. @default order of first appearance */
  series?: string[];
  /** Draw the series legend. @default true when there is more than one series */
  legend?: boolean;
  /** Group labels longer than this are cut with an ellipsis. @default 28 */
  maxLabelChars?: number;
}

/** Defaults of `GroupedBarOptions`. */
export const defaultGroupedBarOptions = Object.freeze({
  width: 960,
  height: 420,
  xLabel: '',
  yLabel: '',
  yDomain: [0, 1] as readonly [number, number],
  maxLabelChars: 28,
});

/** `preferred` first (where present), then the rest of `seen` in first-appearance order. */
function ordered(seen: readonly string[], preferred: readonly string[] | undefined): string[] {
  const present = new Set(seen);
  const out = (preferred ?? []).filter((s) => present.has(s));
  const taken = new Set(out);
  for (const s of seen) {
    if (taken.has(s)) continue;
    out.push(s);
    taken.add(s);
  }
  return out;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Vertical bars grouped by `group` (e.g. algorithm) with one bar per `series` (e.g. feature set),
 * each with an optional [lo, hi] whisker. Missing values (null/NaN) get an "n/a" mark instead of a
 * bar. Bars are `<rect class="bar">`, whiskers `<path class="whisker">`.
 */
export function groupedBarChart(data: readonly BarDatum[], options: GroupedBarOptions): string {
  const o = { ...defaultGroupedBarOptions, ...options };
  if (data.length === 0) return noDataSvg(o.title);
  const groups = ordered(unique(data.map((d) => d.group)), options.groups);
  const series = ordered(unique(data.map((d) => d.series)), options.series);
  const byKey = new Map<string, BarDatum>();
  for (const d of data) byKey.set(`${d.group}\u0000${d.series}`, d);

  // Domain: the requested one, widened to every finite value and interval end.
  let lo = o.yDomain[0];
  let hi = o.yDomain[1];
  for (const d of data) {
    for (const v of [d.value, d.lo, d.hi]) {
      if (isFiniteNumber(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  const domain: [number, number] =
    lo < o.yDomain[0] || hi > o.yDomain[1] ? niceDomain(Math.min(lo, 0), hi) : [o.yDomain[0], o.yDomain[1]];

  const showLegend = options.legend ?? series.length > 1;
  const legendBlock = showLegend
    ? legend(
        series.map((s, i) => ({ label: s, color: seriesColor(i) })),
        64,
        TITLE_HEIGHT + 4,
        o.width - 80,
      )
    : { svg: '', height: 0 };

  const labels = groups.map((g) => truncate(g, o.maxLabelChars));
  const right = 16;
  const longest = Math.max(...labels.map((l) => textWidth(l, 11)));
  // Rotate group labels only when they would overlap their neighbours.
  const rotate = longest > (o.width - 64 - right) / groups.length - 6;
  // Rotated labels lean left: the first one needs room left of its group's centre.
  const left = rotate ? Math.max(64, longest * Math.SQRT1_2 - (o.width - 64 - right) / groups.length / 2 + 8) : 64;
  const plotW = o.width - left - right;
  const groupW = plotW / groups.length;
  const labelSpace = rotate ? longest * Math.SQRT1_2 + 16 : 22;
  const top = TITLE_HEIGHT + legendBlock.height + 12;
  const bottom = labelSpace + (o.xLabel ? 24 : 6);
  const height = Math.max(o.height, top + bottom + 120);
  const plotBottom = height - bottom;
  const y = linearScale(domain, [plotBottom, top]);
  const baseline = y(Math.max(domain[0], Math.min(domain[1], 0)));

  const body: string[] = [legendBlock.svg, yGrid(niceTicks(domain[0], domain[1], 5), y, left, left + plotW)];
  const inner = groupW * 0.8;
  const barW = inner / series.length;
  groups.forEach((g, gi) => {
    const gx = left + gi * groupW + (groupW - inner) / 2;
    series.forEach((s, si) => {
      const d = byKey.get(`${g}\u0000${s}`);
      if (d === undefined) return;
      const bx = gx + si * barW;
      const cx = bx + barW / 2;
      const tip = `${g} · ${s}: ${formatNumber(d.value)}${
        isFiniteNumber(d.lo) && isFiniteNumber(d.hi) ? ` [${formatNumber(d.lo)}, ${formatNumber(d.hi)}]` : ''
      }`;
      if (!isFiniteNumber(d.value)) {
        body.push(
          text(cx, baseline - 4, 'n/a', { class: 'na', 'text-anchor': 'middle', 'font-size': 10, fill: '#666666' }),
        );
        return;
      }
      const vy = y(d.value);
      body.push(
        `<rect class="bar" x="${px(bx + 1)}" y="${px(Math.min(vy, baseline))}" width="${px(Math.max(1, barW - 2))}" height="${px(Math.abs(baseline - vy))}" fill="${seriesColor(si)}" data-value="${escapeXml(String(d.value))}"><title>${escapeXml(tip)}</title></rect>`,
      );
      if (isFiniteNumber(d.lo) && isFiniteNumber(d.hi)) {
        const y0 = y(d.lo);
        const y1 = y(d.hi);
        const cap = Math.min(5, barW / 3);
        body.push(
          `<path class="whisker" d="M${px(cx)} ${px(y0)}V${px(y1)}M${px(cx - cap)} ${px(y0)}H${px(cx + cap)}M${px(cx - cap)} ${px(y1)}H${px(cx + cap)}" stroke="#222222" stroke-width="1.2" fill="none"/>`,
        );
      }
    });
    const lx = left + gi * groupW + groupW / 2;
    const ly = plotBottom + 16;
    body.push(
      rotate
        ? text(lx, ly, labels[gi]!, {
            class: 'group-label',
            'text-anchor': 'end',
            transform: `rotate(-45 ${px(lx)} ${px(ly)})`,
            'font-size': 11,
            fill: '#222222',
          })
        : text(lx, ly, labels[gi]!, {
            class: 'group-label',
            'text-anchor': 'middle',
            'font-size': 11,
            fill: '#222222',
          }),
    );
  });
  body.push(
    axisLines(left, left + plotW, top, plotBottom),
    xAxisLabel(o.xLabel, left, left + plotW, height - 8),
    yAxisLabel(o.yLabel, 16, top, plotBottom),
  );
  return svgDocument({ width: o.width, height, title: o.title }, body);
}

/** One horizontal bar of `stackedBarChart`: a label and its stage durations (ms). */
export interface StackedBarDatum {
  label: string;
  stages: Readonly<Record<string, number>>;
}

/** Options of `stackedBarChart`. */
export interface StackedBarOptions {
  title: string;
  /** @default 960 */
  width?: number;
  /** Height of one bar; the chart grows with the number of labels. @default 22 */
  barHeight?: number;
  /** Stage order (stacking and legend); stages not listed follow alphabetically. @default ['load', 'enhance', 'vectorize', 'fit', 'score', 'explain'] */
  stageOrder?: string[];
  /** @default 'wall time (ms)' */
  xLabel?: string;
  /** Labels longer than this are cut with an ellipsis. @default 40 */
  maxLabelChars?: number;
}

/** Defaults of `StackedBarOptions`. */
export const defaultStackedBarOptions = Object.freeze({
  width: 960,
  barHeight: 22,
  stageOrder: Object.freeze(['load', 'enhance', 'vectorize', 'fit', 'score', 'explain']) as readonly string[],
  xLabel: 'wall time (ms)',
  maxLabelChars: 40,
});

/**
 * Horizontal bars, one per label, stacked by stage (load → explain) with the total at the end.
 * Negative and non-finite stage values are skipped. Segments are `<rect class="segment">`.
 */
export function stackedBarChart(data: readonly StackedBarDatum[], options: StackedBarOptions): string {
  const o = { ...defaultStackedBarOptions, ...options };
  const valid = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
  const present = new Set<string>();
  for (const d of data) for (const [k, v] of Object.entries(d.stages)) if (valid(v)) present.add(k);
  if (data.length === 0 || present.size === 0) return noDataSvg(o.title);
  const stages = [
    ...o.stageOrder.filter((s) => present.has(s)),
    ...[...present].filter((s) => !o.stageOrder.includes(s)).sort(),
  ];
  const totals = data.map((d) => stages.reduce((sum, s) => sum + (valid(d.stages[s]) ? d.stages[s] : 0), 0));
  const max = Math.max(...totals);
  const domain: [number, number] = max > 0 ? niceDomain(0, max) : [0, 1];

  const legendBlock = legend(
    stages.map((s, i) => ({ label: s, color: seriesColor(i) })),
    16,
    TITLE_HEIGHT + 4,
    o.width - 32,
  );
  const labels = data.map((d) => truncate(d.label, o.maxLabelChars));
  const left = Math.min(o.width * 0.4, Math.max(60, ...labels.map((l) => textWidth(l, 11))) + 16);
  const right = 90; // room for the total after the longest bar
  const top = TITLE_HEIGHT + legendBlock.height + 12;
  const rowH = o.barHeight + 8;
  const plotBottom = top + rowH * data.length;
  const height = plotBottom + 44;
  const x = linearScale(domain, [left, o.width - right]);

  const body: string[] = [legendBlock.svg, xGrid(niceTicks(domain[0], domain[1], 6), x, top, plotBottom)];
  data.forEach((d, i) => {
    const by = top + i * rowH + 4;
    let acc = 0;
    stages.forEach((s, si) => {
      const v = d.stages[s];
      if (!valid(v) || v === 0) return;
      const x0 = x(acc);
      acc += v;
      body.push(
        `<rect class="segment" x="${px(x0)}" y="${px(by)}" width="${px(Math.max(0.5, x(acc) - x0))}" height="${px(o.barHeight)}" fill="${seriesColor(si)}"><title>${escapeXml(`${d.label} · ${s}: ${formatDuration(v)}`)}</title></rect>`,
      );
    });
    body.push(
      text(left - 6, by + o.barHeight / 2 + 4, labels[i]!, {
        class: 'row-label',
        'text-anchor': 'end',
        'font-size': 11,
        fill: '#222222',
      }),
      text(x(totals[i]!) + 6, by + o.barHeight / 2 + 4, formatDuration(totals[i]), {
        class: 'total',
        'font-size': 11,
        fill: '#444444',
      }),
    );
  });
  body.push(axisLines(left, o.width - right, top, plotBottom), xAxisLabel(o.xLabel, left, o.width - right, height - 8));
  return svgDocument({ width: o.width, height, title: o.title }, body);
}
