/** Heatmap of values in [0, 1] (recall per error case), with missing cells hatched and labelled "n/a". */
import {
  chartId,
  colorBar,
  escapeXml,
  formatNumber,
  isFiniteNumber,
  linearScale,
  MISSING_COLOR,
  noDataSvg,
  px,
  sequentialColor,
  svgDocument,
  TITLE_HEIGHT,
  text,
  textWidth,
  truncate,
} from './svg.ts';

/** Rows × columns; `values[r][c]` is null (or missing, or NaN) where there is no value. */
export interface HeatmapData {
  rows: readonly string[];
  columns: readonly string[];
  values: readonly (readonly (number | null)[])[];
}

/** Options of `heatmap`. */
export interface HeatmapOptions {
  title: string;
  /** Side of one cell in px. @default 18 */
  cellSize?: number;
  /** Values mapped onto the colour scale; values outside are clamped. @default [0, 1] */
  domain?: [number, number];
  /** Caption of the colour bar. @default 'value' */
  valueLabel?: string;
  /** Row and column labels longer than this are cut with an ellipsis. @default 36 */
  maxLabelChars?: number;
}

/** Defaults of `HeatmapOptions`. */
export const defaultHeatmapOptions = Object.freeze({
  cellSize: 18,
  domain: [0, 1] as readonly [number, number],
  valueLabel: 'value',
  maxLabelChars: 36,
});

/** Angle of column labels that do not fit under their cell: steep enough for 53 narrow columns. */
const COLUMN_LABEL_ANGLE = 60;

/**
 * Cells coloured on the viridis scale with a colour bar; null/NaN cells hatched grey with "n/a".
 * Column labels are rotated when longer than a cell is wide. Every cell is a `<rect class="cell">`
 * (missing ones also carry class "na") with a `<title>` tooltip "row · column: value".
 */
export function heatmap(data: HeatmapData, options: HeatmapOptions): string {
  const o = { ...defaultHeatmapOptions, ...options };
  if (data.rows.length === 0 || data.columns.length === 0) return noDataSvg(o.title);
  const cell = o.cellSize;
  const font = 11;
  const rowLabels = data.rows.map((r) => truncate(r, o.maxLabelChars));
  const colLabels = data.columns.map((c) => truncate(c, o.maxLabelChars));
  const longestCol = Math.max(...colLabels.map((l) => textWidth(l, font)));
  const rotate = longestCol > cell - 2;
  const rad = (COLUMN_LABEL_ANGLE * Math.PI) / 180;
  const colSpace = rotate ? longestCol * Math.sin(rad) + font + 8 : font + 10;

  const left = Math.max(60, ...rowLabels.map((l) => textWidth(l, font))) + 14;
  const top = TITLE_HEIGHT + 24;
  const gridW = cell * data.columns.length;
  const gridH = cell * data.rows.length;
  // The rotated labels lean left, so the first ones may need room beyond the grid's left edge.
  const leftLean = rotate ? Math.max(0, longestCol * Math.cos(rad) - left + 8) : 0;
  const x0 = left + leftLean;
  const legendX = x0 + gridW + 24;
  const width = Math.max(legendX + 110, 360);
  const barH = Math.max(80, Math.min(200, gridH - 40));
  const height = Math.max(top + gridH + colSpace + 12, top + barH + 70);

  const seed = `${o.title}\u0000${data.rows.join('\u0001')}\u0000${data.columns.join('\u0001')}`;
  const hatch = chartId('hatch', seed);
  const gradient = chartId('grad', seed);
  const t = linearScale(o.domain, [0, 1]);

  const body: string[] = [
    `<defs><pattern id="${hatch}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#EEEEEE"/><line x1="0" y1="0" x2="0" y2="6" stroke="${MISSING_COLOR}" stroke-width="2"/></pattern></defs>`,
  ];
  data.rows.forEach((row, r) => {
    const cy = top + r * cell;
    body.push(
      text(x0 - 6, cy + cell / 2 + 4, rowLabels[r]!, {
        class: 'row-label',
        'text-anchor': 'end',
        'font-size': font,
        fill: '#222222',
      }),
    );
    data.columns.forEach((col, c) => {
      const cx = x0 + c * cell;
      const v = data.values[r]?.[c];
      const tip = `${row} · ${col}: ${formatNumber(v)}`;
      if (isFiniteNumber(v)) {
        body.push(
          `<rect class="cell" x="${px(cx)}" y="${px(cy)}" width="${cell}" height="${cell}" fill="${sequentialColor(t(v))}" stroke="#FFFFFF" stroke-width="0.5" data-value="${escapeXml(String(v))}"><title>${escapeXml(tip)}</title></rect>`,
        );
      } else {
        body.push(
          `<rect class="cell na" x="${px(cx)}" y="${px(cy)}" width="${cell}" height="${cell}" fill="url(#${hatch})" stroke="#FFFFFF" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
        );
        if (cell >= 16) {
          body.push(
            text(cx + cell / 2, cy + cell / 2 + 3, 'n/a', {
              class: 'na',
              'text-anchor': 'middle',
              'font-size': Math.min(9, cell / 2.4),
              fill: '#444444',
            }),
          );
        }
      }
    });
  });
  const labelY = top + gridH + 6;
  colLabels.forEach((label, c) => {
    const lx = x0 + c * cell + cell / 2;
    body.push(
      rotate
        ? text(lx + 4, labelY + 4, label, {
            class: 'column-label',
            'text-anchor': 'end',
            transform: `rotate(-${COLUMN_LABEL_ANGLE} ${px(lx + 4)} ${px(labelY + 4)})`,
            'font-size': font,
            fill: '#222222',
          })
        : text(lx, labelY + font, label, {
            class: 'column-label',
            'text-anchor': 'middle',
            'font-size': font,
            fill: '#222222',
          }),
    );
  });
  body.push(
    colorBar(
      gradient,
      legendX,
      top + 14,
      barH,
      formatNumber(o.domain[0], 1),
      formatNumber(o.domain[1], 1),
      o.valueLabel,
    ),
    `<rect class="legend-na" x="${px(legendX)}" y="${px(top + barH + 30)}" width="12" height="12" fill="url(#${hatch})" stroke="#999999" stroke-width="0.5"/>`,
    text(legendX + 16, top + barH + 40, 'n/a', { 'font-size': 11, fill: '#333333' }),
  );
  return svgDocument({ width, height, title: o.title }, body);
}
