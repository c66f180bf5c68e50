// One session at a time: the store's connection to it (hello with the key and the session id),
// its snapshot and events applied once each (by seq), and the parts drawn from them: the counter,
// the chat, the gallery, the session board and the session cart. Deleting asks first, in the
// styled dialog. The other side's presence and typing come and go without moving anything.

import { formDialog } from "../../shared/dialog.js";
import { starsLabel } from "../../shared/stars.js";
import { byId } from "../dom.js";
import { ratingsChanged } from "../ratings.js";
import { upload } from "./api.js";
import { storeCall } from "./call.js";
import { CartView } from "./cart.js";
import { ChatView } from "./chat.js";
import { CounterView } from "./counter.js";
import { SupportCredit } from "./credit.js";
import { GalleryView } from "./gallery.js";
import { LiveLink } from "./link.js";
import { SendToPage } from "./navigate.js";
import { postForm } from "./post.js";
import { action, clock, outLink, widgetItem } from "./render.js";
import { reasonOf, visitorName } from "./words.js";

/** @typedef {import("./types").SessionMessage} SessionMessage */
/** @typedef {import("./types").SessionInfo} SessionInfo */
/** @typedef {import("./types").LiveSnapshot} LiveSnapshot */
/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./types").Side} Side */

/**
 * @typedef {Object} SessionEnv
 * @property {URL} hub
 * @property {() => string} key
 * @property {() => boolean} visible the session's panel is on screen
 * @property {(sessionId: string) => void} onRead the store read this session's chat
 * @property {(sessionId: string, by: Side) => void} onGone the session was deleted
 * @property {(sessionId: string, text: string, at: number) => void} onSaid a chat line (the
 *   lobby shows the newest; the hub tells it only of the visitor's)
 * @property {() => void} onRefused the key was refused
 * @property {(sessionId: string, why: string) => void} onUnavailable the session could not be
 *   opened (deleted meanwhile)
 * @property {(message: string) => void} announce said to screen readers
 */

export class SessionView {
  /** @param {SessionEnv} env */
  constructor(env) {
    this.env = env;
    /** @type {LiveLink<SessionMessage> | null} */
    this.link = null;
    this.id = "";
    /** @type {SessionInfo | null} */
    this.info = null;
    this.applied = 0; // the last seq applied
    /** @type {Map<string, LiveProduct>} products seen in this session, for the gallery's words */
    this.products = new Map();
    /** @type {Map<string, Widget>} */
    this.widgets = new Map();
    this.error = byId("session-error", HTMLParagraphElement);
    this.presence = byId("session-presence", HTMLSpanElement);
    this.linkState = byId("session-link", HTMLSpanElement);
    const command = (/** @type {Record<string, unknown>} */ c) => this.command(c);
    const signal = (/** @type {Record<string, unknown>} */ s) => this.link?.signal(s);
    const showError = (/** @type {string} */ m) => (this.error.textContent = m);
    const known = (/** @type {LiveProduct} */ p) => void this.products.set(p.product_id, p);
    this.chat = new ChatView({ command, signal, visible: env.visible, onRead: () => env.onRead(this.id) });
    this.gallery = new GalleryView({
      signal,
      query: () => byId("find-q", HTMLInputElement).value,
      product: (id) => this.products.get(id),
      follow: (query) => {
        byId("find-q", HTMLInputElement).value = query;
        this.counter.search(query, true);
      },
      followProduct: (p) => this.counter.showFound(p),
      leadChanged: () => this.counter.leadChanged(),
      visitorName: () => visitorName(this.info?.label),
    });
    this.counter = new CounterView({
      command,
      error: showError,
      known,
      show: (p) => this.gallery.show(p),
      leading: () => this.gallery.lead === "store",
      pin: (p) => this.post({ kind: "product", product_id: p.product_id }),
      held: (id) => this.cart.held(id),
      pageAction: (p) => this.sendToPage.productAction(p),
    });
    this.sendToPage = new SendToPage({ command, info: () => this.info, said: (m) => (this.counter.status.textContent = m) });
    this.cart = new CartView({ command, error: showError });
    this.call = storeCall({
      hub: env.hub,
      key: env.key,
      visitor: () => visitorName(this.info?.label),
      command,
      signal,
      error: showError,
      announce: env.announce,
    });
    this.credit = new SupportCredit(byId("live-call", HTMLElement), env.hub);
    postForm(byId("session-post", HTMLDivElement), "session-post", "Pin for this visitor", {
      search: async (query) => (await command({ type: "search", query, limit: 5 })).items,
      upload: (file) => upload(file, this.id),
      post: (widget) => this.post(widget),
    });
    this.confirm = formDialog({
      id: "delete-session",
      title: "Delete this session?",
      help: "Its chat, board, presented products and pictures are deleted for good, and what its cart holds goes back on sale. The visitor is told at once. Orders already placed stay in your orders.",
      fields: [],
      submit: "Delete session",
      cancel: "Keep it",
      onSubmit: async () => {
        await this.command({ type: "delete_session" });
        this.confirm.close();
      },
    });
    this.confirm.dialog.querySelector("button[type=submit]")?.classList.add("danger-filled");
    byId("session-delete", HTMLButtonElement).addEventListener("click", () => this.confirm.open(`Delete the session with ${visitorName(this.info?.label)}?`));
  }

