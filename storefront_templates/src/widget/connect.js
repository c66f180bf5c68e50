// Connecting this page to the shopper's cart (docs/storefront.md, "How shoppers get connected").
// First choice: the hub's connect window (widget/popup.js), where a browser connected once
// connects each shop with one click. When no window can open (a blocker, or the page cut it
// off), this page's own dialog takes the code the cart shows under "Connect a browser…".

import { formDialog } from "../shared/dialog.js";
import { httpJson } from "../shared/http.js";
import { openConnectWindow } from "./popup.js";

/** @typedef {import("./texts.js").Translate} Translate */
/** @typedef {import("./link.js").Link} Link */
/** @typedef {import("./notice.js").Notice} Notice */
/** @typedef {import("../shared/dialog.js").FormDialog} FormDialog */

/**
 * @param {URL} hub
 * @param {Link} link
 * @param {Translate} text
 * @param {Notice} notice
 * @param {() => void} connected called once the page holds its new token
 * @returns {(storeId: string, then?: () => void) => void} connects; `then` runs once connected
 */
export function connector(hub, link, text, notice, connected) {
  /** @type {FormDialog | null} */
  let dialog = null;
  /** @type {(() => void) | undefined} what the page's own dialog continues with */
  let next;
  let attempt = 0; // a newer click makes older windows' answers moot

  /**
   * @param {string} token
   * @param {(() => void) | undefined} then
   */
  function take(token, then) {
    link.set(token);
    connected();
    then?.();
  }

  function withCode() {
    dialog ??= formDialog({
      id: "cartstart-connect-dialog",
      title: text("connectTitle"),
      help: text("connectHelp"),
      fields: [{ name: "code", label: text("connectLabel"), required: true, maxLength: 20 }],
      submit: text("connectSubmit"),
      cancel: text("connectCancel"),
      async onSubmit({ code }) {
        const issued = await httpJson(hub, "api/page/pair", {
          method: "POST",
          body: { code, label: `${location.host} (${navigator.platform || "browser"})`.slice(0, 100) },
        });
        dialog?.close();
        const then = next;
        next = undefined;
        take(issued.token, then);
      },
    });
    dialog.open();
  }

  return (storeId, then) => {
    const mine = ++attempt;
    const waiting = openConnectWindow(hub, storeId);
    if (!waiting) {
      next = then;
      withCode();
      return;
    }
    notice.say(text("connectWaiting"), 0);
    waiting.then(({ token, talked }) => {
      if (mine !== attempt) return;
      notice.clear();
      if (token) {
        take(token, then);
      } else if (!talked) {
        next = then;
        withCode();
      }
    });
  };
}
