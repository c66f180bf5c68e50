// The store's customers, from its orders: search, CSV export, and an email to those listed.

import { byId, fill, row } from "./dom.js";
import { store } from "./store.js";
import { sentence } from "../shared/style.js";

/** @type {Map<string, string>} product id -> name */
export const names = new Map();

function query() {
  const params = new URLSearchParams();
  const q = byId("customer-q", HTMLInputElement).value;
  const product = byId("customer-product", HTMLSelectElement).value;
  if (q) params.set("q", q);
  if (product) params.set("product", product);
  return params;
}

export async function loadCustomers() {
  const params = query();
  /** @type {{name: string, email: string, orders: number, products: Record<string, number>, tags: Record<string, number>}[]} */
  const customers = await store.call(`/customers?${params}`);
  /**
   * @param {Record<string, number>} counts
   * @param {(k: string) => string} label
   */
  const list = (counts, label) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${label(k)} (${n})`).join(", ");
  const rows = customers.map((c) => row([c.name, c.email, c.orders, list(c.products, (id) => names.get(id) ?? id), list(c.tags, (t) => t)]));
  const empty = byId("customers-empty", HTMLElement);
  empty.textContent = params.toString()
    ? "No customer matches this search. Try another name, email or product, or clear the search."
    : "No customers yet. A shopper becomes a customer here with their first order: what they bought, and the tags of it.";
  fill(byId("customers", HTMLTableSectionElement), rows, empty);
  byId("customer-email", HTMLFormElement).hidden = rows.length === 0;
  byId("customer-csv", HTMLButtonElement).disabled = rows.length === 0;
}

byId("customer-search", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  loadCustomers();
});

byId("customer-csv", HTMLButtonElement).addEventListener("click", async () => {
  const response = await store.fetch(`/customers.csv?${query()}`, "text/csv");
  const link = document.createElement("a");
  link.download = `customers-${byId("customer-product", HTMLSelectElement).value || "all"}.csv`;
  link.href = URL.createObjectURL(await response.blob());
  link.click();
  URL.revokeObjectURL(link.href);
});

byId("customer-email", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const params = query();
  const result = byId("email-result", HTMLSpanElement);
  try {
    /** @type {{sent: number}} */
    const sent = await store.call("/customers/email", {
      method: "POST",
      body: {
        subject: byId("email-subject", HTMLInputElement).value,
        body: byId("email-body", HTMLTextAreaElement).value,
        q: params.get("q") ?? "",
        product_id: params.get("product"),
      },
    });
    result.textContent = `Sent to ${sent.sent} ${sent.sent === 1 ? "customer" : "customers"}.`;
  } catch (error) {
    result.textContent = sentence(error instanceof Error ? error.message : String(error));
  }
});
