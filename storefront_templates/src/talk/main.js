// The talk panel (static/talk.js, docs/storefront.md "Talk to us"): a conversation with the
// store on the store's own page. The widget (cartstart.js) loads it with import() the first time
// "Talk to us" is used, or at once on a page of a site where a conversation is kept.
//
// A conversation IS a live session (docs/live-selling.md): started with `start_session` from
// public mode on /ws/live, with the page's address and the visitor's id on this site, when the
// visitor first writes or asks for a call; its link is kept in localStorage on the store's
// origin, so every page of the site resumes it. The panel follows a `navigated` event once (a
// seq newer than the last it followed in this tab, an address of this very origin), reopens on
// the new page and resumes from the last seq this tab applied, so a reload never navigates
// again. Everything shown is textContent.

import { commandId } from "../shared/commands.js";
import { learnClock } from "../shared/hub-clock.js";
import { CartStartError, httpJson, request } from "../shared/http.js";
import { isTalkingTab, keepLink, keepOpen, keptLink, markTalkingTab, tabMark, visitorId } from "../shared/talk-keys.js";
import { LiveConnection } from "../live/connection.js";
import { SessionState } from "../live/session.js";
import { ENDED, words } from "../live/texts.js";
import { talkCall } from "./call.js";
import { TalkChat } from "./chat.js";
import { TalkPanel } from "./panel.js";
import { addTalkStyle } from "./style.js";

/** @typedef {import("../live/types").LiveMessage} LiveMessage */
/** @typedef {import("../live/types").LiveSnapshot} LiveSnapshot */
/** @typedef {import("../live/types").LiveCommand} LiveCommand */

const POLL_WAIT_S = 25;
const PUBLIC_POLL_MS = 60000;

/**
 * @typedef {Object} TalkEnv
 * @property {URL} hub
 * @property {string} storeId
 * @property {HTMLElement[]} entries the page's "Talk to us" entries
 */

/** @param {TalkEnv} env */
export function talkPanel(env) {
  return new Talk(env);
}

/** The session id inside a link (`csv.<session>.<secret>`). @param {string} link */
const sessionOf = (link) => link.split(".")[1] ?? "";

/** The page's address without its fragment (what the store sees, and what starts a session). */
const pageUrl = () => location.href.split("#")[0];

class Talk {
  /** @param {TalkEnv} env */
  constructor(env) {
    addTalkStyle();
    this.hub = env.hub;
    this.store = env.storeId;
    /** @type {SessionState | null} */
    this.state = null;
    this.link = keptLink(this.store);
    /** @type {LiveConnection | null} */
    this.conn = null;
    this.storeName = "";
    this.agentName = ""; // the agent who wrote first (`talk_offer`)
    /** @type {Promise<void> | null} a session being started */
    this.starting = null;
    /** @type {(() => void) | null} resolves `starting` when the session's snapshot is in */
    this.loaded = null;
    this.panel = new TalkPanel(env.entries, { minimised: () => keepOpen(this.store, false) });
    const command = (/** @type {LiveCommand} */ c) => this.command(c);
    const signal = (/** @type {object} */ f) => this.conn?.signal(f);
    const ready = () => this.ready();
    this.chat = new TalkChat(this.panel.chatPlace, {
      state: () => this.state,
      ready,
      command,
      signal,
      storeName: () => this.storeName,
      seen: () => this.panel.isOpen,
      readChanged: () => this.panel.setUnread(this.chat?.unread() ?? 0), // (called while being made)
    });
    this.talkCall = talkCall(this.panel.callPlace, {
      hub: this.hub,
      link: () => this.link ?? "",
      storeName: () => this.storeName || "the shop",
      ready,
      command,
      signal,
      trouble: (message) => (this.chat.error.textContent = message),
      live: () => Boolean(this.conn?.live),
    });
  }

  /** Opens the panel (from an entry: focus comes back to it when it is minimised).
   * @param {HTMLElement | null} [opener] */
  open(opener = null) {
    this.connect();
    this.panel.open(opener);
    keepOpen(this.store, true);
    markTalkingTab(this.store);
    this.chat.render();
    this.chat.markRead();
    this.chat.focus();
  }

