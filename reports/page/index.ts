/**
 * Rendering of `bench report`: a typed `ReportModel` (built elsewhere from the database) in, a
 * self-contained HTML page, a markdown twin and chart files out. Only `writeReport` touches disk.
 */
export type { ReportChart, SectionId } from './html.ts';
export {
  entryLabels,
  FALSE_POSITIVE_COLUMNS,
  inlineSvg,
  renderHtml,
  reportCharts,
  SECTIONS,
  sectionsOf,
} from './html.ts';
export type { MarkdownOptions } from './markdown.ts';
export { escapeMarkdown, renderMarkdown } from './markdown.ts';
export type { PngOptions } from './png.ts';
export { defaultPngOptions, svgToPng } from './png.ts';
export type { WriteReportOptions, WrittenReport } from './write.ts';
export { defaultWriteReportOptions, writeReport } from './write.ts';
