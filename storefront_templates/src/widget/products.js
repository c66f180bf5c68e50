// The products on the page and what is known about each: pure state, no rendering. Several
// elements may show one product (a card and a page block); they share one entry.

/** @typedef {import("../shared/protocol").ProductRef} ProductRef */
/** @typedef {import("../shared/protocol").Availability} Availability */
/** @typedef {import("../shared/protocol").Holding} Holding */

/**
 * @typedef {Object} Entry
 * @property {ProductRef} ref
 * @property {Set<Element>} elements
 * @property {number} held units this shopper's cart holds
 * @property {number} [available] undefined until the hub said
 * @property {number} [version] the newest availability version seen
 * @property {boolean} [known] false: the hub does not know the product
 * @property {boolean} [busy] an add is on its way
 * @property {Note | null} [note] what the last add here said, while it is still true
 * @property {boolean} [personalised] the product has a form to fill in (the hub's holding says)
 */

/**
 * A product's note ("Added to your CartStart cart", "Could not add: ..."), kept only while the
 * product stays in the state it was said in: a removal, an expiry or a sale at the counter
 * changes the state, and the note goes.
 * @typedef {{text: string, state: string}} Note
 */

export const PRODUCT_SELECTOR = "[data-cartstart-product][data-cartstart-store], cartstart-product[store][product]";

/**
 * The product an element stands for (either spelling of the markup), or null.
 * @param {Element} el
 * @returns {ProductRef | null}
 */
export function refOf(el) {
  const store = el.getAttribute("data-cartstart-store") ?? el.getAttribute("store");
  const product = el.getAttribute("data-cartstart-product") ?? el.getAttribute("product");
  return store && product ? { store_id: store, product_id: product } : null;
}

/** @param {ProductRef} ref */
const keyOf = (ref) => `${ref.store_id}\u0000${ref.product_id}`;

export class Products {
  constructor() {
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    /** @type {WeakSet<Element>} */
    this.adopted = new WeakSet();
  }

  /**
   * Takes an element in: its entry, and whether the product is new to the page; null when the
   * element is no product or was taken in before.
   * @param {Element} el
   * @returns {{entry: Entry, isNew: boolean} | null}
   */
  adopt(el) {
    const ref = refOf(el);
    if (!ref || this.adopted.has(el)) return null;
    this.adopted.add(el);
    const key = keyOf(ref);
    let entry = this.entries.get(key);
    const isNew = !entry;
    if (!entry) {
      entry = { ref, elements: new Set(), held: 0 };
      this.entries.set(key, entry);
    }
    entry.elements.add(el);
    return { entry, isNew };
  }

  all() {
    return this.entries.values();
  }

  /** The products followed, with the newest version seen (for polling). */
  followed() {
    return Array.from(this.entries.values(), (e) => ({ ...e.ref, version: e.version ?? null }));
  }

  /**
   * A count from the hub; older versions are ignored. Returns the entry it changed.
   * @param {Availability} item
   * @returns {Entry | null}
   */
  setAvailability(item) {
    const entry = this.entries.get(keyOf(item));
    if (!entry || (entry.version !== undefined && item.version < entry.version)) return null;
    entry.version = item.version;
    entry.available = item.available;
    entry.known = true;
    return entry;
  }

  /**
   * What the cart holds. `complete`: the list covers every followed product (a poll answer),
   * so the others hold 0. Returns the entries it changed.
   * @param {Holding[]} items
   * @param {boolean} complete
   */
  setHoldings(items, complete) {
    /** @type {Set<Entry>} */
    const changed = new Set();
    for (const h of items) {
      const entry = this.entries.get(keyOf(h));
      if (!entry) continue;
      entry.held = h.qty;
      entry.personalised = Boolean(h.personalised);
      changed.add(entry);
    }
    if (complete) {
      for (const entry of this.entries.values()) {
        if (!changed.has(entry) && entry.held) {
          entry.held = 0;
          changed.add(entry);
        }
      }
    }
    return changed;
  }

  /**
   * After a complete answer: the products it left out are unknown to the hub (unless counted
   * before). Returns the entries it changed.
   * @param {ProductRef[]} answered
   */
  markUnknown(answered) {
    const keys = new Set(answered.map(keyOf));
    /** @type {Entry[]} */
    const changed = [];
    for (const [key, entry] of this.entries) {
      if (!keys.has(key) && entry.available === undefined) {
        entry.known = false;
        changed.push(entry);
      }
    }
    return changed;
  }
}
