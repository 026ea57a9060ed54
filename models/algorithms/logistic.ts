/** The logistic function, shared by logistic regression and gradient boosting (both model log-odds). */

/** 1 / (1 + e^−z) without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
