// The store console: a store's live view of its carts, orders and customers, over the store API
// and /ws/store, signed in with the store's API key (kept in sessionStorage: this tab only).
// The entry point of static/console.js: signing in and out, the live feed, the orders. The key
// is opaque: GET /api/store says which store it belongs to; a key that stops working (it was
// replaced) brings the sign-in form back, saying so. Everything shown goes through textContent.

import { refocus } from "../shared/dialog.js";
import { CartStartError, httpJson } from "../shared/http.js";
import { DIALOG_CSS, injectStyle, sentence } from "../shared/style.js";
import { loadCarts } from "./carts.js";
import { loadCustomers, names } from "./customers.js";
import { button, byId, el, fill, row } from "./dom.js";
import { catchUpDrafts, loadDrafts, onDraftChanged } from "./drafts.js";
import { followStore } from "./feed.js";
import { loadForms } from "./form-editor.js";
import { FEED_WORDS, money } from "./format.js";
import { startDesk } from "./desk/main.js";
import { startLive } from "./live/main.js";
import { STATUS_WORDS, STEPS, orderSteps } from "./orders.js";
import { loadRequests, onRequest } from "./requests.js";
import { HUB, KEY_GONE, refused, store } from "./store.js";
import { startRatings } from "./ratings.js";
import { startSupport } from "./support.js";
import { startTeam } from "./team.js";

/** @typedef {import("../shared/protocol").StoreInfo} StoreInfo */
/** @typedef {import("../shared/protocol").StoreMessage} StoreMessage */
/** @typedef {import("../shared/protocol").Order} Order */

injectStyle("cartstart-style", DIALOG_CSS);

/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer;

/** @param {string} message */
function toast(message) {
  const box = byId("toast", HTMLDivElement);
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 5000);
  document.title = `• ${message} — CartStart console`;
}

/** @param {unknown} error */
const reason = (error) => sentence(error instanceof Error ? error.message : String(error));

/**
 * The feed's state, in words, in the header.
 * @param {"connecting" | "live" | "reconnecting"} state
 */
function connection(state) {
  const status = byId("connection", HTMLSpanElement);
  status.dataset.state = state;
  status.textContent = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" }[state];
  status.title = state === "live" ? "New carts and orders appear here as they happen" : "Trying to reach the hub again";
}

// ---- signing in --------------------------------------------------------------------------

/** @param {string} candidate */
async function signIn(candidate) {
  const key = candidate.trim();
  /** @type {{store: StoreInfo, agent: {agent_id: string, name: string} | null, role: string, permissions: string[]}} */
  const who = await httpJson(HUB, "api/console/me", { token: key });
  const info = who.store;
  permissions = who.permissions;
  store.id = info.id;
  store.remember(key);
  const person = who.agent ? `${who.agent.name} (${who.role}) · ` : "";
  byId("store-name", HTMLSpanElement).textContent = `· ${person}${info.name}`;
  byId("customers-section", HTMLElement).hidden = !who.permissions.includes("customers");
  byId("requests-section", HTMLElement).hidden = !who.permissions.includes("requests");
  byId("drafts-section", HTMLElement).hidden = !who.permissions.includes("personalise");
  byId("forms-section", HTMLElement).hidden = !who.permissions.includes("forms");
  if (who.permissions.includes("forms")) loadForms();
  byId("tab-settings", HTMLButtonElement).hidden = !who.permissions.includes("live_settings");
  if (who.permissions.includes("manage_agents")) startTeam(who.agent?.agent_id ?? null);
  startRatings(who);
  if (who.permissions.includes("live")) startSupport(who);
  byId("signin", HTMLElement).hidden = true;
  byId("console", HTMLElement).hidden = false;
  byId("sign-out", HTMLButtonElement).hidden = false;
  connection("connecting");
  /** @type {{id: string, name: string}[]} */
  const products = await store.call("/products");
  names.clear();
  for (const p of products) names.set(p.id, p.name);
  const select = byId("customer-product", HTMLSelectElement);
  for (const [id, name] of names) select.append(el("option", name, { value: id }));
  await refresh();
  connect(key);
  /** @type {ReturnType<typeof startLive> | null} */
  let live = null; // the desk first: Live selling reads whether the Workspace tab is shown
  const openSession = (/** @type {string} */ id, /** @type {string} */ label) => live?.openSession(id, label);
  if (who.agent) startDesk({ me: who.agent.agent_id, owner: who.role === "owner", refused, announce: toast, openSession });
  live = startLive({ announce: toast, refused });
}

byId("signin-form", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = byId("signin-error", HTMLParagraphElement);
  error.textContent = "";
  try {
    await signIn(byId("key", HTMLInputElement).value);
  } catch (e) {
    error.textContent = reason(e);
  }
});

/**
 * An agent's sign-in (docs/agents.md): their own email and password, for one store.
 * @param {string} path
 * @param {unknown} body
 */
async function agentSignIn(path, body) {
  /** @type {{token: string}} */
  const issued = await httpJson(HUB, path, { method: "POST", body });
  await signIn(issued.token);
}

byId("agent-form", HTMLFormElement).addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = byId("signin-error", HTMLParagraphElement);
  error.textContent = "";
  const storeId = byId("agent-store", HTMLInputElement).value.trim();
  const email = byId("agent-email", HTMLInputElement).value;
  const password = byId("agent-password", HTMLInputElement).value;
  try {
    await agentSignIn("api/agent-sessions", { store_id: storeId, email, password, label: "Console" });
    localStorage.setItem("cartstart.console.store", storeId);
  } catch (e) {
    error.textContent = reason(e);
  }
});

