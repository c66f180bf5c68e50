// The counter: find a product (a search over the catalogue as you type, or a code or product
// page address pasted and presented as it is), present it to the visitor, and the list of what
// was presented, each with "Put in cart" (a real hold for the visitor) and "Show" (the gallery).

import { byId } from "../dom.js";
import { action, outLink, productItem, productMeta } from "./render.js";
import { reasonOf } from "./words.js";

/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").Presented} Presented */

const SEARCH_DELAY_MS = 250;

/**
 * @typedef {Object} CounterContext
 * @property {(command: Record<string, unknown>) => Promise<any>} command
 * @property {(product: LiveProduct) => void} show the gallery shows it to the visitor
 * @property {() => boolean} leading whether the store leads the gallery (may show)
 * @property {(product: LiveProduct) => Promise<void>} pin pin it on the session board
 * @property {(message: string) => void} error
 * @property {(product: LiveProduct) => void} known a product seen (for the gallery's words)
 * @property {(productId: string) => number} held how many the session cart holds
 * @property {(product: LiveProduct) => {label: string, run: () => void, aria: string} | null} pageAction
 *   "Send to its page", for a visitor on the store's site (live/navigate.js)
 */

export class CounterView {
  /** @param {CounterContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.input = byId("find-q", HTMLInputElement);
    this.status = byId("find-status", HTMLParagraphElement);
    this.results = byId("find-results", HTMLUListElement);
    this.list = byId("presented", HTMLUListElement);
    this.empty = byId("presented-empty", HTMLElement);
    /** @type {Presented[]} */
    this.presented = [];
    /** @type {LiveProduct[]} */
    this.found = [];
    this.asked = 0; // answers to older searches are dropped
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(this.input.value), SEARCH_DELAY_MS);
    });
    byId("find-form", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      const wanted = this.input.value.trim();
      if (!wanted) {
        this.status.textContent = "Type a product's name or code first, or paste its page's address.";
        return;
      }
      // One result for what was typed: present that one; else the hub resolves a code or address.
      const only = this.found.length === 1 && !/^https?:/i.test(wanted) ? this.found[0].product_id : wanted;
      this.present(only, wanted);
    });
  }

  clear() {
    this.input.value = "";
    this.found = [];
    this.results.replaceChildren();
    this.status.textContent = "";
  }

  /**
   * The catalogue's products matching `query` (every word, whole or part of a word).
   * @param {string} query
   * @param {boolean} [quiet] no words when nothing is found (a search the visitor led)
   */
  async search(query, quiet = false) {
    const q = query.trim();
    const asked = ++this.asked;
    if (!q || /^https?:\/\//i.test(q)) {
      this.found = [];
      this.results.replaceChildren();
      this.status.textContent = q ? "Press Present to show the product at this address." : "";
      return;
    }
    try {
      /** @type {{items: LiveProduct[]}} */
      const answer = await this.ctx.command({ type: "search", query: q, limit: 8 });
      if (asked !== this.asked) return;
      this.found = answer.items;
      answer.items.forEach(this.ctx.known);
      this.drawResults();
      const n = answer.items.length;
      this.status.textContent = n === 0 ? (quiet ? "" : `Nothing in your catalogue matches “${q}”.`) : `${n} ${n === 1 ? "product matches" : "products match"}.`;
    } catch (e) {
      if (asked === this.asked) this.status.textContent = reasonOf(e);
    }
  }

  /**
   * A product shown by the visitor, put first in the results (when following).
   * @param {LiveProduct} product
   */
  showFound(product) {
    this.found = [product, ...this.found.filter((p) => p.product_id !== product.product_id)];
    this.drawResults();
  }

  drawResults() {
    this.results.replaceChildren(
      ...this.found.map((p) =>
        productItem(p, [
          action("Present", () => this.present(p.product_id, p.name), { "aria-label": `Present ${p.name}` }, true),
          action("Show", () => this.ctx.show(p), { "aria-label": `Show ${p.name} to the visitor`, ...(this.ctx.leading() ? {} : { disabled: "" }) }),
          action("Pin", () => this.pin(p), { "aria-label": `Pin ${p.name} on the session board` }),
          ...this.pageActions(p),
        ]),
      ),
    );
  }

  /** The gallery's lead changed: "Show" only while the store leads. */
  leadChanged() {
    this.drawResults();
    this.draw();
  }

  /** @param {LiveProduct} p */
  async pin(p) {
    try {
      await this.ctx.pin(p);
      this.status.textContent = `Pinned ${p.name} on the session board.`;
    } catch (e) {
      this.ctx.error(reasonOf(e));
    }
  }

  /**
   * @param {string} product an id, a code or a product page's address
   * @param {string} asWritten for the words
   */
  async present(product, asWritten) {
    this.status.textContent = "";
    try {
      /** @type {{presented?: Presented | null}} */
      const result = await this.ctx.command({ type: "present", product });
      if (result.presented) {
        this.add(result.presented);
        this.clear();
        this.status.textContent = `Presented ${result.presented.product.name}: the visitor sees it now.`;
      }
    } catch (e) {
      const code = /** @type {{code?: string}} */ (e).code;
      this.status.textContent =
        code === "not_found" ? `No product of yours matches “${asWritten}”. Search by name, or check the code or address.` : reasonOf(e);
    }
  }

  /** @param {Presented[]} items */
  reset(items) {
    this.presented = [...items].reverse().sort((a, b) => a.at - b.at); // oldest first, as they came
    items.forEach((i) => this.ctx.known(i.product));
    this.draw();
  }

  /** @param {Presented} item */
  add(item) {
    this.ctx.known(item.product);
    // Presented again: it moves to the top of the list (listed once).
    this.presented = this.presented.filter((p) => p.product.product_id !== item.product.product_id);
    this.presented.push(item);
    this.draw();
  }

  draw() {
    const rows = [];
    for (const { product: p } of [...this.presented].reverse()) {
      /** @type {HTMLElement[]} */
      const actions = [
        action("Put in cart", () => this.take(p), { "aria-label": `Put ${p.name} in the visitor's cart` }, true),
        action("Show", () => this.ctx.show(p), { "aria-label": `Show ${p.name} to the visitor`, ...(this.ctx.leading() ? {} : { disabled: "" }) }),
      ];
      actions.push(...this.pageActions(p));
      if (p.page_url) actions.push(outLink("Product page", p.page_url));
      const held = this.ctx.held(p.product_id);
      const meta = `${productMeta(p, false)}${held ? ` · ${held} in the visitor's cart` : ""}`;
      rows.push(productItem(p, actions, {}, meta));
    }
    this.list.replaceChildren(...rows);
    this.empty.hidden = rows.length > 0;
  }

  /** @param {LiveProduct} p */
  pageActions(p) {
    const page = this.ctx.pageAction(p);
    return page ? [action(page.label, page.run, { "aria-label": page.aria })] : [];
  }

  /** @param {LiveProduct} p */
  async take(p) {
    try {
      await this.ctx.command({ type: "take", product_id: p.product_id, qty: 1 });
    } catch (e) {
      this.ctx.error(`${p.name} was not put in the cart. ${reasonOf(e)}`);
    }
  }
}
