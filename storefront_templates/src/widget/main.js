// CartStart storefront widget: live availability and "Add to cart" for products on any page.
//
//   <script type="module" src="https://HUB/static/cartstart.js"></script>
//   <div data-cartstart-store="STORE_ID" data-cartstart-product="PRODUCT_ID">...</div>
//   (or <cartstart-product store="STORE_ID" product="PRODUCT_ID"></cartstart-product>)
//
// The entry point: it owns the page's state (its products, whether the hub answers) and wires
// the transport, the rendering and the pairing dialog together. Built into ONE file,
// static/cartstart.js (`make js`). Everything the widget writes into the page goes through
// textContent, never innerHTML, so product names and hub messages are always plain text.
// docs/storefront.md is the shop owner's guide; docs/protocol.md section 7 the protocol.

import { commandId } from "../shared/commands.js";
import { link, takeTokenFromFragment } from "./link.js";
import { pairing } from "./pairing.js";
import { PRODUCT_SELECTOR, Products, refOf } from "./products.js";
import { announce, controlsOf as controlsWith, render, renderOne } from "./render.js";
import { customTexts, translator } from "./texts.js";
import { PageTransport } from "./transport.js";

/** @typedef {import("./products.js").Entry} Entry */
/** @typedef {import("./render.js").PageStatus} PageStatus */
/** @typedef {import("../shared/protocol").ProductRef} ProductRef */

const HUB = new URL("../", import.meta.url); // the widget is served at <hub>/static/

const text = translator(customTexts(document));
const products = new Products();
/** @type {PageStatus} */
const status = { connected: null, refusal: null };
let linked = false;

export { refOf };

/**
 * The controls inside a product element; made when the page did not render them.
 * @param {Element} el
 */
export const controlsOf = (el) => controlsWith(el, text);

/** @param {Entry} entry */
const show = (entry) => render(entry, status, text);

function renderAll() {
  for (const entry of products.all()) show(entry);
  document.documentElement.toggleAttribute("data-cartstart-linked", linked);
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
});

const offerPairing = pairing(HUB, link, text, () => {
  announce(products.all(), text("pairDone"), text);
  transport.reconnect();
});

function pageUrl() {
  return /^https?:/.test(location.protocol) ? location.href.split("#")[0] : null;
}

/**
 * @param {Entry} entry
 * @param {Element} el the element whose button was pressed
 */
async function addToCart(entry, el) {
  if (!link.token) {
    offerPairing(() => addToCart(entry, el));
    return;
  }
  const { button, note } = controlsOf(el);
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
    note.textContent = text("added");
  } catch (error) {
    const { code, message } = /** @type {{code?: string, message?: string}} */ (error);
    if (code === "unauthorized") {
      dropLink();
      offerPairing(() => addToCart(entry, el));
    }
    note.textContent = text("failed", { reason: message ?? String(error) });
  } finally {
    entry.busy = false;
    show(entry);
  }
}

// ---- finding products in the page (now and later) ------------------------------------------

/**
 * Takes in the product elements in `root` (itself included); returns the products new to the page.
 * @param {Node} root
 * @returns {ProductRef[]}
 */
function scan(root) {
  if (!(root instanceof Element || root instanceof Document)) return [];
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

async function main() {
  takeTokenFromFragment();
  scan(document);
  new MutationObserver((mutations) => {
    transport.subscribe(mutations.flatMap((m) => Array.from(m.addedNodes, scan).flat()));
  }).observe(document.body, { childList: true, subtree: true });
  renderAll();
  await transport.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
