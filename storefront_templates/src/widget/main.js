// CartStart storefront widget: live availability and "Add to cart" for products on any page.
//
//   <script type="module" src="https://HUB/static/cartstart.js"></script>
//   <div data-cartstart-store="STORE_ID" data-cartstart-product="PRODUCT_ID">...</div>
//   (or <cartstart-product store="STORE_ID" product="PRODUCT_ID"></cartstart-product>)
//
// The entry point: it owns the page's state (its products, whether the hub answers, whether the
// page is connected to a cart) and wires the transport, the rendering, connecting (the hub's
// connect window, or a code) and the page's one notice together. Built into ONE file,
// static/cartstart.js (`make js`). Everything the widget writes into the page goes through
// textContent, never innerHTML, so product names and hub messages are always plain text.
// docs/storefront.md is the shop owner's guide; docs/protocol.md section 7 the protocol.

import { commandId } from "../shared/commands.js";
import { request } from "../shared/http.js";
import { connector } from "./connect.js";
import { link, takeTokenFromFragment } from "./link.js";
import { pageNotice } from "./notice.js";
import { personaliseEntry } from "./personalise.js";
import { presence } from "./presence.js";
import { PRODUCT_SELECTOR, Products, refOf } from "./products.js";
import { controlsOf as controlsWith, render, renderLiveEntry, renderOne, stateOf } from "./render.js";
import { addWidgetStyle } from "./style.js";
import { talkEntry } from "./talk.js";
import { customTexts, translator } from "./texts.js";
import { PageTransport } from "./transport.js";

/** @typedef {import("./products.js").Entry} Entry */
/** @typedef {import("./render.js").PageStatus} PageStatus */
/** @typedef {import("../shared/protocol").ProductRef} ProductRef */

const HUB = new URL("../", import.meta.url); // the widget is served at <hub>/static/

const CONNECT_SELECTOR = "button.cartstart-connect";

const text = translator(customTexts(document));
const products = new Products();
const notice = pageNotice();
/** @type {PageStatus} */
const status = { connected: null, refusal: null };
let linked = false;
/** @type {((talk: import("../shared/protocol").Talk) => void) | null} */
let showTalk = null;
/** @type {((offer: import("../shared/protocol").TalkOffer) => void) | null} */
let offerTalk = null;
/** @type {((busy: import("../shared/protocol").TalkProducts) => void) | null} */
let busyTalk = null;
/** @type {((enabled: boolean) => void) | null} */
let reportPresence = null;

export { refOf };

/**
 * The controls inside a product element; made when the page did not render them.
 * @param {Element} el
 */
export const controlsOf = (el) => controlsWith(el, text);

/** @param {Entry} entry */
const show = (entry) => {
  render(entry, status, text);
  personalise.render(entry);
};

function renderAll() {
  for (const entry of products.all()) show(entry);
  document.documentElement.toggleAttribute("data-cartstart-linked", linked);
  // "Connect to my cart" buttons show while the page could connect and is not connected.
  const offer = status.connected === true && !status.refusal && !linked;
  for (const button of document.querySelectorAll(CONNECT_SELECTOR)) {
    if (button instanceof HTMLElement) button.hidden = !offer;
  }
}

/** @param {boolean} value */
function setConnected(value) {
  if (status.connected !== value) {
    status.connected = value;
    renderAll();
  }
}

function dropLink() {
  link.drop();
  linked = false;
}

// "Personalise" on a held product with a form (its dialog loads on first use).
const personalise = personaliseEntry(HUB, link, text, (message) => notice.say(message), () => {
  dropLink();
  notice.say(text("disconnected"));
  renderAll();
});

const transport = new PageTransport(HUB, link, () => products.followed(), {
  connected(isLinked) {
    const changed = linked !== isLinked || status.refusal !== null || status.connected !== true;
    linked = isLinked;
    status.refusal = null;
    status.connected = true;
    if (changed) renderAll();
  },
  unreachable: () => setConnected(false),
  refused(reason) {
    status.refusal = reason;
    renderAll();
  },
  tokenRefused() {
    dropLink();
    notice.say(text("disconnected"));
    renderAll();
  },
  availability(items, complete) {
    for (const item of items) {
      const entry = products.setAvailability(item);
      if (entry) show(entry);
    }
    if (complete) products.markUnknown(items).forEach(show);
  },
  holdings(items, complete) {
    products.setHoldings(items, complete).forEach(show);
  },
  talk(talk) {
    showTalk?.(talk);
    reportPresence?.(talk.enabled);
  },
  talkOffer(offer) {
    offerTalk?.(offer);
  },
  talkProducts(busy) {
    busyTalk?.(busy);
  },
});

const connect = connector(HUB, link, text, notice, () => {
  linked = true; // the hub confirms it on the fresh hello (or the next poll)
  notice.say(text("connected"));
  renderAll();
  transport.reconnect();
});

function pageUrl() {
  return /^https?:/.test(location.protocol) ? location.href.split("#")[0] : null;
}

/**
 * @param {Entry} entry
 * @param {string} message
 */
