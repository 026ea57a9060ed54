/**
 * One- and two-token rules of the leakage audit: "flag a sequence that contains (or lacks) token t",
 * and the AND of two such literals. Under LO2 v1's order one token (`status.yml`, only in the
 * `correct` case's start-up) gets close to a perfect F1; a detector no better than such a rule has
 * learnt the recording, not the fault. The rules are chosen on train and validation only, among the
 * strongest single features of train, so their test F1 is an honest bar and the search stays cheap.
 */
import type { Part } from './types.ts';

/** What a token rule needs of one sequence. */
export interface RuleSequence {
  anomaly: boolean;
  /** Distinct token ids (ascending). */
  tokens: Int32Array;
}

/** A token that must be present (`present: true`) or absent in a sequence the rule flags. */
export interface TokenLiteral {
  token: string;
  present: boolean;
}

/** A one- or two-token rule, chosen on train/validation, with its test scores. */
export interface TokenRule {
  /** `token`: one literal; `token-pair`: the AND of two. */
  kind: 'token' | 'token-pair';
  literals: TokenLiteral[];
  /** Readable form, e.g. `lacks 'status.yml'`, `contains 'a' and lacks 'b'`. */
  name: string;
  /** F1 on validation: what chose this rule among the candidates. */
  f1Val: number;
  f1Test: number;
  /** AUC of the rule's 0/1 output on test (ties count ½): 0.5 + (TPR − FPR) / 2. */
  aucTest: number;
}

/** A candidate literal: a token id and which of its values flags a sequence. */
export interface RuleCandidate {
  id: number;
  /** True when the token is more frequent among anomalous training sequences. */
  present: boolean;
}

/** Bounds of the rule search. */
export interface TokenRuleOptions {
  /** Strongest single features tried as one-token rules. @default 20 */
  ruleCandidates: number;
  /** Strongest single features paired into two-token rules (n·(n−1)/2 pairs). @default 10 */
  pairCandidates: number;
}

export const defaultTokenRuleOptions: Readonly<TokenRuleOptions> = Object.freeze({
  ruleCandidates: 20,
  pairCandidates: 10,
});

const literalText = (l: TokenLiteral) => `${l.present ? 'contains' : 'lacks'} '${l.token}'`;

/** F1 and AUC of a 0/1 prediction (sklearn's zero_division = 0 for F1; AUC NaN with one class). */
function scores(pred: Uint8Array, labels: Uint8Array): { f1: number; auc: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      pos++;
      if (pred[i] === 1) tp++;
      else fn++;
    } else if (pred[i] === 1) fp++;
  }
  const neg = labels.length - pos;
  const f1 = 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  const auc = pos === 0 || neg === 0 ? Number.NaN : 0.5 + (tp / pos - fp / neg) / 2;
  return { f1, auc };
}

/**
 * The best one-token rule over `candidates` and the best AND of two over the first
 * `pairCandidates` of them, each chosen by validation F1 (ties: the earlier, i.e. stronger,
 * candidates), with test F1 and AUC. Empty when there are no candidates.
 */
export function bestTokenRules(
  parts: Record<Part, readonly RuleSequence[]>,
  candidates: readonly RuleCandidate[],
  vocabulary: readonly string[],
  options: Partial<TokenRuleOptions> = {},
): TokenRule[] {
  const o = { ...defaultTokenRuleOptions, ...options };
  const chosen = candidates.slice(0, o.ruleCandidates);
  if (chosen.length === 0) return [];
  const index = new Map(chosen.map((c, k) => [c.id, k]));
  // Per part and candidate: whether each sequence satisfies the literal (one scan of the tokens).
  const satisfied = (seqs: readonly RuleSequence[]) => {
    const has = chosen.map(() => new Uint8Array(seqs.length));
    seqs.forEach((s, i) => {
      for (const t of s.tokens) {
        const k = index.get(t);
        if (k !== undefined) has[k]![i] = 1;
      }
    });
    return has.map((h, k) => (chosen[k]!.present ? h : h.map((x) => 1 - x)));
  };
  const labels = (seqs: readonly RuleSequence[]) => Uint8Array.from(seqs, (s) => (s.anomaly ? 1 : 0));
  const val = { lit: satisfied(parts.val), labels: labels(parts.val) };
  const test = { lit: satisfied(parts.test), labels: labels(parts.test) };
  const literal = (k: number): TokenLiteral => ({
    token: vocabulary[chosen[k]!.id] ?? String(chosen[k]!.id),
    present: chosen[k]!.present,
  });
  const and = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x & b[i]!);

  let single = { k: 0, f1: -1 };
  for (let k = 0; k < chosen.length; k++) {
    const f1 = scores(val.lit[k]!, val.labels).f1;
    if (f1 > single.f1) single = { k, f1 };
  }
  const rules: TokenRule[] = [];
  const one = [literal(single.k)];
  const t1 = scores(test.lit[single.k]!, test.labels);
  rules.push({
    kind: 'token',
    literals: one,
    name: literalText(one[0]!),
    f1Val: single.f1,
    f1Test: t1.f1,
    aucTest: t1.auc,
  });

  const m = Math.min(o.pairCandidates, chosen.length);
  let pair = { a: -1, b: -1, f1: -1 };
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const f1 = scores(and(val.lit[a]!, val.lit[b]!), val.labels).f1;
      if (f1 > pair.f1) pair = { a, b, f1 };
    }
  }
  if (pair.a >= 0) {
    const two = [literal(pair.a), literal(pair.b)];
    const t2 = scores(and(test.lit[pair.a]!, test.lit[pair.b]!), test.labels);
    rules.push({
      kind: 'token-pair',
      literals: two,
      name: two.map(literalText).join(' and '),
      f1Val: pair.f1,
      f1Test: t2.f1,
      aucTest: t2.auc,
    });
  }
  return rules;
}
