// The page's one notice: a polite live region at the bottom of the window for what concerns the
// whole page (connected, no longer connected, confirm in the CartStart window, the presence
// notice), said once, not once per product. It overlays the page, so nothing moves when it
// speaks. `offer` adds real buttons and stays until one is pressed.

/** @typedef {{label: string, run: () => unknown}} Action */
/** @typedef {{say: (message: string, ms?: number) => void, offer: (message: string, actions: Action[]) => void, clear: () => void}} Notice */

/** @returns {Notice} */
export function pageNotice() {
  /** @type {HTMLElement | null} */
  let region = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const clear = () => {
    clearTimeout(timer);
    if (region) region.replaceChildren();
  };
  const place = () => {
    if (!region) {
      region = document.querySelector(".cartstart-notice") ?? document.createElement("div");
      region.className = "cartstart-notice";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      if (!region.isConnected) document.body.append(region);
    }
    clearTimeout(timer);
    return region;
  };
  return {
    say(message, ms = 8000) {
      place().textContent = message;
      if (ms > 0) timer = setTimeout(clear, ms);
    },
    offer(message, actions) {
      const words = document.createElement("span");
      words.textContent = message;
      const buttons = actions.map(({ label, run }) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "cartstart-notice-action";
        b.textContent = label;
        b.addEventListener("click", () => run());
        return b;
      });
      place().replaceChildren(words, ...buttons);
    },
    clear,
  };
}
