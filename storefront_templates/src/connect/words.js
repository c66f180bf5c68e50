// What the connect window says, in one place: its sentences, and the hub's refusals by code.

import { sentence } from "../shared/style.js";

/** @typedef {import("../shared/http.js").CartStartError} CartStartError */

export const WORDS = {
  ask: "Connect {store} ({origin}) to your cart?",
  explain:
    "That page can then add what you choose to your CartStart cart. It cannot see your cart or anything else, and you can disconnect it in your cart at any time.",
  firstTime:
    "First, connect this browser (you do this once): in your CartStart cart, choose “Connect a browser…” and type the code it shows. After that, shops connect with one click.",
  browserGone:
    "This browser is no longer connected to your cart (it was disconnected in your cart, or it expired). Type a new code from “Connect a browser…” to connect it again.",
  refusedTitle: "This shop cannot connect to your cart",
  standaloneTitle: "Connect this browser to your CartStart cart",
  standaloneHelp:
    "In your CartStart cart, choose “Connect a browser…” and type the code it shows. After that, “Add to cart” on a shop’s page connects that shop with one click.",
  standaloneDone:
    "This browser is connected to your CartStart cart. On a shop’s page, “Add to cart” now connects that shop with one click. You can disconnect this browser in your cart.",
  pageGone: "The shop’s page was closed before it could be connected. Go back to it and try again.",
  unreachable: "The cart service cannot be reached. Check your connection and try again.",
  connected: "Connected. You can close this window.",
};

/**
 * A hub refusal as a sentence for the shopper.
 * @param {unknown} error
 */
export function reason(error) {
  const { code, message } = /** @type {Partial<CartStartError>} */ (error ?? {});
  if (code === "internal" || !message) return WORDS.unreachable;
  return sentence(message);
}
