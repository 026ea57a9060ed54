import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DASHES,
  formatRate,
  groupedBarChart,
  heatmap,
  lineChart,
  PALETTE,
  type Point,
  type StackedBarDatum,
  seriesStyle,
  shapBarChart,
  shapSummaryPlot,
  simplifyPoints,
  stackedBarChart,
} from '../../harness/charts/index.ts';
import { svgToPng } from '../../reports/page/index.ts';
import { hasPngSignature, pngSize } from '../helpers/png.ts';

const NASTY = 'a<b&"c"';
const NASTY_ESCAPED = 'a&lt;b&amp;&quot;c&quot;';

/** Opening tags of `name` whose class attribute contains `cls` (word match). */
function elements(svg: string, name: string, cls?: string): string[] {
  const tags = svg.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) ?? [];
  if (cls === undefined) return tags;
  return tags.filter((t) => new RegExp(`\\bclass="(?:[^"]*\\s)?${cls}(?:\\s[^"]*)?"`).test(t));
}

function attr(tag: string, name: string): number {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  assert.ok(m, `${name} missing in ${tag}`);
  return Number(m[1]);
}

/** Balanced tags and no bare `&` or `<` in text: enough to catch unescaped content. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^<>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
  const textOnly = svg.replace(/<[^<>]*>/g, '');
  assert.ok(!/[<>]/.test(textOnly), 'stray < or > outside tags');
  assert.ok(!/&(?!(?:amp|lt|gt|quot|#39);)/.test(svg), 'bare & in output');
}

/** Common document properties of every chart. */
function assertChartDocument(svg: string, title: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const root = elements(svg, 'svg')[0]!;
  const w = attr(root, 'width');
  const h = attr(root, 'height');
  assert.ok(w > 0 && h > 0, 'positive size');
  assert.ok(root.includes(`viewBox="0 0 ${w} ${h}"`), 'viewBox matches the size');
  assert.ok(root.includes('font-family="DejaVu Sans, sans-serif"'));
  assert.ok(svg.includes(`<title>${title}</title>`), 'title element');
  assertWellFormed(svg);
}

describe('groupedBarChart', () => {
  const data = [
    { group: 'lr', series: 'words', value: 0.8, lo: 0.7, hi: 0.9 },
    { group: 'lr', series: 'events', value: 0.4, lo: 0.35, hi: 0.45 },
    { group: 'lr', series: 'trigrams', value: 0.2 },
    { group: 'dt', series: 'words', value: 0.6, lo: 0.5, hi: 0.7 },
    { group: 'dt', series: 'events', value: Number.NaN },
    { group: 'dt', series: 'trigrams', value: null },
  ];

  it('draws one bar per finite value with heights proportional to the value on a 0..1 axis', () => {
    const svg = groupedBarChart(data, { title: 'F1', yLabel: 'test F1' });
    assertChartDocument(svg, 'F1');
    const bars = elements(svg, 'rect', 'bar');
    assert.equal(bars.length, 4);
    const ratios = bars.map((b) => attr(b, 'height') / attr(b, 'data-value'));
    for (const r of ratios) assert.ok(Math.abs(r - ratios[0]!) < 0.05, `height/value ${r} vs ${ratios[0]}`);
    // Bars stand on the same baseline.
    const bottoms = bars.map((b) => attr(b, 'y') + attr(b, 'height'));
    for (const b of bottoms) assert.ok(Math.abs(b - bottoms[0]!) < 0.02);
    assert.ok(svg.includes('>1.0</text>') && svg.includes('>0.0</text>'), 'default axis 0..1');
    assert.ok(svg.includes('>test F1</text>'), 'axis label');
  });

  it('draws whiskers only for bars with an interval, and marks missing values n/a', () => {
    const svg = groupedBarChart(data, { title: 'F1' });
    assert.equal(elements(svg, 'path', 'whisker').length, 3);
    assert.equal(elements(svg, 'text', 'na').length, 2);
    assert.ok(!svg.includes('NaN'));
  });

  it('shows a legend entry per series and keeps groups in order of first appearance', () => {
    const svg = groupedBarChart(data, { title: 'F1' });
    assert.equal(elements(svg, 'rect', 'legend-swatch').length, 3);
    assert.ok(svg.indexOf('>lr</text>') < svg.indexOf('>dt</text>'));
    const reordered = groupedBarChart(data, { title: 'F1', groups: ['dt', 'lr'] });
    assert.ok(reordered.indexOf('>dt</text>') < reordered.indexOf('>lr</text>'));
  });

  it('widens the axis to values above 1', () => {
    const svg = groupedBarChart([{ group: 'g', series: 's', value: 3.2 }], { title: 'x' });
    const bar = elements(svg, 'rect', 'bar')[0]!;
    assert.ok(attr(bar, 'y') >= 0, 'bar stays inside the chart');
    assert.ok(svg.includes('>4</text>') || svg.includes('>3.5</text>'), 'tick above the value');
  });
});