  /** An agent wrote first (`talk_offer`): open their conversation, saying who writes.
   * @param {string} link @param {string} agentName */
  offered(link, agentName) {
    this.agentName = agentName;
    if (this.link !== link) {
      this.conn?.stop();
      this.conn = null;
      this.state = null;
      this.link = link;
      keepLink(this.store, link);
    }
    this.named(this.storeName);
    this.open();
  }

  /** The agents of the page's products are all in a call ("Ana is on another call"), or no
   * longer (""). The visitor can still write: any agent of the store answers.
   * @param {string} words */
  busy(words) {
    this.panel.setBusy(this.link ? "" : words); // said before asking: not in a conversation
  }

  /** A page of a site where a conversation is kept: connect (following the store's pushes and
   * counting what is unread), and open the panel if it was open before this page. @param {boolean} openNow */
  resume(openNow) {
    if (openNow) this.open();
    else this.connect();
  }

  connect() {
    if (this.conn) return;
    if (this.link) this.enterSession(this.link);
    else this.enterPublic();
  }

  /** @param {LiveCommand} c */
  command(c) {
    const conn = this.conn;
    if (!conn) return Promise.reject(new CartStartError("disconnected", "not connected"));
    return conn.command(c).finally(() => conn.nudge());
  }

  /** A session to write or call in: the one kept, or a new one started from this page. */
  ready() {
    if (this.state) return Promise.resolve();
    if (this.starting) return this.starting;
    this.starting = (this.link ? this.waitForSession() : this.start()).finally(() => (this.starting = null));
    return this.starting;
  }

  waitForSession() {
    return new Promise((resolve) => {
      this.loaded = () => resolve(undefined);
    });
  }

  async start() {
    this.connect();
    /** @type {{link: string}} */
    const result = await this.command({ type: "start_session", id: commandId("start-"), page_url: pageUrl(), visitor_id: visitorId(this.store) });
    const waiting = this.waitForSession();
    this.enterSession(result.link);
    await waiting;
  }

  // ---- public mode: the store's name, and starting a session ----------------------------

  enterPublic() {
    this.conn = new LiveConnection(this.hub, {
      hello: () => ({ type: "hello", versions: [1], store_id: this.store }),
      onWelcome: () => {},
      onMessage: (m) => {
        if (m.type === "public_snapshot") this.named(m.store_name);
      },
      onRefused: (refusal) => (this.chat.error.textContent = words(new CartStartError(refusal.code, refusal.message), "The shop cannot be reached here right now.")),
      onGone: () => {},
      onStatus: () => this.talkCall.redraw(),
      pollOnce: async (abort) => {
        const snap = await httpJson(this.hub, `api/live/stores/${encodeURIComponent(this.store)}`, { signal: abort });
        this.named(snap.store_name);
        await new Promise((r) => setTimeout(r, PUBLIC_POLL_MS));
      },
      httpCommand: (c) =>
        httpJson(this.hub, `api/live/stores/${encodeURIComponent(this.store)}/sessions`, {
          method: "POST",
          body: { page_url: c.page_url, visitor_id: c.visitor_id },
        }),
    });
    void this.conn.start();
  }

  /** @param {string} name */
  named(name) {
    this.storeName = name;
    this.panel.setStore(this.agentName ? `${this.agentName} at ${name || "the shop"}` : name);
    this.chat.render();
    this.talkCall.redraw();
  }

  // ---- a session --------------------------------------------------------------------------

  /** @param {string} link */
  enterSession(link) {
    this.conn?.stop();
    this.link = link;
    this.panel.setBusy("");
    keepLink(this.store, link);
    const session = sessionOf(link);
    this.conn = new LiveConnection(this.hub, {
      hello: () => {
        // After a page change: from the last seq this tab applied (a push on the way is replayed).
        const from = this.state ? this.state.seq : tabMark.get("seq", session);
        return { type: "hello", versions: [1], token: link, ...(from !== null ? { resume_from: from } : {}) };
      },
      onWelcome: (welcome) => {
        if (!this.state && welcome.resumed) this.conn?.signal({ type: "sync", id: commandId("sync-") });
      },
      onMessage: (m) => this.onMessage(session, m),
      onRefused: () => this.ended("invalid"),
      onGone: () => this.ended(this.state?.deletedBy ?? "unknown"),
      onStatus: () => this.talkCall.redraw(),
      pollOnce: async (abort) => {
        if (!this.state) {
          this.onMessage(session, await httpJson(this.hub, "api/live/session", { token: link, signal: abort }));
          return;
        }
        const answer = await httpJson(this.hub, `api/live/session/events?after=${this.state.seq}&wait=${POLL_WAIT_S}`, { token: link, signal: abort });
        if (answer.snapshot) this.onMessage(session, answer.snapshot);
        for (const event of answer.messages) this.onMessage(session, event);
      },
      httpCommand: (c) => httpJson(this.hub, "api/live/session/commands", { method: "POST", body: c, token: link }),
    });
    void this.conn.start();
    request(this.hub, ".well-known/cartstart.json").then(learnClock, () => {}); // a support call's credit ticks on it
  }

