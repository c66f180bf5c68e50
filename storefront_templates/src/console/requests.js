// The marketplace's requests for this store (docs/marketplace.md "Solutions, quotes and orders"):
// what buyers sent it from their solutions, only this store's lines, with the buyer's contact.
// A quote is answered in a dialog (price in the store's currency, valid until, note) or declined;
// the buyer is emailed and sees the answer on the solution's page. Live: the store stream's
// `request_received` / `request_updated` reload the list. Buyers' words are shown as text only.

import { formDialog } from "../shared/dialog.js";
import { digits, minorUnits } from "../shared/money.js";
import { button, byId, el, fill, row } from "./dom.js";
import { store } from "./store.js";

/** @typedef {import("../shared/protocol").StoreRequest} StoreRequest */
/** @typedef {import("../shared/dialog.js").FormDialog} FormDialog */

/** A request's status as the firm reads it. */
export const REQUEST_WORDS = /** @type {Record<string, string>} */ ({
  sent: "Waiting for your answer",
  answered: "Answered",
  accepted: "Accepted: ordered",
  ordered: "Ordered",
  declined: "Declined",
});

/** @type {Map<string, StoreRequest>} */
const shown = new Map();
/** @type {FormDialog | null} */
let answerDialog = null;
/** @type {FormDialog | null} */
let declineDialog = null;
let current = ""; // the request a dialog is open for