describe('lineChart and simplifyPoints', () => {
  const wiggly = (n: number): Point[] =>
    Array.from({ length: n }, (_, i) => {
      const x = i / (n - 1);
      return { x, y: 1 - x ** 3 + 0.01 * Math.sin(i / 7) };
    });

  it('keeps the first and last point, stays within budget and within a pixel of the original', () => {
    const points = wiggly(5000).map((p) => ({ x: p.x * 600, y: p.y * 400 }));
    const kept = simplifyPoints(points, 400, 0.25);
    assert.ok(kept.length <= 400 && kept.length >= 10, `kept ${kept.length}`);
    assert.deepEqual(kept[0], points[0]);
    assert.deepEqual(kept.at(-1), points.at(-1));
    // Every original point lies close to the simplified polyline: the shape is unchanged.
    let worst = 0;
    for (const p of points) {
      let best = Number.POSITIVE_INFINITY;
      for (let k = 1; k < kept.length; k++) {
        const a = kept[k - 1]!;
        const b = kept[k]!;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
        best = Math.min(best, Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
      }
      worst = Math.max(worst, best);
    }
    assert.ok(worst < 1.5, `max deviation ${worst} px`);
  });

  it('respects a tight budget', () => {
    const kept = simplifyPoints(wiggly(3000), 10, 0);
    assert.ok(kept.length <= 10 && kept.length >= 2);
  });

  it('draws one path per curve with at most 400 vertices, skipping NaN points', () => {
    const curves = [
      { label: 'event_lr_words · AUC-PR 0.81', points: wiggly(4000) },
      { label: NASTY, points: [...wiggly(50), { x: Number.NaN, y: 0.5 }, { x: 0.5, y: Number.NaN }] },
    ];
    const svg = lineChart(curves, { title: 'PR', xLabel: 'recall', yLabel: 'precision' });
    assertChartDocument(svg, 'PR');
    const paths = elements(svg, 'path', 'curve');
    assert.equal(paths.length, 2);
    for (const p of paths) {
      const vertices = (/ d="([^"]*)"/.exec(p)![1]!.match(/[ML]/g) ?? []).length;
      assert.ok(vertices <= 400, `${vertices} vertices`);
      assert.equal(vertices, attr(p, 'data-points'));
    }
    assert.ok(!svg.includes('NaN'));
    assert.ok(svg.includes('event_lr_words · AUC-PR 0.81'), 'legend label');
    assert.ok(svg.includes(NASTY_ESCAPED) && !svg.includes(NASTY));
    assert.ok(svg.includes('>recall</text>') && svg.includes('>precision</text>'));
  });

  it('gives 14 curves 14 distinct (colour, dash) pairs, on the curves and in the legend', () => {
    const curves = Array.from({ length: 14 }, (_, i) => ({ label: `variant_${i}`, points: wiggly(50 + i) }));
    const svg = lineChart(curves, { title: 'PR' });
    const style = (tag: string) => {
      const stroke = /\sstroke="([^"]*)"/.exec(tag)![1]!;
      const dash = /\sstroke-dasharray="([^"]*)"/.exec(tag)?.[1] ?? '';
      return `${stroke}|${dash}`;
    };
    const drawn = elements(svg, 'path', 'curve').map(style);
    assert.equal(drawn.length, 14);
    assert.equal(new Set(drawn).size, 14, `pairs: ${drawn.join(', ')}`);
    // The legend shows each curve's own stroke, in the same order.
    assert.deepEqual(elements(svg, 'line', 'legend-swatch').map(style), drawn);
    // The first pass through the palette stays solid: a chart of few curves looks as before.
    assert.ok(drawn.slice(0, PALETTE.length).every((d) => d.endsWith('|')));
  });

  it('styles series distinctly up to palette × dash patterns, then repeats', () => {
    const n = PALETTE.length * DASHES.length;
    assert.ok(n >= 14);
    const pairs = Array.from({ length: n }, (_, i) => seriesStyle(i)).map((s) => `${s.color}|${s.dash}`);
    assert.equal(new Set(pairs).size, n);
    assert.deepEqual(seriesStyle(n), seriesStyle(0));
    assert.deepEqual(seriesStyle(-1), seriesStyle(n - 1));
  });

  it('is small for large curves and the same for the same input', () => {
    const curves = [{ label: 'a', points: wiggly(20_000) }];
    const svg = lineChart(curves, { title: 'PR' });
    assert.ok(svg.length < 30_000, `${svg.length} bytes`);
    assert.equal(lineChart(curves, { title: 'PR' }), svg);
  });
});

