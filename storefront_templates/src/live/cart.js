// The session cart: what is held for the visitor (with the time left), what ran out or was sold
// in the shop (with "Take again"), putting back, and "Order now": the one styled dialog asks for
// an email address and a name, then a second says the order's number. Errors in words.

import { commandId } from "../shared/commands.js";
import { formDialog } from "../shared/dialog.js";
import { availability, picture } from "./cards.js";
import { button, byId, countdown, el, money } from "./dom.js";
import { say, words } from "./texts.js";

/** @typedef {import("./session.js").SessionState} SessionState */
/** @typedef {import("./types").Ticket} Ticket */
/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").OrderView} OrderView */

/**
 * @typedef {Object} CartDeps
 * @property {URL} hub
 * @property {() => SessionState | null} state
 * @property {(command: import("./types").LiveCommand) => Promise<any>} command
 * @property {(message: string) => void} notify the page's one notice
 * @property {() => void} changed the cart changed by a command's result
 * @property {() => number} now the hub's time, in seconds
 */

export class SessionCart {
  /** @param {CartDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.list = byId("cart-list", HTMLUListElement);
    this.empty = byId("cart-empty", HTMLParagraphElement);
    this.total = byId("cart-total", HTMLParagraphElement);
    this.orders = byId("orders", HTMLDivElement);
    this.orderButton = byId("order-now", HTMLButtonElement);
    this.empty.textContent = say("cartEmpty");
    this.orderButton.addEventListener("click", () => this.openOrder());
    this.orderDialog = formDialog({
      id: "order-dialog",
      title: "Order now",
      help: "The shop sends the order's confirmation, and how to pay and receive it, to this address.",
      fields: [
        { name: "email", label: "Email address", type: "email", required: true, maxLength: 254 },
        { name: "name", label: "Your name", maxLength: 100 },
      ],
      submit: "Place the order",
      cancel: "Not yet",
      onSubmit: (values) => this.order(values.email, values.name),
    });
    for (const input of this.orderDialog.dialog.querySelectorAll("input")) {
      input.autocomplete = input.type === "email" ? "email" : "name";
    }
    this.doneDialog = formDialog({
      id: "order-done",
      title: "Thank you: your order is placed",
      help: "",
      fields: [],
      submit: "Done",
      cancel: "Close",
      onSubmit: async () => this.doneDialog.close(),
    });
    this.doneDialog.dialog.querySelector(".cartstart-actions button[type=button]")?.setAttribute("hidden", "");
    this.timer = setInterval(() => this.tick(), 1000);
  }

  render() {
    const state = this.deps.state();
    if (!state) return;
    const tickets = [...state.cart.values()].sort((a, b) => a.created_at - b.created_at);
    this.list.replaceChildren(...tickets.map((t) => this.item(t)));
    this.list.hidden = tickets.length === 0;
    this.empty.hidden = tickets.length > 0;
    const held = tickets.filter((t) => t.state === "held");
    this.orderButton.disabled = held.length === 0;
    if (held.length) {
      const currency = held[0].price.currency;
      const amount = held.reduce((sum, t) => sum + t.price.amount * t.qty, 0);
      this.total.textContent = `Total held: ${money({ amount, currency })}`;
    } else {
      this.total.textContent = "";
    }
    this.orders.replaceChildren(
      ...state.orders.map((o) => el("p", { class: "ordered" }, `Order ${o.order_id} placed · ${money(o.total)}`)),
    );
    this.tick();
  }

  /** The order dialog, saying what is ordered and for how much. */
  openOrder() {
    const state = this.deps.state();
    const held = [...(state?.cart.values() ?? [])].filter((t) => t.state === "held");
    if (!state || !held.length) return;
    const amount = held.reduce((sum, t) => sum + t.price.amount * t.qty, 0);
    const names = held.map((t) => (t.qty > 1 ? `${t.qty} × ${t.name}` : t.name));
    const what = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names[0];
    const help = this.orderDialog.dialog.querySelector("#order-dialog-help");
    if (help) {
      help.textContent = `${what}: ${money({ amount, currency: held[0].price.currency })} in all. ${state.info.store_name} sends the order's confirmation, and how to pay and receive it, to your email address.`;
    }
    this.orderDialog.open();
  }

