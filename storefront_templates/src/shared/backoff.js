// Growing pauses between retries: the one backoff rule of the browser code (the widget's
// reconnects, polling and command retries; the console's reconnects). The same rule as the
// Python code's shared_protocol/backoff.py: retry n waits up to base * factor^(n-1), capped;
// with jitter (the default: a crowd of pages retrying after a hub restart spreads out) the pause
// is uniform between base/2 and that ceiling. Times are in milliseconds.

/** @typedef {{base: number, cap: number, factor?: number, jitter?: boolean}} Schedule */

/** Reconnecting a WebSocket, polling again, finding the hub again. */
export const RECONNECT = Object.freeze({ base: 1000, cap: 30000 });
/** Sending a command again (with the same id) after a lost connection. */
export const COMMAND_RETRY = Object.freeze({ base: 500, cap: 4000 });

export class Backoff {
  /**
   * @param {Schedule} schedule
   * @param {() => number} [random] uniform in [0, 1): tests pass their own
   */
  constructor({ base, cap, factor = 2, jitter = true }, random = Math.random) {
    this.base = base;
    this.cap = cap;
    this.factor = factor;
    this.jitter = jitter;
    this.random = random;
    this.attempt = 0;
  }

  /**
   * The longest pause before retry number `attempt` (1 for the first retry).
   * @param {number} attempt
   */
  ceiling(attempt) {
    return Math.min(this.cap, this.base * this.factor ** Math.min(Math.max(attempt, 1) - 1, 64));
  }

  /** @param {number} attempt */
  delay(attempt) {
    const ceiling = this.ceiling(attempt);
    if (!this.jitter) return ceiling;
    const low = Math.min(this.base / 2, ceiling);
    return low + (ceiling - low) * this.random();
  }

  /** The pause before the next retry; `reset()` after a success. */
  next() {
    this.attempt += 1;
    return this.delay(this.attempt);
  }

  reset() {
    this.attempt = 0;
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
