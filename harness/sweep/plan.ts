/**
 * A sweep's plan: the experiment's trials (split seeds × variants × feature sets), its sequence
 * scope, and the ingest read in that scope.
 */
import type { SequenceScope } from '../../splits/index.ts';
import { type Experiment, type PlannedTrial, planTrials, scopeOf } from '../experiment/index.ts';
import { IngestInputs } from './inputs.ts';

export interface SweepPlan {
  trials: PlannedTrial[];
  scope: SequenceScope;
  inputs: IngestInputs;
  /** The Drain-template file the trials' explanations read ('' when the experiment explains nothing). */
  templatesFile: string;
}

export function planSweep(e: Experiment, ingest: { key: string; dir: string }, cacheDir: string): SweepPlan {
  const scope = scopeOf(e);
  const inputs = new IngestInputs(ingest.dir, scope);
  return {
    trials: planTrials(e),
    scope,
    inputs,
    // Written before any trial starts: explanation files name the Drain templates of sequences.
    templatesFile: e.explain ? inputs.templatesFile(cacheDir, ingest.key) : '',
  };
}

/** The trials of one split seed, in plan order. */
export function trialsOfSeed(plan: SweepPlan, seed: number): PlannedTrial[] {
  return plan.trials.filter((t) => t.seed === seed);
}
