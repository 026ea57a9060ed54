/** Data layer: LO2 trees (real or synthetic) → enhanced events and sequences in Arrow files. */

export { type DatasetSpec, type MaterializedDataset, materializeDataset } from './dataset.ts';
export {
  defaultIngestOptions,
  type IngestOptions,
  type IngestProgress,
  type IngestSummary,
  ingest,
} from './ingest.ts';
export { CORRECT_CASE, DEFAULT_SERVICES, ERROR_CASES, SERVICES, type Service } from './lo2/constants.ts';
export { type Discovery, discover, type SelectionOptions, type SequenceFile } from './lo2/discover.ts';
export { CONTINUATION_POLICIES, type ContinuationPolicy } from './lo2/read-file.ts';
export { generateSynth, resolveSynthOptions, type SynthOptions, type SynthSummary } from './synth/index.ts';
