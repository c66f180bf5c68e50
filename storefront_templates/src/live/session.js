// A session as the visitor's page knows it: the snapshot, then each durable event applied once
// (by seq: a replay after a reconnect, or a poll that overlaps, changes nothing twice). Pure
// state, no DOM; `apply` says which part changed so only that part is drawn again.

/** @typedef {import("./types").LiveSnapshot} LiveSnapshot */
/** @typedef {import("./types").LiveEvent} LiveEvent */
/** @typedef {import("./types").ChatLine} ChatLine */
/** @typedef {import("./types").Presented} Presented */
/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./types").Ticket} Ticket */
/** @typedef {import("./types").OrderView} OrderView */
/** @typedef {import("./types").Side} Side */
/** @typedef {"chat" | "read" | "counter" | "board" | "cart" | "orders" | "deleted" | "attached"} Part */

/** Ticket states the session cart shows (held, or to take again); the others leave it. */
const SHOWN = ["held", "expired", "revoked"];

export class SessionState {
  /** @param {LiveSnapshot} snap */
  constructor(snap) {
    this.seq = 0;
    this.info = snap.session;
    this.style = snap.style;
    /** @type {Map<string, ChatLine>} */
    this.messages = new Map();
    /** @type {Presented[]} newest first */
    this.counter = [];
    /** @type {Map<string, Widget>} */
    this.board = new Map();
    /** @type {Map<string, Ticket>} by product: its latest ticket */
    this.cart = new Map();
    this.read = { visitor: 0, store: 0 };
    this.here = { visitor: true, store: false };
    /** @type {Side} */
    this.lead = "store";
    /** @type {OrderView[]} */
    this.orders = [];
    /** @type {Side | null} */
    this.deletedBy = null;
    this.load(snap);
  }

  /** @param {LiveSnapshot} snap the whole state again (a reconnect that could not resume) */
  load(snap) {
    this.seq = snap.head_seq;
    this.info = snap.session;
    this.style = snap.style;
    this.messages = new Map(snap.messages.map((m) => [m.message_id, m]));
    this.counter = [...snap.counter].sort((a, b) => b.at - a.at);
    this.board = new Map(snap.board.map((w) => [w.widget_id, w]));
    this.cart = new Map(snap.cart.map((t) => [t.product_id, t]));
    this.read = { ...this.read, ...snap.read };
    this.here = { ...this.here, ...snap.here };
    this.lead = snap.lead;
  }

  /** The chat in order. */
  chat() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The newest message the store wrote (its seq), 0 when none. */
  newestFromStore() {
    let newest = 0;
    for (const m of this.messages.values()) if (m.author === "store" && m.seq > newest) newest = m.seq;
    return newest;
  }

  /**
   * A chat line from a command's result (it may arrive before its event; the same line once).
   * @param {ChatLine} line
   */
  addLine(line) {
    if (this.messages.has(line.message_id)) return false;
    this.messages.set(line.message_id, line);
    return true;
  }

  /**
   * A widget or ticket from a command's result, before its event arrives.
   * @param {Widget} widget
   */
  addWidget(widget) {
    this.board.set(widget.widget_id, widget);
  }

  /** @param {Ticket} ticket */
  setTicket(ticket) {
    const current = this.cart.get(ticket.product_id);
    if (current && current.ticket_id === ticket.ticket_id && current.version >= ticket.version) return false;
    if (current && current.ticket_id !== ticket.ticket_id && current.created_at > ticket.created_at) return false;
    if (SHOWN.includes(ticket.state)) {
      this.cart.set(ticket.product_id, ticket);
    } else if (current && current.ticket_id === ticket.ticket_id) {
      this.cart.delete(ticket.product_id);
    } else {
      return false;
    }
    return true;
  }

  /**
   * An order placed from the session cart (its result or its event): what it bought leaves the
   * cart.
   * @param {OrderView} order
   */
  addOrder(order) {
    if (!this.orders.some((o) => o.order_id === order.order_id)) this.orders.push(order);
    const bought = new Set(order.lines.map((line) => line.ticket_id));
    for (const [product, ticket] of this.cart) if (bought.has(ticket.ticket_id)) this.cart.delete(product);
  }

  /**
   * Applies one durable event, once; null when it was applied before.
   * @param {LiveEvent} event
   * @returns {Part | null}
   */
  apply(event) {
    if (event.seq <= this.seq) return null;
    this.seq = event.seq;
    switch (event.type) {
      case "said":
        this.messages.set(event.message.message_id, event.message);
        return "chat";
      case "read_marked":
        this.read[event.side] = Math.max(this.read[event.side], event.up_to);
        return "read";
      case "presented":
        this.counter = [event.item, ...this.counter];
        return "counter";
      case "widget_posted":
        this.board.set(event.widget.widget_id, event.widget);
        return "board";
      case "widget_removed":
        this.board.delete(event.widget_id);
        return "board";
      case "session_cart":
        this.setTicket(event.ticket);
        return "cart";
      case "session_ordered":
        this.addOrder(event.order);
        return "orders";
      case "session_attached":
        return "attached";
      case "session_deleted":
        this.deletedBy = event.by;
        return "deleted";
      default:
        return null;
    }
  }
}
