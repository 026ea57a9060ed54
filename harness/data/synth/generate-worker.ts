/**
 * Piscina worker of the generator: builds and writes whole runs of a tree (generate.ts), returns
 * what they hold. Bundled to JS by workers/bundle.ts.
 */
import type { GenerateRequest } from './generate.ts';
import { generateRuns } from './write-runs.ts';

export default function generate({ options, runs }: GenerateRequest) {
  return generateRuns(options, runs);
}
