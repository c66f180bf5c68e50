// Support calls in the console (docs/agents.md "Support calls"): owners set the price per
// minute and the credit product, give credit to a shopper with a reason, and answer complaints
// (unanswered first); every agent of the store reads the balances and the complaints. Shoppers'
// words are data: shown with textContent only.

import { sentence } from "../shared/style.js";
import { button, byId, el, fill, row } from "./dom.js";
import { money, since } from "./format.js";
import { store } from "./store.js";

/** @typedef {import("../shared/protocol").Money} Money */
/**
 * @typedef {Object} Complaint
 * @property {string} complaint_id
 * @property {string} call_id
 * @property {string} cart_ref
 * @property {"answers" | "support"} about
 * @property {string} text
 * @property {number} at
 * @property {string | null} answer
 */

/** @param {unknown} error */
const reason = (error) => sentence(error instanceof Error ? error.message : String(error));

/** @param {string} currency */
const digitsOf = (currency) => (["JPY", "KRW"].includes(currency) ? 0 : 2);

/** "0.60" in EUR -> 60 minor units (NaN when it is not a number). @param {string} text @param {string} currency */
function toMinor(text, currency) {
  const value = Number(text.replace(",", "."));
  return Number.isFinite(value) ? Math.round(value * 10 ** digitsOf(currency)) : NaN;
}

const ABOUT = { answers: "the answers", support: "the support" };

let owner = false;

/** @param {string} id @param {string} message */
function say(id, message) {
  byId(id, HTMLParagraphElement).textContent = message;
}

async function loadSettings() {
  /** @type {{enabled: boolean, price_per_minute: Money | null, credit_product_id: string | null, minutes_per_unit: number}} */
  const s = await store.call("/support");
  const currency = s.price_per_minute?.currency ?? "EUR";
  byId("support-currency", HTMLInputElement).value = currency;
  byId("support-price", HTMLInputElement).value = s.price_per_minute
    ? (s.price_per_minute.amount / 10 ** digitsOf(currency)).toFixed(digitsOf(currency))
    : "";
  byId("support-product", HTMLInputElement).value = s.credit_product_id ?? "";
  byId("support-minutes", HTMLInputElement).value = String(s.minutes_per_unit);
  say("support-state", s.enabled && s.price_per_minute
    ? `Support calls cost ${money(s.price_per_minute)} a minute.`
    : "Support calls are off: set a price per minute to offer them.");
}

async function loadBalances() {
  /** @type {{balances: {cart_ref: string, balance: Money, minutes: number}[]}} */
  const { balances } = await store.call("/support/credit");
  const rows = balances.map((b) => row([b.cart_ref, money(b.balance), `${b.minutes} min`]));
  fill(byId("support-balances", HTMLTableSectionElement), rows, byId("support-balances-empty", HTMLElement));
}

/** @param {Complaint} c */
function complaintItem(c) {
  const item = el("li", null, { class: c.answer === null ? "complaint open" : "complaint" });
  item.append(el("p", `About ${ABOUT[c.about]} · shopper ${c.cart_ref} · ${since(c.at)} ago`, { class: "meta" }));
  item.append(el("blockquote", c.text));
  if (c.answer !== null) {
    item.append(el("p", `Answered: ${c.answer}`, { class: "answer" }));
    return item;
  }
  if (!owner) {
    item.append(el("p", "Waiting for an owner's answer.", { class: "meta" }));
    return item;
  }
  const form = el("form", null, { class: "stack" });
  const label = el("label", "Your answer (the shopper reads it)");
  const text = el("textarea", null, { rows: "2", maxlength: "2000", required: "" });
  label.append(text);
  const send = button("Answer", true, { type: "submit" });
  const error = el("p", null, { class: "error", role: "alert" });
  form.append(label, send, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      await store.call(`/support/complaints/${encodeURIComponent(c.complaint_id)}/answer`, { method: "POST", body: { answer: text.value } });
      say("support-complaints-result", "Your answer was sent to the shopper.");
      await loadComplaints();
    } catch (e) {
      error.textContent = reason(e);
      send.disabled = false;
    }
  });
  item.append(form);
  return item;
}

async function loadComplaints() {
  /** @type {{complaints: Complaint[]}} */
  const { complaints } = await store.call("/support/complaints");
  byId("support-complaints", HTMLUListElement).replaceChildren(...complaints.map(complaintItem));
  byId("support-complaints-empty", HTMLElement).hidden = complaints.length > 0;
  const open = complaints.filter((c) => c.answer === null).length;
  const badge = byId("support-open", HTMLElement);
  badge.textContent = open ? `${open} unanswered` : "";
  badge.hidden = open === 0;
}

/**
 * The Team panel's Support checkbox for an agent (owners): a change asks the hub at once.
 * @param {{agent_id: string, name: string, support?: boolean}} a
 * @param {(message: string) => void} failed
 */
export function supportBox(a, failed) {
  const box = el("input", null, { type: "checkbox", "aria-label": `${a.name} takes support calls` });
  box.checked = Boolean(a.support);
  box.addEventListener("change", async () => {
    box.disabled = true;
    try {
      await store.call(`/support/agents/${encodeURIComponent(a.agent_id)}`, { method: "PUT", body: { support: box.checked } });
    } catch (e) {
      box.checked = !box.checked;
      failed(reason(e));
    } finally {
      box.disabled = false;
    }
  });
  return box;
}

/** @param {{permissions: string[]}} who */
export function startSupport(who) {
  owner = who.permissions.includes("manage_agents");
  byId("support-section", HTMLElement).hidden = false;
  byId("support-settings", HTMLFormElement).hidden = !owner;
  byId("support-grant", HTMLFormElement).hidden = !owner;
  byId("support-settings", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    say("support-settings-error", "");
    const currency = byId("support-currency", HTMLInputElement).value.trim().toUpperCase();
    const price = toMinor(byId("support-price", HTMLInputElement).value, currency);
    if (!(price >= 1)) return say("support-settings-error", "Give a price per minute, for example 0.60.");
    const product = byId("support-product", HTMLInputElement).value.trim();
    try {
      await store.call("/support", { method: "PUT", body: {
        price_per_minute: price, currency, credit_product_id: product || null,
        minutes_per_unit: Number(byId("support-minutes", HTMLInputElement).value),
      } });
      await loadSettings();
    } catch (e) {
      say("support-settings-error", reason(e));
    }
  });
  byId("support-grant", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    say("support-grant-result", "");
    say("support-grant-error", "");
    const currency = byId("support-currency", HTMLInputElement).value.trim().toUpperCase() || "EUR";
    const amount = toMinor(byId("grant-amount", HTMLInputElement).value, currency);
    if (!Number.isFinite(amount) || amount === 0) return say("support-grant-error", "Give an amount, for example 5.00 (or -5.00 to take credit back).");
    try {
      /** @type {{balance: Money, minutes: number}} */
      const b = await store.call("/support/credit", { method: "POST", body: {
        cart_ref: byId("grant-ref", HTMLInputElement).value.trim(), amount,
        reason: byId("grant-reason", HTMLInputElement).value,
      } });
      say("support-grant-result", `Done: the shopper now has ${money(b.balance)} (${b.minutes} min).`);
      byId("support-grant", HTMLFormElement).reset();
      await loadBalances();
    } catch (e) {
      say("support-grant-error", reason(e));
    }
  });
  Promise.all([loadSettings(), loadBalances(), loadComplaints()]).catch((e) => say("support-error", reason(e)));
}
