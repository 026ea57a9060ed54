/**
 * The null experiment: the standard dataset with every fault-caused line left out (same runs, cases,
 * labels and traffic). Nothing a fault wrote is left, so every detector must sit at chance: a mean
 * test AUC-ROC above 0.60 is flagged as a leak on the board and in the report — the harness or the
 * generator gives the label away.
 *
 * Labels: LogLead's `case` scope, under which every (run, test case) contributes the same three
 * services to its class. Under `target-service` the classes differ in their mix of services (more
 * cases target token than refresh-token), and a model that only recognises the service already
 * scores above chance — real information of that scope, measured by the leakage audit's
 * `service_prior` rule, not a leak of the generator.
 */
import { defineExperiment } from '../harness/experiment/index.ts';

export default defineExperiment({
  name: 'null',
  dataset: { source: 'synthetic', preset: 'standard', seed: 1, order: 'shuffled', faults: 'none' },
  labels: 'case',
  split: { strategy: 'random-runs' },
  seeds: [1, 2, 3],
  // Unsupervised detectors too: on null data anything that separates the classes is a leak.
  variants: 'all',
});
