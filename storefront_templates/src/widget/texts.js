// Every word the widget shows, in English, and the shop's own words (any language) from
// <script type="application/json" id="cartstart-text">. The Python templates render a few of them
// (storefront_templates.DEFAULT_TEXTS) before the widget runs; a test keeps them equal.

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
  failed: "Could not add: {reason}",
  connect: "Connect to my cart",
  connectTitle: "Connect this page to your CartStart cart",
  connectHelp: "In your CartStart cart, choose “Connect a browser…” and type the code it shows.",
  connectLabel: "Code from your cart",
  connectSubmit: "Connect",
  connectCancel: "Cancel",
  connectWaiting: "Confirm in the CartStart window to connect this page to your cart.",
  connected: "This page is now connected to your cart.",
  disconnected: "This page is no longer connected to your cart.",
  live: "Shop live with us",
  talk: "Talk to us",
  newTab: "(opens in a new tab)",
  presenceNotice: "This shop's staff can see which of its pages you are on, to help you.",
  presenceOk: "OK",
  forgetMe: "Forget me",
  forgetConfirm: "Forget your visits? This shop's staff will no longer see you on its pages, and what was kept of your visits is deleted.",
  forgetKeep: "Keep",
  forgotten: "Done: this shop no longer keeps your visits, and its staff no longer see you.",
  forgetFailed: "Could not forget your visits: {reason}",
  talkFailed: "The chat could not be opened. Check your connection and try again.",
  talkBusyOne: "{names} is on another call",
  talkBusyMany: "{names} are on other calls",
  and: "and",
  personalise: "Personalise",
  personaliseFailed: "The form could not be opened. Check your connection and try again.",
};

// The keys these words had before "connect" replaced "pair" and "link": a shop's translation
// under the old key still counts.
/** @type {Record<string, string>} */
const FORMERLY = {
  connect: "linkPrompt",
  connectTitle: "pairTitle",
  connectHelp: "pairHelp",
  connectLabel: "pairLabel",
  connectSubmit: "pairSubmit",
  connectCancel: "pairCancel",
  connected: "pairDone",
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
    const own = custom[key] ?? custom[FORMERLY[key]];
    const template = typeof own === "string" ? own : TEXT[key];
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  };
}
