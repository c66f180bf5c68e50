// A support call with prepaid credit, the shopper's side (docs/shopper.md "Calling support"),
// for the hosted live page and the talk panel alike. Shown only in a session attached to a
// signed-in shopper's cart at a store that offers support (the snapshot's `support`):
// - before: the price a minute, the credit held, and "Ask for support" (`call` with `support`);
//   the hub's refusal in its words;
// - during: the credit left, ticking each second from the call's one `credit_plan` (balance
//   minus the price of the whole seconds so far, rounded up to the cent as the hub charges),
//   and the one-minute warning, said once by screen readers (role="alert");
// - after: the report (duration, credit used and left), and complaints about the answers or the
//   support with the store's answers as they come (`complaint` events, the snapshot after a
//   reload). The rating (with the connection's stars) is the call's RatingForm.
// The credit held follows the hub's `credit` signals (a grant, a purchase confirmed, a call's
// charge, in any of the shopper's sessions with the store) without a reload; screen readers
// hear the offer's new words (aria-live).
// Everything the shopper or the store wrote goes in as textContent.

import { duration } from "../shared/call-words.js";
import { commandId } from "../shared/commands.js";
import { creditLeft } from "../shared/credit.js";
import { injectStyle } from "../shared/style.js";
import { clock, el, money } from "./dom.js";
import { words } from "./texts.js";

/** @typedef {import("./types").CallInfo} CallInfo */
/** @typedef {import("./types").Complaint} Complaint */
/** @typedef {import("./types").CreditPlan} CreditPlan */
/** @typedef {import("./types").SessionSupport} SessionSupport */
/** @typedef {import("./types").SupportEvent} SupportEvent */
/** @typedef {import("./types").SupportReport} SupportReport */

const MAX_COMPLAINT = 2000;

const CSS = `
:where(.support) { border: 1px solid var(--line, #e1dfd8); border-radius: 10px; padding: 0.6rem 0.8rem; margin: 0.5rem 0; background: #fff; color: var(--ink, #1d1d1f); }
:where(.support p) { margin: 0.2rem 0; }
:where(.call-place[data-support="running"] .call-time) { display: none; }
:where(.support h3) { font-size: 1rem; margin: 0 0 0.3rem; }
:where(.support-row) { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
:where(.support-credit) { display: flex; gap: 1.2rem; font-variant-numeric: tabular-nums; }
:where(.support-credit strong) { display: block; font-size: 1.35rem; }
:where(.support-credit span) { font-size: 0.85rem; color: var(--muted, #55575c); }
:where(.support-warning) { margin-top: 0.4rem !important; padding: 0.45rem 0.6rem; border-radius: 8px; background: #fff4e5; border: 1px solid #c27c0e; color: #6b3f00; font-weight: 700; }
:where(.support-warning:empty) { display: none; }
:where(.support-report dl) { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.8rem; margin: 0.3rem 0; font-variant-numeric: tabular-nums; }
:where(.support-report dt) { color: var(--muted, #55575c); }
:where(.support-report dd) { margin: 0; font-weight: 600; }
:where(.support .error:empty), :where(.complaints .error:empty) { display: none; }
:where(.complaints) { border-top: 1px solid var(--line, #e1dfd8); margin-top: 0.5rem; padding-top: 0.6rem; }
:where(.complaints fieldset) { border: 0; margin: 0; padding: 0; }
:where(.complaints legend) { font-weight: 700; padding: 0; margin-bottom: 0.3rem; }
:where(.complaints label.complaint-about) { margin-right: 1rem; }
:where(.complaints textarea) { width: 100%; box-sizing: border-box; font: inherit; resize: vertical; margin-top: 0.3rem; }
:where(.complaint-list) { list-style: none; margin: 0.5rem 0 0; padding: 0; display: flex; flex-direction: column; gap: 0.4rem; }
:where(.complaint-list li) { border-left: 3px solid var(--line, #e1dfd8); padding-left: 0.5rem; }
:where(.complaint-list .complaint-text), :where(.complaint-list .complaint-answer) { white-space: pre-wrap; overflow-wrap: anywhere; }
:where(.complaint-list .complaint-answer) { border-left: 3px solid var(--cartstart-accent, #1a7f37); padding-left: 0.5rem; margin-top: 0.25rem; }
:where(.complaint-meta) { font-size: 0.85rem; color: var(--muted, #55575c); }
`;

/** @param {SupportReport} report */
export function reportWhy(report) {
  if (report.end_reason === "credit_exhausted") return "The call ended when your credit ran out.";
  if (report.end_reason === "interrupted") return "The call was cut off by a fault at the service; only the time until then was charged.";
  return "";
}

