// "Products Ana handles" (docs/agents.md "Busy status"): the owner picks, from the store's
// catalogue, the products an agent handles. Visitors on those products read "Ana is on another
// call" while every agent of the product is in a call. A dialog of checkboxes in a fieldset
// (its legend names the agent), saved with PUT …/agents/{id}/products. Names are text.

import { formDialog } from "../shared/dialog.js";
import { names } from "./customers.js";
import { button } from "./dom.js";
import { store } from "./store.js";

let editing = { id: "", name: "" };
/** @type {(message: string) => void} */
let said = () => {};

const list = document.createElement("fieldset");
list.className = "agent-products-list";
const legend = document.createElement("legend");
const boxes = document.createElement("div");
list.append(legend, boxes);

const picker = formDialog({
  id: "agent-products",
  title: "Products this agent handles",
  help: "Shoppers on these products' pages read that the agent is on another call while every agent of the product is in one.",
  fields: [],
  submit: "Save",
  cancel: "Cancel",
  async onSubmit() {
    const chosen = Array.from(boxes.querySelectorAll("input:checked"), (box) => /** @type {HTMLInputElement} */ (box).value);
    await store.call(`/agents/${encodeURIComponent(editing.id)}/products`, { method: "PUT", body: { product_ids: chosen } });
    picker.close();
    const n = chosen.length;
    said(n === 0 ? `${editing.name} handles no products now.` : `${editing.name} handles ${n} ${n === 1 ? "product" : "products"} now.`);
  },
});
picker.dialog.querySelector("form")?.insertBefore(list, picker.dialog.querySelector(".agent-products-error"));

/**
 * The row's "Products…" button.
 * @param {{agent_id: string, name: string}} a
 * @param {(message: string) => void} done says what was saved (the panel's status line)
 * @param {(message: string) => void} failed says why it could not open
 */
export function productsButton(a, done, failed) {
  const open = button("Products…", false, { "aria-label": `Products ${a.name} handles` });
  open.addEventListener("click", async () => {
    try {
      /** @type {{product_ids: string[]}} */
      const mine = await store.call(`/agents/${encodeURIComponent(a.agent_id)}/products`);
      editing = { id: a.agent_id, name: a.name };
      said = done;
      legend.textContent = `Products ${a.name} handles`;
      boxes.replaceChildren();
      if (names.size === 0) {
        const empty = document.createElement("p");
        empty.className = "empty";
        empty.textContent = "The catalogue has no products yet: your store's backend adds them.";
        boxes.append(empty);
      }
      for (const [id, name] of names) {
        const box = document.createElement("input");
        box.type = "checkbox";
        box.value = id;
        box.checked = mine.product_ids.includes(id);
        const label = document.createElement("label");
        label.className = "check";
        label.append(box, ` ${name}`);
        boxes.append(label);
      }
      picker.open(`Products ${a.name} handles`);
      /** @type {HTMLElement | null} */ (boxes.querySelector("input"))?.focus();
    } catch (e) {
      failed(e instanceof Error ? e.message : String(e));
    }
  });
  return open;
}
