/**
 * How rare each column of a fitted feature space was in training, for ranking the features of a
 * sequence when the model has no weights to say which ones matter: a token column gets scikit-learn's
 * smooth inverse document frequency, ln((1 + n) / (1 + df)) + 1 over the n training sequences; a
 * numeric column, already standardised on training, gets 1.
 */
import type { FeatureSpace } from './space.ts';

/** Per column of `space`, in column order: the training idf of a token column, 1 for a numeric one. */
export function columnIdf(space: FeatureSpace): Float64Array {
  const out: number[] = [];
  for (const p of space.toJSON().parts) {
    if (p.model.kind === 'numeric-scaler') out.push(...p.model.columns.map(() => 1));
    else {
      const n = p.model.nTrain;
      out.push(...p.model.df.map((df) => Math.log((1 + n) / (1 + df)) + 1));
    }
  }
  return Float64Array.from(out);
}
