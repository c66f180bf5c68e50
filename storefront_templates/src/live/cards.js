// A product as the live page shows it (the counter, the gallery, the boards, the session cart):
// its picture (or a tile with its initial when it has none or it fails to load), its name
// (a link to the shop's own page when it has a safe one), price and availability, and the
// buttons the caller gives. Names are text, always.

import { el, money, safeUrl } from "./dom.js";

/** @typedef {import("./types").LiveProduct} LiveProduct */

/**
 * "3 available", "Only 1 left", "Sold out".
 * @param {number} available
 */
export function availability(available) {
  if (available <= 0) return "Sold out";
  return available === 1 ? "Only 1 left" : `${available} available`;
}

/**
 * The picture of a product or widget, or its tile.
 * @param {string | null} src
 * @param {string} name
 * @param {URL} hub
 */
export function picture(src, name, hub) {
  const safe = safeUrl(src, hub);
  const tile = el("div", { class: "tile", "aria-hidden": "true" }, (name.trim()[0] ?? "?").toUpperCase());
  if (!safe) return tile;
  const img = el("img", { src: safe, alt: "", loading: "lazy", decoding: "async", referrerpolicy: "no-referrer" });
  img.addEventListener("error", () => img.replaceWith(tile));
  return img;
}

/**
 * @typedef {Object} CardOptions
 * @property {Node[]} [actions] buttons under the card
 * @property {string} [badge] a word over the picture ("Shown 14:05", "Waiting for approval")
 * @property {string | null} [stock] the line under the price (default: how many are left; null:
 *   none)
 * @property {string} [key] `data-key` (the card's product or widget id)
 * @property {boolean} [held] the session cart holds it (the card says so in its colour)
 */

/**
 * @param {LiveProduct} product
 * @param {URL} hub
 * @param {CardOptions} [options]
 */
export function productCard(product, hub, { actions = [], badge, stock, key, held = false } = {}) {
  const page = safeUrl(product.page_url, hub);
  const name = page
    ? el("a", { href: page, target: "_blank", rel: "noopener noreferrer" }, product.name)
    : product.name;
  const state = held ? "held" : product.available <= 0 ? "sold" : product.available === 1 ? "last" : "available";
  return el(
    "article",
    { class: "card product", "data-key": key ?? product.product_id, "data-state": state },
    el("div", { class: "picture" }, picture(product.image_url, product.name, hub), badge ? el("span", { class: "badge" }, badge) : null),
    el(
      "div",
      { class: "card-body" },
      el("h3", { class: "name" }, name),
      el("p", { class: "price" }, money(product.price)),
      stock === null ? null : el("p", { class: "availability" }, stock ?? availability(product.available)),
      actions.length ? el("div", { class: "card-actions" }, ...actions) : null,
    ),
  );
}

/**
 * A list's items, or its empty state (a sentence saying what to do) when there are none.
 * @param {HTMLElement} list
 * @param {Node[]} items
 * @param {HTMLElement} empty
 */
export function fill(list, items, empty) {
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
  empty.hidden = items.length > 0;
}
