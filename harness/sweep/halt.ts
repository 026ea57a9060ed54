/**
 * What stops a sweep early: the caller's abort (Ctrl-C; the sweep ends `interrupted`), an error on
 * the sweep's own main thread, or a full disk met by a trial (both end it `failed`). Either way no
 * new trial starts and running ones are stopped; they are released to pending by the end of the
 * sweep, never failed, because no cause says anything about the trials themselves.
 */
import { setMaxListeners } from 'node:events';
import { diskFullCode, diskFullError } from '../errors/index.ts';

/** What a sweep stopped by a full disk tells the person: make room, then the same command resumes. */
const FULL_DISK_HINT =
  'free space on that file system, or point BENCH_HOME (or --db) at one with room, then run the same ' +
  'command again: finished trials are kept, the stopped ones run again';

export class SweepHalt {
  readonly #own = new AbortController();
  readonly #caller: AbortSignal | undefined;
  #failure: { error: unknown } | null = null;
  /** Aborted by either cause: what the runner, the audits and the trial loop listen to. */
  readonly signal: AbortSignal;

  /** The sweep's cache folder: what a main-thread write that names no file was writing to. */
  readonly #cacheDir: string | undefined;

  constructor(caller?: AbortSignal, cacheDir?: string) {
    this.#caller = caller;
    this.#cacheDir = cacheDir;
    this.signal = caller ? AbortSignal.any([caller, this.#own.signal]) : this.#own.signal;
    // Piscina adds one abort listener per queued task: many trials are queued at once, by design.
    setMaxListeners(0, this.signal);
  }

  /** The caller aborted the sweep. */
  get interrupted(): boolean {
    return this.#caller?.aborted === true;
  }

  /** The first main-thread error, or null. */
  get failure(): { error: unknown } | null {
    return this.#failure;
  }

  /**
   * Stops the sweep for `error`; a later error does not replace the first. A full disk becomes the
   * one-line error that says so: SQLite's names no file (it is the results database), a write of the
   * main thread's is one to the cache (the matrices).
   */
  fail(error: unknown): void {
    const store = diskFullCode(error) === 'SQLITE_FULL';
    const where = store
      ? { what: 'the results database' }
      : { what: 'the cache', ...(this.#cacheDir !== undefined && { path: this.#cacheDir }) };
    this.#failure ??= { error: diskFullError(error, { ...where, hint: FULL_DISK_HINT }) ?? error };
    this.#own.abort(this.#failure.error);
  }

  /**
   * A trial whose error is a full disk (`path`: its files) stops the sweep, as a main-thread error
   * does, rather than failing: the next trials would find no room either, and this one runs again
   * once there is. True when it did.
   */
  stopsForFullDisk(error: unknown, what: string, path: string): boolean {
    const full = diskFullError(error, { what, path, hint: FULL_DISK_HINT });
    if (full) this.fail(full);
    return full !== null;
  }
}
