// The store console: a store's live view of its carts, orders and customers, over the store API
// and /ws/store, signed in with the store's API key (kept in sessionStorage: this tab only).
// The entry point of static/console.js: it owns the signed-in store's state. The key is opaque:
// GET /api/store says which store it belongs to. Everything shown goes through textContent.

import { httpJson, request } from "../shared/http.js";
import { byId, el, row } from "./dom.js";
import { followStore } from "./feed.js";
import { FEED_WORDS, money, since } from "./format.js";
import { STEPS, orderSteps } from "./orders.js";

/** @typedef {import("../shared/http.js").RequestOptions} RequestOptions */
/** @typedef {import("../shared/protocol").StoreInfo} StoreInfo */
/** @typedef {import("../shared/protocol").StoreMessage} StoreMessage */
/** @typedef {import("../shared/protocol").Order} Order */

const KEY = "cartstart.console.key";
const HUB = new URL("/", location.href);

/** @type {string | null} */
let key = sessionStorage.getItem(KEY);
let storeId = "";
/** @type {Map<string, string>} product id -> name */
let names = new Map();
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer;

/**
 * A call to this store's REST API (docs/protocol.md section 8).
 * @param {string} path after /api/stores/{id}
 * @param {RequestOptions} [options]
 */
function call(path, options = {}) {
  return httpJson(HUB, `api/stores/${storeId}${path}`, { ...options, token: key });
}

/** @param {string} message */
function toast(message) {
  const box = byId("toast", HTMLDivElement);
  box.textContent = message;
  box.style.display = "block";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.style.display = "none"), 5000);
  document.title = `• ${message} — CartStart console`;
}

/** @param {unknown} error */
const reason = (error) => (error instanceof Error ? error.message : String(error));

// ---- signing in --------------------------------------------------------------------------

/** @param {string} candidate */
async function signIn(candidate) {
  key = candidate.trim();
  /** @type {StoreInfo} */
  const info = await httpJson(HUB, "api/store", { token: key });
  storeId = info.id;
  sessionStorage.setItem(KEY, key);
  byId("store-name", HTMLSpanElement).textContent = `· ${info.name}`;
  byId("signin", HTMLElement).hidden = true;
  byId("console", HTMLElement).hidden = false;
  byId("sign-out", HTMLButtonElement).hidden = false;
  /** @type {{id: string, name: string}[]} */
  const products = await call("/products");
  names = new Map(products.map((p) => [p.id, p.name]));
  const select = byId("customer-product", HTMLSelectElement);
  for (const [id, name] of names) select.append(el("option", name, { value: id }));
  await refresh();
  connect();
}

byId("signin-form", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = byId("signin-error", HTMLParagraphElement);
  error.textContent = "";
  try {
    await signIn(byId("key", HTMLInputElement).value);
  } catch (e) {
    key = null;
    error.textContent = reason(e);
  }
});

byId("sign-out", HTMLButtonElement).addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  location.reload();
});

// ---- live feed over /ws/store -------------------------------------------------------------

function connect() {
  if (!key) return;
  const connection = byId("connection", HTMLSpanElement);
  followStore(HUB, key, {
    live(again) {
      connection.textContent = "live";
      if (again) scheduleRefresh(); // catch up with what happened while the feed was down
    },
    lost: () => (connection.textContent = "reconnecting…"),
    message: onMessage,
  });
}

/** @param {StoreMessage} message */
function onMessage(message) {
  if (message.type === "ticket") {
    const t = message.ticket;
    const what = `${FEED_WORDS[message.change] ?? message.change} ${t.qty} × ${names.get(t.product_id) ?? t.product_id}`;
    const item = el("li", `${new Date().toLocaleTimeString()}  cart ${t.cart_ref.slice(0, 6)} ${what}`, { class: "new" });
    byId("feed", HTMLUListElement).prepend(item);
    setTimeout(() => item.classList.remove("new"), 3000);
    if (message.change === "created" || message.change === "grown") toast(`A shopper ${what}`);
    scheduleRefresh();
  } else if (message.type === "order") {
    if (message.change === "placed") toast(`New order ${message.order.order_id}: ${money(message.order.total)}`);
    scheduleRefresh();
  }
}

function refresh() {
  return Promise.all([loadCarts(), loadOrders(), loadCustomers()]);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150);
}

// ---- carts and discount codes ---------------------------------------------------------------

