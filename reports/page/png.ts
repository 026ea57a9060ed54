/** SVG → PNG without a browser, through resvg (Rust, bundled as a native module). */
import { Resvg } from '@resvg/resvg-js';

/** Options of `svgToPng`. */
export interface PngOptions {
  /** Output width in px; the height follows the aspect ratio. @default the SVG's own width */
  width?: number;
  /** Canvas colour behind the SVG. @default '#FFFFFF' */
  background?: string;
}

/** Defaults of `PngOptions`. */
export const defaultPngOptions = Object.freeze({ background: '#FFFFFF' });

/**
 * The PNG bytes of `svg`. Text uses the system fonts (the charts ask for DejaVu Sans), so the
 * output matches the browser rendering closely; no network access, no browser.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const width = options.width;
  if (width !== undefined && !(Number.isInteger(width) && width > 0)) {
    throw new TypeError(`width must be a positive integer (got ${String(width)})`);
  }
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: options.background ?? defaultPngOptions.background,
    ...(width === undefined ? {} : { fitTo: { mode: 'width' as const, value: width } }),
  });
  return new Uint8Array(resvg.render().asPng());
}
