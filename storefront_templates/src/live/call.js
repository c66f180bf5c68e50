// The visitor's side of a call (shared/call.js does the WebRTC): "Ask for a video call" in the
// page's `#live-call`, "Calling the seller…" while it rings, the store's ring with Accept and
// Decline, and the call itself (shared/call-panel.js). The visitor's camera starts off; the
// microphone is asked for only when the call starts. Asking is disabled, and says why, while
// the seller is on another call.

import { Call } from "../shared/call.js";
import { CallPanel } from "../shared/call-panel.js";
import { commandId } from "../shared/commands.js";
import { byId } from "./dom.js";
import { words } from "./texts.js";

/**
 * @typedef {Object} VisitorCallEnv
 * @property {URL} hub
 * @property {() => string} link the session link
 * @property {() => string} storeName
 * @property {(command: import("./types").LiveCommand) => Promise<any>} command
 * @property {(frame: object) => void} signal
 * @property {(message: string) => void} notify
 * @property {() => boolean} live whether the page is on the WebSocket (calls are signalled there)
 */

/** @param {VisitorCallEnv} env */
export function visitorCall(env) {
  /** @type {CallPanel | null} */
  let panel = null;
  const call = new Call({
    hub: env.hub,
    token: env.link,
    me: "visitor",
    cameraFirst: false,
    command: (c) => env.command({ ...c, type: String(c.type), id: commandId("call-") }),
    signal: env.signal,
    changed: () => panel?.render(),
    trouble: env.notify,
  });
  panel = new CallPanel(
    byId("live-call", HTMLElement),
    call,
    {
      other: env.storeName,
      start: "Ask for a video call",
      idle: () => `See and talk with ${env.storeName()}: your camera stays off until you turn it on.`,
      calling: () => "Calling the seller…",
      incoming: () => `${env.storeName()} is calling`,
      busy: () => "The seller is on another call. You can ask when they are free.",
      unavailable: () =>
        typeof RTCPeerConnection === "undefined"
          ? "This browser cannot make video calls. Try a recent Chrome, Firefox, Safari or Edge."
          : env.live()
            ? ""
            : "Video calls need a live connection to the shop. Waiting for it…",
    },
    (error) => env.notify(words(error, "That did not work. Try again.")),
  );
  return { call, redraw: () => panel?.render() };
}
