/**
 * What becomes of the log files an ingest could not read (unreadable, not a regular file, a broken
 * or oversized `.gz`, past the size bound): by default they stop whoever asked for the ingest, since
 * results computed without them would silently describe another dataset; skipping them is a choice
 * an experiment states.
 */
import { type BenchError, dataError } from '../errors/index.ts';
import type { IngestSummary } from './ingest.ts';

/** `fail`: bad files stop the run with an error naming them; `skip`: the run goes on without them. */
export const ON_BAD_FILE = ['fail', 'skip'] as const;
export type OnBadFile = (typeof ON_BAD_FILE)[number];

/** How an experiment says to skip them: the default end of the error's hint. */
export const SKIP_IN_EXPERIMENT = "set `ingest: { onBadFile: 'skip' }` in the experiment to skip them";

/**
 * The error that stops a run over the summary's bad files, naming each with its reason; null when
 * there are none or `onBadFile` is `skip`. `howToSkip` ends the hint (how the caller's user skips
 * them).
 */
export function badFilesError(
  summary: Pick<IngestSummary, 'failedFiles'>,
  onBadFile: OnBadFile,
  howToSkip = SKIP_IN_EXPERIMENT,
): BenchError | null {
  if (!ON_BAD_FILE.includes(onBadFile))
    throw new TypeError(`onBadFile must be one of ${ON_BAD_FILE.join(', ')} (got '${onBadFile}')`);
  const bad = summary.failedFiles;
  if (onBadFile === 'skip' || bad.length === 0) return null;
  const list = bad.map((f) => `${f.path}: ${f.error}`).join('; ');
  return dataError(`${bad.length} log file${bad.length === 1 ? '' : 's'} could not be read: ${list}`, {
    file: bad[0]!.path,
    hint: `fix or remove them, or ${howToSkip}`,
  });
}
