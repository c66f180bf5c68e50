// Where the hub's WebSockets are: GET /.well-known/cartstart.json (docs/protocol.md section 1),
// asked until the hub answers.

import { Backoff, RECONNECT, sleep } from "./backoff.js";
import { httpJson } from "./http.js";

/** @typedef {import("./protocol").Discovery} Discovery */

/**
 * @param {URL} hub
 * @param {() => void} [unreachable] called after every failed try
 * @returns {Promise<Discovery>}
 */
export async function discover(hub, unreachable) {
  const backoff = new Backoff(RECONNECT);
  for (;;) {
    try {
      return await httpJson(hub, ".well-known/cartstart.json");
    } catch {
      unreachable?.();
      await sleep(backoff.next());
    }
  }
}
