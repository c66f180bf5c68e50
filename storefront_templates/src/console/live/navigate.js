// "Send to page…" (docs/agents.md "Send to page"): for a visitor talking from the store's own
// site, the store sends their page to another page of that site, from a pasted address (the
// styled dialog beside the counter's Present) or a product's own page ("Send to its page" on a
// product found or presented). The hub refuses any other site, in words said where the agent
// acted. Only sessions started from the store's site offer it.

import { formDialog } from "../../shared/dialog.js";
import { byId } from "../dom.js";
import { reasonOf, visitorName } from "./words.js";

/** @typedef {import("./types").SessionInfo} SessionInfo */
/** @typedef {import("./types").LiveProduct} LiveProduct */

/**
 * @typedef {Object} NavigateEnv
 * @property {(command: Record<string, unknown>) => Promise<any>} command
 * @property {() => SessionInfo | null} info the open session
 * @property {(message: string) => void} said the counter's status line
 */

export class SendToPage {
  /** @param {NavigateEnv} env */
  constructor(env) {
    this.env = env;
    this.button = byId("send-to-page", HTMLButtonElement);
    this.dialog = formDialog({
      id: "send-to-page-dialog",
      title: "Send the visitor to a page",
      help: "Paste the address of a page on your site (a product page, a category, your cart page). The visitor's page opens it, and your conversation goes on there.",
      fields: [{ name: "url", label: "Page address", type: "url", required: true, maxLength: 2048, placeholder: "https://" }],
      submit: "Send to page",
      cancel: "Cancel",
      onSubmit: async ({ url }) => {
        await this.send({ url: url.trim() }, true);
        this.dialog.close();
      },
    });
    this.button.addEventListener("click", () => {
      const info = this.env.info();
      const site = info?.page_url ? new URL(info.page_url).origin : "";
      this.dialog.open(`Send ${visitorName(info?.label)} to a page`);
      const input = this.dialog.dialog.querySelector("input");
      if (input && site) input.placeholder = `${site}/…`;
    });
  }

  /** Whether this session's visitor can be sent to a page (it started on the store's site). */
  get offered() {
    return Boolean(this.env.info()?.page_url);
  }

  /** The session (re)opened: the button shows only for visitors on the store's site. */
  draw() {
    this.button.hidden = !this.offered;
  }

  /**
   * @param {{url?: string, product_id?: string}} where
   * @param {boolean} [rethrow] the dialog says the refusal itself
   */
  async send(where, rethrow = false) {
    const name = visitorName(this.env.info()?.label);
    try {
      /** @type {{url?: string | null}} */
      const result = await this.env.command({ type: "navigate", ...where });
      this.env.said(`Sent ${name} to ${result.url ?? "that page"}. Their page opens it now.`);
    } catch (e) {
      if (rethrow) throw new Error(reasonOf(e));
      this.env.said(reasonOf(e));
    }
  }

  /** "Send to its page" for a product with a page (an action beside Present). @param {LiveProduct} p */
  productAction(p) {
    return this.offered && p.page_url ? { label: "Send to its page", run: () => this.send({ product_id: p.product_id }), aria: `Send the visitor to the page of ${p.name}` } : null;
  }
}
