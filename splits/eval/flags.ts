/**
 * Row flags of the leaderboard, with the reason a reader sees: rows whose F1 comes from flagging
 * (nearly) everything or nothing, rows no better than a trivial rule, and fits that stopped at
 * their iteration limit. Pure: the caller gathers per-seed shares, rule F1s and solver records.
 */
import type { ConvergenceRecord, NamedRuleF1, RowFlag, RowFlagInput, RowFlagOptions } from './types.ts';
import { checkFiniteArray, checkOpenUnit } from './validate.ts';

/** Defaults of `RowFlagOptions`. */
export const defaultRowFlagOptions = Object.freeze({ degenerateShare: 0.01, trivialMargin: 0.02 });

/**
 * Slack on the flag thresholds, so a row exactly at a limit is flagged whatever the rounding:
 * 0.12 + 0.02 is 0.13999999999999999 in floats, and a row at 0.14 is within 0.02 of a rule at 0.12.
 */
const SLACK = 1e-12;

const percentNumber = (share: number) => `${Number((share * 100).toFixed(1))}`;
const f1Text = (f1: number) => f1.toFixed(3);

/**
 * `degenerate` when the row flags ≤ `degenerateShare` or ≥ 1 − `degenerateShare` of the test
 * sequences on every seed (either extreme; a row flagging all on one seed and none on another
 * separates nothing either). Null when it does not, or with no seeds.
 */
export function degenerateFlag(
  flaggedShare: readonly number[],
  degenerateShare: number = defaultRowFlagOptions.degenerateShare,
): RowFlag | null {
  checkFiniteArray(flaggedShare, 'flaggedShare');
  checkOpenUnit(degenerateShare, 'degenerateShare');
  if (flaggedShare.length === 0) return null;
  for (const [i, s] of flaggedShare.entries()) {
    if (!(s >= 0 && s <= 1)) throw new TypeError(`flaggedShare[${i}] is ${s}; shares must be in [0, 1]`);
  }
  const extreme = (s: number) => s <= degenerateShare + SLACK || s >= 1 - degenerateShare - SLACK;
  if (!flaggedShare.every(extreme)) return null;
  const lo = Math.min(...flaggedShare);
  const hi = Math.max(...flaggedShare);
  const range = lo === hi ? `${percentNumber(lo)} %` : `${percentNumber(lo)}–${percentNumber(hi)} %`;
  const seeds = `${flaggedShare.length} seed${flaggedShare.length === 1 ? '' : 's'}`;
  // One side is the usual case (threshold 0 flags all); mixed sides get their own wording.
  const oneSide = hi <= degenerateShare + SLACK || lo >= 1 - degenerateShare - SLACK;
  const what = oneSide
    ? `flags ${range} of test sequences on every seed (${seeds})`
    : `flags almost all or almost none of the test sequences on every seed (${range}, ${seeds})`;
  return { flag: 'degenerate', reason: what };
}

/**
 * `trivial` when the row's mean test F1 is at most the best rule's F1 + `trivialMargin`; the reason
 * names that rule. Rules with a non-finite F1 are skipped; null when none is left.
 */
export function trivialFlag(
  f1: number,
  rules: readonly NamedRuleF1[],
  trivialMargin: number = defaultRowFlagOptions.trivialMargin,
): RowFlag | null {
  if (typeof f1 !== 'number' || !Number.isFinite(f1))
    throw new TypeError(`f1 must be a finite number (got ${String(f1)})`);
  if (typeof trivialMargin !== 'number' || !(trivialMargin >= 0)) {
    throw new TypeError(`trivialMargin must be a number ≥ 0 (got ${String(trivialMargin)})`);
  }
  if (!Array.isArray(rules)) throw new TypeError('rules must be an array of { name, f1 }');
  let best: NamedRuleF1 | null = null;
  for (const r of rules) {
    if (!Number.isFinite(r.f1)) continue;
    // Ties keep the first rule listed, so the reason does not depend on float noise.
    if (best === null || r.f1 > best.f1) best = r;
  }
  if (best === null || f1 > best.f1 + trivialMargin + SLACK) return null;
  return {
    flag: 'trivial',
    reason: `test F1 ${f1Text(f1)} is within ${trivialMargin} of the trivial rule "${best.name}" (F1 ${f1Text(best.f1)})`,
  };
}

/**
 * `not-converged` when any seed's fit used all its iterations (iterations ≥ maxIterations); the
 * reason names those seeds, their iteration counts and final gradient (or gap) when recorded.
 */
export function convergenceFlag(records: readonly ConvergenceRecord[]): RowFlag | null {
  if (!Array.isArray(records)) throw new TypeError('convergence must be an array of { iterations, maxIterations }');
  const stopped: string[] = [];
  for (const [i, r] of records.entries()) {
    if (!Number.isFinite(r.iterations) || !Number.isFinite(r.maxIterations)) {
      throw new TypeError(`convergence[${i}] must have finite iterations and maxIterations`);
    }
    if (r.iterations < r.maxIterations) continue;
    const gradient = r.finalGradient === undefined ? '' : `, final gradient ${r.finalGradient.toExponential(2)}`;
    stopped.push(`seed ${r.seed ?? i + 1}: ${r.iterations}/${r.maxIterations} iterations${gradient}`);
  }
  if (stopped.length === 0) return null;
  return {
    flag: 'not-converged',
    reason: `hit the iteration limit on ${stopped.length} of ${records.length} seeds (${stopped.join('; ')})`,
  };
}

/**
 * The flags of one leaderboard row, in a fixed order (degenerate, trivial, not-converged); a flag
 * whose input is absent is not evaluated. Empty when nothing applies.
 */
export function flagsFor(input: RowFlagInput, options: RowFlagOptions = {}): RowFlag[] {
  const degenerateShare = options.degenerateShare ?? defaultRowFlagOptions.degenerateShare;
  const trivialMargin = options.trivialMargin ?? defaultRowFlagOptions.trivialMargin;
  const flags: (RowFlag | null)[] = [
    input.flaggedShare === undefined ? null : degenerateFlag(input.flaggedShare, degenerateShare),
    input.f1 === undefined || input.rules === undefined ? null : trivialFlag(input.f1, input.rules, trivialMargin),
    input.convergence === undefined ? null : convergenceFlag(input.convergence),
  ];
  return flags.filter((f): f is RowFlag => f !== null);
}
