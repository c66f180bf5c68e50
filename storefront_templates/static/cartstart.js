// CartStart storefront widget: live availability and "Add to cart" for products on any page.
//
//   <script type="module" src="https://HUB/static/cartstart.js"></script>
//   <div data-cartstart-store="STORE_ID" data-cartstart-product="PRODUCT_ID">...</div>
//   (or <cartstart-product store="STORE_ID" product="PRODUCT_ID"></cartstart-product>)
//
// No dependencies, no build step. Everything the widget writes into the page goes through
// textContent, never innerHTML, so product names and hub messages are always plain text.
// docs/storefront.md is the shop owner's guide; docs/protocol.md section 7 the protocol.

const VERSION = 1;
const HUB = new URL("../", import.meta.url); // the widget is served at <hub>/static/
const TOKEN_KEY = "cartstart.link"; // localStorage is per origin: one link per store site
const HELLO_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 10000;
const POLL_WAIT_S = 25;
const WS_FAILURES_BEFORE_POLLING = 2;

const TEXT = {
  checking: "Checking availability…",
  available: "{n} available",
  lastOne: "Only 1 left",
  sold: "Sold",
  inCart: "In your cart ({qty})",
  inCartMore: "In your cart ({qty}) · {n} more available",
  unknown: "Not available through CartStart",
  offline: "Live stock unavailable: the cart service cannot be reached",
  add: "Add to cart",
  addAnother: "Add another",
  adding: "Adding…",
  added: "Added to your CartStart cart",
  pairTitle: "Link this page to your CartStart cart",
  pairHelp: "In your CartStart cart, choose “Pair a browser…” and type the code it shows.",
  pairLabel: "Pairing code",
  pairSubmit: "Link",
  pairCancel: "Cancel",
  pairDone: "This page is now linked to your cart.",
  notLinked: "Not linked to a cart yet.",
  linkPrompt: "Link to my cart",
  failed: "Could not add: {reason}",
};

// ---- markup: the same structure storefront templates render (see templates/_controls.html) ----

const PRODUCT_SELECTOR = "[data-cartstart-product][data-cartstart-store], cartstart-product[store][product]";

export function refOf(el) {
  const store = el.getAttribute("data-cartstart-store") ?? el.getAttribute("store");
  const product = el.getAttribute("data-cartstart-product") ?? el.getAttribute("product");
  return store && product ? { store_id: store, product_id: product } : null;
}

/** The controls inside a product element; made when the page did not render them. */
export function controlsOf(el) {
  let availability = el.querySelector(".cartstart-availability");
  let button = el.querySelector(".cartstart-add");
  let note = el.querySelector(".cartstart-note");
  if (!availability || !button || !note) {
    const box = document.createElement("div");
    box.className = "cartstart-controls";
    availability = document.createElement("p");
    availability.className = "cartstart-availability";
    availability.setAttribute("role", "status");
    availability.setAttribute("aria-live", "polite");
    availability.textContent = text("checking");
    button = document.createElement("button");
    button.type = "button";
    button.className = "cartstart-add";
    button.disabled = true;
    button.textContent = text("add");
    note = document.createElement("p");
    note.className = "cartstart-note";
    note.setAttribute("aria-live", "polite");
    box.append(availability, button, note);
    el.append(box);
  }
  return { availability, button, note };
}

function text(key, values = {}) {
  const template = customText[key] ?? TEXT[key];
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// Shop owners translate or reword: <script type="application/json" id="cartstart-text">.
const customText = (() => {
  const el = document.getElementById("cartstart-text");
  try {
    return el ? JSON.parse(el.textContent) : {};
  } catch {
    console.warn("cartstart: #cartstart-text is not valid JSON; using the default texts");
    return {};
  }
})();

// ---- the link to a cart: a token from the URL fragment, kept for this site ----------------

function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("cartstart");
  if (!token) return;
  localStorage.setItem(TOKEN_KEY, token);
  params.delete("cartstart");
  const rest = params.toString();
  // The token leaves the address bar (and the history entry): it is a secret.
  history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
}

const link = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    localStorage.setItem(TOKEN_KEY, token);
  },
  drop() {
    localStorage.removeItem(TOKEN_KEY);
  },
};

function commandId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "w-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function pageUrl() {
  return /^https?:/.test(location.protocol) ? location.href.split("#")[0] : null;
}

