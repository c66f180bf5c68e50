// The shared gallery: the side that leads (the store, unless it hands the lead over) shows a
// product or a search and the other side follows, or stops following. All of it is ephemeral
// (`show`, `lead`, `follow` out; `gallery` frames in): nothing here is stored.

import { byId, el } from "../dom.js";

/** @typedef {import("./types").GalleryState} GalleryState */
/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").Side} Side */

/**
 * @typedef {Object} GalleryContext
 * @property {(signal: Record<string, unknown>) => void} signal
 * @property {() => string} query what the counter's search box holds
 * @property {(id: string) => LiveProduct | undefined} product a product seen in this session
 * @property {(query: string) => void} follow the visitor showed a search: run it here
 * @property {(product: LiveProduct) => void} followProduct the visitor showed a product
 * @property {() => void} leadChanged
 * @property {() => string} visitorName
 */

export class GalleryView {
  /** @param {GalleryContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.state = byId("gallery-state", HTMLParagraphElement);
    this.shown = byId("gallery-shown", HTMLDivElement);
    this.showSearch = byId("gallery-show-search", HTMLButtonElement);
    this.leadButton = byId("gallery-lead", HTMLButtonElement);
    this.followBox = byId("gallery-follow", HTMLInputElement);
    /** @type {Side} */
    this.lead = "store";
    this.visitorFollows = true;
    this.showing = "";
    this.showSearch.addEventListener("click", () => {
      const query = this.ctx.query().trim();
      if (!query || this.lead !== "store") return;
      this.ctx.signal({ type: "show", query });
      this.showing = `your search “${query}”`;
      this.draw();
    });
    this.leadButton.addEventListener("click", () => {
      if (this.lead !== "store") return;
      this.ctx.signal({ type: "lead", to: "visitor" });
    });
    this.followBox.addEventListener("change", () => this.ctx.signal({ type: "follow", on: this.followBox.checked }));
  }

  /** @param {Side} lead from a snapshot */
  reset(lead) {
    this.lead = lead;
    this.visitorFollows = true;
    this.showing = "";
    this.shown.replaceChildren();
    this.followBox.checked = true;
    this.draw();
  }

  /** @param {LiveProduct} product */
  show(product) {
    if (this.lead !== "store") return;
    this.ctx.signal({ type: "show", product_id: product.product_id });
    this.showing = product.name;
    this.draw();
  }

  /** @param {GalleryState} g */
  apply(g) {
    const leadBefore = this.lead;
    this.lead = g.lead;
    const nothingShown = !g.product_id && !g.query;
    if (g.lead === "store" && nothingShown && leadBefore === "store") {
      this.visitorFollows = g.following; // the visitor's `follow` (a show always says true)
    }
    if (g.lead === "visitor" && !nothingShown) {
      const product = g.product_id ? this.ctx.product(g.product_id) : undefined;
      const what = g.query ? `searching for “${g.query}”` : product ? `looking at ${product.name}` : "looking at a product";
      this.shown.replaceChildren(el("span", `${this.ctx.visitorName()} is ${what}.`));
      if (this.followBox.checked) {
        if (g.query) this.ctx.follow(g.query);
        else if (product) this.ctx.followProduct(product);
      }
    }
    if (leadBefore !== g.lead) {
      this.showing = "";
      this.shown.replaceChildren();
      this.visitorFollows = true;
      this.ctx.leadChanged();
    }
    this.draw();
  }

  draw() {
    const name = this.ctx.visitorName();
    const storeLeads = this.lead === "store";
    let words;
    if (storeLeads) {
      const follows = this.visitorFollows ? `${name} follows what you show.` : `${name} stopped following and browses on their own.`;
      words = this.showing ? `You lead and show ${this.showing}. ${follows}` : `You lead the gallery. ${follows}`;
    } else {
      words = `${name} leads the gallery${this.followBox.checked ? ": you follow what they show." : "; you are not following."}`;
    }
    this.state.textContent = words;
    this.state.dataset.lead = this.lead;
    this.state.dataset.follows = String(this.visitorFollows);
    this.showSearch.disabled = !storeLeads;
    this.leadButton.disabled = !storeLeads;
    this.leadButton.textContent = storeLeads ? "Let the visitor lead" : `${name} leads`;
    this.followBox.disabled = storeLeads;
    this.followBox.closest("label")?.toggleAttribute("hidden", storeLeads);
  }
}
