// The page's one connection to the hub (docs/protocol.md section 7): /ws/page first; when two
// WebSocket attempts in a row never reach `welcome` (a proxy that blocks WebSockets, a refused
// origin), HTTP long-polling of /api/page/poll for the rest of the page's life. Commands go on
// the WebSocket when it is up, else over HTTP, and are retried with the same id.

import { Backoff, RECONNECT, sleep } from "../shared/backoff.js";
import { openChannel } from "../shared/channel.js";
import { Replies, commandId, withRetries } from "../shared/commands.js";
import { discover } from "../shared/discovery.js";
import { CartStartError, httpJson, isAbort } from "../shared/http.js";

/** @typedef {import("../shared/protocol").Availability} Availability */
/** @typedef {import("../shared/protocol").Holding} Holding */
/** @typedef {import("../shared/protocol").ProductRef} ProductRef */
/** @typedef {import("../shared/protocol").PageMessage} PageMessage */
/** @typedef {import("../shared/protocol").PollAnswer} PollAnswer */
/** @typedef {import("../shared/protocol").Talk} Talk */
/** @typedef {import("../shared/protocol").CommandResult} CommandResult */
/** @typedef {import("../shared/channel.js").Channel} Channel */
/** @typedef {import("./link.js").Link} Link */

const VERSION = 1;
const HELLO_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 10000;
const POLL_WAIT_S = 25;
const WS_FAILURES_BEFORE_POLLING = 2;
const PRODUCTS_PER_MESSAGE = 1000; // the hub's limit per subscribe and per poll
const REFUSED_RECHECK_MS = 60000;
const HOLDINGS_WAIT_MS = 300;

/**
 * What the transport tells the page.
 * @typedef {Object} PageEvents
 * @property {(linked: boolean) => void} connected the hub answers (a WebSocket welcome, or a poll
 *   answer); whether it accepts the page's link token
 * @property {() => void} unreachable the hub cannot be reached
 * @property {(reason: string) => void} refused the hub refuses this page (its origin); polling
 *   asks again now and then
 * @property {() => void} tokenRefused the link token was refused (revoked or expired): drop it
 * @property {(items: Availability[], complete: boolean) => void} availability counts; `complete`:
 *   the answer covers every product asked about, so one left out is unknown to the hub
 * @property {(items: Holding[], complete: boolean) => void} holdings what the cart holds;
 *   `complete`: products left out are held 0
 * @property {(talk: Talk) => void} talk whether the store's "Talk to us" entry shows
 * @property {(offer: import("../shared/protocol").TalkOffer) => void} talkOffer an agent wrote first
 * @property {(busy: import("../shared/protocol").TalkProducts) => void} talkProducts whether the
 *   agents of the page's products are all in a call
 */

/** @typedef {{type: string, id: string}} Command */

export class PageTransport {
  /**
   * @param {URL} hub
   * @param {Link} link
   * @param {() => (ProductRef & {version: number | null})[]} followed the products on the page
   * @param {PageEvents} events
   */
  constructor(hub, link, followed, events) {
    this.hub = hub;
    this.link = link;
    this.followed = followed;
    this.events = events;
    /** @type {"connecting" | "websocket" | "polling"} */
    this.mode = "connecting";
    /** @type {Channel | null} */
    this.socket = null;
    this.replies = new Replies();
    this.wsFailures = 0;
    this.reconnects = new Backoff(RECONNECT);
    /** @type {AbortController | null} */
    this.pollAbort = null;
    /** @type {string} */
    this.pageChannel = "";
    /** After a linked welcome: the first snapshot's `in_cart` (or its absence) is the whole truth.
     * @type {"no" | "due" | ReturnType<typeof setTimeout>} */
    this.holdingsAfterWelcome = "no";
    this.reopenNow = false;
    /** The store whose "Talk to us" the page follows (`watchTalk`). */
    this.talkStore = "";
    /** @type {string[]} */
    this.talkProducts = [];
    /** Long-poll loops running, by what they follow (one each). @type {Set<string>} */
    this.polling = new Set();
    /** The last presence report: said again on a new connection, which counts the visitor.
     * @type {object | null} */
    this.lastPresence = null;
  }

  async start() {
    const discovery = await discover(this.hub, this.events.unreachable);
    this.pageChannel = discovery.channels.page;
    this.openSocket();
  }

