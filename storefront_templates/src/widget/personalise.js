// "Personalise" (docs/personalise.md, "For shoppers: on a store's page"): on a product held in
// the linked cart whose holding says `personalised`, a button and its progress ("2 of 5 done")
// under the product's controls. The form itself is static/personalise.js, loaded with import()
// the first time such a product shows: pages without one never download it.

/** @typedef {import("./products.js").Entry} Entry */
/** @typedef {import("./texts.js").Translate} Translate */
/** @typedef {import("../shared/protocol").ProductRef} ProductRef */
/** @typedef {{follow: (ref: ProductRef, places: HTMLElement[]) => void, forget: (ref: ProductRef) => void, open: (ref: ProductRef, opener: HTMLElement | null) => void}} Personaliser */

/**
 * @param {URL} hub
 * @param {{readonly token: string | null}} link
 * @param {Translate} text
 * @param {(message: string) => void} say the page's notice
 * @param {() => void} tokenRefused
 */
export function personaliseEntry(hub, link, text, say, tokenRefused) {
  /** @type {Promise<Personaliser> | null} */
  let loading = null;
  /** @type {Set<Entry>} */
  const followed = new Set();
  const chunk = () => {
    if (!loading) {
      const url = new URL("static/personalise.js", hub).href;
      loading = import(/* webpackIgnore: true */ url).then((m) => /** @type {Personaliser} */ (m.personaliser({ hub, link, tokenRefused })));
      loading.catch(() => (loading = null)); // asked again next time
    }
    return loading;
  };
  return {
    /** Show or hide the product's "Personalise" (after every render of the product). @param {Entry} entry */
    render(entry) {
      const on = entry.held > 0 && Boolean(entry.personalised) && Boolean(link.token);
      /** @type {HTMLElement[]} */
      const places = [];
      for (const el of entry.elements) {
        // Made the first time it is needed: other products' markup stays as the templates render it.
        const found = el.querySelector(".cartstart-personalise-entry");
        if (!on && !(found instanceof HTMLElement)) continue;
        const place = found instanceof HTMLElement ? found : made(el, text, (opener) =>
          chunk().then(
            (p) => p.open(entry.ref, opener),
            () => say(text("personaliseFailed")),
          ),
        );
        if (place.hidden === on) place.hidden = !on;
        places.push(place);
      }
      if (on) {
        followed.add(entry);
        chunk().then((p) => p.follow(entry.ref, places), () => {});
      } else if (followed.delete(entry)) {
        loading?.then((p) => p.forget(entry.ref), () => {});
      }
    },
  };
}

/**
 * The product element's "Personalise" box, after its controls.
 * @param {Element} el
 * @param {Translate} text
 * @param {(opener: HTMLElement) => void} open
 * @returns {HTMLElement}
 */
function made(el, text, open) {
  const place = document.createElement("div");
  place.className = "cartstart-personalise-entry";
  place.hidden = true;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cartstart-personalise-open";
  button.textContent = text("personalise");
  button.addEventListener("click", () => open(button));
  const progress = document.createElement("p");
  progress.className = "cartstart-personalise-progress";
  progress.setAttribute("aria-live", "polite");
  place.append(button, progress);
  const controls = el.querySelector(".cartstart-controls");
  (controls ?? el).append(place);
  return place;
}
