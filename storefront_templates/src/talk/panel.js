// The panel's frame on the store's page: a non-modal dialog region labelled by its title, with a
// close button that minimises it (Escape too), focus moved into it when it opens and back to
// the entry the visitor used when it closes, and the unread count on every entry while it is
// minimised. What the store wrote goes in as textContent only.

import { el } from "../live/dom.js";

/** @typedef {{minimised: () => void}} PanelEvents */

export class TalkPanel {
  /**
   * @param {HTMLElement[]} entries the page's "Talk to us" entries
   * @param {PanelEvents} events
   */
  constructor(entries, events) {
    this.entries = entries;
    this.events = events;
    /** @type {HTMLElement | null} the entry that opened the panel (focus goes back there) */
    this.opener = null;
    this.title = el("h2", { id: "cartstart-talk-title" }, "Talk to us");
    this.close = el("button", { type: "button", class: "cartstart-talk-close", "aria-label": "Minimise the chat", title: "Minimise" }, "–");
    this.close.addEventListener("click", () => this.minimise());
    // "Ana is on another call" (the page's products' agents are all in a call): text only.
    this.busyLine = el("p", { class: "cartstart-talk-busy", role: "status", hidden: true });
    this.callPlace = el("section", { class: "cartstart-talk-call" });
    this.chatPlace = el("div", { class: "cartstart-talk-chat", style: "display:contents" });
    this.root = el(
      "section",
      { class: "cartstart-talk-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "cartstart-talk-title", hidden: true },
      el("header", { class: "cartstart-talk-head" }, this.title, this.close),
      this.busyLine,
      this.callPlace,
      this.chatPlace,
    );
    this.root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      this.minimise();
    });
    document.body.append(this.root);
    /** @type {HTMLElement[]} */
    this.badges = entries.map((entry) => {
      const badge = el("span", { class: "cartstart-talk-unread", hidden: true });
      const a = entry instanceof HTMLAnchorElement ? entry : entry.querySelector("a.cartstart-talk") ?? entry;
      a.setAttribute("aria-haspopup", "dialog");
      a.setAttribute("aria-expanded", "false");
      a.append(badge);
      return badge;
    });
    this.unread = 0;
  }

  get isOpen() {
    return !this.root.hidden;
  }

  /** @param {string} storeName */
  setStore(storeName) {
    this.title.textContent = storeName ? `Talk to ${storeName}` : "Talk to us";
  }

  /** @param {string} words "" when nobody of the page's products is busy */
  setBusy(words) {
    this.busyLine.textContent = words;
    this.busyLine.hidden = !words;
  }

  /** @param {HTMLElement | null} [opener] */
  open(opener) {
    if (opener) this.opener = opener;
    this.root.hidden = false;
    this.expanded(true);
    this.setUnread(this.unread);
  }

  minimise() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    this.expanded(false);
    this.setUnread(this.unread);
    this.events.minimised();
    const back = this.opener ?? this.entries.find((e) => !e.hidden) ?? null;
    const focusable = back instanceof HTMLAnchorElement ? back : back?.querySelector("a") ?? back;
    focusable?.focus();
  }

  /** @param {boolean} open */
  expanded(open) {
    for (const entry of this.entries) {
      const a = entry instanceof HTMLAnchorElement ? entry : entry.querySelector("a.cartstart-talk");
      a?.setAttribute("aria-expanded", String(open));
    }
  }

  /** Messages from the store not read yet: a count on the entries while the panel is closed.
   * @param {number} n */
  setUnread(n) {
    this.unread = n;
    const shown = n > 0 && !this.isOpen;
    const said = n === 1 ? "1 unread message" : `${n} unread messages`;
    for (const badge of this.badges) {
      badge.hidden = !shown;
      // The number for the eye; the words for screen readers (the entry's name grows by them).
      if (shown) badge.replaceChildren(el("span", { "aria-hidden": "true" }, String(n)), el("span", { class: "cartstart-hidden" }, ` (${said})`));
      else badge.replaceChildren();
    }
  }
}
