// One search result as a card: picture, name, code, firm, price in the display currency (marked
// approximate when converted, with the firm's own price beside it), stock, and what to do with
// it. Store text is set as text only.

import { button, el, safeUrl } from "./dom.js";
import { t } from "./words.js";

/** @typedef {import("./api.js").Result} Result */
/** @typedef {import("./api.js").Shown} Shown */
/** @typedef {import("./api.js").Money} Money */

/** @param {Money} m */
export const moneyText = (m) => m.text ?? `${(m.amount / 100).toFixed(2)} ${m.currency}`;

/**
 * The price as shown: the display currency, "approximate" when converted, and the firm's own.
 * @param {Shown} shown
 * @param {Money} own
 */
export function priceParts(shown, own) {
  const parts = [el("span", { class: "amount" }, moneyText(shown))];
  if (shown.approximate) {
    parts.push(el("span", { class: "approx", title: t("Converted at the hub's exchange rate; the firm charges its own price") }, t("approximate")));
  }
  const price = el("p", { class: "price" }, ...parts);
  const own_ = shown.approximate || shown.currency !== own.currency ? el("p", { class: "meta own-price" }, t("Firm's price: {price}", { price: moneyText(own) })) : null;
  return [price, own_];
}

/**
 * A picture, or the name's first letter on a tile when there is none (or it fails to load).
 * @param {string | null} url
 * @param {string} name
 */
export function picture(url, name) {
  const box = el("div", { class: "picture" });
  const tile = () => el("div", { class: "tile", "aria-hidden": "true" }, (name.trim()[0] ?? "?").toUpperCase());
  const safe = safeUrl(url);
  if (!safe) {
    box.append(tile());
    return box;
  }
  const img = el("img", { src: safe, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
  img.addEventListener("error", () => img.replaceWith(tile()));
  box.append(img);
  return box;
}

/**
 * @typedef {Object} CardActions
 * @property {(result: Result) => void} add puts it into the solution being built
 * @property {((result: Result) => void) | null} wish keeps it on the wishlist (signed in only)
 * @property {(result: Result) => boolean} inSolution
 */

/**
 * @param {Result} result
 * @param {CardActions} actions
 */
export function card(result, actions) {
  const key = `${result.store_id}/${result.product_id}`;
  const title = el("h3", { class: "name" }, result.name);
  const stock = result.in_stock ? el("p", { class: "stock" }, t("In stock")) : el("p", { class: "stock out" }, t("Out of stock"));
  const added = actions.inSolution(result);
  const add = button(added ? t("Add one more") : t("Add to solution"), () => actions.add(result), {
    primary: !added,
    small: true,
    attrs: { "data-focus-key": `add:${key}`, "aria-label": t("Add {name} to the solution", { name: result.name }) },
  });
  const page = safeUrl(result.page_url);
  const link = page ? el("a", { href: page, target: "_blank", rel: "noopener noreferrer" }, t("Firm's page")) : null;
  const wish = actions.wish
    ? button(t("Wishlist"), () => actions.wish?.(result), { small: true, attrs: { "data-focus-key": `wish:${key}`, "aria-label": t("Keep {name} on your wishlist", { name: result.name }) } })
    : null;
  const path = result.path.length ? el("p", { class: "meta path" }, result.path.map((step) => step.name).join(" › ")) : null;
  return el(
    "article",
    { class: "card", "data-key": key },
    picture(result.image_url, result.name),
    el(
      "div",
      { class: "card-body" },
      title,
      result.code ? el("p", { class: "meta code" }, t("Code {code}", { code: result.code })) : null,
      el("p", { class: "meta store" }, result.store_name),
      path,
      ...priceParts(result.shown, result.price),
      stock,
      el("div", { class: "card-actions" }, add, wish, link),
    ),
  );
}
