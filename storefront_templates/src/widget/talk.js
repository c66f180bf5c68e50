// "Talk to us" (docs/storefront.md): shown while one of the store's agents is available, hidden
// again at once when none is (the hub's `talk`, no reload), and always while this site keeps a
// conversation with the store. Into the page's own `[data-cartstart-talk]` elements when it has
// some, else one link floating at the window's corner. A click opens the talk panel on this page
// (static/talk.js, loaded with import() the first time: the widget stays small); the link's
// address is the store's hosted live page, for a middle click or a new tab.
//
// Busy status: when every product of the page that has agents is busy (each of its agents is in
// a call: the hub's `talk_products`), the entry (and the panel, once loaded) says "Ana is on
// another call" before the visitor asks. The entry still works: they can write, and any agent of
// the store answers (a call asked for rings every console, as before).

import { keptLink, wasOpen } from "../shared/talk-keys.js";

/** @typedef {import("../shared/protocol").Talk} Talk */
/** @typedef {import("./texts.js").Translate} Translate */
/** @typedef {import("../shared/protocol").TalkOffer} TalkOffer */
/** @typedef {import("../shared/protocol").TalkProducts} TalkProducts */
/** @typedef {{open: (opener?: HTMLElement | null) => void, resume: (openNow: boolean) => void, offered: (link: string, agentName: string) => void, busy?: (words: string) => void}} Panel */

/**
 * @param {URL} hub
 * @param {string} storeId
 * @param {Translate} text
 * @param {(message: string) => void} say the page's notice
 * @returns {{show: (talk: Talk) => void, offer: (offer: TalkOffer) => void, busy: (busy: TalkProducts) => void}}
 *   `show` shows or hides the entry (older versions are ignored); `offer`: an agent wrote first,
 *   so the panel opens on their conversation; `busy`: the page's products' agents in a call
 */
export function talkEntry(hub, storeId, text, say) {
  let version = -1;
  let busyVersion = -1;
  let busyWords = "";
  /** @type {HTMLElement | null} one polite live region, so screen readers hear the change */
  let announcer = null;
  /** @type {HTMLElement[]} */
  let places = [];
  /** @type {Promise<Panel> | null} */
  let loading = null;
  const panel = () => {
    if (!loading) {
      const url = new URL("static/talk.js", hub).href;
      loading = import(/* webpackIgnore: true */ url).then((m) => {
        const made = /** @type {Panel} */ (m.talkPanel({ hub, storeId, entries: places }));
        made.busy?.(busyWords);
        return made;
      });
      loading.catch(() => (loading = null)); // asked again on the next click
    }
    return loading;
  };
  /** @param {MouseEvent} event @param {HTMLElement} a */
  const clicked = (event, a) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab: the hosted page
    event.preventDefault();
    panel().then(
      (p) => p.open(a),
      () => say(text("talkFailed")),
    );
  };
  const ensure = () => {
    if (places.length === 0) places = build(new URL(`live/${encodeURIComponent(storeId)}`, hub), text, clicked);
  };
  const showBusy = () => {
    ensure();
    // Said before the visitor asks: a page already in a conversation with the store (perhaps
    // the very call that makes Ana busy) is not told.
    const words = keptLink(storeId) !== null ? "" : busyWords;
    for (const place of places) {
      const line = place.querySelector(".cartstart-talk-busy");
      if (!line) continue;
      line.textContent = words;
      /** @type {HTMLElement} */ (line).hidden = !words;
    }
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "cartstart-hidden";
      announcer.setAttribute("aria-live", "polite");
      document.body.append(announcer);
    }
    announcer.textContent = words;
    loading?.then((p) => p.busy?.(busyWords), () => {});
  };
  const show = (/** @type {Talk | null} */ talk) => {
    ensure();
    const kept = keptLink(storeId) !== null;
    for (const place of places) place.hidden = !(kept || (talk?.enabled && talk.available));
  };
  // A conversation kept on this site: the panel follows it now (unread counts, the store's
  // pushes), open if it was open on the page before.
  if (keptLink(storeId) !== null) {
    show(null);
    panel().then((p) => p.resume(wasOpen(storeId)), () => {});
  }
  return {
    show(talk) {
      if (talk.version < version) return;
      version = talk.version;
      show(talk);
    },
    busy(busy) {
      if (busy.store_id !== storeId || busy.version < busyVersion) return;
      busyVersion = busy.version;
      const words = busyText(busy, text);
      if (words === busyWords) return;
      busyWords = words;
      showBusy();
    },
    offer(offer) {
      if (offer.store_id !== storeId) return;
      show(null); // the entry stays while the conversation is kept
      panel().then(
        (p) => p.offered(offer.link, offer.agent_name),
        () => say(text("talkFailed")),
      );
    },
  };
}

/**
 * @param {URL} url the store's hosted live page
 * @param {Translate} text
 * @param {(event: MouseEvent, a: HTMLElement) => void} clicked
 */
function build(url, text, clicked) {
  /** @type {HTMLElement[]} */
  const places = Array.from(document.querySelectorAll("[data-cartstart-talk]"));
  if (places.length === 0) {
    const floating = document.createElement("a");
    floating.className = "cartstart-talk-floating";
    floating.hidden = true;
    document.body.append(floating);
    places.push(floating);
  }
  for (const place of places) {
    const a = place instanceof HTMLAnchorElement ? place : place.appendChild(document.createElement("a"));
    a.classList.add("cartstart-talk");
    a.href = url.href;
    if (!a.textContent?.trim()) a.textContent = text("talk");
    const line = document.createElement("span"); // "Ana is on another call": text only
    line.className = "cartstart-talk-busy";
    line.hidden = true;
    a.append(line);
    a.addEventListener("click", (event) => clicked(event, a));
  }
  return places;
}

/**
 * "Ana is on another call" when every product of the page that has agents is busy; "" otherwise.
 * @param {TalkProducts} busy
 * @param {Translate} text
 */
export function busyText(busy, text) {
  const states = Object.values(busy.products);
  if (states.length === 0 || states.some((s) => s !== "busy")) return "";
  const names = [...new Set(Object.values(busy.busy_with).flat())];
  if (names.length === 0) return "";
  const last = names.pop();
  const listed = names.length ? `${names.join(", ")} ${text("and")} ${last}` : String(last);
  return text(names.length ? "talkBusyMany" : "talkBusyOne", { names: listed });
}
