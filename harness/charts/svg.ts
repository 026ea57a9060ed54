/**
 * Building blocks shared by the charts: escaping, number formatting, scales and ticks, a legend,
 * colour palettes and the document wrapper. Everything returns strings; nothing touches the DOM.
 */

/** Font stack of every chart: DejaVu Sans is installed for the PNG renderer and common on Linux. */
export const FONT_FAMILY = 'DejaVu Sans, sans-serif';

/**
 * Okabe–Ito palette: distinguishable with the common colour-vision deficiencies. Yellow is kept
 * last because it is faint on white.
 */
export const PALETTE = Object.freeze([
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#000000',
  '#F0E442',
] as const);

/** Fill of missing values (n/a). */
export const MISSING_COLOR = '#BBBBBB';

/** Viridis at ten evenly spaced stops: perceptually uniform and colour-blind safe, dark → light. */
export const SEQUENTIAL_STOPS = Object.freeze([
  '#440154',
  '#482878',
  '#3E4989',
  '#31688E',
  '#26828E',
  '#1F9E89',
  '#35B779',
  '#6ECE58',
  '#B5DE2B',
  '#FDE725',
] as const);

/**
 * Stroke dash patterns (SVG `stroke-dasharray`, '' = solid) that pair with the palette: one pattern
 * per pass through the colours, so PALETTE.length × DASHES.length series stay distinguishable
 * without leaning on colour alone.
 */
export const DASHES = Object.freeze(['', '8 4', '2 3', '10 3 2 3'] as const);

const wrap = (i: number, n: number) => ((Math.trunc(i) % n) + n) % n;

/** Colour of series `i` (the palette repeats past its length). */
export function seriesColor(i: number): string {
  return PALETTE[wrap(i, PALETTE.length)]!;
}

/** How line series `i` is drawn: its colour, and a dash pattern that changes each time the colours repeat. */
export interface SeriesStyle {
  color: string;
  /** `stroke-dasharray` value; '' for a solid line. */
  dash: string;
}

/**
 * Style of line series `i`: colour cycles fastest, the dash pattern changes after each full pass
 * through the palette, so the first PALETTE.length × DASHES.length (32) series get distinct pairs.
 */
