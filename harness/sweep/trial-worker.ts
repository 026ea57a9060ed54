/** Piscina worker running trials (bundled to JS by workers/bundle.ts): matrices come from files. */
import type { CsrMatrix } from '../../models/index.ts';
import type { Part } from '../../splits/index.ts';
import { readCsrFile } from './matrix-file.ts';
import { executeTrial, type TrialResult, type TrialTask } from './trial.ts';

// A worker usually runs several trials on the same split and feature set: keep the last matrices.
let cached: { key: string; matrices: Record<Part, CsrMatrix> } | null = null;

export default function runTrial(input: { task: TrialTask; files: Record<Part, string> }): TrialResult {
  const key = `${input.files.train}|${input.files.val}|${input.files.test}`;
  if (cached?.key !== key) {
    cached = {
      key,
      matrices: {
        train: readCsrFile(input.files.train),
        val: readCsrFile(input.files.val),
        test: readCsrFile(input.files.test),
      },
    };
  }
  return executeTrial(input.task, cached.matrices);
}
