// The gallery: the shop's catalogue, searched by several words or parts of words (the hub
// matches names, codes and tags), shown as product cards. In a session the seller leads by
// default: what they show (a product or a search, `gallery` frames) is followed here, with a
// visible "Following the seller — Stop following" control (`follow`). A visitor's own search
// while following means browsing alone. When the seller hands the lead over, the visitor's
// searches are shown to the seller (`show`).

import { httpJson } from "../shared/http.js";
import { fill, productCard } from "./cards.js";
import { button, byId, el } from "./dom.js";
import { say, words } from "./texts.js";

/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").LiveSignal} LiveSignal */
/** @typedef {import("./types").Side} Side */
/** @typedef {Extract<LiveSignal, {type: "gallery"}>} GalleryFrame */

const LIMIT = 24;
const TYPING_PAUSE_MS = 350;

/**
 * @typedef {Object} GalleryDeps
 * @property {URL} hub
 * @property {string} storeId
 * @property {(product: LiveProduct) => Node[]} actions the buttons under a result (none in public mode)
 * @property {(product: LiveProduct) => string | undefined} stock the line under a result's price
 * @property {(product: LiveProduct) => boolean} held the session cart holds it
 * @property {(frame: object) => void} signal an ephemeral frame (session mode; dropped when polling)
 * @property {() => LiveProduct[]} known products the page knows (the counter, the board)
 */

export class Gallery {
  /** @param {GalleryDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.form = byId("search-form", HTMLFormElement);
    this.input = byId("search-input", HTMLInputElement);
    this.results = byId("results", HTMLDivElement);
    this.status = byId("search-status", HTMLParagraphElement);
    this.empty = byId("results-empty", HTMLParagraphElement);
    this.bar = byId("follow-bar", HTMLDivElement);
    /** @type {LiveProduct[]} */
    this.items = [];
    this.query = "";
    this.asked = 0; // the newest search asked; older answers are dropped
    /** In a session: who leads, what they showed, whether this visitor follows. */
    this.session = false;
    /** @type {Side} */
    this.lead = "store";
    /** @type {{product_id: string | null, query: string | null} | null} */
    this.shown = null;
    this.following = true;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pause = undefined;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(this.pause);
      this.own(this.input.value);
    });
    this.input.addEventListener("input", () => {
      clearTimeout(this.pause);
      this.pause = setTimeout(() => this.own(this.input.value), TYPING_PAUSE_MS);
    });
  }

  /**
   * A search the visitor typed: in a session where the seller showed something, that means
   * browsing alone; when the visitor leads, the seller sees it.
   * @param {string} query
   */
  own(query) {
    if (this.session && this.lead === "store" && this.shown && this.following) this.follow(false);
    if (this.session && this.lead === "visitor") this.deps.signal({ type: "show", query: query.trim() });
    return this.search(query);
  }

  /**
   * @param {string} query
   * @param {string | null} [only] show only this product (the seller showed one)
   */
  async search(query, only = null) {
    const asked = ++this.asked;
    this.query = query.trim();
    try {
      const path = `api/live/stores/${encodeURIComponent(this.deps.storeId)}/search?q=${encodeURIComponent(this.query)}&limit=${LIMIT}`;
      /** @type {{items: LiveProduct[]}} */
      const answer = await httpJson(this.deps.hub, path);
      if (asked !== this.asked) return;
      this.items = only ? answer.items.filter((p) => p.product_id === only) : answer.items;
      this.render();
    } catch (error) {
      if (asked === this.asked) this.status.textContent = words(error, say("searchFailed"));
    }
  }

  render() {
    fill(
      this.results,
      this.items.map((p) => productCard(p, this.deps.hub, { actions: this.deps.actions(p), stock: this.deps.stock(p), held: this.deps.held(p) })),
      this.empty,
    );
    this.empty.textContent = this.query ? say("noResults", { query: this.query }) : "The shop has nothing on sale right now.";
    const count = this.items.length;
    const found = count === 0 ? "" : count === 1 ? "1 product" : `${count} products`;
    this.status.textContent = this.query && count ? `${found} for “${this.query}”` : found;
    this.renderBar();
  }

  /** Session mode on (the follow bar shows) or off (public mode). @param {boolean} on */
  setSession(on) {
    this.session = on;
    this.bar.hidden = !on;
    this.renderBar();
  }

  /** @param {Side} lead */
  setLead(lead) {
    this.lead = lead;
    this.renderBar();
  }

  /** @param {GalleryFrame} frame */
  onFrame(frame) {
    this.lead = frame.lead;
    if (frame.lead === "store" && (frame.product_id || frame.query !== null)) {
      this.shown = { product_id: frame.product_id, query: frame.query };
      if (this.following) this.showShown();
    }
    this.renderBar();
  }

  showShown() {
    if (!this.shown) return;
    const { product_id, query } = this.shown;
    if (product_id) {
      const known = this.deps.known().find((p) => p.product_id === product_id);
      this.input.value = known ? known.name : "";
      if (known) {
        this.asked++;
        this.query = known.name;
        this.items = [known];
        this.render();
      } else {
        this.search(product_id, product_id);
      }
    } else {
      this.input.value = query ?? "";
      this.search(query ?? "");
    }
  }

  /** @param {boolean} on */
  follow(on) {
    this.following = on;
    this.deps.signal({ type: "follow", on });
    if (on) this.showShown();
    this.renderBar();
  }

  renderBar() {
    if (!this.session) return;
    const focused = this.bar.contains(document.activeElement);
    /** @type {(string | Node)[]} */
    let parts;
    if (this.lead === "visitor") {
      parts = [
        el("span", { class: "follow-state" }, "You lead the gallery: the seller sees what you search."),
        button("Hand back to the seller", () => this.handBack(), { small: true }),
      ];
    } else if (!this.shown) {
      parts = [el("span", { class: "follow-state hint" }, "When the seller shows you a product or a search, it opens here.")];
    } else if (this.following) {
      parts = [
        el("span", { class: "follow-state on" }, say("following")),
        " — ",
        button("Stop following", () => this.follow(false), { small: true, attrs: { "data-focus-key": "follow" } }),
      ];
    } else {
      parts = [
        el("span", { class: "follow-state" }, say("alone")),
        " — ",
        button("Follow the seller", () => this.follow(true), { small: true, attrs: { "data-focus-key": "follow" } }),
      ];
    }
    this.bar.replaceChildren(...parts);
    if (focused) /** @type {HTMLElement | null} */ (this.bar.querySelector("button"))?.focus();
  }

  handBack() {
    this.deps.signal({ type: "lead", to: "store" });
    this.lead = "store";
    this.renderBar();
  }
}
