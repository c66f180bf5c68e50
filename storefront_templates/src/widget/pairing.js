// Pairing (docs/protocol.md section 7, "Link tokens"): on a page not linked to a cart, the
// shopper types the short code their desktop cart shows; the hub answers with a link token.

import { formDialog } from "../shared/dialog.js";
import { httpJson } from "../shared/http.js";

/** @typedef {import("./texts.js").Translate} Translate */
/** @typedef {import("./link.js").Link} Link */
/** @typedef {import("../shared/dialog.js").FormDialog} FormDialog */

/**
 * @param {URL} hub
 * @param {Link} link
 * @param {Translate} text
 * @param {() => void} paired called once the page holds its new token (the dialog is closed)
 * @returns {(then: () => void) => void} opens the dialog; `then` runs once the page is linked
 */
export function pairing(hub, link, text, paired) {
  /** @type {FormDialog | null} */
  let dialog = null;
  /** @type {(() => void) | null} */
  let next = null;

  function build() {
    const built = formDialog({
      id: "cartstart-pair",
      title: text("pairTitle"),
      help: text("pairHelp"),
      fields: [{ name: "code", label: text("pairLabel"), required: true, maxLength: 20 }],
      submit: text("pairSubmit"),
      cancel: text("pairCancel"),
      async onSubmit({ code }) {
        const issued = await httpJson(hub, "api/page/pair", {
          method: "POST",
          body: { code, label: `${location.host} (${navigator.platform || "browser"})`.slice(0, 100) },
        });
        link.set(issued.token);
        built.close();
        paired();
        const then = next;
        next = null;
        if (then) then();
      },
    });
    return built;
  }

  return (then) => {
    dialog ??= build();
    next = then;
    dialog.open();
  };
}
