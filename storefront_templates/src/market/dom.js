// The marketplace's DOM helpers: the hub pages' shared ones (shared/dom.js), and its notice.

import { byId } from "../shared/dom.js";

export { button, byId, el, keepingFocus, safeUrl } from "../shared/dom.js";

/** Says `message` in the polite notice at the bottom of the page for a few seconds. @param {string} message */
export function notify(message) {
  const notice = byId("notice", HTMLElement);
  notice.textContent = message;
  clearTimeout(Number(notice.dataset.timer));
  notice.dataset.timer = String(setTimeout(() => (notice.textContent = ""), 6000));
}
