// The solution being built, kept on this device (localStorage) until it is saved, and after:
// its id and secret (the private link), its version (a save that raced another is refused by
// the hub), its name and lines with what the page shows of each product.

import { safeGet, safeSet } from "./words.js";

const KEY = "cartstart.market.solution";
export const MAX_LINES = 200;
export const MAX_QTY = 10000;
export const MAX_NOTE = 500;
export const MAX_NAME = 120;

/** @typedef {import("./api.js").Shown} Shown */
/** @typedef {import("./api.js").Money} Money */
/** @typedef {import("./api.js").LineIn} LineIn */
/** @typedef {import("./api.js").SolutionView} SolutionView */
/**
 * @typedef {Object} Line
 * @property {string} [line_id]
 * @property {string} store_id
 * @property {string} product_id
 * @property {number} qty
 * @property {string} note
 * @property {Record<string, string>} options
 * @property {string} name
 * @property {string} store_name
 * @property {string} code
 * @property {Shown | null} shown
 * @property {boolean} [available]
 */

export class Solution {
  constructor() {
    /** @type {string | null} */
    this.id = null;
    /** @type {string | null} null for a signed-in owner's solution opened without its link */
    this.secret = null;
    this.version = 0;
    this.name = "";
    /** @type {Line[]} */
    this.lines = [];
    this.dirty = false;
  }

  get saved() {
    return this.id !== null;
  }

  /** The private link, for a saved solution. */
  link() {
    if (!this.id) return "";
    const url = new URL(location.href);
    url.hash = this.secret ? `solution=${this.id}.${this.secret}` : `solution=${this.id}`;
    url.search = "";
    return url.href;
  }

  /**
   * @param {{store_id: string, product_id: string, name: string, store_name: string, code: string, shown: Shown | null}} product
   * @returns {boolean} false when the solution is full
   */
  add(product) {
    const same = this.lines.find((line) => line.store_id === product.store_id && line.product_id === product.product_id);
    if (same) {
      same.qty = Math.min(MAX_QTY, same.qty + 1);
    } else {
      if (this.lines.length >= MAX_LINES) return false;
      const { store_id, product_id, name, store_name, code, shown } = product;
      this.lines.push({ store_id, product_id, name, store_name, code, shown, qty: 1, note: "", options: {} });
    }
    this.touch();
    return true;
  }

  /** @param {{store_id: string, product_id: string}} product */
  has(product) {
    return this.lines.some((line) => line.store_id === product.store_id && line.product_id === product.product_id);
  }

  touch() {
    this.dirty = true;
    this.keep();
  }

  /** @returns {LineIn[]} */
  linesIn() {
    return this.lines.map(({ line_id, store_id, product_id, qty, note, options }) => ({ ...(line_id ? { line_id } : {}), store_id, product_id, qty, note, options }));
  }

  /**
   * Takes what the hub holds (after a save or on opening the link).
   * @param {SolutionView} view
   */
  adopt(view) {
    this.id = view.id;
    this.version = view.version;
    this.name = view.name;
    this.lines = view.lines.map((line) => ({
      line_id: line.line_id,
      store_id: line.store_id,
      product_id: line.product_id,
      qty: line.qty,
      note: line.note ?? "",
      options: line.options ?? {},
      name: line.name,
      store_name: line.store_name,
      code: line.code,
      shown: line.shown,
      available: line.available,
    }));
    this.dirty = false;
    this.keep();
  }

  reset() {
    Object.assign(this, new Solution());
    this.keep();
  }

  keep() {
    const { id, secret, version, name, lines, dirty } = this;
    safeSet(KEY, JSON.stringify({ id, secret, version, name, lines, dirty }));
  }

  /** The solution this device was building, if any. */
  static restore() {
    const solution = new Solution();
    try {
      const kept = JSON.parse(safeGet(KEY) ?? "null");
      if (kept && Array.isArray(kept.lines)) Object.assign(solution, kept);
    } catch {
      // a damaged copy: start afresh
    }
    return solution;
  }
}

/**
 * Parses `#solution=<id>.<secret>` (or `#solution=<id>` for a signed-in owner).
 * @param {string} hash
 * @returns {{id: string, secret: string | null} | null}
 */
export function linkIn(hash) {
  const match = /^#solution=([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?$/.exec(hash);
  return match ? { id: match[1], secret: match[2] ?? null } : null;
}