class CartStartError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function httpJson(path, { method = "GET", body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(new URL(path, HUB), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? { code: "internal", message: `HTTP ${response.status}` };
    throw new CartStartError(error.code, error.message);
  }
  return data;
}

// ---- state per product, and rendering -------------------------------------------------------

const products = new Map(); // "store\u0000product" -> {ref, elements: Set, available, version, held}
let connected = null; // the hub answers (true), cannot be reached (false), not known yet (null)
let refusal = null; // the hub's reason for refusing this page (e.g. an unregistered origin)
let linked = false;

const keyOf = (ref) => `${ref.store_id}\u0000${ref.product_id}`;

function render(entry) {
  for (const el of entry.elements) renderOne(el, entry);
}

function renderOne(el, entry) {
  const { availability, button } = controlsOf(el);
  let state;
  let line;
  if (refusal) {
    state = "refused";
    line = refusal;
  } else if (connected === false) {
    state = "offline";
    line = text("offline");
  } else if (connected === null) {
    state = "loading";
    line = text("checking");
  } else if (entry.available === undefined) {
    state = entry.known === false ? "unknown" : "loading";
    line = text(entry.known === false ? "unknown" : "checking");
  } else if (entry.held > 0) {
    state = "held";
    line = entry.available > 0 ? text("inCartMore", { qty: entry.held, n: entry.available }) : text("inCart", { qty: entry.held });
  } else if (entry.available <= 0) {
    state = "sold";
    line = text("sold");
  } else {
    state = entry.available === 1 ? "last" : "available";
    line = entry.available === 1 ? text("lastOne") : text("available", { n: entry.available });
  }
  el.setAttribute("data-cartstart-state", state);
  if (availability.textContent !== line) availability.textContent = line;
  if (entry.busy) return;
  const canAdd = connected === true && !refusal && entry.available > 0;
  button.disabled = !canAdd;
  button.textContent = state === "sold" ? text("sold") : entry.held > 0 ? text("addAnother") : text("add");
}

function renderAll() {
  for (const entry of products.values()) render(entry);
  document.documentElement.toggleAttribute("data-cartstart-linked", linked);
}

function applyAvailability(item) {
  const entry = products.get(keyOf(item));
  if (!entry || (entry.version !== undefined && item.version < entry.version)) return;
  entry.version = item.version;
  entry.available = item.available;
  entry.known = true;
  render(entry);
}

function applyHoldings(items, complete) {
  // `complete`: the list covers every followed product (a poll answer), so others hold 0.
  const seen = new Set();
  for (const h of items) {
    const entry = products.get(keyOf(h));
    if (!entry) continue;
    seen.add(entry);
    entry.held = h.qty;
    render(entry);
  }
  if (complete) {
    for (const entry of products.values()) {
      if (!seen.has(entry) && entry.held) {
        entry.held = 0;
        render(entry);
      }
    }
  }
}

function setConnected(value) {
  if (connected !== value) {
    connected = value;
    renderAll();
  }
}

// ---- transports: WebSocket first, polling when WebSockets do not get through ---------------

const transport = {
  mode: "connecting", // "websocket" | "polling"
  ws: null,
  pending: new Map(), // command id -> {resolve, reject, timer}
  wsFailures: 0,
  pollAbort: null,
  discovery: null,
};

async function discover() {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 30000)) {
    try {
      transport.discovery = await httpJson(".well-known/cartstart.json");
      return;
    } catch {
      setConnected(false);
      await sleep(delay * (0.5 + Math.random()));
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function refs() {
  return Array.from(products.values(), (e) => e.ref);
}

function openWebSocket() {
  const ws = new WebSocket(transport.discovery.channels.page);
  let welcomed = false;
  const helloTimer = setTimeout(() => ws.close(), HELLO_TIMEOUT_MS);
  ws.onopen = () => ws.send(JSON.stringify({ type: "hello", versions: [VERSION], token: link.token }));
  ws.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "welcome") {
      welcomed = true;
      clearTimeout(helloTimer);
      transport.ws = ws;
      transport.mode = "websocket";
      transport.wsFailures = 0;
      linked = message.linked;
      setConnected(true);
      renderAll();
      subscribe(refs());
    } else {
      onMessage(message);
    }
  };
  ws.onclose = () => {
    clearTimeout(helloTimer);
    if (transport.ws === ws) transport.ws = null;
    for (const [id, waiter] of transport.pending) {
      waiter.reject(new CartStartError("disconnected", "connection lost"));
      transport.pending.delete(id);
    }
    transport.wsFailures = welcomed ? 0 : transport.wsFailures + 1;
    if (!welcomed && transport.wsFailures >= WS_FAILURES_BEFORE_POLLING) {
      transport.mode = "polling";
      poll();
    } else {
      setTimeout(openWebSocket, welcomed ? 500 : 1000 * (0.5 + Math.random()));
    }
  };
}

