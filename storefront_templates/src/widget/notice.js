// The page's one notice: a polite live region at the bottom of the window for what concerns the
// whole page (connected, no longer connected, confirm in the CartStart window), said once, not
// once per product. It overlays the page, so nothing moves when it speaks.

/** @typedef {{say: (message: string, ms?: number) => void, clear: () => void}} Notice */

/** @returns {Notice} */
export function pageNotice() {
  /** @type {HTMLElement | null} */
  let region = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const clear = () => {
    clearTimeout(timer);
    if (region) region.textContent = "";
  };
  return {
    say(message, ms = 8000) {
      if (!region) {
        region = document.querySelector(".cartstart-notice") ?? document.createElement("div");
        region.className = "cartstart-notice";
        region.setAttribute("role", "status");
        region.setAttribute("aria-live", "polite");
        if (!region.isConnected) document.body.append(region);
      }
      clearTimeout(timer);
      region.textContent = message;
      if (ms > 0) timer = setTimeout(clear, ms);
    },
    clear,
  };
}
