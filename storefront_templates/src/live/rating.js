// Rating a call, the visitor's side (docs/live-selling.md "Rating a call"): once an answered call
// has ended, a small form under the call's place (its duration is said there) asks for 1 to 5
// stars and an optional comment. The stars are a native radio group (arrow keys move, each
// labelled "4 stars of 5"); Send sends `rate_call`; thanks replace the form. Hidden while a call
// rings or runs, and for a call rated already (here, in another window, or before a reload).

import { duration } from "../shared/call-words.js";
import { commandId } from "../shared/commands.js";
import { starsLabel } from "../shared/stars.js";
import { injectStyle } from "../shared/style.js";
import { el } from "./dom.js";
import { words } from "./texts.js";

/** @typedef {import("./types").CallInfo} CallInfo */
/** @typedef {import("./types").CallRating} CallRating */

const MAX_COMMENT = 1000;

const CSS = `
:where(.rating) { border-top: 1px solid var(--line, #e1dfd8); margin-top: 0.5rem; padding-top: 0.6rem; }
:where(.rating fieldset) { border: 0; margin: 0; padding: 0; }
:where(.rating legend) { font-weight: 700; padding: 0; margin-bottom: 0.3rem; }
:where(.rating fieldset.rating-connection) { margin-top: 0.4rem; }
:where(.rating-connection legend) { font-weight: 600; }
:where(.rating-stars) { display: flex; gap: 0.15rem; align-items: center; }
:where(.rating-stars label) { position: relative; cursor: pointer; font-size: 1.9rem; line-height: 1; color: #b9b6ad; padding: 0.05rem 0.1rem; border-radius: 6px; }
:where(.rating-stars label.on) { color: #c27c0e; }
:where(.rating-stars input) { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
:where(.rating-stars label:has(input:focus-visible)) { outline: 3px solid var(--cartstart-accent, #1a7f37); outline-offset: 1px; }
:where(.rating-chosen) { margin-left: 0.5rem; font-size: 0.92rem; color: var(--muted, #55575c); min-width: 6.5rem; }
:where(.rating label.rating-comment) { display: block; font-weight: 600; margin: 0.45rem 0 0.2rem; }
:where(.rating textarea) { width: 100%; box-sizing: border-box; font: inherit; resize: vertical; }
:where(.rating-row) { display: flex; gap: 0.6rem; align-items: center; margin-top: 0.4rem; }
:where(.rating-count) { font-size: 0.85rem; color: var(--muted, #55575c); }
:where(.rating-thanks) { margin: 0.5rem 0 0; font-weight: 600; }
`;

/** A row of five stars: a native radio group (arrow keys move, each labelled "4 stars of 5"). */
class StarGroup {
  /** @param {string} name the radios' name @param {string} labelledBy the legend's id */
  constructor(name, labelledBy) {
    this.group = el("div", { class: "rating-stars", role: "radiogroup", "aria-labelledby": labelledBy });
    /** @type {HTMLInputElement[]} */
    this.radios = [];
    for (let n = 1; n <= 5; n++) {
      const input = el("input", { type: "radio", name, value: String(n), "aria-label": starsLabel(n) });
      input.addEventListener("change", () => this.draw());
      const label = el("label", { title: starsLabel(n) }, input, el("span", { "aria-hidden": "true" }, "★"));
      label.addEventListener("mouseenter", () => this.draw(n));
      this.radios.push(input);
      this.group.append(label);
    }
    this.group.addEventListener("mouseleave", () => this.draw());
    this.chosen = el("span", { class: "rating-chosen", "aria-hidden": "true" });
    this.group.append(this.chosen);
  }

  /** The stars chosen, 0 for none. */
  value() {
    return Number(this.radios.find((r) => r.checked)?.value ?? 0);
  }

  /** The stars lit: those up to the one hovered, or else up to the one chosen. @param {number} [hover] */
  draw(hover) {
    const value = this.value();
    const lit = hover ?? value;
    this.radios.forEach((r, i) => r.parentElement?.classList.toggle("on", i < lit));
    this.chosen.textContent = value ? starsLabel(value) : "";
  }

  clear() {
    for (const r of this.radios) r.checked = false;
    this.draw();
  }
}

