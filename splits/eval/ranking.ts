/**
 * Threshold-free ranking metrics (ROC AUC, average precision, precision@k, FPR at a recall level).
 *
 * All of them read one table: the distinct scores in descending order with how many positives and
 * negatives share each score. Building it costs two native typed-array sorts (positives' and
 * negatives' scores separately, then a merge), so every metric here is O(n log n) and 1e6 scores
 * take well under a second. Inputs are assumed validated (see `validate.ts`).
 */

/** Distinct scores, descending, with the positives and negatives at each. */
export interface TieTable {
  /** Distinct scores, highest first. */
  values: Float64Array;
  /** Positives whose score equals `values[g]`. */
  pos: Float64Array;
  /** Negatives whose score equals `values[g]`. */
  neg: Float64Array;
  /** Total positives P and negatives N. */
  nPos: number;
  nNeg: number;
}

/** Groups equal scores (−0 and +0 are equal) and counts each class per group. */
export function tieTable(scores: Float64Array, labels: Uint8Array): TieTable {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) nPos += labels[i]!;
  const nNeg = scores.length - nPos;
  const posScores = new Float64Array(nPos);
  const negScores = new Float64Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < scores.length; i++) {
    if (labels[i] === 1) posScores[p++] = scores[i]!;
    else negScores[q++] = scores[i]!;
  }
  // TypedArray#sort without a comparator is numeric and native: much faster than sorting indices.
  posScores.sort();
  negScores.sort();

  const values = new Float64Array(scores.length);
  const pos = new Float64Array(scores.length);
  const neg = new Float64Array(scores.length);
  let g = 0;
  let p = nPos - 1;
  let q = nNeg - 1;
  while (p >= 0 || q >= 0) {
    const top = p < 0 ? negScores[q]! : q < 0 ? posScores[p]! : Math.max(posScores[p]!, negScores[q]!);
    let cp = 0;
    let cn = 0;
    // `===` treats −0 and +0 as one score, as sklearn's comparisons do.
    while (p >= 0 && posScores[p] === top) {
      cp++;
      p--;
    }
    while (q >= 0 && negScores[q] === top) {
      cn++;
      q--;
    }
    values[g] = top;
    pos[g] = cp;
    neg[g] = cn;
    g++;
  }
  return { values: values.subarray(0, g), pos: pos.subarray(0, g), neg: neg.subarray(0, g), nPos, nNeg };
}

/**
 * ROC AUC = P(score of a random positive > score of a random negative) + ½·P(tie): the
 * Mann–Whitney U with average ranks, equal to sklearn's roc_auc_score (trapezoids through ties).
 * NaN when only one class is present (sklearn raises there; we report "undefined" instead).
 */
export function aucRoc(t: TieTable): number {
  if (t.nPos === 0 || t.nNeg === 0) return Number.NaN;
  // Sum over groups of neg_g · (positives strictly above + ½ positives tied): halves of
  // integers, exact in doubles up to 2^52, so the only rounding is the final division.
  let u = 0;
  let posAbove = 0;
  for (let g = 0; g < t.values.length; g++) {
    u += t.neg[g]! * (posAbove + t.pos[g]! / 2);
    posAbove += t.pos[g]!;
  }
  return u / (t.nPos * t.nNeg);
}

/**
 * Average precision as sklearn's average_precision_score: Σ_g (R_g − R_{g−1}) · P_g over the
 * distinct thresholds, highest first — a step function, NOT the trapezoid, which overstates it.
 * A tie group enters as one threshold. NaN when there are no positives (sklearn returns −0 with a
 * warning; recall is undefined there).
 */
export function averagePrecision(t: TieTable): number {
  if (t.nPos === 0) return Number.NaN;
  let ap = 0;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < t.values.length; g++) {
    const dp = t.pos[g]!;
    tp += dp;
    fp += t.neg[g]!;
    // Recall only moves when the group holds positives; precision is taken after the whole group.
    if (dp > 0) ap += dp * (tp / (tp + fp));
  }
  // Divide once at the end: summing dp/nPos terms drifted above 1 (1.0000000000000002) when every
  // positive ranks first, and AP > 1 in a report reads as a bug.
  return ap / t.nPos;
}

/**
 * Precision among the k highest scores. When the k-th place falls inside a group of tied scores,
 * the group is shared pro rata: it contributes (places left) × (its fraction of positives). That is
 * the expected precision over all orderings of the ties, so the result does not depend on row
 * order. k is clamped to the set size; NaN when k = 0.
 */
export function precisionAtK(t: TieTable, k: number): number {
  const kk = Math.min(k, t.nPos + t.nNeg);
  if (kk === 0) return Number.NaN;
  let taken = 0;
  let hits = 0;
  for (let g = 0; g < t.values.length && taken < kk; g++) {
    const size = t.pos[g]! + t.neg[g]!;
    const room = kk - taken;
    if (size <= room) {
      hits += t.pos[g]!;
      taken += size;
    } else {
      hits += (room * t.pos[g]!) / size;
      taken = kk;
    }
  }
  return hits / kk;
}

/**
 * False-positive rate at the highest threshold (a distinct score, decision `score >= threshold`)
 * whose recall on this set is ≥ `alpha`. FPR only grows as the threshold falls, so this is the
 * smallest FPR that still catches a fraction `alpha` of the anomalies. NaN with no positives or
 * no negatives.
 */
export function fprAtRecall(t: TieTable, alpha: number): number {
  if (t.nPos === 0 || t.nNeg === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < t.values.length; g++) {
    tp += t.pos[g]!;
    fp += t.neg[g]!;
    if (tp / t.nPos >= alpha) return fp / t.nNeg;
  }
  // Unreachable for alpha ≤ 1: the lowest threshold has recall 1.
  return fp / t.nNeg;
}
