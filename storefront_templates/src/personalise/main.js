// The personalise chunk (static/personalise.js, docs/personalise.md "For shoppers: on a store's
// page"). The widget (cartstart.js) loads it with import() when the page shows a product held in
// the linked cart that has a form: cartstart.js stays small for every other page.
//
// Per such product: its draft followed by long-polling (the progress under "Personalise", the
// shop's comments, edits and takeover request), and the form dialog on "Personalise". A page
// showing many personalised products follows the first few live; the others are read once.

import { DraftDialog, progressWords } from "./dialog.js";
import { DraftSession } from "./session.js";
import { addPersonaliseStyle } from "./style.js";
import { words } from "./words.js";

/** @typedef {import("../shared/protocol").ProductRef} ProductRef */
/** @typedef {import("../shared/forms").DraftView} DraftView */

const LIVE_AT_MOST = 3; // long-polls at once: a browser gives a host only 6 connections

/**
 * @typedef {Object} PersonaliseEnv
 * @property {URL} hub
 * @property {{readonly token: string | null}} link
 * @property {() => void} tokenRefused the link token no longer works (the widget drops it)
 */

/**
 * @typedef {Object} Followed
 * @property {DraftSession} session
 * @property {DraftDialog | null} dialog
 * @property {HTMLElement[]} places the product's "Personalise" controls
 */

/** @param {PersonaliseEnv} env */
export function personaliser(env) {
  addPersonaliseStyle();
  const say = words(document);
  /** @type {Map<string, Followed>} */
  const products = new Map();
  const keyOf = (/** @type {ProductRef} */ ref) => `${ref.store_id}\u0000${ref.product_id}`;
  addEventListener("pagehide", () => {
    for (const f of products.values()) f.session.leave();
  });

  /** @param {ProductRef} ref */
  const entry = (ref) => {
    let found = products.get(keyOf(ref));
    if (!found) {
      const session = new DraftSession(env.hub, env.link, ref);
      const made = /** @type {Followed} */ ({ session, dialog: null, places: [] });
      session.listen({
        view: (view) => paint(made, view),
        status: () => {},
        invalid: () => {},
        gone: () => paint(made, null),
        notHeld: () => paint(made, null),
        tokenRefused: env.tokenRefused,
      });
      products.set(keyOf(ref), made);
      found = made;
    }
    return found;
  };

  /** The progress line under "Personalise". @param {Followed} f @param {DraftView | null} view */
  const paint = (f, view) => {
    const asked = view?.shop_editing === "asked" ? ` · ${say("shopAsks")}` : "";
    const line = view ? progressWords(view.progress, say) + asked : "";
    for (const place of f.places) {
      const progress = place.querySelector(".cartstart-personalise-progress");
      if (progress && progress.textContent !== line) progress.textContent = line;
      place.toggleAttribute("data-complete", Boolean(view?.progress.complete));
      place.toggleAttribute("data-asked", Boolean(asked));
    }
  };

  const liveCount = () => [...products.values()].filter((f) => f.session.polling).length;

  return {
    /**
     * The product is held and personalised: show its progress in `places`, following it.
     * @param {ProductRef} ref @param {HTMLElement[]} places
     */
    follow(ref, places) {
      const f = entry(ref);
      f.places = places;
      paint(f, f.session.view);
      if (f.session.polling) return;
      if (liveCount() < LIVE_AT_MOST) void f.session.follow();
      else if (!f.session.view) {
        f.session.load().catch(() => {});
      }
    },
    /** No longer held (or the link went): stop following, unless its dialog is open. @param {ProductRef} ref */
    forget(ref) {
      const f = products.get(keyOf(ref));
      if (!f) return;
      f.places = [];
      if (f.dialog?.isOpen) f.session.refresh(); // it says the item is no longer held
      else f.session.stop();
    },
    /** "Personalise" pressed. @param {ProductRef} ref @param {HTMLElement | null} opener */
    open(ref, opener) {
      const f = entry(ref);
      f.dialog ??= new DraftDialog(f.session, say);
      f.dialog.open(opener);
      void f.session.follow(); // (once: a second call returns at once)
    },
  };
}