  /** @param {string} session @param {LiveSnapshot} snap */
  loadSnapshot(session, snap) {
    if (this.state) this.state.load(snap);
    else this.state = new SessionState(snap);
    if (tabMark.get("nav", session) === null) tabMark.set("nav", session, snap.head_seq); // older pushes are not followed
    tabMark.set("seq", session, snap.head_seq);
    this.named(snap.session.store_name);
    this.chat.reset();
    this.talkCall.call.load(snap.call, snap.seller_busy);
    this.talkCall.rating.load(snap.call ? null : snap.last_call, snap.last_rating); // a call now: ask later
    this.talkCall.support.load(snap.support);
    this.loaded?.();
    this.loaded = null;
  }

  /** @param {string} session @param {LiveMessage} m */
  onMessage(session, m) {
    const { call, rating, support } = this.talkCall;
    switch (m.type) {
      case "live_snapshot":
        return this.loadSnapshot(session, m);
      case "navigated":
        this.follow(session, m.seq, m.url);
        break;
      case "typing":
        if (m.side === "store") this.chat.sellerTyping();
        return;
      case "error":
        this.chat.error.textContent = words(new CartStartError(m.code, m.message), "Something you did could not be done.");
        return;
      case "rtc":
        return call.onRtc(m);
      case "media":
        return call.onMedia(m);
      case "seller_busy":
        return call.setSellerBusy(m.busy);
      case "call":
        if (this.state && m.seq > this.state.seq) {
          call.apply(m.call);
          rating.onCall(m.call);
          support.onCall(m.call);
        }
        break;
      case "credit_plan":
      case "credit_warning":
      case "support_report":
      case "credit":
      case "complaint":
        if (this.state && m.seq > this.state.seq) support.onEvent(m);
        break;
      case "rated":
        if (this.state && m.seq > this.state.seq) rating.onRated(m.rating);
        break;
    }
    if (!this.state || !("seq" in m)) return;
    const part = this.state.apply(m);
    tabMark.set("seq", session, this.state.seq);
    if (part === "chat" || part === "read") this.chat.render();
    if (part === "deleted") this.ended(this.state.deletedBy ?? "unknown");
    if (part === "attached") this.conn?.signal({ type: "sync", id: commandId("sync-") }); // its support offer
  }

  /**
   * The store sends this page elsewhere on its site: once per push (by seq, in this tab), only
   * in the tab the visitor talks in, and only to an address of this very origin.
   * @param {string} session @param {number} seq @param {string} url
   */
  follow(session, seq, url) {
    const followed = tabMark.get("nav", session);
    if (followed !== null && seq <= followed) return;
    if (followed === null && !this.state) return; // a new tab follows only what comes after it
    tabMark.set("nav", session, seq);
    if (!isTalkingTab(this.store)) return;
    let target;
    try {
      target = new URL(url, location.href);
    } catch {
      return;
    }
    if (target.origin !== location.origin || target.href === location.href) return;
    tabMark.set("seq", session, Math.max(seq, this.state?.seq ?? 0));
    keepOpen(this.store, true); // the conversation goes on, open, on the new page
    this.conn?.stop();
    location.assign(target.href);
  }

  /**
   * The session is gone (deleted, or its link no longer works): say so, forget it; the next
   * message starts a new one.
   * @param {keyof typeof ENDED} why
   */
  ended(why) {
    this.conn?.stop();
    this.conn = null;
    this.state = null;
    this.link = null;
    keepLink(this.store, null);
    this.talkCall.call.load(null, false);
    this.talkCall.support.load(null);
    this.chat.reset();
    this.chat.note(why === "store" ? "The shop ended this conversation. Write again to start a new one." : `${ENDED[why]} Write again to start a new conversation.`);
    this.panel.setUnread(0);
  }
}
