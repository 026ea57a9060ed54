/** Line chart of several curves (precision–recall curves), simplified so thousands of points stay small. */
import {
  axisLines,
  dashAttr,
  escapeXml,
  isFiniteNumber,
  legend,
  linearScale,
  niceTicks,
  noDataSvg,
  px,
  seriesStyle,
  svgDocument,
  TITLE_HEIGHT,
  xAxisLabel,
  xGrid,
  yAxisLabel,
  yGrid,
} from './svg.ts';

/** A point of a curve. */
export interface Point {
  x: number;
  y: number;
}

/** One curve: its legend label and points in drawing order. */
export interface LineSeries {
  label: string;
  points: readonly Point[];
}

/** Options of `lineChart`. */
export interface LineChartOptions {
  title: string;
  /** @default 720 */
  width?: number;
  /** Height of the plot area; the legend below adds to it. @default 440 */
  plotHeight?: number;
  /** @default [0, 1] */
  xDomain?: [number, number];
  /** @default [0, 1] */
  yDomain?: [number, number];
  /** @default '' */
  xLabel?: string;
  /** @default '' */
  yLabel?: string;
  /** Upper bound on points drawn per curve. @default 400 */
  maxPoints?: number;
  /** Deviation (px) below which points are dropped even when under `maxPoints`. @default 0.25 */
  tolerance?: number;
}

/** Defaults of `LineChartOptions`. */
export const defaultLineChartOptions = Object.freeze({
  width: 720,
  plotHeight: 440,
  xDomain: [0, 1] as readonly [number, number],
  yDomain: [0, 1] as readonly [number, number],
  xLabel: '',
  yLabel: '',
  maxPoints: 400,
  tolerance: 0.25,
});

/** Distance from p to the segment a–b (not the infinite line: curves may turn back on themselves). */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Ramer–Douglas–Peucker at tolerance `eps`, iterative so long curves cannot overflow the stack. */
function rdpKeep(points: readonly Point[], eps: number): Uint8Array {
  const n = points.length;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: [number, number][] = [[0, n - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let far = eps;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(points[i]!, points[a]!, points[b]!);
      if (d > far) {
        far = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return keep;
}

/**
 * `points` simplified to at most `maxPoints` (≥ 2), always keeping the first and last point.
 * Ramer–Douglas–Peucker starting at `tolerance` (in the points' units — pass pixel coordinates so
 * the error is invisible) and loosening it until the budget holds; the kept points are original ones.
 */
export function simplifyPoints(points: readonly Point[], maxPoints: number, tolerance = 0.25): Point[] {
  const budget = Math.max(2, Math.floor(maxPoints));
  if (points.length <= 2) return points.slice();
  let eps = Math.max(tolerance, 1e-9);
  for (;;) {
    const keep = rdpKeep(points, eps);
    let count = 0;
    for (const k of keep) count += k;
    if (count <= budget) return points.filter((_, i) => keep[i] === 1);
    eps *= 1.5;
  }
}

/**
 * Curves over a shared x/y domain (0..1 by default, as for precision–recall), with a legend of
 * labels below the plot. Non-finite points are skipped; points outside the domain are clamped to
 * its edge. Each curve is one `<path class="curve">` with at most `maxPoints` vertices, styled by
 * `seriesStyle` (a colour, and a dash pattern once the colours run out).
 */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions): string {
  const o = { ...defaultLineChartOptions, ...options };
  const curves = series
    .map((s) => ({ label: s.label, points: s.points.filter((p) => isFiniteNumber(p.x) && isFiniteNumber(p.y)) }))
    .filter((s) => s.points.length > 0);
  if (curves.length === 0) return noDataSvg(o.title);

  const left = 64;
  const right = 20;
  const top = TITLE_HEIGHT + 10;
  const plotBottom = top + o.plotHeight;
  const x = linearScale(o.xDomain, [left, o.width - right]);
  const y = linearScale(o.yDomain, [plotBottom, top]);
  const clamp = (v: number, [a, b]: readonly [number, number]) => Math.min(Math.max(a, b), Math.max(Math.min(a, b), v));
  const legendBlock = legend(
    curves.map((c, i) => ({ label: c.label, ...seriesStyle(i) })),
    left,
    plotBottom + (o.xLabel ? 50 : 30),
    o.width - left - right,
  );
  const height = plotBottom + (o.xLabel ? 50 : 30) + legendBlock.height + 8;

  const body: string[] = [
    yGrid(niceTicks(o.yDomain[0], o.yDomain[1], 5), y, left, o.width - right),
    xGrid(niceTicks(o.xDomain[0], o.xDomain[1], 5), x, top, plotBottom),
    axisLines(left, o.width - right, top, plotBottom),
  ];
  curves.forEach((c, i) => {
    const pixels = c.points.map((p) => ({ x: x(clamp(p.x, o.xDomain)), y: y(clamp(p.y, o.yDomain)) }));
    const kept = simplifyPoints(pixels, o.maxPoints, o.tolerance);
    const d = kept.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(p.x)} ${px(p.y)}`).join('');
    const { color, dash } = seriesStyle(i);
    // A single point has no length: draw it as a dot so the curve is still visible.
    const shape =
      kept.length === 1
        ? `<circle class="curve-point" cx="${px(kept[0]!.x)}" cy="${px(kept[0]!.y)}" r="3" fill="${color}"/>`
        : `<path class="curve" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dashAttr(dash)} data-points="${kept.length}"><title>${escapeXml(c.label)}</title></path>`;
    body.push(shape);
  });
  body.push(
    xAxisLabel(o.xLabel, left, o.width - right, plotBottom + 36),
    yAxisLabel(o.yLabel, 16, top, plotBottom),
    legendBlock.svg,
  );
  return svgDocument({ width: o.width, height, title: o.title }, body);
}