async function loadCarts() {
  /** @type {{cart_ref: string, units: number, items: number, since: number, next_expiry: number}[]} */
  const carts = await call("/carts");
  byId("carts", HTMLTableSectionElement).replaceChildren(
    ...carts.map((c) => {
      const offer = el("button", "Send discount", { type: "button" });
      offer.addEventListener("click", () => {
        byId("discount-form", HTMLFormElement).hidden = false;
        byId("discount-cart", HTMLElement).textContent = c.cart_ref;
      });
      return row([c.cart_ref.slice(0, 8), `${c.units} (${c.items} products)`, since(c.since),
        new Date(c.next_expiry * 1000).toLocaleTimeString(), offer]);
    }),
  );
}

byId("discount-cancel", HTMLButtonElement).addEventListener("click", () => (byId("discount-form", HTMLFormElement).hidden = true));
byId("discount-form", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = byId("discount-result", HTMLParagraphElement);
  try {
    /** @type {{code: string}} */
    const code = await call("/discounts", {
      method: "POST",
      body: {
        cart_ref: byId("discount-cart", HTMLElement).textContent,
        percent_off: Number(byId("discount-percent", HTMLInputElement).value),
        expires_in_seconds: Number(byId("discount-minutes", HTMLInputElement).value) * 60,
        message: byId("discount-message", HTMLInputElement).value,
      },
    });
    result.textContent = `Sent ${code.code}: it shows in that shopper's cart now.`;
    byId("discount-form", HTMLFormElement).hidden = true;
  } catch (error) {
    result.textContent = reason(error);
  }
});

// ---- orders -----------------------------------------------------------------------------

const takeStep = orderSteps(async (orderId, body) => {
  await call(`/orders/${encodeURIComponent(orderId)}/status`, { method: "POST", body });
  await loadOrders();
});

/**
 * @param {string} orderId
 * @param {string} status
 */
async function moveOrder(orderId, status) {
  const error = byId("orders-error", HTMLParagraphElement);
  error.textContent = "";
  try {
    await takeStep(orderId, status);
  } catch (e) {
    error.textContent = reason(e);
    await loadOrders();
  }
}

async function loadOrders() {
  /** @type {Order[]} */
  const orders = await call("/orders");
  byId("orders", HTMLTableSectionElement).replaceChildren(
    ...orders.map((o) => {
      const buttons = el("span");
      for (const [status, label] of STEPS[o.status] ?? []) {
        const button = el("button", label, { type: "button", "data-order": o.order_id, "data-status": status });
        button.addEventListener("click", () => moveOrder(o.order_id, status));
        buttons.append(button, " ");
      }
      const items = o.lines.map((l) => `${l.qty} × ${l.name}`).join(", ");
      return row([o.order_id, `${o.customer.name} <${o.customer.email}>`, items, money(o.total), o.status, buttons]);
    }),
  );
}

// ---- customers --------------------------------------------------------------------------

function customerQuery() {
  const params = new URLSearchParams();
  const q = byId("customer-q", HTMLInputElement).value;
  const product = byId("customer-product", HTMLSelectElement).value;
  if (q) params.set("q", q);
  if (product) params.set("product", product);
  return params.toString();
}

async function loadCustomers() {
  /** @type {{name: string, email: string, orders: number, products: Record<string, number>, tags: Record<string, number>}[]} */
  const customers = await call(`/customers?${customerQuery()}`);
  /**
   * @param {Record<string, number>} counts
   * @param {(k: string) => string} label
   */
  const list = (counts, label) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${label(k)} (${n})`).join(", ");
  byId("customers", HTMLTableSectionElement).replaceChildren(
    ...customers.map((c) =>
      row([c.name, c.email, c.orders, list(c.products, (id) => names.get(id) ?? id), list(c.tags, (t) => t)]),
    ),
  );
}

byId("customer-search", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  loadCustomers();
});

byId("customer-csv", HTMLButtonElement).addEventListener("click", async () => {
  const response = await request(HUB, `api/stores/${storeId}/customers.csv?${customerQuery()}`, { token: key, accept: "text/csv" });
  const link = el("a", "", { download: `customers-${byId("customer-product", HTMLSelectElement).value || "all"}.csv` });
  link.href = URL.createObjectURL(await response.blob());
  link.click();
  URL.revokeObjectURL(link.href);
});

byId("customer-email", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const params = new URLSearchParams(customerQuery());
  const result = byId("email-result", HTMLSpanElement);
  try {
    /** @type {{sent: number}} */
    const sent = await call("/customers/email", {
      method: "POST",
      body: {
        subject: byId("email-subject", HTMLInputElement).value,
        body: byId("email-body", HTMLTextAreaElement).value,
        q: params.get("q") ?? "",
        product_id: params.get("product"),
      },
    });
    result.textContent = `Sent to ${sent.sent} customer(s).`;
  } catch (error) {
    result.textContent = reason(error);
  }
});

if (key) signIn(key).catch(() => sessionStorage.removeItem(KEY));