export function seriesStyle(i: number): SeriesStyle {
  const k = wrap(i, PALETTE.length * DASHES.length);
  return { color: seriesColor(k), dash: DASHES[Math.floor(k / PALETTE.length)]! };
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Viridis colour of t ∈ [0, 1] (clamped), linearly interpolated between the stops. */
export function sequentialColor(t: number): string {
  const c = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = c * (SEQUENTIAL_STOPS.length - 1);
  const i = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = hexToRgb(SEQUENTIAL_STOPS[i]!);
  const b = hexToRgb(SEQUENTIAL_STOPS[i + 1]!);
  const mix = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `#${((1 << 24) | (mix(0) << 16) | (mix(1) << 8) | mix(2)).toString(16).slice(1).toUpperCase()}`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text safe inside XML/HTML content and attribute values. Control characters that XML 1.0 forbids
 * are replaced too: a single one in a feature name would make the whole SVG unparseable.
 */
export function escapeXml(text: string): string {
  return (
    String(text)
      .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML forbids is the point.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
  );
}

/** True for a finite number (not null, undefined or NaN). */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** `value` to `digits` decimals, or "n/a" for null, undefined, NaN and ±Infinity. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (!isFiniteNumber(value)) return 'n/a';
  const s = value.toFixed(digits);
  // toFixed keeps the sign of −0.0001 → "-0.000", which reads as a real negative value.
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A rate per second with a unit prefix: "850/s", "12.3k/s", "4.1M/s"; "n/a" when not finite. */
export function formatRate(perS: number | null | undefined): string {
  if (!isFiniteNumber(perS) || perS < 0) return 'n/a';
  const three = (x: number) => (x < 100 ? x.toFixed(1) : String(Math.round(x)));
  if (perS < 1000) return `${perS < 10 ? perS.toFixed(1) : Math.round(perS)}/s`;
  return perS < 1e6 ? `${three(perS / 1e3)}k/s` : `${three(perS / 1e6)}M/s`;
}

/** Milliseconds as a readable duration: "12.3 ms", "4.56 s", "2.5 min"; "n/a" when not finite. */
export function formatDuration(ms: number | null | undefined): string {
  if (!isFiniteNumber(ms)) return 'n/a';
  if (Math.abs(ms) < 1000) return `${formatNumber(ms, 1)} ms`;
  if (Math.abs(ms) < 60_000) return `${formatNumber(ms / 1000, 2)} s`;
  return `${formatNumber(ms / 60_000, 1)} min`;
}

/** Coordinate with at most two decimals, so SVG output stays short and stable. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/** `text` cut to `maxChars` code points, ending with an ellipsis when cut. */
export function truncate(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return chars.slice(0, Math.max(1, maxChars - 1)).join('') + '…';
}

/**
 * Rough rendered width of `text`: DejaVu Sans averages ≈ 0.6 em per character. Only used for
 * layout (margins, legend wrapping), so a slight overestimate is the safe side.
 */
export function textWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * 0.6;
}

/** Linear map from `domain` to `range`; a zero-width domain maps everything to the range middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A 1, 2 or 5 × 10ᵏ step giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Tick values covering [min, max] at a nice step (multiples of the step, rounded to its precision). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const step = niceStep(max - min, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return ticks;
}

/** [min, max] widened outward to multiples of a nice step. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return min === 0 ? [0, 1] : min > 0 ? [0, min * 2] : [min * 2, 0];
  const step = niceStep(max - min, count);
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/** Tick label with as many decimals as the tick step needs (0.2 → "0.2", 500 → "500"). */
export function formatTick(v: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  return formatNumber(v, decimals);
}

/** 32-bit FNV-1a hash of a string: deterministic ids and jitter without Math.random. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Deterministic pseudo-random number in [0, 1) for an integer pair (a mixing hash, not a generator). */
export function hashUnit(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Element id unique to one chart's content. Several charts sit inline in one HTML page, where ids
 * are global: a gradient id shared by two different charts would paint one with the other's stops.
 */
export function chartId(kind: string, seed: string): string {
  return `${kind}-${hashString(seed).toString(36)}`;
}

/** `<text>` with escaped content; `attrs` are written as given (values escaped). */
export function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<text x="${px(x)}" y="${px(y)}"${extra}>${escapeXml(content)}</text>`;
}

/** Size and labels common to every chart. */
export interface ChartFrame {
  width: number;
  height: number;
  /** Shown at the top and as the SVG `<title>`. */
  title: string;
}

/** Height reserved for the title line at the top of every chart. */
export const TITLE_HEIGHT = 30;

/**
 * Wraps chart `body` in a standalone SVG document: xmlns, width/height/viewBox, `<title>`, a white
 * background (PNG output would be transparent otherwise) and the visible title.
 */
export function svgDocument(frame: ChartFrame, body: string[], className = 'chart'): string {
  const w = px(Math.ceil(frame.width));
  const h = px(Math.ceil(frame.height));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="${escapeXml(className)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" font-family="${FONT_FAMILY}" font-size="12">`,
    `<title>${escapeXml(frame.title)}</title>`,
    `<rect class="background" x="0" y="0" width="${w}" height="${h}" fill="#FFFFFF"/>`,
    text(12, 20, frame.title, { class: 'chart-title', 'font-size': 15, 'font-weight': 'bold', fill: '#222222' }),
    ...body,
    '</svg>',
  ].join('\n');
}

/** Small placeholder chart for empty input: the title and "no data". */
export function noDataSvg(title: string, width = 360, height = 120): string {
  return svgDocument(
    { width, height, title },
    [text(width / 2, height / 2 + 14, 'no data', { class: 'no-data', 'text-anchor': 'middle', fill: '#666666' })],
    'chart no-data-chart',
  );
}

/** One legend entry: a colour swatch and its label. */
export interface LegendItem {
  label: string;
  color: string;
  /** Given: the swatch is a line stroked with this dash pattern ('' = solid), as a line series is drawn. */
  dash?: string;
}

/** ` stroke-dasharray="…"` for a dash pattern, nothing for a solid line. */
export function dashAttr(dash: string): string {
  return dash === '' ? '' : ` stroke-dasharray="${escapeXml(dash)}"`;
}

/**
 * A legend of swatches laid out left to right from (x, y), wrapping before `maxWidth`. Returns the
 * markup and the height it uses, so the caller can place the plot below it.
 */
