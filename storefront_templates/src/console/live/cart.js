// The session cart: real holds in the hub's ledger, each with its state and, while held, the time
// left. The seller puts back what is held, and takes again what ran out (for the visitor).

import { byId, el } from "../dom.js";
import { money } from "../format.js";
import { action, thumb } from "./render.js";
import { TICKET_STATE, countdown, reasonOf } from "./words.js";

/** @typedef {import("./types").LiveTicket} LiveTicket */
/** @typedef {import("./types").LiveOrder} LiveOrder */

/**
 * @typedef {Object} CartContext
 * @property {(command: Record<string, unknown>) => Promise<any>} command
 * @property {(message: string) => void} error
 */

export class CartView {
  /** @param {CartContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.list = byId("session-cart", HTMLUListElement);
    this.empty = byId("cart-empty", HTMLElement);
    this.total = byId("cart-total", HTMLSpanElement);
    /** @type {Map<string, LiveTicket>} */
    this.tickets = new Map();
    this.ordered = "";
    this.timer = setInterval(() => this.tick(), 1000);
  }

  /** @param {LiveTicket[]} tickets */
  reset(tickets) {
    this.tickets = new Map(tickets.map((t) => [t.ticket_id, t]));
    this.ordered = "";
    this.draw();
  }

  /** @param {LiveTicket} ticket applied only when newer than what is shown */
  apply(ticket) {
    const known = this.tickets.get(ticket.ticket_id);
    if (known && known.version >= ticket.version) return;
    this.tickets.set(ticket.ticket_id, ticket);
    this.draw();
  }

  /**
   * How many of this product the session cart holds.
   * @param {string} productId
   */
  held(productId) {
    let n = 0;
    for (const t of this.tickets.values()) if (t.product_id === productId && t.state === "held") n += t.qty;
    return n;
  }

  /** @param {LiveOrder} order */
  orderedNow(order) {
    this.ordered = `The visitor ordered: order ${order.order_id}, ${money(order.total)}. It is in your orders.`;
    // An order buys everything the session cart holds (the hub sends no item event for it).
    for (const [id, t] of this.tickets) if (t.state === "held") this.tickets.set(id, { ...t, state: "purchased" });
    this.draw();
  }

  draw() {
    const tickets = [...this.tickets.values()].sort((a, b) => Number(b.state === "held") - Number(a.state === "held"));
    const rows = tickets.map((t) => {
      const li = el("li", null, { "data-ticket": t.ticket_id, class: t.state === "held" ? "held" : "gone" });
      const info = el("div");
      const meta = el("div", null, { class: "item-meta" });
      meta.append(el("span", TICKET_STATE[t.state] ?? t.state, { class: `state state-${t.state}` }), `${t.qty} × ${money(t.price)}`);
      if (t.state === "held") meta.append(" · ", el("span", this.left(t), { class: "countdown", "data-expires": String(t.expires_at) }));
      info.append(el("div", t.name, { class: "item-name" }), meta);
      const actions = el("div", null, { class: "item-actions" });
      if (t.state === "held") {
        actions.append(action("Put back", () => this.run({ type: "put_back", ticket_id: t.ticket_id }, t.name), { "aria-label": `Put back ${t.name}` }));
      } else if (t.state === "expired" || t.state === "released") {
        actions.append(action("Take again", () => this.run({ type: "take", product_id: t.product_id, qty: t.qty }, t.name), { "aria-label": `Take ${t.name} again` }));
      }
      li.append(thumb(t.image_url, t.name), info, actions);
      return li;
    });
    this.list.replaceChildren(...rows);
    const held = tickets.filter((t) => t.state === "held");
    this.empty.hidden = rows.length > 0;
    const sum = held.reduce((n, t) => n + t.price.amount * t.qty, 0);
    this.total.textContent = held.length
      ? `· ${held.length} held, ${money({ amount: sum, currency: held[0].price.currency })}`
      : "";
    if (this.ordered) this.list.append(el("li", this.ordered, { class: "ordered" }));
  }

  /** @param {LiveTicket} t */
  left(t) {
    return `${countdown(t.expires_at - Date.now() / 1000)} left`;
  }

  tick() {
    for (const span of /** @type {HTMLElement[]} */ (Array.from(this.list.querySelectorAll(".countdown")))) {
      span.textContent = `${countdown(Number(span.dataset.expires) - Date.now() / 1000)} left`;
    }
  }

  /**
   * @param {Record<string, unknown>} command
   * @param {string} name
   */
  async run(command, name) {
    try {
      /** @type {{ticket?: LiveTicket | null}} */
      const result = await this.ctx.command(command);
      if (result.ticket) this.apply(result.ticket);
    } catch (e) {
      this.ctx.error(`${name}: ${reasonOf(e)}`);
    }
  }

  stop() {
    clearInterval(this.timer);
  }
}