function subscribe(list) {
  if (list.length === 0) return;
  if (transport.mode === "websocket" && transport.ws) {
    for (let i = 0; i < list.length; i += 1000) {
      transport.ws.send(JSON.stringify({ type: "subscribe", products: list.slice(i, i + 1000) }));
    }
  } else if (transport.mode === "polling" && transport.pollAbort) {
    transport.pollAbort.abort(); // the poll loop starts over with the new products
  }
}

function onMessage(message) {
  switch (message.type) {
    case "availability_snapshot":
      for (const item of message.items) applyAvailability(item);
      markUnknown(message.items);
      break;
    case "availability":
      applyAvailability(message);
      break;
    case "in_cart":
      applyHoldings(message.items, false);
      break;
    case "result":
    case "error": {
      const waiter = message.id && transport.pending.get(message.id);
      if (waiter) {
        transport.pending.delete(message.id);
        clearTimeout(waiter.timer);
        if (message.type === "result") waiter.resolve(message);
        else waiter.reject(new CartStartError(message.code, message.message));
      } else if (message.type === "error" && message.code === "unauthorized") {
        link.drop(); // the hub refused our link token (revoked or expired): offer pairing
        linked = false;
        renderAll();
      }
      break;
    }
  }
}

function markUnknown(items) {
  const answered = new Set(items.map(keyOf));
  for (const [key, entry] of products) {
    if (!answered.has(key) && entry.available === undefined) {
      entry.known = false;
      render(entry);
    }
  }
}

async function poll() {
  let first = true;
  for (let delay = 1000; ; ) {
    const list = Array.from(products.values(), (e) => ({ ...e.ref, version: e.version ?? null }));
    if (list.length === 0) {
      await sleep(1000);
      continue;
    }
    transport.pollAbort = new AbortController();
    try {
      const body = { products: list.slice(0, 1000), wait: first ? 0 : POLL_WAIT_S };
      const token = link.token;
      const headers = { "Content-Type": "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await fetch(new URL("api/page/poll", HUB), {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: transport.pollAbort.signal,
      });
      if (response.status === 401 && token) {
        link.drop();
        linked = false;
        renderAll();
        continue;
      }
      if (response.status === 403) {
        // This site may not use CartStart (its origin is not registered): say why, and
        // check again now and then in case the store registers it.
        refusal = (await response.json().catch(() => null))?.error?.message ?? `HTTP 403`;
        renderAll();
        await sleep(60000);
        continue;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const answer = await response.json();
      refusal = null;
      linked = Boolean(token);
      setConnected(true);
      for (const item of answer.items) applyAvailability(item);
      if (first) markUnknown(answer.items);
      if (answer.in_cart) applyHoldings(answer.in_cart, true);
      first = false;
      delay = 1000;
    } catch (error) {
      if (error.name === "AbortError") {
        first = true; // products were added: fetch their current state at once
        continue;
      }
      setConnected(false);
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 30000);
    }
  }
}

async function sendCommand(command) {
  if (transport.mode === "websocket" && transport.ws) {
    const ws = transport.ws;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        transport.pending.delete(command.id);
        reject(new CartStartError("timeout", "the cart service did not answer in time"));
      }, COMMAND_TIMEOUT_MS);
      transport.pending.set(command.id, { resolve, reject, timer });
      ws.send(JSON.stringify(command));
    });
  }
  return httpJson("api/page/commands", { method: "POST", body: command, token: link.token });
}