describe('heatmap', () => {
  const data = {
    rows: ['v1', 'v2', 'v3'],
    columns: ['c1', 'c2', 'c3', 'c4'],
    values: [
      [0, 0.5, 1, null],
      [0.25, Number.NaN, 0.75, 0.1],
      [1, 1, 1], // ragged: the missing cell counts as n/a
    ],
  };

  it('draws every cell, hatches missing ones and labels them n/a', () => {
    const svg = heatmap(data, { title: 'Recall', valueLabel: 'recall' });
    assertChartDocument(svg, 'Recall');
    assert.equal(elements(svg, 'rect', 'cell').length, 12);
    const na = elements(svg, 'rect', 'na');
    assert.equal(na.length, 3);
    for (const cell of na) assert.match(cell, /fill="url\(#hatch-[a-z0-9]+\)"/);
    assert.equal(elements(svg, 'text', 'na').length, 3);
    assert.ok(svg.includes('<linearGradient'), 'colour scale legend');
    assert.ok(svg.includes('>recall</text>'));
  });

  it('colours low and high values differently, clamping to the domain', () => {
    const svg = heatmap({ rows: ['r'], columns: ['a', 'b', 'c'], values: [[0, 1, 7]] }, { title: 'h' });
    const fills = elements(svg, 'rect', 'cell').map((c) => /fill="([^"]*)"/.exec(c)![1]);
    assert.equal(fills[0], '#440154');
    assert.equal(fills[1], '#FDE725');
    assert.equal(fills[2], fills[1]);
  });

  it('rotates long column labels only', () => {
    const short = heatmap(data, { title: 'h' });
    assert.equal(elements(short, 'text', 'column-label').filter((t) => t.includes('rotate(')).length, 0);
    const long = heatmap(
      { ...data, columns: data.columns.map((c) => `${c}_token_expired_in_authorization_flow`) },
      { title: 'h' },
    );
    const labels = elements(long, 'text', 'column-label');
    assert.equal(labels.length, 4);
    for (const l of labels) assert.ok(l.includes('rotate(-60'), l);
  });

  it('handles 15 × 53 cells', () => {
    const rows = Array.from({ length: 15 }, (_, i) => `variant_${i}`);
    const columns = Array.from({ length: 53 }, (_, i) => `error_case_${i}`);
    const values = rows.map((_, r) => columns.map((_, c) => ((r * 53 + c) % 9) / 8));
    const svg = heatmap({ rows, columns, values }, { title: 'big' });
    assert.equal(elements(svg, 'rect', 'cell').length, 15 * 53);
    assertWellFormed(svg);
  });
});

