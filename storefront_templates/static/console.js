// The store console: a store's live view of its carts, orders and customers, over the store API
// and /ws/store, signed in with the store's API key (kept in sessionStorage: this tab only).
// Everything shown goes through textContent: names and emails are data, never markup.

const KEY = "cartstart.console.key";
const $ = (id) => document.getElementById(id);
const api = new URL("/", location.href);

let key = sessionStorage.getItem(KEY);
let storeId = null;
let names = new Map(); // product id -> name
let refreshTimer = null;

function storeOf(token) {
  const parts = (token || "").trim().split(".");
  return parts.length === 3 && parts[0] === "csk" ? parts[1] : null;
}

async function call(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(new URL(`api/stores/${storeId}${path}`, api), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const error = (await response.json().catch(() => null))?.error;
    throw new Error(error?.message ?? `HTTP ${response.status}`);
  }
  return raw ? response : response.json();
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell ?? "";
    tr.append(td);
  }
  return tr;
}

function money(m) {
  if (!m) return "";
  const digits = ["JPY", "KRW"].includes(m.currency) ? 0 : 2;
  return `${(m.amount / 10 ** digits).toFixed(digits)} ${m.currency}`;
}

function since(seconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.style.display = "block";
  clearTimeout(box.timer);
  box.timer = setTimeout(() => (box.style.display = "none"), 5000);
  document.title = `• ${text} — CartStart console`;
}

// ---- signing in --------------------------------------------------------------------------

async function signIn(candidate) {
  key = candidate.trim();
  storeId = storeOf(key);
  if (!storeId) throw new Error("That is not a store API key (it starts with csk.)");
  const info = await call("");
  sessionStorage.setItem(KEY, key);
  $("store-name").textContent = `· ${info.name}`;
  $("signin").hidden = true;
  $("console").hidden = false;
  $("sign-out").hidden = false;
  names = new Map((await call("/products")).map((p) => [p.id, p.name]));
  const select = $("customer-product");
  for (const [id, name] of names) select.append(el("option", name, { value: id }));
  await Promise.all([loadCarts(), loadOrders(), loadCustomers()]);
  connect();
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    await signIn($("key").value);
  } catch (error) {
    key = null;
    $("signin-error").textContent = error.message;
  }
});

$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  location.reload();
});

// ---- live feed over /ws/store -------------------------------------------------------------

async function connect() {
  const discovery = await (await fetch(new URL(".well-known/cartstart.json", api))).json();
  const ws = new WebSocket(discovery.channels.store);
  ws.onopen = () => ws.send(JSON.stringify({ type: "hello", versions: [1], token: key }));
  ws.onmessage = (event) => onMessage(JSON.parse(event.data), ws);
  ws.onclose = () => {
    $("connection").textContent = "reconnecting…";
    setTimeout(connect, 2000);
  };
}

const FEED_WORDS = {
  created: "carted",
  grown: "added more of",
  shrunk: "put back some of",
  released: "removed",
  expired: "let the hold expire on",
  revoked: "lost (sold in the shop)",
  renewed: "renewed the hold on",
  purchased: "bought",
};

function onMessage(message, ws) {
  if (message.type === "welcome") {
    $("connection").textContent = "live";
  } else if (message.type === "ticket") {
    const t = message.ticket;
    const what = `${FEED_WORDS[message.change] ?? message.change} ${t.qty} × ${names.get(t.product_id) ?? t.product_id}`;
    const item = el("li", `${new Date().toLocaleTimeString()}  cart ${t.cart_ref.slice(0, 6)} ${what}`, { class: "new" });
    $("feed").prepend(item);
    setTimeout(() => item.classList.remove("new"), 3000);
    if (message.change === "created" || message.change === "grown") toast(`A shopper ${what}`);
    scheduleRefresh();
  } else if (message.type === "order") {
    if (message.change === "placed") toast(`New order ${message.order.order_id}: ${money(message.order.total)}`);
    scheduleRefresh();
  }
  if (message.seq !== undefined) ws.send(JSON.stringify({ type: "ack", seq: message.seq }));
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => Promise.all([loadCarts(), loadOrders(), loadCustomers()]), 150);
}

