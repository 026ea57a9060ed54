/**
 * Number and text formatting shared by the Ink board and the plain-text table. Every helper returns
 * single-width characters only, so a string's length is its width in terminal columns.
 */

import { formatRate } from '../../harness/charts/index.ts';

/** A metric in [0, 1] with three decimals; `–` when missing or not finite. */
export function fmtMetric(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A signed difference (`+0.012`, `−0.034`), for deltas b − a. */
export function fmtDelta(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = Math.abs(x).toFixed(digits);
  // A rounded zero carries no sign: `−0.000` reads like a real loss.
  if (Number(s) === 0) return ` ${s}`;
  return x > 0 ? `+${s}` : `−${s}`;
}

/** A p-value: three decimals, or `<0.001`. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** Short names of the row flags in the table's `flags` column (the detail view gives the reasons). */
export const FLAG_LABEL = {
  leak: 'LEAK',
  degenerate: 'degen',
  trivial: 'trivial',
  'not-converged': 'noconv',
} as const;

/**
 * What the board's numbers and marks mean: the plain table prints it under the rows, the help
 * overlay and the report carry it too.
 */
export const BOARD_LEGEND: readonly string[] = [
  '± 95 % corrected resampled t-interval of the mean over split seeds (Nadeau & Bengio: variance × (1/k + nTest/nTrain), nTrain = train + val runs); one seed has no interval',
  '≈ the corrected resampled t-test over the seeds both rows share gives p ≥ 0.05 against the row above (same experiment and dataset): the seeds cannot order them',
  'flags: LEAK above chance on a null dataset · degen flags ≤ 1 % or ≥ 99 % of test sequences on every seed · trivial within 0.02 F1 of a trivial rule of the leakage audit · noconv a seed hit its solver’s iteration limit',
];

/** Mean ± CI half-width, e.g. `0.912±0.031`; the half-width is the larger side of an asymmetric interval. */
export function fmtMeanCi(v: { mean: number; lo: number; hi: number }): string {
  if (!Number.isFinite(v.mean)) return '–';
  const half = Math.max(v.mean - v.lo, v.hi - v.mean);
  return Number.isFinite(half) ? `${v.mean.toFixed(3)}±${half.toFixed(3)}` : v.mean.toFixed(3);
}

/** A duration: `850ms`, `1.2s`, `42s`, `3m05s`, `2h10m`. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m - h * 60).padStart(2, '0')}m`;
}

/** Sequences per second, humanised: `850/s`, `12.3k/s`, `4.1M/s`. */
export function fmtRate(perS: number | null | undefined): string {
  const s = formatRate(perS);
  return s === 'n/a' ? '–' : s;
}

/** Cuts `text` to `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Truncates and pads to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - [...t].length));
  return align === 'left' ? t + pad : pad + t;
}

/** Display width of our strings (all single-width code points). */
export const widthOf = (text: string): number => [...text].length;
