// The store's live feed: /ws/store with the store's API key (docs/protocol.md section 8), every
// event acknowledged, reconnected with the shared backoff when it drops.

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
 * @property {(message: StoreMessage) => void} message
 */

/**
 * @param {URL} hub
 * @param {string} key the store's API key
 * @param {FeedEvents} events
 */
export function followStore(hub, key, events) {
  const reconnects = new Backoff(RECONNECT);
  let wasLive = false;

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
        events.message(message);
        if (message.seq !== undefined) channel.send({ type: "ack", seq: message.seq });
      },
      onClose() {
        events.lost();
        setTimeout(connect, reconnects.next());
      },
    });
  }

  connect();
}
