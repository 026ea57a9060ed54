/** Precision–recall curve points of scores against labels (higher score = more anomalous). */

/**
 * One point per distinct score threshold, from the highest score down: recall and precision of
 * "score ≥ threshold". Starts at (recall 0, precision 1) like scikit-learn's curve; empty when there
 * are no positives.
 */
export function precisionRecallCurve(
  scores: Float64Array,
  labels: Uint8Array,
): { recall: number; precision: number }[] {
  const positives = labels.reduce((s, y) => s + y, 0);
  if (positives === 0) return [];
  const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
  const points = [{ recall: 0, precision: 1 }];
  let tp = 0;
  let flagged = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    flagged++;
    tp += labels[i]!;
    // Tied scores are one threshold: emit after the last of them.
    const next = order[k + 1];
    if (next !== undefined && scores[next] === scores[i]) continue;
    points.push({ recall: tp / positives, precision: tp / flagged });
  }
  return points;
}
