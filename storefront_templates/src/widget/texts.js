// Every word the widget shows, in English, and the shop's own words (any language) from
// <script type="application/json" id="cartstart-text">. The Python templates render the first
// two (storefront_templates.DEFAULT_TEXTS) before the widget runs; a test keeps them equal.

export const TEXT = {
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

/** @typedef {keyof typeof TEXT} TextKey */
/** @typedef {(key: TextKey, values?: Record<string, string | number>) => string} Translate */

/**
 * The shop's words: the JSON object in #cartstart-text, or none.
 * @param {Document} doc
 * @returns {Record<string, unknown>}
 */
export function customTexts(doc) {
  const el = doc.getElementById("cartstart-text");
  if (!el) return {};
  try {
    const parsed = JSON.parse(el.textContent ?? "");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  console.warn("cartstart: #cartstart-text is not a valid JSON object; using the default texts");
  return {};
}

/**
 * `text(key, {n: 3})`: the shop's word for `key` (or the default), with {n}, {qty}... filled in.
 * @param {Record<string, unknown>} custom
 * @returns {Translate}
 */
export function translator(custom) {
  return (key, values = {}) => {
    const own = custom[key];
    const template = typeof own === "string" ? own : TEXT[key];
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  };
}
