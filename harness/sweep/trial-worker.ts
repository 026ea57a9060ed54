/** Piscina worker running trials (bundled to JS by workers/bundle.ts): matrices come from files. */
import type { CsrMatrix } from '../../models/index.ts';
import type { Part } from '../../splits/index.ts';
import { type MatrixFiles, readMatrices } from './matrices.ts';
import { executeTrial, type TrialResult, type TrialTask } from './trial.ts';

// A worker usually runs several trials on the same split and feature set: keep the last matrices.
let cached: { key: string; matrices: Record<Part, CsrMatrix> } | null = null;

export default function runTrial(input: { task: TrialTask; files: MatrixFiles }): TrialResult {
  const key = JSON.stringify(input.files.parts);
  if (cached?.key !== key) cached = { key, matrices: readMatrices(input.files) };
  return executeTrial(input.task, cached.matrices);
}