  openSocket() {
    /** @type {Channel} */
    const channel = openChannel(this.pageChannel, {
      hello: () => ({ type: "hello", versions: [VERSION], token: this.link.token }),
      helloTimeoutMs: HELLO_TIMEOUT_MS,
      onWelcome: (welcome) => {
        this.socket = channel;
        this.mode = "websocket";
        this.wsFailures = 0;
        this.reconnects.reset();
        this.events.connected(Boolean(welcome.linked));
        this.holdingsAfterWelcome = welcome.linked ? "due" : "no";
        this.subscribe(this.followed());
        if (this.talkStore) channel.send(this.watchTalkMessage());
        if (this.lastPresence) channel.send(this.lastPresence);
      },
      /** @param {PageMessage} message */
      onMessage: (message) => this.onMessage(message),
      onClose: (welcomed) => {
        if (this.socket === channel) this.socket = null;
        this.replies.failAll(new CartStartError("disconnected", "connection lost"));
        this.wsFailures = welcomed ? 0 : this.wsFailures + 1;
        if (!welcomed && this.wsFailures >= WS_FAILURES_BEFORE_POLLING) {
          this.mode = "polling";
          this.poll();
          this.pollTalk();
        } else {
          // Closed on purpose for a new token (`reconnect`): open again at once.
          const pause = this.reopenNow ? 0 : this.reconnects.next();
          this.reopenNow = false;
          setTimeout(() => this.openSocket(), pause);
        }
      },
    });
  }

  /** @param {PageMessage} message */
  onMessage(message) {
    switch (message.type) {
      case "availability_snapshot":
        this.events.availability(message.items, true);
        if (this.holdingsAfterWelcome === "due") {
          // The hub follows the snapshot with `in_cart` only when the cart holds any of these
          // products: none soon means none held (a hold may have ended while the page was away).
          this.holdingsAfterWelcome = setTimeout(() => this.settleHoldings([]), HOLDINGS_WAIT_MS);
        }
        break;
      case "availability":
        this.events.availability([message], false);
        break;
      case "in_cart":
        if (this.holdingsAfterWelcome !== "no" && this.holdingsAfterWelcome !== "due") this.settleHoldings(message.items);
        else this.events.holdings(message.items, false);
        break;
      case "talk":
        this.events.talk(message);
        break;
      case "talk_offer":
        this.events.talkOffer(message);
        break;
      case "talk_products":
        this.events.talkProducts(message);
        break;
      case "forgotten":
        this.replies.settle({ type: "result", id: message.id });
        break;
      case "result":
      case "error":
        if (!this.replies.settle(message) && message.type === "error" && message.code === "unauthorized") {
          this.events.tokenRefused();
        }
        break;
    }
  }

  /**
   * What the cart holds, all of it (after a linked welcome).
   * @param {Holding[]} items
   */
  settleHoldings(items) {
    if (this.holdingsAfterWelcome !== "no" && this.holdingsAfterWelcome !== "due") clearTimeout(this.holdingsAfterWelcome);
    this.holdingsAfterWelcome = "no";
    this.events.holdings(items, true);
  }

  /**
   * Follow these products too (on the WebSocket; polling starts its next round at once).
   * @param {ProductRef[]} refs
   */
  subscribe(refs) {
    if (refs.length === 0) return;
    if (this.mode === "websocket" && this.socket) {
      // Only the fields the hub knows: it refuses unknown ones.
      const products = refs.map((r) => ({ store_id: r.store_id, product_id: r.product_id }));
      for (let i = 0; i < products.length; i += PRODUCTS_PER_MESSAGE) {
        this.socket.send({ type: "subscribe", products: products.slice(i, i + PRODUCTS_PER_MESSAGE) });
      }
    } else if (this.mode === "polling" && this.pollAbort) {
      this.pollAbort.abort(); // the poll loop starts over with the new products
    }
  }

  async poll() {
    const backoff = new Backoff(RECONNECT);
    let first = true;
    for (;;) {
      const products = this.followed().slice(0, PRODUCTS_PER_MESSAGE);
      if (products.length === 0) {
        await sleep(1000);
        continue;
      }
      this.pollAbort = new AbortController();
      const token = this.link.token;
      try {
        /** @type {PollAnswer} */
        const answer = await httpJson(this.hub, "api/page/poll", {
          method: "POST",
          body: { products, wait: first ? 0 : POLL_WAIT_S },
          token,
          signal: this.pollAbort.signal,
        });
        this.events.connected(Boolean(token));
        this.events.availability(answer.items, first);
        if (answer.in_cart) this.events.holdings(answer.in_cart, true);
        first = false;
        backoff.reset();
      } catch (error) {
        if (isAbort(error)) {
          first = true; // products were added: fetch their current state at once
          continue;
        }
        if (error instanceof CartStartError && error.status === 401 && token) {
          this.events.tokenRefused();
          continue;
        }
        if (error instanceof CartStartError && error.status === 403) {
          // This site may not use CartStart (its origin is not registered): say why, and
          // check again now and then in case the store registers it.
          this.events.refused(error.message);
          await sleep(REFUSED_RECHECK_MS);
          continue;
        }
        this.events.unreachable();
        await sleep(backoff.next());
      }
    }
  }

