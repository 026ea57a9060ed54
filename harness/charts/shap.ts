/** SHAP charts: top-k features by mean |SHAP| (bars) and the per-sequence summary (beeswarm-like dots). */
import {
  axisLines,
  chartId,
  colorBar,
  escapeXml,
  formatNumber,
  hashUnit,
  isFiniteNumber,
  linearScale,
  MISSING_COLOR,
  niceDomain,
  niceTicks,
  noDataSvg,
  PALETTE,
  px,
  sequentialColor,
  svgDocument,
  TITLE_HEIGHT,
  text,
  textWidth,
  truncate,
  xAxisLabel,
  xGrid,
} from './svg.ts';

/** Mean |SHAP| of one feature. */
export interface ShapBarDatum {
  feature: string;
  meanAbs: number;
}

/** Options of `shapBarChart`. */
export interface ShapBarOptions {
  title: string;
  /** @default 720 */
  width?: number;
  /** Features shown, largest mean |SHAP| first. @default 20 */
  topK?: number;
  /** Feature names longer than this are cut with an ellipsis (the full name stays in the tooltip). @default 40 */
  maxLabelChars?: number;
  /** @default 18 */
  barHeight?: number;
  /**
   * What a SHAP value is measured in (`log-odds`, `probability`, a detector's score): SHAP values
   * add up to the model's output, so their unit is that output's; shown on the value axis. @default ''
   */
  unit?: string;
}

/** Defaults of `ShapBarOptions`. */
export const defaultShapBarOptions = Object.freeze({
  width: 720,
  topK: 20,
  maxLabelChars: 40,
  barHeight: 18,
  unit: '',
});

/** A value-axis title with its unit in parentheses, when there is one. */
const withUnit = (label: string, unit: string) => (unit ? `${label} (${unit})` : label);

/** Feature label with the full (escaped) name as its tooltip, right-aligned at x. */
function featureLabel(x: number, y: number, feature: string, maxChars: number): string {
  return `<text class="feature-label" x="${px(x)}" y="${px(y)}" text-anchor="end" font-size="11" fill="#222222"><title>${escapeXml(feature)}</title>${escapeXml(truncate(feature, maxChars))}</text>`;
}

/** Width of the left margin holding feature labels. */
function labelMargin(features: readonly string[], maxChars: number, width: number): number {
  const longest = Math.max(40, ...features.map((f) => textWidth(truncate(f, maxChars), 11)));
  return Math.min(width * 0.45, longest + 14);
}

/**
 * Horizontal bars of the `topK` features by mean |SHAP| (descending; ties by name), value printed
 * after each bar. Non-finite values are dropped. Bars are `<rect class="bar">`.
 */
export function shapBarChart(data: readonly ShapBarDatum[], options: ShapBarOptions): string {
  const o = { ...defaultShapBarOptions, ...options };
  const rows = data
    .filter((d) => isFiniteNumber(d.meanAbs))
    .map((d) => ({ feature: d.feature, v: Math.abs(d.meanAbs) }))
    .sort((a, b) => b.v - a.v || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
    .slice(0, Math.max(1, o.topK));
  if (rows.length === 0) return noDataSvg(o.title);

  const left = labelMargin(
    rows.map((r) => r.feature),
    o.maxLabelChars,
    o.width,
  );
  const right = 64;
  const top = TITLE_HEIGHT + 10;
  const rowH = o.barHeight + 6;
  const plotBottom = top + rows.length * rowH;
  const height = plotBottom + 44;
  const max = rows[0]!.v;
  const domain: [number, number] = max > 0 ? niceDomain(0, max) : [0, 1];
  const x = linearScale(domain, [left, o.width - right]);

  const body: string[] = [xGrid(niceTicks(domain[0], domain[1], 5), x, top, plotBottom)];
  rows.forEach((r, i) => {
    const by = top + i * rowH + 3;
    body.push(
      `<rect class="bar" x="${px(left)}" y="${px(by)}" width="${px(x(r.v) - left)}" height="${px(o.barHeight)}" fill="${PALETTE[0]}" data-value="${escapeXml(String(r.v))}"><title>${escapeXml(`${r.feature}: ${formatNumber(r.v)}`)}</title></rect>`,
      featureLabel(left - 6, by + o.barHeight / 2 + 4, r.feature, o.maxLabelChars),
      text(x(r.v) + 5, by + o.barHeight / 2 + 4, formatNumber(r.v), {
        class: 'value',
        'font-size': 11,
        fill: '#444444',
      }),
    );
  });
  body.push(
    axisLines(left, o.width - right, top, plotBottom),
    xAxisLabel(withUnit('mean |SHAP value|', o.unit), left, o.width - right, height - 8),
  );
  return svgDocument({ width: o.width, height, title: o.title }, body);
}

/** SHAP values of one feature over the explained sequences, each with the feature's value there. */
export interface ShapSummaryRow {
  feature: string;
  points: readonly { shap: number; value: number }[];
}

/** Options of `shapSummaryPlot`. */
export interface ShapSummaryOptions {
  title: string;
  /** @default 800 */
  width?: number;
  /** Features shown, largest mean |SHAP| first. @default 15 */
  topK?: number;
  /** Dots drawn per feature; larger sets are thinned by an even stride. @default 400 */
  maxPointsPerFeature?: number;
  /** @default 28 */
  rowHeight?: number;
  /** @default 2.5 */
  radius?: number;
  /** Feature names longer than this are cut with an ellipsis. @default 40 */
  maxLabelChars?: number;
  /** What a SHAP value is measured in, as `ShapBarOptions.unit`. @default '' */
  unit?: string;
}

/** Defaults of `ShapSummaryOptions`. */
export const defaultShapSummaryOptions = Object.freeze({
  width: 800,
  topK: 15,
  maxPointsPerFeature: 400,
  rowHeight: 28,
  radius: 2.5,
  maxLabelChars: 40,
  unit: '',
});

/** Every `n / max`-th element, so a large set keeps its spread without randomness. */
function stride<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor((i * items.length) / max)]!);
  return out;
}

