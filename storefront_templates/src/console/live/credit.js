// A support call's credit in the console's open session (docs/agents.md "Support calls with
// prepaid credit"): under the call, while a support call runs, the shopper's credit left and
// the call's time, ticking locally from the call's `credit_plan` as the shopper's page does
// (shared/credit.js), and the one-minute warning (role="alert": said once by screen readers).

import { duration } from "../../shared/call-words.js";
import { creditLeft } from "../../shared/credit.js";
import { hubNow, learnClock } from "../../shared/hub-clock.js";
import { request } from "../../shared/http.js";
import { clock } from "./render.js";
import { money } from "../format.js";

/** @typedef {import("../../shared/support").CreditPlan} CreditPlan */
/** @typedef {import("../../shared/support").SessionSupport} SessionSupport */
/** @typedef {import("../../shared/support").SupportEvent} SupportEvent */

/** @param {string} tag @param {string} className @param {string} [text] */
function node(tag, className, text = "") {
  const n = document.createElement(tag);
  n.className = className;
  n.textContent = text;
  return n;
}

export class SupportCredit {
  /** @param {HTMLElement} callPlace the session's `#live-call` @param {URL} hub */
  constructor(callPlace, hub) {
    /** @type {CreditPlan | null} */
    this.plan = null;
    this.warned = false;
    this.left = node("strong", "support-left");
    this.time = node("strong", "support-time");
    this.line = node("p", "support-line");
    this.line.append("Support call · credit left ", this.left, " · ", this.time);
    this.warning = node("p", "support-warning");
    this.warning.setAttribute("role", "alert");
    this.box = node("div", "support-credit");
    this.box.setAttribute("role", "group");
    this.box.setAttribute("aria-label", "Support credit");
    this.box.append(this.line, this.warning);
    callPlace.after(this.box);
    request(hub, ".well-known/cartstart.json").then(learnClock, () => {});
    setInterval(() => this.tick(), 1000);
    this.render();
  }

  /** @param {SessionSupport | null | undefined} support the snapshot's */
  load(support) {
    this.plan = support?.plan ?? null;
    this.warned = Boolean(support?.warned);
    this.render();
  }

  /** @param {SupportEvent} m */
  onEvent(m) {
    if (m.type === "credit_plan") {
      this.plan = m;
      this.warned = false;
    } else if (m.type === "credit_warning" && this.plan?.call_id === m.call_id) {
      this.warned = true;
    } else if (m.type === "support_report" && this.plan?.call_id === m.call_id) {
      this.plan = null;
    }
    this.render();
  }

  /** @param {import("./types").CallInfo} call */
  onCall(call) {
    if (this.plan?.call_id === call.call_id && call.state === "ended") this.plan = null;
    this.render();
  }

  tick() {
    if (!this.plan) return;
    const now = hubNow();
    this.left.textContent = money(creditLeft(this.plan, now));
    this.time.textContent = duration(now - this.plan.answered_at);
  }

  render() {
    this.box.hidden = !this.plan;
    this.warning.textContent = this.plan && this.warned ? `About one minute of the shopper's credit left: the call ends by itself at ${clock(this.plan.ends_at)}.` : "";
    this.warning.hidden = !this.warning.textContent;
    this.tick();
  }
}