  /** @param {Ticket} t */
  item(t) {
    const held = t.state === "held";
    const status = held
      ? [el("span", { class: "held" }, "Held for you"), " ", el("span", { class: "left", "data-expires": String(t.expires_at) }, "")]
      : [el("span", { class: "lost" }, t.state === "revoked" ? "Sold in the shop meanwhile" : "Your hold ran out")];
    const action = held
      ? button("Put back", () => this.putBack(t), { small: true, attrs: { "data-focus-key": `cart-${t.product_id}` } })
      : button("Take again", () => this.take({ product_id: t.product_id, name: t.name }), {
          small: true,
          primary: true,
          attrs: { "data-focus-key": `cart-${t.product_id}` },
        });
    return el(
      "li",
      { class: `cart-item ${t.state}`, "data-key": t.product_id },
      el("div", { class: "thumb" }, picture(t.image_url, t.name, this.deps.hub)),
      el(
        "div",
        { class: "cart-body" },
        el("p", { class: "name" }, t.name),
        el("p", { class: "line" }, t.qty > 1 ? `${t.qty} × ${money(t.price)}` : money(t.price)),
        el("p", { class: "state" }, ...status),
      ),
      action,
    );
  }

  /** The time left on each held item (outside any live region: it is not read out each second). */
  tick() {
    const now = this.deps.now();
    for (const left of this.list.querySelectorAll(".left")) {
      if (!(left instanceof HTMLElement)) continue;
      const seconds = Number(left.dataset.expires) - now;
      const text = seconds > 0 ? `${countdown(seconds)} left` : "expiring…";
      if (left.textContent !== text) left.textContent = text;
    }
  }

  /**
   * Puts a product in the session cart: a real hold in the shop's stock.
   * @param {{product_id: string, name: string}} product
   */
  async take(product) {
    try {
      const result = await this.deps.command({ type: "take", id: commandId("take-"), product_id: product.product_id, qty: 1 });
      const state = this.deps.state();
      if (result.ticket && state?.setTicket(result.ticket)) this.deps.changed();
      this.deps.notify(say("added", { name: product.name }));
    } catch (error) {
      this.deps.notify(`${say("addFailed", { name: product.name })} ${words(error, "")}`.trim());
    }
  }

  /** @param {Ticket} t */
  async putBack(t) {
    try {
      const result = await this.deps.command({ type: "put_back", id: commandId("back-"), ticket_id: t.ticket_id });
      const state = this.deps.state();
      if (result.ticket && state?.setTicket(result.ticket)) this.deps.changed();
      this.deps.notify(say("putBack", { name: t.name }));
    } catch (error) {
      this.deps.notify(words(error, "That item could not be put back."));
    }
  }

  /**
   * @param {string} email
   * @param {string} name
   */
  async order(email, name) {
    let result;
    try {
      result = await this.deps.command({ type: "order_now", id: commandId("order-"), email: email.trim(), name: name.trim() });
    } catch (error) {
      throw new Error(words(error, say("orderFailed")));
    }
    /** @type {OrderView} */
    const order = result.order;
    const state = this.deps.state();
    if (state && order) state.addOrder(order);
    this.orderDialog.close();
    this.deps.changed();
    const help = this.doneDialog.dialog.querySelector("#order-done-help");
    if (help) {
      help.replaceChildren(
        "Your order number is ",
        el("strong", { class: "order-number" }, order.order_id),
        ` (${money(order.total)}). ${state?.info.store_name ?? "The shop"} will write to ${email.trim()} about paying and receiving it.`,
      );
    }
    this.doneDialog.open();
  }
}

/**
 * "Add to session cart" for a product card: "Add another" when the session cart holds it
 * already, disabled when none were left when the card was drawn.
 * @param {LiveProduct} product
 * @param {SessionCart} cart
 */
export function takeButton(product, cart) {
  const held = cart.deps.state()?.cart.get(product.product_id);
  const holding = held?.state === "held";
  const b = button(holding ? "Add another" : "Add to session cart", () => cart.take(product), {
    primary: !holding,
    small: true,
    attrs: { "data-focus-key": `take-${product.product_id}` },
  });
  b.disabled = !holding && product.available <= 0;
  return b;
}

/**
 * Whether the session cart holds this product now.
 * @param {LiveProduct} product
 * @param {SessionState | null} state
 */
export const holds = (product, state) => state?.cart.get(product.product_id)?.state === "held";

/**
 * The line under a product's price: in the session cart, or how many are left.
 * @param {LiveProduct} product
 * @param {SessionState | null} state
 */
export function stockLine(product, state) {
  const held = state?.cart.get(product.product_id);
  return held?.state === "held" ? `In your session cart (${held.qty})` : availability(product.available);
}
