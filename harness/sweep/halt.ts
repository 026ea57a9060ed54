/**
 * What stops a sweep early: the caller's abort (Ctrl-C; the sweep ends `interrupted`) or an error on
 * the sweep's own main thread (it ends `failed`). Either way no new trial starts and running ones are
 * stopped; they are released to pending by the end of the sweep, never failed, because neither cause
 * says anything about the trials themselves.
 */
import { setMaxListeners } from 'node:events';

export class SweepHalt {
  readonly #own = new AbortController();
  readonly #caller: AbortSignal | undefined;
  #failure: { error: unknown } | null = null;
  /** Aborted by either cause: what the runner, the audits and the trial loop listen to. */
  readonly signal: AbortSignal;

  constructor(caller?: AbortSignal) {
    this.#caller = caller;
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

  /** Stops the sweep for `error`; a later error does not replace the first. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#own.abort(error);
  }
}
