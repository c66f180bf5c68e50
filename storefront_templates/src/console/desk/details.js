// A visitor's details in the Workspace tab (docs/agents.md): their pages in this and earlier
// visits with times, how many visits and page views, and what their CartStart cart holds of
// this store (by the store's pseudonym of the cart, as the store's other views show it). Asked
// from the hub on opening (`visitor_details`); everything from pages is shown as text.

import { byId, el } from "../dom.js";
import { reasonOf } from "../live/words.js";
import { duration } from "./visitors.js";

/** @typedef {import("./types").VisitorDetails} VisitorDetails */

/** A hub time as a date and time for people. @param {number} at */
const when = (at) => new Date(at * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export class DetailsPane {
  /**
   * @param {(visitorId: string) => Promise<VisitorDetails>} ask
   * @param {(visitorId: string | null) => void} selected
   * @param {(visitorId: string, text: string, call: boolean) => Promise<void>} approach write first
   */
  constructor(ask, selected, approach) {
    this.ask = ask;
    this.selected = selected;
    this.form = byId("desk-approach", HTMLFormElement);
    this.text = byId("desk-approach-text", HTMLTextAreaElement);
    this.call = byId("desk-approach-call", HTMLInputElement);
    this.error = byId("desk-approach-error", HTMLParagraphElement);
    this.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const visitor = this.open;
      const text = this.text.value.trim();
      if (!visitor || !text) return;
      this.error.textContent = "";
      const send = /** @type {HTMLButtonElement} */ (this.form.querySelector("button[type=submit]"));
      send.disabled = true;
      try {
        await approach(visitor, text, this.call.checked);
        this.text.value = "";
        this.call.checked = false;
      } catch (e) {
        this.error.textContent = reasonOf(e);
      } finally {
        send.disabled = false;
      }
    });
    this.box = byId("desk-details", HTMLElement);
    this.body = byId("desk-details-body", HTMLDivElement);
    this.said = byId("desk-details-said", HTMLParagraphElement);
    /** @type {string | null} */
    this.open = null;
    /** @type {HTMLElement | null} */
    this.from = null;
    byId("desk-details-close", HTMLButtonElement).addEventListener("click", () => this.close());
  }

  /** @param {string} visitorId */
  async show(visitorId) {
    this.from = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.open = visitorId;
    this.selected(visitorId);
    this.box.hidden = false;
    this.form.hidden = true;
    this.error.textContent = "";
    this.said.textContent = "Loading this visitor's pages…";
    this.body.replaceChildren();
    try {
      const d = await this.ask(visitorId);
      if (this.open !== visitorId) return;
      this.said.textContent = "";
      this.form.hidden = d.visitor === null; // only to someone on the pages now
      this.body.replaceChildren(...this.render(d));
    } catch (e) {
      if (this.open !== visitorId) return;
      this.said.textContent = `Could not show this visitor: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  close() {
    this.open = null;
    this.box.hidden = true;
    this.selected(null);
    if (this.from?.isConnected) this.from.focus();
  }

  /** @param {VisitorDetails} d */
  render(d) {
    const visits = d.visits === 1 ? "First visit" : `${d.visits} visits`;
    /** @type {HTMLElement[]} */
    const parts = [el("p", `${visits} · ${d.page_views} page ${d.page_views === 1 ? "view" : "views"} · first seen ${when(d.first_seen)}`)];
    parts.push(el("h5", "In their CartStart cart"));
    if (!d.cart_ref) parts.push(el("p", "Not connected to a CartStart cart on this page.", { class: "hint" }));
    else if (d.holds.length === 0) parts.push(el("p", `Cart ${d.cart_ref}: nothing of your store held now.`, { class: "hint" }));
    else {
      const list = el("ul");
      for (const h of d.holds) list.append(el("li", `${h.qty} × ${h.product_id} (held until ${when(h.expires_at)})`));
      parts.push(el("p", `Cart ${d.cart_ref}`, { class: "hint" }), list);
    }
    for (const visit of [...d.history].reverse()) {
      const current = visit.number === d.visits && d.visitor !== null;
      parts.push(el("h5", `${current ? "This visit" : `Visit ${visit.number}`} · ${when(visit.started)}`));
      const pages = el("ol");
      for (const p of visit.pages) {
        const link = el("a", p.title || p.url, { target: "_blank", rel: "noopener noreferrer" });
        if (/^https?:\/\//i.test(p.url)) link.href = p.url;
        const stay = p.until === null ? (current ? "still there" : "") : `for ${duration(p.until - p.at)}`;
        const item = el("li");
        item.append(link, el("small", `${when(p.at)}${stay ? ` · ${stay}` : ""}`));
        pages.append(item);
      }
      parts.push(pages);
    }
    return parts;
  }
}
