// One product's draft as the page keeps it (docs/personalise.md, "For shoppers: on a store's
// page"): the hub's latest view, the values typed here that the hub has not confirmed yet, a
// debounced autosave (about 700 ms after typing stops, at once on blur and on close), and a
// long-poll for what changes elsewhere (the shop's comments and edits, the desktop cart).
//
// Last writer wins per field at the hub. A value typed here and not yet confirmed always shows
// over what arrives: it is sent, and being the later write it wins there too.

import { Backoff, RECONNECT, sleep } from "../shared/backoff.js";
import { CartStartError, httpJson, isAbort } from "../shared/http.js";

/** @typedef {import("../shared/forms").DraftView} DraftView */
/** @typedef {import("../shared/forms").FieldValue} FieldValue */
/** @typedef {import("../shared/protocol").ProductRef} ProductRef */

export const SAVE_AFTER_MS = 700;
const WAIT_S = 25;
const KEEPALIVE_MAX = 60_000; // bytes; the browsers' cap is 64 KB, with room for the headers

/**
 * What a save looks like now: `saving` (typed, or on its way), `saved`, `offline` (retrying),
 * `retrying` (the hub failed; retrying), `invalid` (a field's value was refused: fix it),
 * `failed` (refused for another reason), or `idle` (nothing typed yet).
 * @typedef {{state: "idle" | "saving" | "saved" | "offline" | "retrying" | "invalid" | "failed", reason?: string, field?: string}} SaveStatus
 */

/**
 * @typedef {Object} SessionEvents
 * @property {(view: DraftView, before: DraftView | null) => void} view a newer view from the hub
 * @property {(status: SaveStatus) => void} status
 * @property {(field: string, message: string | null, cell?: {row: number, column: string}) => void} invalid
 *   a field's value refused (null: fixed); `cell`: the row (from 1) and column of a list's cell
 * @property {(message: string) => void} gone the draft cannot be reached any more (404, 403)
 * @property {() => void} notHeld the item left the cart: this page may no longer read or change
 *   the draft (it stays the buyer's, in their CartStart cart)
 * @property {() => void} tokenRefused the link token no longer works
 */

export class DraftSession {
  /**
   * @param {URL} hub
   * @param {{readonly token: string | null}} link
   * @param {ProductRef} ref
   */
  constructor(hub, link, ref) {
    this.hub = hub;
    this.link = link;
    this.ref = ref;
    this.path = `api/page/drafts/${encodeURIComponent(ref.store_id)}/${encodeURIComponent(ref.product_id)}`;
    /** @type {DraftView | null} */
    this.view = null;
    /** Typed here, not confirmed by the hub yet. @type {Map<string, FieldValue>} */
    this.local = new Map();
    /** Refused by the hub (bad_value): kept here, not sent again until changed. @type {Map<string, string>} */
    this.invalid = new Map();
    /** A list's cells that cannot be read (not a number): the list's other cells are still sent
     * (its last readable value stays in `local`), only that cell is marked.
     * @type {Map<string, {message: string, cell: {row: number, column: string}}>} */
    this.badCells = new Map();
    /** @type {Set<SessionEvents>} */
    this.listeners = new Set();
    /** @type {SaveStatus} */
    this.saveStatus = { state: "idle" };
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {Promise<void> | null} */
    this.inflight = null;
    this.retry = new Backoff(RECONNECT);
    /** @type {AbortController | null} */
    this.pollAbort = null;
    this.polling = false;
    /** Which follow() loop is the current one (a stopped loop ends even if another started). */
    this.run = 0;
    /** The hold ended (a 404 "not_held"): this page may change the draft again once held. */
    this.released = false;
  }

  /** @param {SessionEvents} events */
  listen(events) {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
  }

  /** @template {keyof SessionEvents} K @param {K} name @param {Parameters<SessionEvents[K]>} args */
  emit(name, ...args) {
    for (const l of this.listeners) /** @type {(...a: unknown[]) => void} */ (l[name])(...args);
  }

  /** The value a field shows: typed here, else the hub's. @param {string} key @returns {FieldValue} */
  valueOf(key) {
    return this.local.has(key) ? /** @type {FieldValue} */ (this.local.get(key)) : (this.view?.values[key]?.value ?? null);
  }

