// The counter: the products the seller presented in this session, newest first, each with
// "Add to session cart". Beside it in the page: the video call (#live-call, call.js) and
// the chat. A product presented while the pointer is over the list waits until the pointer
// leaves it (the page's notice says it came): a card added on top would move the one under the
// pointer, and the click would land on another product.

import { fill, productCard } from "./cards.js";
import { holds, stockLine, takeButton } from "./cart.js";
import { byId, clock, el } from "./dom.js";
import { say } from "./texts.js";

/** @typedef {import("./session.js").SessionState} SessionState */
/** @typedef {import("./cart.js").SessionCart} SessionCart */

export class Counter {
  /**
   * @param {URL} hub
   * @param {() => SessionState | null} state
   * @param {SessionCart} cart
   */
  constructor(hub, state, cart) {
    this.hub = hub;
    this.state = state;
    this.cart = cart;
    this.list = byId("counter-list", HTMLDivElement);
    this.empty = byId("counter-empty", HTMLParagraphElement);
    this.empty.textContent = say("counterEmpty");
    this.drawn = 0; // how many of the presented products the list shows (the oldest ones)
    this.waiting = false;
  }

  /** Everything again (a snapshot): every presented product shows. */
  reset() {
    this.drawn = Number.MAX_SAFE_INTEGER;
    this.render();
  }

  render() {
    const state = this.state();
    if (!state) return;
    if (!this.list.matches(":hover")) this.drawn = state.counter.length;
    else if (this.drawn < state.counter.length && !this.waiting) {
      this.waiting = true;
      this.list.addEventListener("pointerleave", () => ((this.waiting = false), this.render()), { once: true });
    }
    const drawn = state.counter.slice(Math.max(0, state.counter.length - this.drawn));
    const cards = drawn.map((shown, i) => {
      const card = productCard(shown.product, this.hub, {
        actions: [takeButton(shown.product, this.cart)],
        badge: i === 0 ? "New" : undefined,
        stock: stockLine(shown.product, state),
        held: holds(shown.product, state),
        key: `${shown.product.product_id}-${shown.at}`,
      });
      card.querySelector(".price")?.before(el("p", { class: "meta" }, `Shown ${clock(shown.at)}`));
      return card;
    });
    fill(this.list, cards, this.empty);
  }
}
