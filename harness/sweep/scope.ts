/**
 * The sequence scope of a sweep (DESIGN.md "label scope"): which of an ingest's sequences the models
 * see, and what one sequence is. Applied to everything a sweep reads from the ingest — metadata,
 * token bags, numeric columns — before the split's parts are filled, the feature matrices are built
 * and the leakage audit runs, so all of them agree on the same rows. Splits stay over runs.
 *
 * - `labels: 'target-service'`: an error case's files of services its request does not target are
 *   left out (they log normal traffic under an anomalous label); `correct` files all stay. The
 *   target comes from the case name (ERROR_REQUESTS), so real LO2 trees work the same way.
 * - `seqBy: 'test_case'`: all services' files of one (run, test case) become one sequence, as
 *   LogLead's v2 loader offers: token bags summed, lengths summed, start = min, end = max.
 *   With both, the label filter comes first, so an error case's sequence is its target's file.
 */
import { DEFAULT_SCOPE, type SequenceScope } from '../../splits/index.ts';
import {
  CORRECT_CASE,
  NUMERIC_COLUMNS,
  type NumericColumn,
  type SequenceBag,
  type SequenceBags,
  type SequenceMeta,
  type SequenceNumeric,
  type TokenFeatureSet,
  targetService,
} from '../data/index.ts';
import { dataError } from '../errors/index.ts';

/** What a sweep reads from one ingest; bags and numeric list the sequences of `meta`, in its order. */
export interface ScopeSource {
  meta: readonly SequenceMeta[];
  bags?: Partial<Record<TokenFeatureSet, SequenceBags>>;
  numeric?: SequenceNumeric;
}

export interface ScopedSource {
  meta: SequenceMeta[];
  bags: Partial<Record<TokenFeatureSet, SequenceBags>>;
  numeric?: SequenceNumeric;
}

/** How a grouped sequence's numeric columns follow from its files' (every column must say). */
const NUMERIC_COMBINE: Record<NumericColumn, 'sum' | 'span'> = {
  seq_len: 'sum',
  duration_sec: 'span',
  e_words_len: 'sum',
  e_trigrams_len: 'sum',
};

/** The seq_id of a (run, test case) sequence: the file ids' `<run>__<test case>__<file>` without the file. */
export const groupSeqId = (run: string, testCase: string): string => `${run}__${testCase}`;

