/**
 * Charts as pure functions: typed data in, a standalone SVG string out (xmlns, width, height,
 * viewBox, `<title>`, axis labels, DejaVu Sans). Empty input renders a small "no data" chart;
 * null/NaN values are skipped or marked "n/a"; all text is escaped. Colours are colour-blind safe
 * (Okabe–Ito for series, with dash patterns once a line chart has more curves than colours; viridis
 * for scales).
 * Below both the sweep and the reports: a trial draws its SHAP charts (harness/artifacts) with the
 * code the report draws its own with.
 */
export type { BarDatum, GroupedBarOptions, StackedBarDatum, StackedBarOptions } from './bar.ts';
export { defaultGroupedBarOptions, defaultStackedBarOptions, groupedBarChart, stackedBarChart } from './bar.ts';
export type { HeatmapData, HeatmapOptions } from './heatmap.ts';
export { defaultHeatmapOptions, heatmap } from './heatmap.ts';
export type { LineChartOptions, LineSeries, Point } from './lines.ts';
export { defaultLineChartOptions, lineChart, simplifyPoints } from './lines.ts';
export type { ShapBarDatum, ShapBarOptions, ShapSummaryOptions, ShapSummaryRow } from './shap.ts';
export { defaultShapBarOptions, defaultShapSummaryOptions, shapBarChart, shapSummaryPlot } from './shap.ts';
export type { SeriesStyle } from './svg.ts';
export {
  DASHES,
  escapeXml,
  FONT_FAMILY,
  formatDuration,
  formatNumber,
  formatRate,
  MISSING_COLOR,
  noDataSvg,
  PALETTE,
  SEQUENTIAL_STOPS,
  sequentialColor,
  seriesColor,
  seriesStyle,
} from './svg.ts';
