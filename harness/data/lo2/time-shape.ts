/**
 * How a log's event times run, and the notes that flag a file or run whose times cannot be one
 * recording. A run lasts minutes; the lines carry only a time of day, which the clock (clock.ts)
 * reads as the next day whenever it falls far below the one before. A file whose lines interleave
 * two recordings (or two machines' clocks) therefore climbs a day at every switch and can span
 * weeks: its sequence's duration and every time feature are then meaningless, so it is reported.
 */
import { dirname } from 'node:path';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Longer than any LO2 run: a file or run whose events span more is noted. */
export const MAX_SPAN_MS = DAY_MS;

/**
 * A step back in the time of day shorter than this is the ordinary disorder of threads writing one
 * log, not a jump.
 */
export const BACK_JUMP_MS = MINUTE_MS;

/** The run of a file's event times (epoch ms, file order). */
export interface TimeShape {
  firstMs: number;
  lastMs: number;
  minMs: number;
  maxMs: number;
  /** Steps from an event to the next whose time goes back by more than BACK_JUMP_MS. */
  backJumps: number;
  /**
   * Steps into a later UTC day: the time of day went back past midnight (once for a run over
   * midnight) or by more than half a day, which the clock reads as the next day.
   */
  dayChanges: number;
}

/** The shape of `count` event times; null for a file without events. */
export function timeShape(timeMs: Float64Array, count = timeMs.length): TimeShape | null {
  if (count === 0) return null;
  let prev = timeMs[0]!;
  let min = prev;
  let max = prev;
  let backJumps = 0;
  let dayChanges = 0;
  for (let i = 1; i < count; i++) {
    const t = timeMs[i]!;
    if (t < prev - BACK_JUMP_MS) backJumps++;
    else if (Math.floor(t / DAY_MS) > Math.floor(prev / DAY_MS)) dayChanges++;
    if (t < min) min = t;
    if (t > max) max = t;
    prev = t;
  }
  return { firstMs: timeMs[0]!, lastMs: prev, minMs: min, maxMs: max, backJumps, dayChanges };
}

/** Something about the data worth a line in the ingest's report: the file or run folder, and what. */
export interface DataNote {
  path: string;
  note: string;
}

/** `79 d 3 h`, `5 h 12 min`, `42 min`. */
export function spanText(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  const h = Math.floor((ms % DAY_MS) / HOUR_MS);
  const min = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  return `${min} min`;
}

/** A file read, with its run and its times (null: no events). */
export interface TimedFile {
  path: string;
  run: string;
  time: TimeShape | null;
}

/**
 * Notes for the files whose events span more than `maxSpanMs`, in the files' order, then for the
 * runs whose files together do (the run's folder: the log's grandparent), in order of first file.
 */
export function timeNotes(files: readonly TimedFile[], maxSpanMs = MAX_SPAN_MS): DataNote[] {
  const notes: DataNote[] = [];
  const runs = new Map<string, { path: string; minMs: number; maxMs: number; files: number }>();
  for (const f of files) {
    if (f.time === null) continue;
    const { minMs, maxMs } = f.time;
    if (maxMs - minMs > maxSpanMs) {
      const back = f.time.backJumps + f.time.dayChanges;
      notes.push({
        path: f.path,
        note: `timestamps go back ${back} time${back === 1 ? '' : 's'}, span ${spanText(maxMs - minMs)}`,
      });
    }
    const run = runs.get(f.run);
    if (!run) runs.set(f.run, { path: dirname(dirname(f.path)), minMs, maxMs, files: 1 });
    else {
      run.minMs = Math.min(run.minMs, minMs);
      run.maxMs = Math.max(run.maxMs, maxMs);
      run.files++;
    }
  }
  for (const run of runs.values()) {
    if (run.maxMs - run.minMs > maxSpanMs)
      notes.push({
        path: run.path,
        note: `the run's ${run.files === 1 ? 'file spans' : `${run.files} files span`} ${spanText(run.maxMs - run.minMs)}`,
      });
  }
  return notes;
}