async function addToCart(entry, el) {
  if (!link.token) {
    offerPairing(() => addToCart(entry, el));
    return;
  }
  const { button, note } = controlsOf(el);
  entry.busy = true;
  button.disabled = true;
  button.textContent = text("adding");
  const command = { type: "add_to_cart", id: commandId(), ...entry.ref, qty: 1 };
  const url = pageUrl();
  if (url) command.page_url = url;
  try {
    // A retry after a lost connection reuses the id: the hub adds once.
    let result;
    for (let attempt = 0; ; attempt++) {
      try {
        result = await sendCommand(command);
        break;
      } catch (error) {
        if (error.code !== "disconnected" || attempt >= 3) throw error;
        await sleep(500);
      }
    }
    entry.held = result.qty;
    note.textContent = text("added");
  } catch (error) {
    if (error.code === "unauthorized") {
      link.drop();
      linked = false;
      offerPairing(() => addToCart(entry, el));
    }
    note.textContent = text("failed", { reason: error.message });
  } finally {
    entry.busy = false;
    render(entry);
  }
}

// ---- pairing: a short code from the desktop cart links this browser ------------------------

let pairDialog = null;

function offerPairing(then) {
  if (!pairDialog) pairDialog = buildPairDialog();
  pairDialog.then = then;
  pairDialog.error.textContent = "";
  pairDialog.input.value = "";
  pairDialog.dialog.showModal();
  pairDialog.input.focus();
}

function buildPairDialog() {
  const dialog = document.createElement("dialog");
  dialog.className = "cartstart-pair";
  dialog.setAttribute("aria-labelledby", "cartstart-pair-title");
  const form = document.createElement("form");
  form.method = "dialog";
  const title = document.createElement("h2");
  title.id = "cartstart-pair-title";
  title.textContent = text("pairTitle");
  const help = document.createElement("p");
  help.id = "cartstart-pair-help";
  help.textContent = text("pairHelp");
  const label = document.createElement("label");
  label.textContent = text("pairLabel") + " ";
  const input = document.createElement("input");
  input.name = "code";
  input.autocomplete = "off";
  input.required = true;
  input.maxLength = 20;
  input.setAttribute("aria-describedby", "cartstart-pair-help");
  label.append(input);
  const error = document.createElement("p");
  error.className = "cartstart-pair-error";
  error.setAttribute("role", "alert");
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = text("pairSubmit");
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = text("pairCancel");
  cancel.addEventListener("click", () => dialog.close());
  form.append(title, help, label, error, submit, cancel);
  dialog.append(form);
  document.body.append(dialog);
  const state = { dialog, input, error, then: null };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const issued = await httpJson("api/page/pair", {
        method: "POST",
        body: { code: input.value, label: `${location.host} (${navigator.platform || "browser"})`.slice(0, 100) },
      });
      link.set(issued.token);
      dialog.close();
      announce(text("pairDone"));
      reconnect();
      const then = state.then;
      state.then = null;
      if (then) then();
    } catch (e) {
      error.textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  });
  return state;
}

function announce(message) {
  for (const entry of products.values()) {
    for (const el of entry.elements) controlsOf(el).note.textContent = message;
  }
}

function reconnect() {
  // A new link token takes effect on a fresh hello (WebSocket) or the next poll.
  if (transport.ws) transport.ws.close();
  else if (transport.pollAbort) transport.pollAbort.abort();
}

// ---- finding products in the page (now and later) ------------------------------------------

function adopt(el) {
  const ref = refOf(el);
  if (!ref || el.cartstartAdopted) return null;
  el.cartstartAdopted = true;
  const key = keyOf(ref);
  let entry = products.get(key);
  const isNew = !entry;
  if (isNew) {
    entry = { ref, elements: new Set(), held: 0 };
    products.set(key, entry);
  }
  entry.elements.add(el);
  const { button } = controlsOf(el);
  button.addEventListener("click", () => addToCart(entry, el));
  renderOne(el, entry);
  return isNew ? ref : null;
}

function scan(root) {
  const found = [];
  if (root.matches?.(PRODUCT_SELECTOR)) found.push(root);
  found.push(...(root.querySelectorAll?.(PRODUCT_SELECTOR) ?? []));
  return found.map(adopt).filter(Boolean);
}

async function main() {
  takeTokenFromFragment();
  scan(document);
  new MutationObserver((mutations) => {
    const added = mutations.flatMap((m) => Array.from(m.addedNodes, (node) => scan(node)).flat());
    subscribe(added);
  }).observe(document.body, { childList: true, subtree: true });
  renderAll();
  await discover();
  openWebSocket();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