  /** @param {DraftView} view */
  accept(view) {
    if (this.view && view.version < this.view.version) return; // an older answer overtaken
    const before = this.view;
    this.view = view;
    if (view.held && this.released) {
      // Held again after the hold ended: what was typed and could not be sent goes now.
      this.released = false;
      if (this.pending()) this.schedule(0);
    }
    this.emit("view", view, before);
  }

  /** @param {string} method @param {string} path @param {unknown} [body] @param {AbortSignal} [signal] */
  call(method, path, body, signal) {
    return httpJson(this.hub, path, { method, body, token: this.link.token, signal });
  }

  /** The view now (once), then follow changes until `stop()`. */
  async follow() {
    if (this.polling) return;
    this.polling = true;
    const run = ++this.run;
    const backoff = new Backoff(RECONNECT);
    // Each run reads the view at once first: following again after the hold ended (the item put
    // back in the cart), the draft's version may not have moved, but `held` has.
    let first = true;
    while (this.polling && this.run === run) {
      this.pollAbort = new AbortController();
      const since = this.view && !first ? `?version=${this.view.version}&wait=${WAIT_S}` : "";
      first = false;
      try {
        this.accept(await this.call("GET", this.path + since, undefined, this.pollAbort.signal));
        backoff.reset();
      } catch (error) {
        if (isAbort(error)) continue; // stop(), or asked again at once
        if (this.refused(error)) break;
        await sleep(backoff.next());
      }
    }
    if (this.run === run) this.polling = false;
  }

  /** Stop following (the product left the cart and the dialog is closed). */
  stop() {
    this.polling = false;
    this.run++;
    this.pollAbort?.abort();
  }

  /** Whether an error ends following: the token, the store or the form is gone. @param {unknown} error */
  refused(error) {
    if (!(error instanceof CartStartError) || !error.status) return false;
    if (error.status === 401) {
      this.emit("tokenRefused");
      return true;
    }
    if (error.status === 404 && error.details.reason === "not_held") {
      this.released = true;
      this.emit("notHeld");
      return true;
    }
    if (error.status === 403 || error.status === 404) {
      this.emit("gone", error.status === 404 ? "" : error.message); // 404: the form went
      return true;
    }
    return false;
  }

  /** Read the view again now (the hold ended: the draft's version stays, `held` does not). */
  refresh() {
    this.call("GET", this.path).then(
      (view) => this.accept(view),
      (error) => this.refused(error),
    );
  }

  /** The view once (when the dialog opens before following started). */
  async load() {
    if (this.view) return this.view;
    /** @type {DraftView} */
    const view = await this.call("GET", this.path);
    this.accept(view);
    return view;
  }

  // ---- saving -------------------------------------------------------------------------------

  /** @param {SaveStatus} status */
  setStatus(status) {
    this.saveStatus = status;
    this.emit("status", status);
  }

  /**
   * The buyer typed: kept here at once, saved about 700 ms after typing stops.
   * @param {string} key @param {FieldValue} value
   */
  edit(key, value) {
    this.local.set(key, value);
    if (this.invalid.delete(key)) {
      const bad = this.badCells.get(key); // a list's unreadable cell stays marked
      this.emit("invalid", key, bad?.message ?? null, bad?.cell);
    }
    this.setStatus({ state: "saving" });
    this.schedule(SAVE_AFTER_MS);
  }

  /**
   * A value typed here that cannot be read (not a number): marked, and its last readable value
   * kept in `local` (a redraw shows it; nothing typed elsewhere is lost). A plain field is not
   * sent until changed; in a list only `cell` is marked and the rest of the list is still sent.
   * `message` null: that list's cells can all be read again.
   * @param {string} key @param {string | null} message @param {{row: number, column: string}} [cell]
   */
  refuse(key, message, cell) {
    if (cell || message === null) {
      if (message === null) this.badCells.delete(key);
      else this.badCells.set(key, { message, cell: /** @type {{row: number, column: string}} */ (cell) });
      if (!this.invalid.has(key)) this.emit("invalid", key, message, cell);
      if (message !== null && this.saveStatus.state !== "saving") this.setStatus(this.invalidStatus());
      return;
    }
    this.invalid.set(key, message);
    this.emit("invalid", key, message);
  }