  /**
   * Opens `sessionId` (closing the one open before).
   * @param {string} sessionId
   * @param {string} label what the lobby knows of it, shown while it loads
   */
  open(sessionId, label) {
    if (this.id === sessionId && this.link) return;
    this.close();
    this.id = sessionId;
    this.applied = 0;
    this.products.clear();
    this.counter.clear();
    this.error.textContent = "";
    byId("session-none", HTMLElement).hidden = true;
    byId("session-open", HTMLElement).hidden = false;
    byId("session-title", HTMLHeadingElement).textContent = visitorName(label);
    byId("session-meta", HTMLSpanElement).textContent = "Opening…";
    byId("session", HTMLElement).setAttribute("aria-busy", "true");
    this.here(false);
    this.link = new LiveLink(this.env.hub, this.env.key(), sessionId, {
      message: (m) => this.handle(m),
      welcome: () => (this.linkState.textContent = ""),
      lost: () => (this.linkState.textContent = "Reconnecting…"),
      gone: () => {},
      unavailable: (error) => this.env.onUnavailable(sessionId, error.code === "gone" ? "It was deleted in the meantime." : reasonOf(error)),
      refused: () => this.env.onRefused(),
    });
  }

  close() {
    this.call.reset();
    this.link?.close();
    this.link = null;
    this.id = "";
    this.info = null;
    this.confirm.close();
    this.sendToPage.dialog.close();
    this.chat.clearTyping();
  }

  /**
   * Back to "choose a session", saying why (a deletion) when there is a reason.
   * @param {string} [why]
   */
  closeView(why) {
    this.close();
    byId("session-open", HTMLElement).hidden = true;
    const none = byId("session-none", HTMLElement);
    none.hidden = false;
    const first = none.querySelector("p");
    if (first && why) first.textContent = why;
  }

  /**
   * @param {Record<string, unknown>} command
   * @returns {Promise<any>}
   */
  command(command) {
    if (!this.link) return Promise.reject(new Error("open a session first"));
    return this.link.command(command);
  }

  /** @param {Record<string, unknown>} widget */
  async post(widget) {
    /** @type {{widget?: Widget | null}} */
    const result = await this.command({ type: "post", widget });
    if (result.widget) this.addWidget(result.widget);
  }