/** @param {number} at seconds */
const when = (at) => new Date(at * 1000).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** The first day an answer may be valid until: today's UTC date, the one the hub checks
 * against (a firm west of UTC is already on tomorrow's date late in its evening). */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

/** @param {StoreRequest} r */
function currencyOf(r) {
  return r.lines[0]?.unit_price.currency ?? "EUR";
}

function dialogs() {
  answerDialog ??= formDialog({
    id: "request-answer",
    title: "Answer the request",
    help: "Your price for these lines, in your own currency, and how long it holds. The buyer is emailed and can accept it; accepting makes an order at this price.",
    fields: [
      { name: "price", label: "Price for all these lines", required: true, placeholder: "350.00", maxLength: 15 },
      { name: "valid_until", label: "Valid until", type: "date", required: true },
      { name: "note", label: "Note for the buyer (optional)", maxLength: 1000 },
    ],
    submit: "Send answer",
    cancel: "Cancel",
    async onSubmit(values) {
      const request = shown.get(current);
      if (!request) throw new Error("This request is no longer listed");
      const currency = currencyOf(request);
      const amount = minorUnits(values.price, currency);
      if (amount === null) {
        const example = (350).toFixed(digits(currency));
        throw new Error(`Write the price as a number, e.g. ${example} (${currency})`);
      }
      await store.call(`/requests/${encodeURIComponent(current)}/answer`, {
        method: "POST",
        body: { price: { amount, currency }, valid_until: values.valid_until, note: values.note },
      });
      answerDialog?.close();
      await loadRequests();
    },
  });
  declineDialog ??= formDialog({
    id: "request-decline",
    title: "Decline the request",
    help: "The buyer is emailed that you cannot offer these lines, with your note.",
    fields: [{ name: "note", label: "Note for the buyer (optional)", maxLength: 1000 }],
    submit: "Decline request",
    cancel: "Back",
    async onSubmit(values) {
      await store.call(`/requests/${encodeURIComponent(current)}/decline`, { method: "POST", body: { note: values.note } });
      declineDialog?.close();
      await loadRequests();
    },
  });
  return { answer: answerDialog, decline: declineDialog };
}

/** @param {StoreRequest} r */
function buyerCell(r) {
  const cell = el("span");
  cell.append(el("span", r.contact.name), el("br"), el("small", r.contact.email));
  if (r.contact.company) cell.append(el("br"), el("small", r.contact.company));
  if (r.contact.phone) cell.append(el("br"), el("small", r.contact.phone));
  if (r.contact.note) cell.append(el("p", r.contact.note, { class: "request-note" }));
  return cell;
}

/** @param {StoreRequest} r */
function linesCell(r) {
  const list = el("ul", null, { class: "request-lines" });
  for (const line of r.lines) {
    const item = el("li", `${line.qty} × ${line.name}${line.code ? ` [${line.code}]` : ""} · ${line.unit_price.text}`);
    const options = Object.entries(line.options).map(([k, v]) => `${k}: ${v}`).join(", ");
    if (options) item.append(el("br"), el("small", options));
    if (line.note) item.append(el("p", line.note, { class: "request-note" }));
    list.append(item);
  }
  const solution = el("small", `Solution: ${r.solution_name || "untitled"}`);
  const cell = el("span");
  cell.append(solution, list);
  return cell;
}

/** @param {StoreRequest} r */
function answerCell(r) {
  const cell = el("span");
  const status = el("span", REQUEST_WORDS[r.status] ?? r.status, { class: `status status-request-${r.status}` });
  cell.append(status);
  if (r.answer) {
    cell.append(el("br"), el("span", `${r.answer.price.text}, valid until ${r.answer.valid_until}`));
    if (r.answer.note) cell.append(el("p", r.answer.note, { class: "request-note" }));
  }
  if (r.order_id) cell.append(el("br"), el("small", `Order ${r.order_id}`));
  return cell;
}

/** @param {StoreRequest} r */
function actionsCell(r) {
  const steps = el("span", null, { class: "steps" });
  if (r.kind !== "quote" || (r.status !== "sent" && r.status !== "answered")) return steps;
  const answer = button(r.status === "answered" ? "Change answer" : "Answer", true, { "data-request": r.id, "data-focus-key": `${r.id}:answer` });
  answer.addEventListener("click", () => {
    current = r.id;
    const { answer: dialog } = dialogs();
    const date = /** @type {HTMLInputElement | null} */ (dialog.dialog.querySelector('input[name="valid_until"]'));
    dialog.open(`Answer ${r.contact.name}: ${r.lines.length} line${r.lines.length === 1 ? "" : "s"} (${currencyOf(r)})`);
    if (date) date.min = today();
  });
  const decline = button("Decline", false, { "data-request": r.id, "data-focus-key": `${r.id}:decline` });
  decline.addEventListener("click", () => {
    current = r.id;
    dialogs().decline.open(`Decline ${r.contact.name}'s request`);
  });
  steps.append(answer, decline);
  return steps;
}

export async function loadRequests() {
  const error = byId("requests-error", HTMLParagraphElement);
  try {
    /** @type {StoreRequest[]} */
    const requests = await store.call("/requests");
    shown.clear();
    for (const r of requests) shown.set(r.id, r);
    const rows = requests.map((r) => {
      const kind = el("span", r.kind === "quote" ? "Quote" : "Order");
      kind.append(el("br"), el("small", when(r.created_at)));
      return row([kind, buyerCell(r), linesCell(r), answerCell(r), actionsCell(r)]);
    });
    fill(byId("requests", HTMLTableSectionElement), rows, byId("requests-empty", HTMLElement));
    const waiting = requests.filter((r) => r.status === "sent" && r.kind === "quote").length;
    const badge = byId("requests-waiting", HTMLSpanElement);
    badge.textContent = waiting ? `${waiting} waiting` : "";
    badge.hidden = waiting === 0;
    error.textContent = "";
  } catch (e) {
    error.textContent = e instanceof Error ? e.message : String(e);
  }
}

/**
 * The store stream's request events: a toast for a new one, and the list again.
 * @param {StoreRequest} request
 * @param {boolean} received
 * @param {(message: string) => void} announce
 */
export function onRequest(request, received, announce) {
  if (received) {
    const what = request.kind === "quote" ? "New request for a quote" : "New marketplace order";
    announce(`${what} from ${request.contact.name}`);
  }
  return loadRequests();
}
