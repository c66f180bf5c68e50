// Commands (docs/protocol.md section 4): a random id per command, replies matched by id, and
// retries after a lost connection with the SAME id, so the hub applies the command once.

import { Backoff, COMMAND_RETRY, sleep } from "./backoff.js";
import { CartStartError } from "./http.js";

/** @typedef {import("./protocol").CommandResult} CommandResult */
/** @typedef {import("./protocol").ErrorMessage} ErrorMessage */

/**
 * A fresh command id: the prefix and 24 random hex digits.
 * @param {string} prefix
 */
export function commandId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The commands sent on a WebSocket that wait for their `result` or `error`. */
export class Replies {
  constructor() {
    /** @type {Map<string, {resolve: (r: CommandResult) => void, reject: (e: Error) => void, timer: ReturnType<typeof setTimeout>}>} */
    this.waiting = new Map();
  }

  /**
   * The reply to command `id`, or a "timeout" error after `timeoutMs`.
   * @param {string} id
   * @param {number} timeoutMs
   * @returns {Promise<CommandResult>}
   */
  wait(id, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new CartStartError("timeout", "the cart service did not answer in time"));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
  }

  /**
   * Settles the command that `message` answers; false when no command waits for it.
   * @param {CommandResult | ErrorMessage} message
   */
  settle(message) {
    const waiter = message.id ? this.waiting.get(message.id) : undefined;
    if (!waiter || !message.id) return false;
    this.waiting.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.type === "result") waiter.resolve(message);
    else waiter.reject(new CartStartError(message.code, message.message));
    return true;
  }

  /**
   * Every waiting command fails with `error` (the connection is gone).
   * @param {Error} error
   */
  failAll(error) {
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
      this.waiting.delete(id);
    }
  }
}

/**
 * Sends `command` and, while the connection is lost ("disconnected"), sends it again, with the
 * same id, up to `retries` more times, pausing by the command backoff.
 * @template T
 * @param {() => Promise<T>} send one attempt
 * @param {number} [retries]
 * @returns {Promise<T>}
 */
export async function withRetries(send, retries = 3) {
  const backoff = new Backoff(COMMAND_RETRY);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof CartStartError) || error.code !== "disconnected" || attempt >= retries) throw error;
      await sleep(backoff.next());
    }
  }
}