/**
 * One row per feature (the `topK` by mean |SHAP|), one dot per explained sequence at x = its SHAP
 * value, coloured by the feature's value (min → max within the feature; grey when not finite).
 * Dots spread vertically by a hash of their index, more where dots crowd (beeswarm-like), so the
 * output is deterministic. A vertical line marks SHAP = 0. Dots are `<circle class="dot">`.
 */
export function shapSummaryPlot(rows: readonly ShapSummaryRow[], options: ShapSummaryOptions): string {
  const o = { ...defaultShapSummaryOptions, ...options };
  const features = rows
    .map((r, index) => {
      const points = r.points.filter((p) => isFiniteNumber(p.shap));
      const meanAbs = points.reduce((s, p) => s + Math.abs(p.shap), 0) / Math.max(1, points.length);
      return { feature: r.feature, index, points: stride(points, Math.max(1, o.maxPointsPerFeature)), meanAbs };
    })
    .filter((f) => f.points.length > 0)
    .sort((a, b) => b.meanAbs - a.meanAbs || a.index - b.index)
    .slice(0, Math.max(1, o.topK));
  if (features.length === 0) return noDataSvg(o.title);

  let lo = 0;
  let hi = 0;
  for (const f of features) {
    for (const p of f.points) {
      lo = Math.min(lo, p.shap);
      hi = Math.max(hi, p.shap);
    }
  }
  const domain = niceDomain(lo, hi === lo ? lo + 1 : hi);
  const left = labelMargin(
    features.map((f) => f.feature),
    o.maxLabelChars,
    o.width,
  );
  const right = 110; // colour bar
  const top = TITLE_HEIGHT + 24;
  const plotBottom = top + features.length * o.rowHeight;
  const height = Math.max(plotBottom + 44, top + 170);
  const x = linearScale(domain, [left, o.width - right]);
  const gradient = chartId('shap-grad', `${o.title}\u0000${features.map((f) => f.feature).join('\u0001')}`);

  const body: string[] = [xGrid(niceTicks(domain[0], domain[1], 6), x, top, plotBottom)];
  features.forEach((f, fi) => {
    const cy = top + fi * o.rowHeight + o.rowHeight / 2;
    let vmin = Number.POSITIVE_INFINITY;
    let vmax = Number.NEGATIVE_INFINITY;
    for (const p of f.points) {
      if (!isFiniteNumber(p.value)) continue;
      vmin = Math.min(vmin, p.value);
      vmax = Math.max(vmax, p.value);
    }
    const color = linearScale([vmin, vmax], [0, 1]);
    // Density per 4 px column sets how far dots may spread, so crowded regions fan out.
    const bucket = (v: number) => Math.floor(x(v) / 4);
    const counts = new Map<number, number>();
    for (const p of f.points) counts.set(bucket(p.shap), (counts.get(bucket(p.shap)) ?? 0) + 1);
    const peak = Math.max(...counts.values());
    const spread = o.rowHeight * 0.42;
    body.push(featureLabel(left - 6, cy + 4, f.feature, o.maxLabelChars), '<g class="dots" fill-opacity="0.85">');
    f.points.forEach((p, pi) => {
      const density = Math.sqrt((counts.get(bucket(p.shap)) ?? 1) / peak);
      const dy = (hashUnit(fi, pi) * 2 - 1) * spread * density;
      const fill = isFiniteNumber(p.value) ? sequentialColor(color(p.value)) : MISSING_COLOR;
      body.push(`<circle class="dot" cx="${px(x(p.shap))}" cy="${px(cy + dy)}" r="${o.radius}" fill="${fill}"/>`);
    });
    body.push('</g>');
  });
  const zx = x(0);
  body.push(
    `<line class="zero" x1="${px(zx)}" y1="${px(top)}" x2="${px(zx)}" y2="${px(plotBottom)}" stroke="#555555" stroke-width="1"/>`,
    axisLines(left, o.width - right, top, plotBottom),
    xAxisLabel(
      o.unit ? `SHAP value (${o.unit}; impact on anomaly score)` : 'SHAP value (impact on anomaly score)',
      left,
      o.width - right,
      height - 8,
    ),
    colorBar(gradient, o.width - right + 22, top + 14, 120, 'low', 'high', 'feature value'),
  );
  return svgDocument({ width: o.width, height, title: o.title }, body);
}