export class RatingForm {
  /**
   * @param {HTMLElement} after the call's place: the form goes right below it
   * @param {{storeName: () => string, command: (c: import("./types").LiveCommand) => Promise<any>}} env
   */
  constructor(after, env) {
    injectStyle("cartstart-rating-style", CSS);
    this.env = env;
    /** @type {CallInfo | null} the call offered for rating */
    this.call = null;
    /** @type {Set<string>} calls rated (their thanks stay until the next call) */
    this.rated = new Set();
    this.sending = false;
    this.thanksFor = ""; // the call just rated: thanks are said
    this.saysDuration = false; // after a reload the call's place no longer says how long it was

    this.form = el("form", { class: "rating", "aria-labelledby": "rating-legend", novalidate: true });
    this.legend = el("legend", { id: "rating-legend" });
    this.lasted = el("p", { class: "hint" });
    const fieldset = el("fieldset", {}, this.legend, this.lasted);
    this.stars = new StarGroup("rating-stars", "rating-legend");
    fieldset.append(this.stars.group);
    // A support call's connection, rated beside the call (optional).
    this.connectionLegend = el("legend", { id: "rating-connection-legend" }, "The connection (optional)");
    this.connection = new StarGroup("rating-connection", "rating-connection-legend");
    this.connectionSet = el("fieldset", { class: "rating-connection" }, this.connectionLegend, this.connection.group);
    this.comment = el("textarea", { id: "rating-comment", rows: "2", maxlength: String(MAX_COMMENT), "aria-describedby": "rating-count" });
    this.count = el("span", { id: "rating-count", class: "rating-count" });
    this.comment.addEventListener("input", () => this.drawCount());
    this.send = el("button", { type: "submit", class: "cartstart-button cartstart-primary small" }, "Send rating");
    this.error = el("p", { class: "error", role: "alert" });
    this.form.append(
      fieldset,
      this.connectionSet,
      el("label", { for: "rating-comment", class: "rating-comment" }, "Comment (optional)"),
      this.comment,
      el("div", { class: "rating-row" }, this.send, this.count),
      this.error,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.thanks = el("p", { class: "rating-thanks", role: "status" });
    after.after(this.form, this.thanks);
    this.render();
  }

  drawCount() {
    const left = MAX_COMMENT - this.comment.value.length;
    this.count.textContent = left < 200 ? `${left} characters left` : "";
  }

  /**
   * The session's snapshot: its latest answered, ended call and that call's rating.
   * @param {CallInfo | null | undefined} last
   * @param {CallRating | null | undefined} rating
   */
  load(last, rating) {
    if (rating) this.rated.add(rating.call_id);
    this.call = last && !rating ? last : null;
    this.thanksFor = "";
    this.saysDuration = true;
    this.reset();
  }

  /** A call changed: a new one hides the form; an answered one that ended is offered. @param {CallInfo} call */
  onCall(call) {
    if (call.state !== "ended") {
      this.call = null;
      this.thanksFor = "";
    } else if (call.answered_at !== null && call.answered_at !== undefined && !this.rated.has(call.call_id)) {
      if (this.call?.call_id !== call.call_id) this.reset();
      this.call = call;
      this.thanksFor = "";
      this.saysDuration = false; // the call's place just said it
    }
    this.render();
  }

  /** The session's `rated` event (this window's rating, or another's). @param {CallRating} rating */
  onRated(rating) {
    this.rated.add(rating.call_id);
    if (this.call?.call_id === rating.call_id) {
      this.call = null;
      this.thanksFor = rating.call_id;
    }
    this.render();
  }

  reset() {
    this.stars.clear();
    this.connection.clear();
    this.comment.value = "";
    this.error.textContent = "";
    this.drawCount();
    this.render();
  }

  render() {
    this.form.hidden = !this.call;
    this.connectionSet.hidden = !this.call?.support;
    this.legend.textContent = `How was your call with ${this.env.storeName()}?`;
    const lasted = this.saysDuration && this.call?.duration ? `Your call lasted ${duration(this.call.duration)}.` : "";
    this.lasted.textContent = lasted;
    this.lasted.hidden = !lasted;
    this.thanks.hidden = !this.thanksFor;
    this.thanks.textContent = this.thanksFor ? `Thank you for rating your call. ${this.env.storeName()} will see it.` : "";
    this.send.disabled = this.sending;
  }

  async submit() {
    const call = this.call;
    if (!call || this.sending) return;
    const stars = this.stars.value();
    if (!stars) {
      this.error.textContent = "Choose from 1 to 5 stars first.";
      this.stars.radios[0].focus();
      return;
    }
    const connection = call.support ? this.connection.value() : 0;
    this.error.textContent = "";
    this.sending = true;
    this.render();
    try {
      /** @type {{rating: CallRating}} */
      const result = await this.env.command({ type: "rate_call", id: commandId("rate-"), call_id: call.call_id, stars, comment: this.comment.value.trim(), ...(connection ? { connection } : {}) });
      this.onRated(result.rating);
    } catch (e) {
      const code = /** @type {{code?: string}} */ (e).code;
      if (code === "conflict" || code === "idempotency_conflict") this.onRated({ call_id: call.call_id, stars, comment: "", at: 0 });
      else this.error.textContent = words(e, "Your rating could not be sent. Try again.");
    } finally {
      this.sending = false;
      this.render();
    }
  }
}
