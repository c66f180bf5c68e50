// The store's live feed: /ws/store with the store's API key (docs/protocol.md section 8), every
// event acknowledged, reconnected with the shared backoff when it drops, and stopped for good
// when the hub refuses the key (`error` unauthorized, then close code 1008: the key was replaced).

import { Backoff, RECONNECT } from "../shared/backoff.js";
import { openChannel } from "../shared/channel.js";
import { discover } from "../shared/discovery.js";

/** @typedef {import("../shared/protocol").StoreMessage} StoreMessage */
/** @typedef {import("../shared/channel.js").Channel} Channel */

/**
 * @typedef {Object} FeedEvents
 * @property {(again: boolean) => void} live the feed is up; `again`: after a drop, so events
 *   may have been missed
 * @property {() => void} lost the feed dropped; it reconnects by itself
 * @property {() => void} refused the hub refused the key (replaced, or never valid): the feed
 *   stops for good
 * @property {(message: StoreMessage) => void} message
 */

const POLICY_VIOLATION = 1008; // the hub's close code for a refused credential

/**
 * @param {URL} hub
 * @param {string} key the store's API key
 * @param {FeedEvents} events
 */
export function followStore(hub, key, events) {
  const reconnects = new Backoff(RECONNECT);
  let wasLive = false;
  let refused = false;

  async function connect() {
    const discovery = await discover(hub);
    /** @type {Channel} */
    const channel = openChannel(discovery.channels.store, {
      hello: () => ({ type: "hello", versions: [1], token: key }),
      onWelcome() {
        reconnects.reset();
        events.live(wasLive);
        wasLive = true;
      },
      /** @param {StoreMessage} message */
      onMessage(message) {
        if (message.type === "error" && message.code === "unauthorized") refused = true;
        events.message(message);
        if (message.seq !== undefined) channel.send({ type: "ack", seq: message.seq });
      },
      onClose(_, code) {
        if (refused || code === POLICY_VIOLATION) {
          events.refused();
          return;
        }
        events.lost();
        setTimeout(connect, reconnects.next());
      },
    });
  }

  connect();
}
