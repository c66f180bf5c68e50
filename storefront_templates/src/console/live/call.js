// The store's side of a call in the open session (shared/call.js does the WebRTC): "Call the
// visitor" in the session's `#live-call`, the visitor's request with Accept and Decline, and
// the call itself (shared/call-panel.js), beside the counter, which stays usable: the seller
// presents products during the call. The seller's camera starts on.

import { Call } from "../../shared/call.js";
import { CallPanel } from "../../shared/call-panel.js";
import { byId } from "../dom.js";
import { reasonOf } from "./words.js";

/**
 * @typedef {Object} StoreCallEnv
 * @property {URL} hub
 * @property {() => string} key the store's key
 * @property {() => string} visitor the visitor's name
 * @property {(command: Record<string, unknown>) => Promise<any>} command
 * @property {(frame: Record<string, unknown>) => void} signal
 * @property {(message: string) => void} error
 * @property {(message: string) => void} announce said to screen readers (a ring)
 */

/** @param {StoreCallEnv} env */
export function storeCall(env) {
  /** @type {CallPanel | null} */
  let panel = null;
  let rang = "";
  const call = new Call({
    hub: env.hub,
    token: env.key,
    me: "store",
    cameraFirst: true,
    command: env.command,
    signal: env.signal,
    changed: () => {
      panel?.render();
      const cur = call.current;
      if (cur && cur.state === "ringing" && cur.started_by === "visitor" && rang !== cur.call_id) {
        rang = cur.call_id;
        env.announce(`${env.visitor()} asks for a video call`);
      }
    },
    trouble: env.error,
  });
  panel = new CallPanel(
    byId("live-call", HTMLElement),
    call,
    {
      other: env.visitor,
      start: "Call the visitor",
      idle: () => `Video call: ring ${env.visitor()}, or wait for them to ask. The counter stays beside the call.`,
      calling: () => `Calling ${env.visitor()}…`,
      incoming: () => `${env.visitor()} asks for a video call`,
    },
    (error) => env.error(reasonOf(error)),
  );
  return call;
}
