/** Score drift between the training scores (expected) and another part's scores (actual). */
import { quantileSorted } from './stats.ts';
import type { PsiOptions } from './types.ts';
import { checkInteger, checkScores } from './validate.ts';

/** Defaults of `PsiOptions`. */
export const defaultPsiOptions = Object.freeze({ bins: 10, epsilon: 1e-4 });

/** Index of the first edge ≥ x, i.e. the right-closed bin (edge[i−1], edge[i]] holding x. */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Proportion of values per bin, floored at epsilon. */
function proportions(values: Float64Array, edges: Float64Array, epsilon: number): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) counts[binOf(edges, values[i]!)]!++;
  return counts.map((c) => Math.max(c / values.length, epsilon));
}

/**
 * Population stability index of `actual` against `expected` (train) scores:
 * PSI = Σ_bins (a − e) · ln(a / e), with e and a the fractions of each set in a bin.
 *
 * Bins: cut points at the quantiles i/bins (i = 1 … bins−1, type 7 as numpy) of `expected`;
 * bins are right-closed, (cut[i−1], cut[i]], the outer ones open-ended, so every actual score
 * lands somewhere. Repeated cut points (heavy ties in expected) are merged, so fewer bins are used
 * rather than empty ones. A fraction below `epsilon` is raised to `epsilon` (no renormalisation) so
 * an empty bin adds a large but finite term. Rule of thumb: < 0.1 stable, 0.1–0.25 some drift,
 * > 0.25 major drift.
 */
export function psi(expected: Float64Array, actual: Float64Array, options: PsiOptions = {}): number {
  checkScores(expected, 'expected');
  checkScores(actual, 'actual');
  if (expected.length === 0) throw new TypeError('expected must not be empty');
  if (actual.length === 0) throw new TypeError('actual must not be empty');
  const bins = checkInteger(options.bins ?? defaultPsiOptions.bins, 'bins', 2);
  const epsilon = options.epsilon ?? defaultPsiOptions.epsilon;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon < 1)) {
    throw new TypeError(`epsilon must be a number in (0, 1) (got ${String(epsilon)})`);
  }

  const sorted = Float64Array.from(expected).sort();
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(sorted, i / bins);
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  const edges = Float64Array.from(cuts);
  const e = proportions(expected, edges, epsilon);
  const a = proportions(actual, edges, epsilon);
  let total = 0;
  for (let i = 0; i < e.length; i++) total += (a[i]! - e[i]!) * Math.log(a[i]! / e[i]!);
  return total;
}
