// What the live area draws again and again: products, board widgets, links and times. Every
// word a visitor or a catalogue wrote goes in with textContent; a link is made only from an
// http(s) address (never javascript: or data:), and opens in a new tab without an opener.

import { button, el } from "../dom.js";
import { money } from "../format.js";

/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").Widget} Widget */

/**
 * The address if it is an absolute http(s) one, else null.
 * @param {string | null | undefined} url
 */
export function safeHref(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * An image address the console may show: http(s), or the hub's own uploads (a path).
 * @param {string | null | undefined} url
 */
export function safeImage(url) {
  if (!url) return null;
  if (/^\/api\/live\/uploads\/[A-Za-z0-9_.:-]+$/.test(url)) return url;
  return safeHref(url);
}

/**
 * A link that opens in a new tab, or the text alone when the address is not http(s).
 * @param {string} text
 * @param {string | null | undefined} url
 */
export function outLink(text, url) {
  const href = safeHref(url);
  if (!href) return el("span", text);
  return el("a", text, { href, target: "_blank", rel: "noopener noreferrer nofollow" });
}

/**
 * A product's picture, or a tile of the same size with its name's first letter.
 * @param {string | null | undefined} url
 * @param {string} name
 */
export function thumb(url, name) {
  const letter = () => el("span", (name.trim()[0] ?? "·").toUpperCase(), { class: "thumb none", "aria-hidden": "true" });
  const src = safeImage(url);
  if (!src) return letter();
  const img = el("img", null, { class: "thumb", src, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
  img.addEventListener("error", () => img.replaceWith(letter()));
  return img;
}

/**
 * "MG-1 · 15.00 EUR · 5 available" (what is available is as of when the product was found, so
 * lists that keep a product for long leave it out: `stock` false).
 * @param {LiveProduct} p
 * @param {boolean} [stock]
 */
export function productMeta(p, stock = true) {
  if (!stock) return `${p.code} · ${money(p.price)}`;
  return `${p.code} · ${money(p.price)} · ${p.available > 0 ? `${p.available} available` : "sold out"}`;
}

/**
 * One product as a list item: picture, name, details, and the buttons given.
 * @param {LiveProduct} p
 * @param {HTMLElement[]} actions
 * @param {Record<string, string>} [attrs]
 * @param {string} [meta] the details line (default: code, price and what is available)
 */
export function productItem(p, actions, attrs = {}, meta = productMeta(p)) {
  const li = el("li", null, { "data-product": p.product_id, ...attrs });
  const info = el("div");
  info.append(el("div", p.name, { class: "item-name" }), el("div", meta, { class: "item-meta" }));
  const buttons = el("div", null, { class: "item-actions" });
  buttons.append(...actions);
  li.append(thumb(p.image_url, p.name), info, buttons);
  return li;
}

/** @param {Widget} w */
const WIDGET_KIND = (w) => ({ product: "Product", image: "Picture", link: "Link", note: "Note" })[w.kind];

/**
 * A board widget: its kind, what it holds (as text), who posted it, and the buttons given.
 * @param {Widget} w
 * @param {HTMLElement[]} actions
 * @param {string} [extraClass]
 * @param {boolean} [where] say whether it is public (a session's board holds both kinds)
 */
export function widgetItem(w, actions, extraClass = "", where = false) {
  const li = el("li", null, { "data-widget": w.widget_id, class: extraClass });
  const body = el("div");
  body.append(el("div", WIDGET_KIND(w), { class: "kind" }));
  if (w.kind === "product" && w.product) {
    body.append(el("div", w.product.name, { class: "item-name" }), el("div", productMeta(w.product), { class: "item-meta" }));
  } else if (w.kind === "link") {
    const title = w.title || w.url || "";
    const line = el("div", null, { class: "body" });
    line.append(outLink(title, w.url));
    body.append(line);
    if (w.title && w.url) body.append(el("div", w.url, { class: "who" }));
  } else if (w.kind === "image") {
    if (w.title) body.append(el("div", w.title, { class: "body" }));
    const src = safeImage(w.image_url);
    if (src) body.append(el("img", null, { class: "picture", src, alt: w.title || "Picture shared on the board", loading: "lazy" }));
  }
  if (w.text) body.append(el("div", w.text, { class: "body" }));
  if (w.public && where) body.append(el("div", w.approved ? "On your public board" : "For your public board · waiting for your approval", { class: "who" }));
  body.append(el("div", `${w.author === "store" ? "Posted by you" : "Posted by a visitor"} · ${clock(w.at)}`, { class: "who" }));
  const buttons = el("div", null, { class: "item-actions" });
  buttons.append(...actions);
  li.append(body, buttons);
  return li;
}

/**
 * "14:05" today, else "3 May, 14:05".
 * @param {number} seconds
 */
export function clock(seconds) {
  const at = new Date(seconds * 1000);
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (at.toDateString() === new Date().toDateString()) return time;
  return `${at.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
}

/**
 * "just now", "4 min ago", "2 h ago", "3 days ago".
 * @param {number} seconds
 */
export function ago(seconds) {
  const s = Math.max(0, Date.now() / 1000 - seconds);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const days = Math.floor(s / 86400);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/**
 * A small outlined button with the attributes given.
 * @param {string} label
 * @param {() => void} onClick
 * @param {Record<string, string>} [attrs]
 * @param {boolean} [primary]
 */
export function action(label, onClick, attrs = {}, primary = false) {
  const b = button(label, primary, attrs);
  b.addEventListener("click", onClick);
  return b;
}
