/** Synthetic LO2 generator: writes an LO2-shaped tree (v1 layout and line format) from a seed. */
export { generateSynth, type SynthSummary } from './generate.ts';
export {
  defaultSynthOptions,
  PRESETS,
  resolveSynthOptions,
  SYNTH_FAULTS,
  SYNTH_ORDERS,
  SYNTH_PRESETS,
  type SynthFaults,
  type SynthOptions,
  type SynthOrder,
  type SynthPreset,
} from './options.ts';