  /**
   * Follow whether the store's pages offer "Talk to us", and whether the agents of the page's
   * products are all in a call (on the WebSocket, or by long-polling).
   * @param {string} storeId
   * @param {string[]} [products] the page's products of that store (at most 50 are asked about)
   */
  watchTalk(storeId, products = []) {
    this.talkStore = storeId;
    this.talkProducts = products.slice(0, 50);
    if (this.socket) this.socket.send(this.watchTalkMessage());
    else if (this.mode === "polling") this.pollTalk();
  }

  watchTalkMessage() {
    return { type: "watch_talk", store_id: this.talkStore, products: this.talkProducts };
  }

  /** Long-poll "Talk to us", and the busy status of the page's products when it shows some. */
  pollTalk() {
    const store = () => encodeURIComponent(this.talkStore);
    this.longPoll("talk", () => `api/page/talk/${store()}?`, (/** @type {Talk} */ talk) => this.events.talk(talk));
    const products = () => this.talkProducts.map((p) => `products=${encodeURIComponent(p)}&`).join("");
    if (this.talkProducts.length) {
      this.longPoll("busy", () => (this.talkProducts.length ? `api/page/talk/${store()}/products?${products()}` : ""), (/** @type {import("../shared/protocol").TalkProducts} */ busy) => this.events.talkProducts(busy));
    }
  }

  /**
   * One long-poll loop per `name` while the page follows a store: asks `path()` (ending in `?`
   * or `&`; "" stops the loop) with the version last heard, until it changes.
   * @template {{version: number}} T
   * @param {string} name
   * @param {() => string} path
   * @param {(answer: T) => void} heard
   */
  async longPoll(name, path, heard) {
    if (this.polling.has(name)) return;
    this.polling.add(name);
    const backoff = new Backoff(RECONNECT);
    let asked = "";
    let version = "";
    try {
      for (let next = path(); this.talkStore && next; next = path()) {
        if (next !== asked) [asked, version] = [next, ""]; // another store or other products
        try {
          /** @type {T} */
          const answer = await httpJson(this.hub, `${next}wait=${POLL_WAIT_S}${version}`);
          heard(answer);
          version = `&version=${answer.version}`;
          backoff.reset();
        } catch {
          await sleep(backoff.next());
        }
      }
    } finally {
      this.polling.delete(name);
    }
  }

  /**
   * Sends a command and waits for its result; after a lost connection it is sent again with
   * the same id (the hub applies it once).
   * @param {Command} command
   * @returns {Promise<CommandResult>}
   */
  command(command) {
    return withRetries(() => {
      if (this.mode === "websocket" && this.socket) {
        const reply = this.replies.wait(command.id, COMMAND_TIMEOUT_MS);
        this.socket.send(command);
        return reply;
      }
      return httpJson(this.hub, "api/page/commands", { method: "POST", body: command, token: this.link.token });
    });
  }

  /**
   * Presence for the store's agents (widget/presence.js): on the WebSocket, else over HTTP.
   * Refusals are not the visitor's business: the next report tries again.
   * @param {object} report
   */
  presence(report) {
    this.lastPresence = report;
    if (this.mode === "websocket" && this.socket) this.socket.send(report);
    else if (this.mode === "polling") {
      httpJson(this.hub, "api/page/presence", { method: "POST", body: report, token: this.link.token }).catch(() => {});
    }
  }

  /**
   * Forget this visitor (their presence history and place in the agents' list).
   * @param {string} storeId
   * @param {string} visitorId
   */
  forgetMe(storeId, visitorId) {
    this.lastPresence = null;
    return withRetries(() => {
      if (this.mode === "websocket" && this.socket) {
        const id = commandId("f-");
        const reply = this.replies.wait(id, COMMAND_TIMEOUT_MS);
        this.socket.send({ type: "forget_me", id, store_id: storeId, visitor_id: visitorId });
        return reply;
      }
      return httpJson(this.hub, `api/page/visitors/${encodeURIComponent(storeId)}/${encodeURIComponent(visitorId)}`, { method: "DELETE" });
    });
  }

  /** A new link token takes effect on a fresh hello (WebSocket) or the next poll. */
  reconnect() {
    this.reopenNow = Boolean(this.socket);
    if (this.socket) this.socket.close();
    else if (this.pollAbort) this.pollAbort.abort();
  }
}
