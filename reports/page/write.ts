/** Writes a rendered report to a folder: the only side effects of the report page. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportModel } from '../index.ts';
import { renderHtml, reportCharts } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { svgToPng } from './png.ts';

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** PNG pixels per SVG unit: 2 keeps charts sharp on high-density screens. @default 2 */
  pngScale?: number;
}

/** Defaults of `WriteReportOptions`. */
export const defaultWriteReportOptions = Object.freeze({ pngScale: 2 });

/** Absolute or `dir`-relative paths of everything `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  markdown: string;
  charts: { name: string; svg: string; png: string }[];
}

let tempCounter = 0;

/**
 * Writes `path` through a temporary sibling and a rename, so a reader (or a crash) never sees a
 * half-written file; on failure the temporary file is removed.
 */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Width attribute of an SVG's root element. */
function svgWidth(svg: string): number {
  const match = /<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)"/.exec(svg);
  return match ? Number(match[1]) : 960;
}

/**
 * Renders `model` into `dir` (created if missing): `index.html`, `report.md` (linking
 * `charts/<name>.png`) and `charts/<name>.svg` + `.png` per chart. Existing files are replaced.
 */
export async function writeReport(
  model: ReportModel,
  dir: string,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const scale = options.pngScale ?? defaultWriteReportOptions.pngScale;
  if (!(typeof scale === 'number' && scale > 0 && scale <= 8)) {
    throw new TypeError(`pngScale must be a number in (0, 8] (got ${String(scale)})`);
  }
  const chartDir = join(dir, 'charts');
  await mkdir(chartDir, { recursive: true });

  const charts: WrittenReport['charts'] = [];
  for (const chart of reportCharts(model)) {
    const svg = join(chartDir, `${chart.name}.svg`);
    const png = join(chartDir, `${chart.name}.png`);
    await writeAtomic(svg, chart.svg);
    await writeAtomic(png, svgToPng(chart.svg, { width: Math.round(svgWidth(chart.svg) * scale) }));
    charts.push({ name: chart.name, svg, png });
  }
  const html = join(dir, 'index.html');
  const markdown = join(dir, 'report.md');
  await writeAtomic(html, renderHtml(model));
  await writeAtomic(markdown, renderMarkdown(model, { chartPath: (name) => `charts/${name}.png` }));
  return { html, markdown, charts };
}
