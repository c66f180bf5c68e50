// "Talk to us" (docs/storefront.md): shown only while one of the store's agents is available,
// hidden again at once when none is (the hub's `talk`, no reload). Into the page's own
// `[data-cartstart-talk]` elements when it has some, else one link floating at the window's
// corner. Until the widget has its own chat panel, it opens the store's live page, where the
// visitor starts a chat with the store.

/** @typedef {import("../shared/protocol").Talk} Talk */
/** @typedef {import("./texts.js").Translate} Translate */

/**
 * @param {URL} url the hub's /live/<store_id>
 * @param {Translate} text
 * @returns {(talk: Talk) => void} shows or hides the entry; older versions are ignored
 */
export function talkEntry(url, text) {
  let version = -1;
  /** @type {HTMLElement[]} */
  let places = [];
  return (talk) => {
    if (talk.version < version) return;
    version = talk.version;
    if (places.length === 0) places = build(url, text);
    for (const place of places) place.hidden = !(talk.enabled && talk.available);
  };
}

/**
 * @param {URL} url
 * @param {Translate} text
 */
function build(url, text) {
  /** @type {HTMLElement[]} */
  const places = Array.from(document.querySelectorAll("[data-cartstart-talk]"));
  if (places.length === 0) {
    const floating = document.createElement("a");
    floating.className = "cartstart-talk-floating";
    document.body.append(floating);
    places.push(floating);
  }
  for (const place of places) {
    const a = place instanceof HTMLAnchorElement ? place : place.appendChild(document.createElement("a"));
    a.classList.add("cartstart-talk");
    a.href = url.href;
    a.target = "_blank";
    a.rel = "noopener";
    if (!a.textContent?.trim()) a.textContent = text("talk");
    const hint = document.createElement("span");
    hint.className = "cartstart-hidden";
    hint.textContent = ` ${text("newTab")}`;
    a.append(hint);
  }
  return places;
}