/** Row indices of `meta` making each scoped sequence, in table order of their first file. */
function plan(meta: readonly SequenceMeta[], scope: SequenceScope): number[][] {
  const kept: number[] = [];
  for (let i = 0; i < meta.length; i++) {
    const s = meta[i]!;
    if (scope.labels === 'case' || s.testCase === CORRECT_CASE) {
      kept.push(i);
      continue;
    }
    const target = targetService(s.testCase);
    if (target === null) {
      throw dataError(`sequence ${s.seqId}: test case '${s.testCase}' has no known target service`, {
        field: 'labels',
        hint: "labels: 'target-service' needs one of the 53 LO2 error cases (ERROR_REQUESTS in harness/data/lo2/constants.ts); use labels: 'case' for other trees",
      });
    }
    if (target === s.service) kept.push(i);
  }
  if (scope.seqBy === 'file') return kept.map((i) => [i]);
  const groups = new Map<string, number[]>();
  for (const i of kept) {
    const s = meta[i]!;
    const key = groupSeqId(s.run, s.testCase);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return [...groups.values()];
}

/** Epoch ms of a group's first event, NaN when no file knows its start. */
function minStart(rows: readonly SequenceMeta[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const r of rows) if (r.startMs < min) min = r.startMs;
  return Number.isFinite(min) ? min : Number.NaN;
}

/**
 * Seconds from the group's first event to its last; where a file's start is unknown its end is too,
 * and the longest file is the best lower bound left.
 */
function spanSec(rows: readonly SequenceMeta[], durations: readonly number[]): number {
  if (rows.some((r) => !Number.isFinite(r.startMs))) return Math.max(...durations);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  rows.forEach((r, i) => {
    start = Math.min(start, r.startMs);
    end = Math.max(end, r.startMs + durations[i]! * 1000);
  });
  return (end - start) / 1000;
}

function groupMeta(rows: readonly SequenceMeta[]): SequenceMeta {
  const first = rows[0]!;
  const faults = rows.map((r) => r.faultLines ?? null);
  return {
    seqId: groupSeqId(first.run, first.testCase),
    run: first.run,
    testCase: first.testCase,
    // The services whose files the sequence holds: one under target-service scope for an error case.
    service: [...new Set(rows.map((r) => r.service))].sort().join('+'),
    anomaly: rows.some((r) => r.anomaly),
    startMs: minStart(rows),
    // Truth of a group exists only when every file has it.
    faultLines: faults.includes(null) ? null : faults.reduce((a: number, b) => a + b!, 0),
  };
}

/** Sum of token bags: distinct ids ascending with summed counts (readSequenceBags' contract). */
function sumBags(bags: readonly { tokens: Int32Array; counts: Int32Array }[]): {
  tokens: Int32Array;
  counts: Int32Array;
} {
  const total = new Map<number, number>();
  for (const b of bags)
    for (let k = 0; k < b.tokens.length; k++) total.set(b.tokens[k]!, (total.get(b.tokens[k]!) ?? 0) + b.counts[k]!);
  const tokens = Int32Array.from(total.keys()).sort();
  return { tokens, counts: Int32Array.from(tokens, (t) => total.get(t)!) };
}

function groupBag(rows: readonly SequenceBag[]): SequenceBag {
  const templates = Int32Array.from(new Set(rows.flatMap((r) => [...r.templates]))).sort();
  return {
    ...groupMeta(rows),
    seqLen: rows.reduce((s, r) => s + r.seqLen, 0),
    durationSec: spanSec(
      rows,
      rows.map((r) => r.durationSec),
    ),
    ...sumBags(rows),
    templates,
  };
}

function checkAligned(what: string, ids: readonly string[], meta: readonly SequenceMeta[]): void {
  if (ids.length !== meta.length || ids.some((id, i) => id !== meta[i]!.seqId)) {
    throw new RangeError(
      `scopeSequences: ${what} and the metadata list different sequences (hint: read both from one ingest, unscoped)`,
    );
  }
}

/**
 * The sequences of `source` in `scope`: label filter first, then grouping. Pure: the inputs are not
 * changed, and the same inputs give the same rows in the same order, whichever parts are passed, so
 * bags read at different times still line up. Under the default scope the rows are returned as they
 * are.
 */
export function scopeSequences(source: ScopeSource, scope: SequenceScope = DEFAULT_SCOPE): ScopedSource {
  const { meta } = source;
  const bagEntries = Object.entries(source.bags ?? {}) as [TokenFeatureSet, SequenceBags][];
  for (const [part, b] of bagEntries)
    checkAligned(
      `${part} bags`,
      b.sequences.map((s) => s.seqId),
      meta,
    );
  if (source.numeric) checkAligned('numeric columns', source.numeric.seqId, meta);
  const groups = plan(meta, scope);
  const grouped = scope.seqBy === 'test_case';
  const pick = <T>(rows: readonly T[], g: readonly number[]) => g.map((i) => rows[i]!);
  const out: ScopedSource = {
    meta: groups.map((g) => (grouped ? groupMeta(pick(meta, g)) : meta[g[0]!]!)),
    bags: Object.fromEntries(
      bagEntries.map(([part, b]) => [
        part,
        {
          ...b,
          sequences: groups.map((g) => (grouped ? groupBag(pick(b.sequences, g)) : b.sequences[g[0]!]!)),
        },
      ]),
    ),
  };
  const numeric = source.numeric;
  if (numeric) {
    const columns = Object.fromEntries(
      NUMERIC_COLUMNS.map((name) => {
        const col = numeric.columns[name];
        return [
          name,
          Float64Array.from(groups, (g) => {
            if (NUMERIC_COMBINE[name] === 'sum') return g.reduce((s, i) => s + col[i]!, 0);
            return spanSec(
              pick(meta, g),
              g.map((i) => col[i]!),
            );
          }),
        ];
      }),
    ) as Record<NumericColumn, Float64Array>;
    out.numeric = { seqId: out.meta.map((m) => m.seqId), columns };
  }
  return out;
}