function note(entry, message) {
  entry.note = { text: message, state: stateOf(entry, status, text) };
}

/**
 * @param {Entry} entry
 * @param {Element} el the element whose button was pressed
 */
async function addToCart(entry, el) {
  if (!link.token) {
    connect(entry.ref.store_id, () => addToCart(entry, el));
    return;
  }
  const { button } = controlsOf(el);
  entry.busy = true;
  button.disabled = true;
  button.textContent = text("adding");
  /** @type {{type: "add_to_cart", id: string, store_id: string, product_id: string, qty: number, page_url?: string}} */
  const command = { type: "add_to_cart", id: commandId("w-"), ...entry.ref, qty: 1 };
  const url = pageUrl();
  if (url) command.page_url = url;
  try {
    const result = await transport.command(command);
    entry.held = result.qty ?? entry.held;
    note(entry, text("added"));
  } catch (error) {
    const { code, message } = /** @type {{code?: string, message?: string}} */ (error);
    note(entry, text("failed", { reason: message ?? String(error) }));
    if (code === "unauthorized") {
      dropLink();
      renderAll();
      connect(entry.ref.store_id, () => addToCart(entry, el));
    }
  } finally {
    entry.busy = false;
    show(entry);
  }
}

/** The page's "Connect to my cart" button: for its store, or the store of the first product. */
function connectFromButton(/** @type {Element} */ button) {
  const first = products.all().next().value;
  const storeId = button.getAttribute("data-cartstart-store") || first?.ref.store_id;
  if (storeId && !link.token) connect(storeId);
}

// ---- finding products in the page (now and later) ------------------------------------------

/** @type {WeakSet<Element>} */
const connectButtons = new WeakSet();

/**
 * Takes in the product elements and connect buttons in `root` (itself included); returns the products new to the page.
 * @param {Node} root
 * @returns {ProductRef[]}
 */
function scan(root) {
  if (!(root instanceof Element || root instanceof Document)) return [];
  for (const button of root.querySelectorAll(CONNECT_SELECTOR)) {
    if (connectButtons.has(button)) continue;
    connectButtons.add(button);
    button.addEventListener("click", () => connectFromButton(button));
  }
  const found = Array.from(root.querySelectorAll(PRODUCT_SELECTOR));
  if (root instanceof Element && root.matches(PRODUCT_SELECTOR)) found.unshift(root);
  /** @type {ProductRef[]} */
  const added = [];
  for (const el of found) {
    const adopted = products.adopt(el);
    if (!adopted) continue;
    const { entry, isNew } = adopted;
    controlsOf(el).button.addEventListener("click", () => addToCart(entry, el));
    renderOne(el, entry, status, text);
    if (isNew) added.push(entry.ref);
  }
  return added;
}

// ---- "Shop live with us" and "Talk to us" -----------------------------------------------

let liveAsked = false;
let talkStore = "";
/** @type {string | null} the products last asked about (none yet) */
let talkAsked = null;

/** The page's products of the talk store, for their busy status: asked again when they change
 * (products added to the page later). */
function watchTalk() {
  if (!talkStore) return;
  const shown = [...new Set([...products.all()].filter((e) => e.ref.store_id === talkStore).map((e) => e.ref.product_id))];
  if (shown.join("\n") === talkAsked) return;
  talkAsked = shown.join("\n");
  transport.watchTalk(talkStore, shown);
}

/** The store of the page (its first product, or a marked element): "Talk to us" follows the
 * hub's `talk`; "Shop live with us" shows when the hub says the store's live page is on
 * (GET /api/live/stores/{id}: 200). Asked once per page. */
async function offerLive() {
  const first = products.all().next().value;
  const marked = document.querySelector(":is([data-cartstart-live],[data-cartstart-talk],button.cartstart-connect)[data-cartstart-store]");
  const storeId = marked?.getAttribute("data-cartstart-store") || first?.ref.store_id;
  if (liveAsked || !storeId) return;
  liveAsked = true;
  const live = new URL(`live/${encodeURIComponent(storeId)}`, HUB);
  ({ show: showTalk, offer: offerTalk, busy: busyTalk } = talkEntry(HUB, storeId, text, (message) => notice.say(message)));
  reportPresence = presence(storeId, { send: (r) => transport.presence(r), forget: (id) => transport.forgetMe(storeId, id) }, notice, text);
  talkStore = storeId;
  watchTalk();
  try {
    await request(HUB, `api/live/stores/${encodeURIComponent(storeId)}`);
    renderLiveEntry(live, text);
  } catch {
    // off, unknown, or the hub cannot be reached: no entry
  }
}

async function main() {
  addWidgetStyle();
  takeTokenFromFragment();
  scan(document);
  offerLive();
  new MutationObserver((mutations) => {
    const added = mutations.flatMap((m) => Array.from(m.addedNodes, scan).flat());
    transport.subscribe(added);
    offerLive();
    if (added.length) watchTalk();
  }).observe(document.body, { childList: true, subtree: true });
  renderAll();
  await transport.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
