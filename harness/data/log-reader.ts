/**
 * Which LogReader reads an ingest's files: the kernel reader (wasm/reader.ts, the default) or the
 * plain reference (lo2/plain-reader.ts). Both keep the contract of lo2/read-file.ts and give the
 * same columns and counts.
 */

import { plainLogReader } from './lo2/plain-reader.ts';
import { LOG_READERS, type LogReader, type LogReaderKind, type ParsedLog, type ParseTask } from './lo2/read-file.ts';
import { kernelLogReader } from './wasm/reader.ts';

/** A new reader of `kind`, for this thread. */
export function openLogReader(kind: LogReaderKind = 'kernel'): LogReader {
  switch (kind) {
    case 'kernel':
      return kernelLogReader();
    case 'plain':
      return plainLogReader();
    default:
      throw new TypeError(`reader must be one of ${LOG_READERS.join(', ')} (got '${kind}')`);
  }
}

/**
 * Parses one log's (decompressed) bytes with a fresh reader of `kind`: for tests and benchmarks that
 * hold on to results (nothing goes back to a pool).
 */
export function parseLogBytes(raw: Buffer, task: ParseTask, kind: LogReaderKind = 'kernel'): ParsedLog {
  return openLogReader(kind).parse(raw, task);
}