export function legend(
  items: readonly LegendItem[],
  x: number,
  y: number,
  maxWidth: number,
  fontSize = 12,
): { svg: string; height: number } {
  if (items.length === 0) return { svg: '', height: 0 };
  const lineHeight = fontSize + 8;
  const parts: string[] = ['<g class="legend">'];
  let cx = x;
  let cy = y;
  for (const item of items) {
    // A line swatch is longer: it has to show at least one full period of its dash pattern.
    const swatchW = item.dash === undefined ? 14 : 26;
    const w = swatchW + 6 + textWidth(item.label, fontSize) + 18;
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      cy += lineHeight;
    }
    const swatch =
      item.dash === undefined
        ? `<rect class="legend-swatch" x="${px(cx)}" y="${px(cy)}" width="14" height="${fontSize}" fill="${escapeXml(item.color)}"/>`
        : `<line class="legend-swatch" x1="${px(cx)}" y1="${px(cy + fontSize / 2)}" x2="${px(cx + swatchW)}" y2="${px(cy + fontSize / 2)}" stroke="${escapeXml(item.color)}" stroke-width="2.5"${dashAttr(item.dash)}/>`;
    parts.push(
      swatch,
      text(cx + swatchW + 6, cy + fontSize - 1, item.label, {
        class: 'legend-label',
        'font-size': fontSize,
        fill: '#222222',
      }),
    );
    cx += w;
  }
  parts.push('</g>');
  return { svg: parts.join('\n'), height: cy - y + lineHeight };
}

/**
 * A vertical colour bar for a sequential scale (high at the top), with `lowLabel` / `highLabel`
 * at its ends. `id` must be unique within the page (see `chartId`).
 */
export function colorBar(
  id: string,
  x: number,
  y: number,
  height: number,
  lowLabel: string,
  highLabel: string,
  caption: string,
): string {
  const stops = SEQUENTIAL_STOPS.map(
    (c, i) => `<stop offset="${px((i / (SEQUENTIAL_STOPS.length - 1)) * 100)}%" stop-color="${c}"/>`,
  ).join('');
  return [
    '<g class="color-bar">',
    `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`,
    `<rect class="color-bar-fill" x="${px(x)}" y="${px(y)}" width="12" height="${px(height)}" fill="url(#${id})" stroke="#999999" stroke-width="0.5"/>`,
    text(x + 16, y + 10, highLabel, { 'font-size': 11, fill: '#333333' }),
    text(x + 16, y + height, lowLabel, { 'font-size': 11, fill: '#333333' }),
    text(x, y - 8, caption, { 'font-size': 11, fill: '#333333' }),
    '</g>',
  ].join('\n');
}

/** Horizontal grid lines with tick labels left of `x0` (a y axis). */
export function yGrid(ticks: readonly number[], y: (v: number) => number, x0: number, x1: number): string {
  return ticks
    .map((t) => {
      const ty = y(t);
      return (
        `<line class="grid" x1="${px(x0)}" y1="${px(ty)}" x2="${px(x1)}" y2="${px(ty)}" stroke="#E3E3E3"/>` +
        text(x0 - 6, ty + 4, formatTick(t, ticks), {
          class: 'tick',
          'text-anchor': 'end',
          'font-size': 11,
          fill: '#444444',
        })
      );
    })
    .join('\n');
}

/** Vertical grid lines with tick labels below `y1` (an x axis). */
export function xGrid(ticks: readonly number[], x: (v: number) => number, y0: number, y1: number): string {
  return ticks
    .map((t) => {
      const tx = x(t);
      return (
        `<line class="grid" x1="${px(tx)}" y1="${px(y0)}" x2="${px(tx)}" y2="${px(y1)}" stroke="#E3E3E3"/>` +
        text(tx, y1 + 15, formatTick(t, ticks), {
          class: 'tick',
          'text-anchor': 'middle',
          'font-size': 11,
          fill: '#444444',
        })
      );
    })
    .join('\n');
}

/** Axis title below the plot, centred on [x0, x1]. */
export function xAxisLabel(label: string, x0: number, x1: number, y: number): string {
  return label ? text((x0 + x1) / 2, y, label, { class: 'axis-label', 'text-anchor': 'middle', fill: '#222222' }) : '';
}

/** Axis title rotated along the left edge, centred on [y0, y1]. */
export function yAxisLabel(label: string, x: number, y0: number, y1: number): string {
  if (!label) return '';
  const cy = (y0 + y1) / 2;
  return text(x, cy, label, {
    class: 'axis-label',
    'text-anchor': 'middle',
    transform: `rotate(-90 ${px(x)} ${px(cy)})`,
    fill: '#222222',
  });
}

/** The plot's frame: the x axis line at `y1` and the y axis line at `x0`. */
export function axisLines(x0: number, x1: number, y0: number, y1: number): string {
  return (
    `<line class="axis" x1="${px(x0)}" y1="${px(y1)}" x2="${px(x1)}" y2="${px(y1)}" stroke="#333333"/>` +
    `<line class="axis" x1="${px(x0)}" y1="${px(y0)}" x2="${px(x0)}" y2="${px(y1)}" stroke="#333333"/>`
  );
}
