// What a product element shows: its controls (the same markup the storefront templates render,
// see templates/cartstart/_controls.html), the line of availability in a polite live region,
// the button, and `data-cartstart-state` for the shop's CSS. Everything goes in as textContent.

/** @typedef {import("./products.js").Entry} Entry */
/** @typedef {import("./texts.js").Translate} Translate */

/**
 * @typedef {Object} PageStatus
 * @property {boolean | null} connected the hub answers (true), cannot be reached (false), not known yet (null)
 * @property {string | null} refusal the hub's reason for refusing this page (an unregistered origin)
 */

/**
 * @typedef {Object} Controls
 * @property {HTMLElement} availability
 * @property {HTMLButtonElement} button
 * @property {HTMLElement} note
 */

/**
 * The controls inside a product element; made when the page did not render them.
 * @param {Element} el
 * @param {Translate} text
 * @returns {Controls}
 */
export function controlsOf(el, text) {
  /** @type {HTMLElement | null} */
  let availability = el.querySelector(".cartstart-availability");
  /** @type {HTMLButtonElement | null} */
  let button = el.querySelector(".cartstart-add");
  /** @type {HTMLElement | null} */
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

/**
 * The state and the line of availability for one product.
 * @param {Entry} entry
 * @param {PageStatus} status
 * @param {Translate} text
 * @returns {[state: string, line: string]}
 */
export function describe(entry, status, text) {
  if (status.refusal) return ["refused", status.refusal];
  if (status.connected === false) return ["offline", text("offline")];
  if (status.connected === null) return ["loading", text("checking")];
  if (entry.available === undefined) {
    return entry.known === false ? ["unknown", text("unknown")] : ["loading", text("checking")];
  }
  if (entry.held > 0) {
    return ["held", entry.available > 0 ? text("inCartMore", { qty: entry.held, n: entry.available }) : text("inCart", { qty: entry.held })];
  }
  if (entry.available <= 0) return ["sold", text("sold")];
  return entry.available === 1 ? ["last", text("lastOne")] : ["available", text("available", { n: entry.available })];
}

/**
 * @param {Element} el
 * @param {Entry} entry
 * @param {PageStatus} status
 * @param {Translate} text
 */
export function renderOne(el, entry, status, text) {
  const { availability, button, note } = controlsOf(el, text);
  const [state, line] = describe(entry, status, text);
  el.setAttribute("data-cartstart-state", state);
  // A note holds only while the product stays as it was when it was said (notes of entries).
  if (entry.note && entry.note.state !== state) entry.note = null;
  const said = entry.note?.text ?? "";
  // Written only when they change: a live region announces every write.
  if (availability.textContent !== line) availability.textContent = line;
  if (note.textContent !== said) note.textContent = said;
  if (entry.busy) return;
  const canAdd = status.connected === true && !status.refusal && (entry.available ?? 0) > 0;
  button.disabled = !canAdd;
  button.textContent = state === "sold" ? text("sold") : entry.held > 0 ? text("addAnother") : text("add");
}

/**
 * The state a product is in now (the state its note is kept for).
 * @param {Entry} entry
 * @param {PageStatus} status
 * @param {Translate} text
 */
export const stateOf = (entry, status, text) => describe(entry, status, text)[0];

/**
 * @param {Entry} entry
 * @param {PageStatus} status
 * @param {Translate} text
 */
export function render(entry, status, text) {
  for (const el of entry.elements) renderOne(el, entry, status, text);
}

/**
 * "Shop live with us": the store's Direct Selling Page, in a new tab. Into the page's own
 * `[data-cartstart-live]` elements when it has some (a link there keeps its words), else one
 * link floating at the window's corner (it overlays the page: nothing moves).
 * @param {URL} url the hub's /live/<store_id>
 * @param {Translate} text
 */
export function renderLiveEntry(url, text) {
  /** @type {Element[]} */
  const places = Array.from(document.querySelectorAll("[data-cartstart-live]"));
  if (places.length === 0) {
    const floating = document.createElement("a");
    floating.className = "cartstart-live cartstart-live-floating";
    document.body.append(floating);
    places.push(floating);
  }
  for (const place of places) {
    const a = place instanceof HTMLAnchorElement ? place : place.appendChild(document.createElement("a"));
    a.classList.add("cartstart-live");
    a.href = url.href;
    a.target = "_blank";
    a.rel = "noopener";
    if (!a.textContent?.trim()) a.textContent = text("live");
    const hint = document.createElement("span");
    hint.className = "cartstart-hidden";
    hint.textContent = ` ${text("newTab")}`;
    a.append(hint);
    if (place instanceof HTMLElement) place.hidden = false;
  }
}
