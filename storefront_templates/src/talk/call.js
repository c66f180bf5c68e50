// The call in the panel (shared/call.js does the WebRTC, shared/call-panel.js draws it): "Ask for
// a video call" (a session is started first when there is none), the ring, the call with the
// visitor's camera off until they turn it on, how it ended and how long it lasted, and then the
// rating form the hosted live page uses (src/live/rating.js); support calls with their credit,
// report and complaints as on that page (src/live/support.js).

import { Call } from "../shared/call.js";
import { CallPanel } from "../shared/call-panel.js";
import { commandId } from "../shared/commands.js";
import { hubNow } from "../shared/hub-clock.js";
import { RatingForm } from "../live/rating.js";
import { SupportPanel } from "../live/support.js";
import { words } from "../live/texts.js";

/**
 * @typedef {Object} TalkCallEnv
 * @property {URL} hub
 * @property {() => string} link the session link ("" before there is a session)
 * @property {() => string} storeName
 * @property {() => Promise<void>} ready a session to call in (started when there is none)
 * @property {(command: import("../live/types").LiveCommand) => Promise<any>} command
 * @property {(frame: object) => void} signal
 * @property {(message: string) => void} trouble said in the panel
 * @property {() => boolean} live whether the panel is on the WebSocket (calls are signalled there)
 */

/**
 * @param {HTMLElement} place
 * @param {TalkCallEnv} env
 */
export function talkCall(place, env) {
  /** @type {CallPanel | null} */
  let panel = null;
  const call = new Call({
    hub: env.hub,
    token: env.link,
    me: "visitor",
    cameraFirst: false,
    command: async (c) => {
      await env.ready();
      return env.command({ ...c, type: String(c.type), id: commandId("call-") });
    },
    signal: env.signal,
    changed: () => panel?.render(),
    trouble: env.trouble,
  });
  panel = new CallPanel(
    place,
    call,
    {
      other: env.storeName,
      start: "Ask for a video call",
      idle: () => "See and talk with us: your camera stays off until you turn it on.",
      calling: () => `Calling ${env.storeName()}…`,
      incoming: () => `${env.storeName()} is calling`,
      busy: () => "We are on another call. You can ask when we are free, or write meanwhile.",
      unavailable: () =>
        typeof RTCPeerConnection === "undefined"
          ? "This browser cannot make video calls. Try a recent Chrome, Firefox, Safari or Edge."
          : env.live()
            ? ""
            : "Video calls need a live connection to the shop. Waiting for it…",
    },
    (error) => env.trouble(words(error, "That did not work. Try again.")),
  );
  const rating = new RatingForm(place, { storeName: env.storeName, command: env.command });
  // A signed-in shopper's support calls, as on the hosted page (src/live/support.js).
  const support = new SupportPanel(place, rating.thanks, { storeName: env.storeName, command: env.command, call, now: hubNow });
  return { call, rating, support, redraw: () => panel?.render() };
}