const invite = new URLSearchParams(location.hash.slice(1)).get("invite");
if (invite) {
  byId("invite", HTMLElement).hidden = false;
  byId("invite-form", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = byId("signin-error", HTMLParagraphElement);
    error.textContent = "";
    try {
      await agentSignIn("api/agent-invites", { code: invite, password: byId("invite-password", HTMLInputElement).value });
      history.replaceState(null, "", location.pathname); // the code works once: forget it
    } catch (e) {
      error.textContent = reason(e);
    }
  });
}
byId("agent-store", HTMLInputElement).value = new URLSearchParams(location.search).get("store") ?? localStorage.getItem("cartstart.console.store") ?? "";

byId("sign-out", HTMLButtonElement).addEventListener("click", () => store.signOut());

// ---- live feed over /ws/store -------------------------------------------------------------

/** @param {string} key */
function connect(key) {
  followStore(HUB, key, {
    live(again) {
      connection("live");
      if (again) scheduleRefresh(); // catch up with what happened while the feed was down
      if (again && permissions.includes("personalise")) catchUpDrafts();
    },
    lost: () => connection("reconnecting"),
    refused,
    message: onMessage,
  });
}

/** @param {StoreMessage} message */
function onMessage(message) {
  if (message.type === "ticket") {
    const t = message.ticket;
    const what = `${FEED_WORDS[message.change] ?? message.change} ${t.qty} × ${names.get(t.product_id) ?? t.product_id}`;
    const item = el("li", null, { class: "new" });
    item.append(el("time", new Date().toLocaleTimeString()), ` A shopper (cart ${t.cart_ref.slice(0, 6)}) ${what}`);
    const feed = byId("feed", HTMLUListElement);
    feed.prepend(item);
    byId("feed-empty", HTMLElement).hidden = true;
    setTimeout(() => item.classList.remove("new"), 3000);
    if (message.change === "created" || message.change === "grown") toast(`A shopper ${what}`);
    scheduleRefresh(); // the personalised items too: a hold came or went
  } else if (message.type === "order") {
    if (message.change === "placed") toast(`New order ${message.order.order_id}: ${money(message.order.total)}`);
    scheduleRefresh();
  } else if (message.type === "request_received" || message.type === "request_updated") {
    onRequest(message.request, message.type === "request_received", toast);
  } else if (message.type === "draft_changed") {
    onDraftChanged(message.draft);
  }
}

/** @type {string[]} what this console's role may do (GET /api/console/me) */
let permissions = [];

function refresh() {
  const customers = permissions.includes("customers") ? loadCustomers() : Promise.resolve();
  const requests = permissions.includes("requests") ? loadRequests() : Promise.resolve();
  const drafts = permissions.includes("personalise") ? loadDrafts() : Promise.resolve();
  return Promise.all([loadCarts(), loadOrders(), customers, requests, drafts]);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150);
}

// ---- orders -----------------------------------------------------------------------------

/**
 * An order's lines, each with its finished customisation (label: the buyer's words, as text).
 * @param {Order} o
 */
function orderItems(o) {
  const list = el("ul", null, { class: "order-lines" });
  for (const line of o.lines) {
    const item = el("li", `${line.qty} × ${line.name}`);
    if (line.customisation?.length) {
      const fields = el("dl", null, { class: "customisation" });
      for (const f of line.customisation) fields.append(el("dt", f.label), el("dd", f.text));
      item.append(fields);
    }
    list.append(item);
  }
  return list;
}

const takeStep = orderSteps(async (orderId, body) => {
  await store.call(`/orders/${encodeURIComponent(orderId)}/status`, { method: "POST", body });
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
  const orders = await store.call("/orders");
  const rows = orders.map((o) => {
    const buttons = el("span", null, { class: "steps" });
    for (const [status, label] of STEPS[o.status] ?? []) {
      const step = button(label, status !== "cancelled" && status !== "rejected", {
        "data-order": o.order_id,
        "data-status": status,
        "data-focus-key": `${o.order_id}:${status}`,
      });
      step.addEventListener("click", () => moveOrder(o.order_id, status));
      buttons.append(step);
    }
    const customer = el("span");
    customer.append(el("span", o.customer.name), el("br"), el("small", o.customer.email));
    const items = orderItems(o);
    const status = el("span", STATUS_WORDS[o.status] ?? o.status, { class: `status status-${o.status}` });
    return row([o.order_id, customer, items, money(o.total), status, buttons]);
  });
  const focused = document.activeElement;
  fill(byId("orders", HTMLTableSectionElement), rows, byId("orders-empty", HTMLElement));
  if (focused && !focused.isConnected) refocus(focused); // redrawn: keep the place
}

const notice = store.takeNotice();
if (notice) byId("signin-error", HTMLParagraphElement).textContent = notice;
if (store.key) {
  // The key this tab signed in with: a refusal now means it was replaced meanwhile.
  signIn(store.key).catch((e) =>
    store.signOut(e instanceof CartStartError && e.status === 401 ? (store.key?.startsWith("csa.") ? e.message : KEY_GONE) : reason(e)),
  );
}
