/**
 * Data layer: LO2 trees (real or synthetic) → enhanced events and sequences in Arrow files, and
 * those files read back. The one door of the room: other rooms import from here.
 */

export { badFilesError, ON_BAD_FILE, type OnBadFile, SKIP_IN_EXPERIMENT } from './bad-files.ts';
export {
  type CacheEntry,
  type CacheEntryOptions,
  type CommitOptions,
  hashKey,
  openCacheEntry,
  pidAlive,
  STALE_TEMP_MS,
  sourceHash,
  stableStringify,
  verifiedManifest,
  writeNotice,
} from './cache.ts';
export { type DatasetSpec, type MaterializedDataset, type MaterializeOptions, materializeDataset } from './dataset.ts';
export { checkDigests, digestFiles, FINGERPRINT_EDGE_BYTES, sha256File, sourceFingerprint } from './digest.ts';
export {
  defaultIngestOptions,
  type IngestOptions,
  type IngestProgress,
  type IngestSummary,
  ingest,
  ingestCodeVersion,
} from './ingest.ts';
export { Layout } from './io/buffer-pool.ts';
export { arrowToParquet, exportParquet } from './io/parquet.ts';
export {
  CORRECT_CASE,
  DEFAULT_SERVICES,
  ERROR_CASES,
  ERROR_REQUESTS,
  type ErrorCase,
  faultLinesFileOf,
  isService,
  runDirName,
  SERVICE_FILE_PATTERN,
  SERVICES,
  type Service,
  serviceLogFileName,
  TRUTH_FORMAT,
  TRUTH_MANIFEST,
  targetService,
  V2_PRERUN_FOLDER,
  v2RunDirName,
} from './lo2/constants.ts';
export { type Discovery, discover, type SelectionOptions, type SequenceFile } from './lo2/discover.ts';
export { GZIP_FLOOR_BYTES, GZIP_MAX_RATIO, gzipBound, MAX_LOG_BYTES } from './lo2/file-bounds.ts';
export {
  CONTINUATION_POLICIES,
  type ContinuationPolicy,
  type FileEvents,
  type FileResult,
  type FileTask,
  type LineCounts,
  LOG_READERS,
  type LogReader,
  type LogReaderKind,
  type ParsedLog,
  type ParseTask,
} from './lo2/read-file.ts';
export {
  type DataNote,
  MAX_SPAN_MS,
  type TimedFile,
  type TimeShape,
  timeNotes,
  timeShape,
} from './lo2/time-shape.ts';
export { openLogReader, parseLogBytes } from './log-reader.ts';
export { type IngestTables, openIngest } from './open-ingest.ts';
export {
  readSequenceBags,
  readSequenceMeta,
  type SequenceBag,
  type SequenceBags,
  type SequenceMeta,
  type TokenFeatureSet,
} from './read.ts';
export { NUMERIC_COLUMNS, type NumericColumn, readSequenceNumeric, type SequenceNumeric } from './read-numeric.ts';
export { readIngestTable, tablePath } from './read-table.ts';
export {
  type ColumnDescriptor,
  ColumnMismatch,
  type ColumnName,
  EVENTS,
  INGEST_TABLES,
  MESSAGES,
  SEQUENCES,
  type TableSchema,
  TEMPLATES,
} from './schema.ts';
export {
  defaultSynthOptions,
  generateSynth,
  PRESETS,
  resolveSynthOptions,
  SYNTH_FAULTS,
  SYNTH_ORDERS,
  SYNTH_PRESETS,
  type SynthFaults,
  type SynthOptions,
  type SynthOrder,
  type SynthPreset,
  type SynthSummary,
} from './synth/index.ts';
