// The carts holding the store's products, and a discount code for one of them (a dialog: the
// shopper reads the message).

import { formDialog } from "../shared/dialog.js";
import { button, byId, fill, row } from "./dom.js";
import { since } from "./format.js";
import { store } from "./store.js";

/** @typedef {import("../shared/dialog.js").FormDialog} FormDialog */

let cartRef = "";

const discount = formDialog({
  id: "discount",
  title: "Send a discount code",
  help: "A code for this cart only: single use, for your products, until it expires. It appears in the shopper’s cart at once.",
  fields: [
    { name: "percent", label: "Percent off", type: "number", required: true, min: "1", max: "100", value: "10" },
    { name: "minutes", label: "Valid for (minutes)", type: "number", required: true, min: "1", value: "60" },
    { name: "message", label: "Message to the shopper (optional)", maxLength: 300 },
  ],
  submit: "Send code",
  cancel: "Cancel",
  async onSubmit({ percent, minutes, message }) {
    /** @type {{code: string}} */
    const code = await store.call("/discounts", {
      method: "POST",
      body: { cart_ref: cartRef, percent_off: Number(percent), expires_in_seconds: Number(minutes) * 60, message },
    });
    byId("discount-result", HTMLParagraphElement).textContent = `Sent ${code.code} to cart ${cartRef.slice(0, 8)}: it shows in that shopper’s cart now.`;
    discount.close();
  },
});

export async function loadCarts() {
  /** @type {{cart_ref: string, units: number, items: number, since: number, next_expiry: number}[]} */
  const carts = await store.call("/carts");
  const rows = carts.map((c) => {
    const offer = button("Send discount");
    offer.addEventListener("click", () => {
      cartRef = c.cart_ref;
      discount.open(`Discount code for cart ${c.cart_ref.slice(0, 8)}`);
    });
    const units = `${c.units} ${c.units === 1 ? "unit" : "units"} of ${c.items} ${c.items === 1 ? "product" : "products"}`;
    return row([c.cart_ref.slice(0, 8), units, since(c.since), new Date(c.next_expiry * 1000).toLocaleTimeString(), offer]);
  });
  fill(byId("carts", HTMLTableSectionElement), rows, byId("carts-empty", HTMLElement));
}