  /** Whether a field or a list's cell is marked (the status then says "not saved: check it"). */
  problems() {
    return this.invalid.size + this.badCells.size > 0;
  }

  /** @param {number} ms */
  schedule(ms) {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  /** Save now what was typed (blur, close); resolves when the hub has it or it failed. */
  async flush() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inflight) await this.inflight;
    if (!this.pending()) {
      // Nothing to send (what was typed could not be read): say where things stand.
      if (this.saveStatus.state === "saving") this.setStatus(this.problems() ? this.invalidStatus() : { state: "saved" });
      return;
    }
    const values = Object.fromEntries([...this.local].filter(([key]) => !this.invalid.has(key)));
    this.inflight = this.save(values).finally(() => (this.inflight = null));
    await this.inflight;
  }

  /** The page is going away (closed, reloaded, navigated): what is typed and not saved yet is
   * sent in a request that outlives the page. */
  leave() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending()) return;
    const values = Object.fromEntries([...this.local].filter(([key]) => !this.invalid.has(key)));
    // Browsers refuse a keepalive request whose body is over 64 KB (all keepalive requests of the
    // page together): a bigger one (a long guest list) goes without it, best effort (it may be
    // cut off with the page; what autosave sent before is kept either way).
    const keepalive = new TextEncoder().encode(JSON.stringify({ values })).length <= KEEPALIVE_MAX;
    httpJson(this.hub, this.path, { method: "POST", body: { values }, token: this.link.token, keepalive }).catch(() => {});
  }

  /** @param {Record<string, FieldValue>} values */
  async save(values) {
    this.setStatus({ state: "saving" });
    try {
      const view = await this.call("POST", this.path, { values });
      // Confirmed: unless typed again meanwhile (a new value object), the hub's value shows.
      for (const [key, value] of Object.entries(values)) if (this.local.get(key) === value) this.local.delete(key);
      this.retry.reset();
      this.accept(view);
      if (this.pending()) this.schedule(0);
      else this.setStatus(this.problems() ? this.invalidStatus() : { state: "saved" });
    } catch (error) {
      this.failed(error);
    }
  }

  /** @param {unknown} error */
  failed(error) {
    if (!(error instanceof CartStartError) || !error.status) {
      this.setStatus({ state: "offline" });
      this.schedule(this.retry.next());
      return;
    }
    const field = typeof error.details.field === "string" ? error.details.field : "";
    if (error.code === "bad_value" && field && this.local.has(field)) {
      // That field stays as typed, marked; the others are sent again without it.
      this.invalid.set(field, error.message);
      const { row, column } = error.details;
      const cell = typeof row === "number" && typeof column === "string" ? { row, column } : undefined;
      this.emit("invalid", field, error.message, cell);
      if (this.pending()) this.schedule(0);
      else this.setStatus(this.invalidStatus());
      return;
    }
    if (this.refused(error)) {
      // Not held any more: what was typed here since the last save cannot be sent from this page.
      const notHeld = error.status === 404 && error.details.reason === "not_held";
      this.setStatus(notHeld && !this.pending() ? { state: "idle" } : { state: "failed", reason: error.message });
      return;
    }
    if (error.status >= 500 || error.status === 429) {
      this.setStatus({ state: "retrying", reason: error.message });
      this.schedule(this.retry.next());
      return;
    }
    this.setStatus({ state: "failed", reason: error.message });
  }

  /** Whether something typed here is still to send. */
  pending() {
    return [...this.local.keys()].some((key) => !this.invalid.has(key));
  }

  /** @returns {SaveStatus} */
  invalidStatus() {
    const [field] = [...this.invalid.keys(), ...this.badCells.keys()];
    return { state: "invalid", field };
  }

  // ---- the shop's takeover ------------------------------------------------------------------

  /** The buyer's answer to the shop asking to edit (or Stop while allowed). @param {boolean} allow */
  async consent(allow) {
    this.accept(await this.call("POST", `${this.path}/consent`, { allow }));
  }
}