/**
 * @typedef {Object} SupportEnv
 * @property {() => string} storeName
 * @property {(c: import("./types").LiveCommand) => Promise<any>} command
 * @property {import("../shared/call.js").Call} call the session's call (asking starts it)
 * @property {() => number} now the hub's time, seconds
 */

export class SupportPanel {
  /**
   * @param {HTMLElement} callPlace the call's place: the credit and report go right below it
   * @param {HTMLElement} afterRating the rating form's last element: complaints go below it
   * @param {SupportEnv} env
   */
  constructor(callPlace, afterRating, env) {
    injectStyle("cartstart-support-style", CSS);
    this.env = env;
    /** @type {SessionSupport | null} */
    this.support = null;
    /** @type {Map<string, Complaint>} */
    this.complaints = new Map();
    this.asking = false;
    this.sending = false;

    this.offer = el("p", { class: "support-offer", "aria-live": "polite" });
    this.ask = el("button", { type: "button", class: "cartstart-button cartstart-primary small support-ask" }, "Ask for support");
    this.ask.addEventListener("click", () => void this.askForSupport());
    this.askError = el("p", { class: "error", role: "alert" });
    this.left = el("strong", { class: "support-left" });
    this.time = el("strong", { class: "support-time" });
    this.credit = el(
      "div",
      { class: "support-credit", role: "group", "aria-label": "Support credit" },
      el("div", {}, this.left, el("span", {}, "Credit left")),
      el("div", {}, this.time, el("span", {}, "Support call")),
    );
    this.warning = el("p", { class: "support-warning", role: "alert" });
    this.report = el("div", { class: "support-report", role: "status" });
    this.box = el(
      "section",
      { class: "support", "aria-label": "Support calls" },
      this.offer,
      el("div", { class: "support-row" }, this.ask),
      this.askError,
      this.credit,
      this.warning,
      this.report,
    );
    this.callPlace = callPlace; // during a support call the plan's time replaces the call's own
    callPlace.after(this.box);

    this.about = ["answers", "support"].map((value) =>
      el("input", { type: "radio", name: "complaint-about", value, ...(value === "answers" ? { checked: true } : {}) }),
    );
    this.text = el("textarea", { id: "complaint-text", rows: "3", maxlength: String(MAX_COMPLAINT), "aria-describedby": "complaint-hint" });
    this.send = el("button", { type: "submit", class: "cartstart-button small" }, "Send complaint");
    this.formError = el("p", { class: "error", role: "alert" });
    this.sent = el("p", { class: "complaint-sent", role: "status" });
    this.form = el(
      "form",
      { class: "complaint-form", "aria-labelledby": "complaint-legend", novalidate: true },
      el(
        "fieldset",
        {},
        el("legend", { id: "complaint-legend" }, "Not happy with this support call?"),
        el("p", { id: "complaint-hint", class: "hint" }, "Tell the shop what went wrong. They answer here."),
        el("label", { class: "complaint-about" }, this.about[0], " The answers I got"),
        el("label", { class: "complaint-about" }, this.about[1], " The support itself"),
      ),
      el("label", { for: "complaint-text", class: "rating-comment" }, "What went wrong"),
      this.text,
      el("div", { class: "rating-row" }, this.send),
      this.formError,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.complain();
    });
    this.list = el("ul", { class: "complaint-list", "aria-label": "Your complaints", "aria-live": "polite" });
    this.complaintBox = el("section", { class: "complaints", "aria-label": "Complaints" }, this.form, this.sent, this.list);
    afterRating.after(this.complaintBox);
    setInterval(() => this.tick(), 1000);
    this.render();
  }

  /** The snapshot's support (null: not an attached session, or no support at this store).
   * @param {SessionSupport | null | undefined} support */
  load(support) {
    this.support = support ?? null;
    this.complaints = new Map((support?.complaints ?? []).map((c) => [c.complaint_id, c]));
    this.render();
  }

  /** A support event of the session, applied once (the caller checks its seq). @param {SupportEvent} m */
  onEvent(m) {
    const s = this.support;
    if (!s) return;
    if (m.type === "credit_plan") this.support = { ...s, plan: m, warned: false };
    else if (m.type === "credit_warning" && s.plan?.call_id === m.call_id) this.support = { ...s, warned: true };
    else if (m.type === "support_report") this.support = { ...s, plan: null, warned: false, last_report: m, balance: m.balance };
    // The credit changed (a grant, a purchase, a charge, in any session with the store); a
    // running call keeps its plan (the hub ends it by the plan).
    else if (m.type === "credit") this.support = { ...s, balance: m.balance, price_per_minute: m.price_per_minute };
    else if (m.type === "complaint") this.complaints.set(m.complaint.complaint_id, m.complaint);
    this.render();
  }

  /** A call changed: a support call that ended stops the ticking (its report follows). @param {CallInfo} call */
  onCall(call) {
    const s = this.support;
    if (s?.plan && call.call_id === s.plan.call_id && call.state === "ended") this.support = { ...s, plan: null, warned: false };
    this.render();
  }

  async askForSupport() {
    if (this.asking) return;
    this.asking = true;
    this.askError.textContent = "";
    this.render();
    try {
      await this.env.call.start({ support: true });
    } catch (e) {
      this.askError.textContent = words(e, "Your call to support could not be made. Try again.");
    } finally {
      this.asking = false;
      this.render();
    }
  }

  async complain() {
    const report = this.support?.last_report;
    if (!report || this.sending) return;
    const text = this.text.value.trim();
    if (!text) {
      this.formError.textContent = "Write what went wrong first.";
      this.text.focus();
      return;
    }
    const about = this.about.find((r) => r.checked)?.value ?? "answers";
    this.formError.textContent = "";
    this.sending = true;
    this.render();
    try {
      /** @type {{complaint: Complaint}} */
      const result = await this.env.command({ type: "complain", id: commandId("complain-"), call_id: report.call_id, about, text });
      this.complaints.set(result.complaint.complaint_id, result.complaint);
      this.text.value = "";
      this.sent.textContent = `Your complaint was sent. ${this.env.storeName()} answers here.`;
    } catch (e) {
      this.formError.textContent = words(e, "Your complaint could not be sent. Try again.");
    } finally {
      this.sending = false;
      this.render();
    }
  }

  tick() {
    const plan = this.support?.plan;
    if (!plan) return;
    const now = this.env.now();
    this.left.textContent = money(creditLeft(plan, now));
    this.time.textContent = duration(now - plan.answered_at);
  }

  render() {
    const s = this.support;
    this.box.hidden = !s;
    this.complaintBox.hidden = !s || (!s.last_report && this.complaints.size === 0);
    if (!s) {
      delete this.callPlace.dataset.support;
      return;
    }
    const store = this.env.storeName();
    const call = this.env.call.current;
    const running = Boolean(s.plan);
    if (running) this.callPlace.dataset.support = "running";
    else delete this.callPlace.dataset.support;
    const minutes = s.price_per_minute.amount ? Math.floor(s.balance.amount / s.price_per_minute.amount) : 0;
    const offer = running
      ? `Support call with ${store}: ${money(s.plan?.price_per_minute ?? s.price_per_minute)} a minute, from your credit.`
      : `Support from ${store}: ${money(s.price_per_minute)} a minute. Your credit: ${money(s.balance)}` +
        (minutes >= 1 ? `, about ${minutes} ${minutes === 1 ? "minute" : "minutes"}.` : ". You need at least one minute's worth: buy support credit from the shop, or ask them for some.");
    if (this.offer.textContent !== offer) this.offer.textContent = offer; // said again only when it changes
    this.ask.hidden = running || call !== null;
    this.ask.disabled = this.asking;
    this.credit.hidden = !running;
    const plan = s.plan;
    this.warning.textContent =
      plan && s.warned ? `About one minute of credit left: the call ends by itself at ${clock(plan.ends_at)}. Buy more credit to talk longer next time.` : "";
    this.tick();
    this.drawReport(running ? null : (s.last_report ?? null));
    this.form.hidden = !s.last_report;
    this.send.disabled = this.sending;
    this.drawComplaints(store);
  }

  /** @param {SupportReport | null} report */
  drawReport(report) {
    if (!report) {
      this.report.replaceChildren();
      return;
    }
    const why = reportWhy(report);
    this.report.replaceChildren(
      el("h3", {}, "Your support call"),
      el(
        "dl",
        {},
        el("dt", {}, "Duration"),
        el("dd", { class: "report-duration" }, duration(report.duration)),
        el("dt", {}, "Credit used"),
        el("dd", { class: "report-used" }, money(report.charged)),
        el("dt", {}, "Credit left"),
        el("dd", { class: "report-left" }, money(report.balance)),
      ),
      why ? el("p", { class: "report-why" }, why) : "",
      el("p", { class: "hint" }, "The report was also sent to you by email."),
    );
  }

  /** @param {string} store */
  drawComplaints(store) {
    const items = [...this.complaints.values()].sort((a, b) => b.at - a.at);
    this.list.replaceChildren(
      ...items.map((c) =>
        el(
          "li",
          { "data-key": c.complaint_id },
          el("p", { class: "complaint-meta" }, `Your complaint about ${c.about === "answers" ? "the answers" : "the support"}, ${clock(c.at)}`),
          el("p", { class: "complaint-text" }, c.text),
          c.answer
            ? el("p", { class: "complaint-answer" }, el("strong", {}, `${store} answered: `), c.answer)
            : el("p", { class: "complaint-meta complaint-waiting" }, `Waiting for ${store}'s answer.`),
        ),
      ),
    );
  }
}