  /** @param {SessionMessage} m */
  handle(m) {
    if ("seq" in m && typeof m.seq === "number") {
      if (m.seq <= this.applied) return; // replayed: applied already
      this.applied = m.seq;
    }
    switch (m.type) {
      case "live_snapshot":
        return this.snapshot(m);
      case "said":
        this.env.onSaid(this.id, m.message.text, m.message.at);
        return this.chat.add(m.message);
      case "read_marked":
        return this.chat.readMarked(m.side, m.up_to);
      case "presented":
        return this.counter.add(m.item);
      case "session_cart":
        this.cart.apply(m.ticket);
        return this.counter.draw();
      case "widget_posted":
        return this.addWidget(m.widget);
      case "widget_removed":
        this.widgets.delete(m.widget_id);
        return this.drawBoard();
      case "session_ordered":
        return this.cart.orderedNow(m.order);
      case "session_attached":
        if (this.info) this.info = { ...this.info, attached: true };
        return this.drawHead();
      case "session_deleted":
        return this.env.onGone(this.id, m.by);
      case "presence":
        return this.here(m.visitor);
      case "typing":
        if (m.side === "visitor") this.chat.typing();
        return;
      case "gallery":
        return this.gallery.apply(m);
      case "call":
        this.credit.onCall(m.call);
        return this.call.apply(m.call);
      case "credit_plan":
      case "credit_warning":
      case "support_report":
        return this.credit.onEvent(m);
      case "rated":
        ratingsChanged();
        return this.env.announce(`${visitorName(this.info?.label)} rated the call: ${starsLabel(m.rating.stars)}`);
      case "rtc":
        return this.call.onRtc(m);
      case "media":
        return this.call.onMedia(m);
      case "seller_busy":
        return this.call.setSellerBusy(m.busy);
      case "error":
        this.error.textContent = reasonOf(m);
        return;
    }
  }

  /** @param {LiveSnapshot} snap */
  snapshot(snap) {
    this.applied = snap.head_seq;
    this.info = snap.session;
    byId("session", HTMLElement).removeAttribute("aria-busy");
    this.drawHead();
    this.chat.reset(snap.messages, snap.read, visitorName(snap.session.label));
    this.cart.reset(snap.cart);
    this.counter.reset(snap.counter);
    this.widgets = new Map(snap.board.map((w) => [w.widget_id, w]));
    for (const w of snap.board) if (w.product) this.products.set(w.product.product_id, w.product);
    this.drawBoard();
    this.gallery.reset(snap.lead);
    this.here(snap.here.visitor);
    this.call.load(snap.call, snap.seller_busy);
    this.credit.load(snap.support);
  }

  drawHead() {
    if (!this.info) return;
    const name = visitorName(this.info.label);
    byId("session-title", HTMLHeadingElement).textContent = name;
    const attached = this.info.attached ? " · in the visitor's desktop cart too" : "";
    byId("session-meta", HTMLSpanElement).textContent = `Started ${clock(this.info.created_at)}${attached}`;
    // Started from the store's own page (the talk panel): which one, as text and a link.
    const from = byId("session-page", HTMLParagraphElement);
    from.hidden = !this.info.page_url;
    from.replaceChildren(...(this.info.page_url ? ["From your site: ", outLink(this.info.page_url, this.info.page_url)] : []));
    this.sendToPage.draw();
  }

  /** @param {boolean} visitorHere */
  here(visitorHere) {
    const name = visitorName(this.info?.label);
    this.presence.dataset.here = String(visitorHere);
    this.presence.textContent = visitorHere ? `${name} is here` : `${name} is away`;
  }

  /**
   * A widget changed elsewhere (approved on the public board): updated here if it is shown.
   * @param {Widget} w
   */
  updateWidget(w) {
    if (this.widgets.has(w.widget_id)) this.addWidget(w);
  }

  /** @param {Widget} w */
  addWidget(w) {
    this.widgets.set(w.widget_id, w);
    if (w.product) this.products.set(w.product.product_id, w.product);
    this.drawBoard();
  }

  drawBoard() {
    const list = byId("session-board", HTMLUListElement);
    const rows = [...this.widgets.values()]
      .sort((a, b) => b.at - a.at)
      .map((w) =>
        widgetItem(w, [
          action("Remove", () => this.removeWidget(w), { "aria-label": `Remove this ${w.kind} from the board` }),
        ], "", true),
      );
    list.replaceChildren(...rows);
    byId("session-board-empty", HTMLElement).hidden = rows.length > 0;
  }

  /** @param {Widget} w */
  async removeWidget(w) {
    try {
      await this.command({ type: "remove_widget", widget_id: w.widget_id });
      this.widgets.delete(w.widget_id);
      this.drawBoard();
    } catch (e) {
      this.error.textContent = reasonOf(e);
    }
  }

  /** The panel came into view: what is shown is read now. */
  shown() {
    this.chat.markRead();
  }
}