describe('stackedBarChart', () => {
  it('stacks stages in pipeline order with widths proportional to time', () => {
    const data: StackedBarDatum[] = [
      { label: 'a', stages: { fit: 300, load: 100, score: 50 } },
      { label: 'b', stages: { load: 200, fit: Number.NaN, score: 100, custom: 10 } },
    ];
    const svg = stackedBarChart(data, { title: 'Timings' });
    assertChartDocument(svg, 'Timings');
    const segments = elements(svg, 'rect', 'segment');
    assert.equal(segments.length, 6);
    const widthA = segments.slice(0, 3).map((s) => attr(s, 'width'));
    // load 100 : fit 300 : score 50, drawn in that order.
    assert.ok(Math.abs(widthA[1]! / widthA[0]! - 3) < 0.02);
    assert.ok(Math.abs(widthA[2]! / widthA[0]! - 0.5) < 0.02);
    const legendOrder = [...svg.matchAll(/class="legend-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(legendOrder, ['load', 'fit', 'score', 'custom']);
    assert.ok(svg.includes('>450.0 ms</text>'), 'total of a');
  });
});

describe('shapBarChart', () => {
  it('shows the top k by mean |SHAP|, largest first, truncating and escaping names', () => {
    const long = 'feature_with_a_name_far_too_long_to_fit_in_the_left_margin_of_the_chart';
    const data = [
      { feature: 'small', meanAbs: 0.1 },
      { feature: NASTY, meanAbs: 0.9 },
      { feature: long, meanAbs: 0.5 },
      { feature: 'nan', meanAbs: Number.NaN },
      { feature: 'tiny', meanAbs: 0.01 },
    ];
    const svg = shapBarChart(data, { title: 'SHAP', topK: 3 });
    assertChartDocument(svg, 'SHAP');
    const bars = elements(svg, 'rect', 'bar');
    assert.equal(bars.length, 3);
    const widths = bars.map((b) => attr(b, 'width'));
    assert.ok(widths[0]! > widths[1]! && widths[1]! > widths[2]!);
    assert.ok(Math.abs(widths[1]! / widths[0]! - 0.5 / 0.9) < 0.01);
    assert.ok(svg.includes(NASTY_ESCAPED) && !svg.includes(NASTY));
    assert.ok(svg.includes('…'), 'truncated with an ellipsis');
    assert.ok(!svg.includes('>tiny<'), 'below top k');
  });

  it('puts the unit of the SHAP values on the value axis', () => {
    const data = [{ feature: 'a', meanAbs: 0.3 }];
    assert.ok(shapBarChart(data, { title: 'S', unit: 'log-odds' }).includes('>mean |SHAP value| (log-odds)</text>'));
    assert.ok(shapBarChart(data, { title: 'S' }).includes('>mean |SHAP value|</text>'));
  });
});

describe('shapSummaryPlot', () => {
  const rows = [
    {
      feature: NASTY,
      points: Array.from({ length: 120 }, (_, i) => ({ shap: (i - 60) / 60, value: i })),
    },
    { feature: 'weak', points: Array.from({ length: 80 }, (_, i) => ({ shap: (i % 5) / 100, value: Number.NaN })) },
    { feature: 'empty', points: [{ shap: Number.NaN, value: 1 }] },
  ];

  it('draws one dot per point, a zero line, and colours by value without Math.random', (t) => {
    t.mock.method(Math, 'random', () => {
      throw new Error('Math.random must not be used');
    });
    const svg = shapSummaryPlot(rows, { title: 'Summary' });
    assertChartDocument(svg, 'Summary');
    assert.equal(elements(svg, 'circle', 'dot').length, 200);
    assert.equal(elements(svg, 'line', 'zero').length, 1);
    const fills = new Set(elements(svg, 'circle', 'dot').map((d) => /fill="([^"]*)"/.exec(d)![1]));
    assert.ok(fills.size > 20, 'value-coloured');
    assert.ok(fills.has('#BBBBBB'), 'grey for missing values');
    assert.ok(svg.includes(NASTY_ESCAPED) && !svg.includes(NASTY));
    assert.ok(!svg.includes('>empty<'), 'feature without finite SHAP values dropped');
    // Rows sorted by mean |SHAP|: the strong feature first.
    assert.ok(svg.indexOf(NASTY_ESCAPED) < svg.indexOf('>weak<'));
  });

  it('puts the unit of the SHAP values on the value axis', () => {
    const svg = shapSummaryPlot(rows, { title: 'Summary', unit: 'probability' });
    assert.ok(svg.includes('>SHAP value (probability; impact on anomaly score)</text>'));
  });

  it('jitters deterministically and thins large sets to the budget', () => {
    assert.equal(shapSummaryPlot(rows, { title: 's' }), shapSummaryPlot(rows, { title: 's' }));
    const svg = shapSummaryPlot(rows, { title: 's', maxPointsPerFeature: 30 });
    assert.equal(elements(svg, 'circle', 'dot').length, 60);
    const ys = elements(svg, 'circle', 'dot')
      .slice(0, 30)
      .map((d) => attr(d, 'cy'));
    assert.ok(new Set(ys).size > 10, 'dots spread vertically');
  });
});

describe('all charts', () => {
  it('render "no data" for empty input instead of throwing', () => {
    const empties = [
      groupedBarChart([], { title: 'e1' }),
      lineChart([], { title: 'e2' }),
      lineChart([{ label: 'x', points: [{ x: Number.NaN, y: 1 }] }], { title: 'e3' }),
      heatmap({ rows: [], columns: [], values: [] }, { title: 'e4' }),
      stackedBarChart([{ label: 'x', stages: {} }], { title: 'e5' }),
      shapBarChart([], { title: 'e6' }),
      shapSummaryPlot([], { title: 'e7' }),
    ];
    empties.forEach((svg, i) => {
      assertChartDocument(svg, `e${i + 1}`);
      assert.ok(svg.includes('>no data</text>'));
    });
  });

  it('escape every label, title and legend entry', () => {
    const svgs = [
      groupedBarChart([{ group: NASTY, series: NASTY, value: 0.5, lo: 0.4, hi: 0.6 }], { title: NASTY, xLabel: NASTY }),
      heatmap({ rows: [NASTY], columns: [NASTY], values: [[null]] }, { title: NASTY }),
      stackedBarChart([{ label: NASTY, stages: { [NASTY]: 5 } }], { title: NASTY }),
      shapSummaryPlot([{ feature: NASTY, points: [{ shap: 1, value: 1 }] }], { title: NASTY }),
    ];
    for (const svg of svgs) {
      assert.ok(!svg.includes(NASTY), 'raw text leaked');
      assert.ok(svg.includes(NASTY_ESCAPED));
      assertWellFormed(svg);
    }
  });

  it('parse and render to PNG with resvg at the requested width', () => {
    const svg = heatmap({ rows: ['r'], columns: ['c'], values: [[0.3]] }, { title: NASTY });
    const png = svgToPng(svg, { width: 500 });
    assert.ok(hasPngSignature(png));
    assert.equal(pngSize(png).width, 500);
    const control = shapBarChart([{ feature: 'bad\u0001name', meanAbs: 1 }], { title: 't' });
    assert.ok(hasPngSignature(svgToPng(control)), 'control characters do not break the XML');
  });
});

describe('formatRate', () => {
  it('uses k and M with at most three significant digits', () => {
    assert.equal(formatRate(850.4), '850/s');
    assert.equal(formatRate(7.25), '7.3/s');
    assert.equal(formatRate(98_032.3), '98.0k/s');
    assert.equal(formatRate(131_310), '131k/s');
    assert.equal(formatRate(4_924_492), '4.9M/s');
    assert.equal(formatRate(null), 'n/a');
    assert.equal(formatRate(Number.POSITIVE_INFINITY), 'n/a');
  });
});
