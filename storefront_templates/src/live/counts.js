// Counts: the hub is told which products are on screen (`watch`, WebSocket only: a polling page
// reads counts as it reads the rest), and their counts stay true (`availability`: every card
// showing the product says so, and an older count never wins).

/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").LiveAvailability} LiveAvailability */
/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./session.js").SessionState} SessionState */
/** @typedef {import("./connection.js").LiveConnection} LiveConnection */

const WATCH_EVERY_MS = 1000;
const MAX_WATCHED = 200;

/**
 * @typedef {Object} CountsDeps
 * @property {() => SessionState | null} state
 * @property {() => Map<string, Widget>} publicBoard the store's public board (public mode)
 * @property {() => LiveProduct[]} gallery the gallery's products
 * @property {() => LiveConnection | null} connection
 * @property {() => void} changed a count changed on some card: draw them again
 */

export class Counts {
  /** @param {CountsDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.watched = ""; // the product ids last sent in `watch` ("" after a reconnect: send again)
    /** @type {Map<string, number>} the newest version of each product's count applied */
    this.counted = new Map();
    setInterval(() => this.watch(), WATCH_EVERY_MS);
  }

  /** Every product card on screen: the counter, the board (the session's or the public one),
   * the gallery. */
  shown() {
    const state = this.deps.state();
    const widgets = state ? [...state.board.values()] : [...this.deps.publicBoard().values()];
    return [
      ...(state?.counter.map((shown) => shown.product) ?? []),
      ...widgets.flatMap((w) => (w.product ? [w.product] : [])),
      ...this.deps.gallery(),
    ];
  }

  /** A new connection follows nothing yet: the next `watch` is sent again. */
  reconnected() {
    this.watched = "";
  }

  /** Tell the hub which products to send counts for, when that changed (each `watch` replaces
   * the last). */
  watch() {
    const ids = [...new Set(this.shown().map((p) => p.product_id))].sort().slice(0, MAX_WATCHED);
    const key = ids.join(" ");
    const conn = this.deps.connection();
    if (key === this.watched || !conn) return;
    this.watched = key;
    conn.signal({ type: "watch", product_ids: ids });
  }

  /** A product's count changed: every card showing it says so (an older count never wins).
   * @param {LiveAvailability} count */
  apply(count) {
    if ((this.counted.get(count.product_id) ?? -1) >= count.version) return;
    this.counted.set(count.product_id, count.version);
    let changed = false;
    for (const product of this.shown()) {
      if (product.product_id === count.product_id && product.available !== count.available) {
        product.available = count.available;
        changed = true;
      }
    }
    if (changed) this.deps.changed();
  }
}