// ---- carts and discount codes ---------------------------------------------------------------

async function loadCarts() {
  const carts = await call("/carts");
  const body = $("carts");
  body.replaceChildren(
    ...carts.map((c) => {
      const offer = el("button", "Send discount", { type: "button" });
      offer.addEventListener("click", () => {
        $("discount-form").hidden = false;
        $("discount-cart").textContent = c.cart_ref;
      });
      return row([c.cart_ref.slice(0, 8), `${c.units} (${c.items} products)`, since(c.since),
        new Date(c.next_expiry * 1000).toLocaleTimeString(), offer]);
    }),
  );
}

$("discount-cancel").addEventListener("click", () => ($("discount-form").hidden = true));
$("discount-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const code = await call("/discounts", {
      method: "POST",
      body: {
        cart_ref: $("discount-cart").textContent,
        percent_off: Number($("discount-percent").value),
        expires_in_seconds: Number($("discount-minutes").value) * 60,
        message: $("discount-message").value,
      },
    });
    $("discount-result").textContent = `Sent ${code.code}: it shows in that shopper's cart now.`;
    $("discount-form").hidden = true;
  } catch (error) {
    $("discount-result").textContent = error.message;
  }
});

// ---- orders -----------------------------------------------------------------------------

const STEPS = {
  placed: [["confirmed", "Confirm"], ["rejected", "Reject"], ["cancelled", "Cancel"]],
  confirmed: [["dispatched", "Dispatch"], ["cancelled", "Cancel"]],
  dispatched: [["delivered", "Delivered"]],
};

async function loadOrders() {
  const orders = await call("/orders");
  $("orders").replaceChildren(
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

async function moveOrder(orderId, status) {
  const body = { status };
  if (status === "dispatched") {
    body.carrier = prompt("Carrier") || null;
    body.tracking_url = prompt("Tracking link (https://…)") || null;
  }
  if (status === "rejected" || status === "cancelled") {
    body.reason = prompt("Why? The shopper reads this.") || "";
  }
  $("orders-error").textContent = "";
  try {
    await call(`/orders/${encodeURIComponent(orderId)}/status`, { method: "POST", body });
  } catch (error) {
    $("orders-error").textContent = error.message;
  }
  await loadOrders();
}

// ---- customers --------------------------------------------------------------------------

function customerQuery() {
  const params = new URLSearchParams();
  if ($("customer-q").value) params.set("q", $("customer-q").value);
  if ($("customer-product").value) params.set("product", $("customer-product").value);
  return params.toString();
}

async function loadCustomers() {
  const customers = await call(`/customers?${customerQuery()}`);
  const list = (counts, label) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${label(k)} (${n})`).join(", ");
  $("customers").replaceChildren(
    ...customers.map((c) =>
      row([c.name, c.email, c.orders, list(c.products, (id) => names.get(id) ?? id), list(c.tags, (t) => t)]),
    ),
  );
}

$("customer-search").addEventListener("submit", (event) => {
  event.preventDefault();
  loadCustomers();
});

$("customer-csv").addEventListener("click", async () => {
  const response = await call(`/customers.csv?${customerQuery()}`, { raw: true });
  const link = el("a", "", { download: `customers-${$("customer-product").value || "all"}.csv` });
  link.href = URL.createObjectURL(await response.blob());
  link.click();
  URL.revokeObjectURL(link.href);
});

$("customer-email").addEventListener("submit", async (event) => {
  event.preventDefault();
  const params = new URLSearchParams(customerQuery());
  try {
    const result = await call("/customers/email", {
      method: "POST",
      body: {
        subject: $("email-subject").value,
        body: $("email-body").value,
        q: params.get("q") ?? "",
        product_id: params.get("product"),
      },
    });
    $("email-result").textContent = `Sent to ${result.sent} customer(s).`;
  } catch (error) {
    $("email-result").textContent = error.message;
  }
});

if (key) signIn(key).catch(() => sessionStorage.removeItem(KEY));
