// The counter: the products the seller presented in this session, newest first, each with
// "Add to session cart". Beside it in the page: the place kept for the call (#live-call) and
// the chat.

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
  }

  render() {
    const state = this.state();
    if (!state) return;
    const cards = state.counter.map((shown, i) => {
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
