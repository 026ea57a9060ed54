/** Event times of one log file, from the times of day its lines carry. */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Times of day anchored to the run's UTC date (epoch 0 when the run name carries none). A run may
 * cross midnight, so a time of day far below the previous event's means the next day; the first
 * event may sit up to an hour before the run's start (the services' clocks differ from the run
 * name's) before it counts as the next day.
 */
export class RunClock {
  readonly #epochMs: number;
  #dayStart: number;
  #lastTime: number;
  #first = true;

  constructor(runEpochSec: number | null) {
    this.#epochMs = runEpochSec === null ? 0 : runEpochSec * 1000;
    this.#dayStart = this.#epochMs - (this.#epochMs % DAY_MS);
    this.#lastTime = this.#epochMs;
  }

  /** Epoch milliseconds of the file's next event, at `timeOfDayMs` (events in file order). */
  next(timeOfDayMs: number): number {
    let t = this.#dayStart + timeOfDayMs;
    if (this.#first ? t < this.#epochMs - HOUR_MS : t < this.#lastTime - DAY_MS / 2) {
      this.#dayStart += DAY_MS;
      t += DAY_MS;
    }
    this.#first = false;
    this.#lastTime = t;
    return t;
  }
}
