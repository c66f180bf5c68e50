// The solution's page (`#solution=<id>.<secret>`): its lines by firm with subtotals, sending it
// as a request for quote or as an order (a contact-details dialog), and each firm's requests with
// their answers; an answered quote can be accepted, which makes it an order.

import { CartStartError } from "../shared/http.js";
import * as api from "./api.js";
import { confirmDialog, openDialog } from "./dialogs.js";
import { button, byId, el, keepingFocus, notify } from "./dom.js";
import { problem } from "./errors.js";
import { linkBox } from "./link.js";
import { moneyText, priceParts } from "./results.js";
import { Solution } from "./state.js";
import { locale, safeGet, safeSet, t, tn } from "./words.js";

/** @typedef {import("./api.js").SolutionView} SolutionView */
/** @typedef {import("./api.js").RequestView} RequestView */
/** @typedef {import("./api.js").LineView} LineView */

const CONTACT_KEY = "cartstart.market.contact";
const REFRESH_MS = 20000; // while a firm has not answered, its answer shows up without a reload

/** @param {string} status */
export function statusText(status) {
  switch (status) {
    case "sent":
      return t("Sent, waiting for the firm's answer");
    case "answered":
      return t("Answered");
    case "accepted":
      return t("Accepted");
    case "ordered":
      return t("Ordered");
    case "declined":
      return t("Declined by the firm");
    default:
      return status;
  }
}

/** Where the firm is with an order (shared_protocol/orders.py OrderStatus). @param {string} status */
function orderStatusText(status) {
  switch (status) {
    case "placed":
      return t("placed, waiting for the firm to confirm");
    case "confirmed":
      return t("confirmed by the firm");
    case "dispatched":
      return t("dispatched");
    case "delivered":
      return t("delivered");
    case "rejected":
      return t("rejected by the firm");
    case "cancelled":
      return t("cancelled");
    default:
      return status;
  }
}

/** @param {string} day "YYYY-MM-DD" */
function dayText(day) {
  const at = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(at.getTime()) ? day : at.toLocaleDateString(locale(), { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

export class SolutionPage {
  /**
   * @param {Solution} solution the builder's: opening a link makes it the one being built
   * @param {() => void} edit goes back to the search with this solution in the builder
   */
  constructor(solution, edit) {
    this.solution = solution;
    this.edit = edit;
    /** The solution shown here (its link), which may differ from the one in the builder. */
    this.viewed = new Solution();
    this.box = byId("solution-screen", HTMLElement);
    /** @type {SolutionView | null} */
    this.view = null;
    this.error = "";
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /**
   * Opens a solution by its link.
   * @param {string} id
   * @param {string | null} secret
   * @param {boolean} [quiet] a refresh: what is shown stays until the answer comes
   */
  async open(id, secret, quiet = false) {
    clearTimeout(this.timer);
    if (!quiet) this.box.replaceChildren(el("p", { class: "hint" }, t("Opening the solution…")));
    try {
      const view = await api.getSolution(id, secret);
      this.view = view;
      this.viewed.id = id;
      this.viewed.secret = secret;
      // The builder takes it, unless it holds unsaved work of its own ("Edit" asks then).
      const builder = this.solution;
      if (builder.id === id ? !builder.dirty : !builder.dirty || !builder.lines.length) this.take(view);
      this.error = "";
      this.draw();
      if (view.requests.some((request) => request.status === "sent")) {
        this.timer = setTimeout(() => {
          if (!this.box.hidden && this.view?.id === id) void this.open(id, secret, true);
        }, REFRESH_MS);
      }
    } catch (error) {
      if (quiet) return; // a refresh that failed: what is shown stays
      this.view = null;
      this.box.replaceChildren(
        el("h2", { id: "solution-title", tabindex: "-1" }, t("This solution cannot be opened")),
        el("p", { class: "empty" }, problem(error, { not_found: t("No solution has this link. Check that you copied all of it, up to the last character.") })),
        button(t("Back to the search"), () => (location.hash = ""), {}),
      );
    }
  }

  draw() {
    const view = this.view;
    if (!view) return;
    keepingFocus(this.box, () => this.box.replaceChildren(...this.parts(view)));
  }

  /**
   * Makes the shown solution the builder's.
   * @param {SolutionView} view
   */
  take(view) {
    this.solution.secret = this.viewed.secret ?? (this.solution.id === view.id ? this.solution.secret : null);
    this.solution.adopt(view);
  }

  /** @param {SolutionView} view */
  editHere(view) {
    const builder = this.solution;
    if (builder.id === view.id && !builder.dirty) return this.edit();
    if (!builder.dirty || !builder.lines.length) {
      this.take(view);
      return this.edit();
    }
    confirmDialog({
      title: t("Put this solution in the builder?"),
      help: t("The builder holds unsaved changes to another solution. They are lost if this one takes its place."),
      submit: t("Put it in the builder"),
      onConfirm: () => {
        this.take(view);
        this.edit();
      },
    });
  }

  /** @param {SolutionView} view */
  parts(view) {
    const head = el(
      "div",
      { class: "solution-head" },
      el("h2", { id: "solution-title", tabindex: "-1" }, view.name),
      el("div", { class: "builder-actions" }, button(t("Edit in the builder"), () => this.editHere(view), { attrs: { "data-focus-key": "edit" } }), button(t("Back to the search"), () => (location.hash = ""), { attrs: { "data-focus-key": "back" } })),
    );
    const count = el("p", { class: "hint" }, tn("{n} line", "{n} lines", view.lines.length) + " · " + tn("{n} firm", "{n} firms", view.firms.length));
    if (!view.lines.length) {
      return [head, el("p", { class: "empty" }, t("This solution has no lines yet. Edit it in the builder and add products from the search.")), linkBox(this.viewed)];
    }
    const send = el(
      "div",
      { class: "send-bar" },
      button(t("Send as request for quote"), () => this.send("quote"), { primary: true, attrs: { id: "send-quote", "data-focus-key": "send-quote" } }),
      button(t("Send as order"), () => this.send("order"), { attrs: { id: "send-order", "data-focus-key": "send-order" } }),
    );
    const explain = el("p", { class: "hint" }, t("Each firm receives only its own lines, by email and in its console. You get a confirmation with the whole solution. Quotes and orders are in each firm's own currency."));
    if (view.requests.length) explain.append(" ", t("It was sent before: sending it again sends each firm a new request."));
    const firms = el("div", { class: "firms" }, ...view.firms.map((firm) => this.firm(view, firm)));
    const error = el("p", { class: "error", role: "alert" }, this.error);
    return [head, count, send, explain, error, firms, linkBox(this.viewed)];
  }

  /**
   * @param {SolutionView} view
   * @param {{store_id: string, store_name: string, subtotal: import("./api.js").Money}} firm
   */
  firm(view, firm) {
    const lines = view.lines.filter((line) => line.store_id === firm.store_id);
    const requests = view.requests.filter((request) => request.store_id === firm.store_id);
    const headId = `firm-${firm.store_id}`;
    const table = el(
      "table",
      {},
      el("caption", { class: "visually-hidden" }, t("Lines for {firm}", { firm: firm.store_name })),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("Product")), el("th", { scope: "col" }, t("Note")), el("th", { scope: "col", class: "num" }, t("Quantity")), el("th", { scope: "col", class: "num" }, t("Price")))),
      el("tbody", {}, ...lines.map((line) => this.row(line))),
    );
    return el(
      "section",
      { class: "panel firm", "aria-labelledby": headId, "data-store": firm.store_id },
      el("h3", { id: headId }, firm.store_name),
      table,
      el("p", { class: "subtotal" }, t("Subtotal: {amount}", { amount: moneyText(firm.subtotal) })),
      requests.length ? el("ul", { class: "requests", "aria-label": t("Requests to {firm}", { firm: firm.store_name }) }, ...requests.map((request) => this.request(request))) : null,
    );
  }

  /** @param {LineView} line */
  row(line) {
    const [price, own] = line.shown && line.price ? priceParts(line.shown, line.price) : [null, null];
    return el(
      "tr",
      {},
      el("td", {}, el("strong", {}, line.name), line.code ? el("div", { class: "meta" }, t("Code {code}", { code: line.code })) : null, line.available ? null : el("div", { class: "unavailable" }, t("No longer offered by the firm"))),
      el("td", {}, line.note),
      el("td", { class: "num" }, String(line.qty)),
      el("td", { class: "num" }, price, own),
    );
  }

  /** @param {RequestView} request */
  request(request) {
    const kind = request.kind === "order" ? t("Order") : t("Request for quote");
    const when = new Date(request.created_at * 1000).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
    const item = el("li", { class: "request", "data-status": request.status, "data-request": request.id }, el("p", {}, el("strong", {}, kind), ` · ${statusText(request.status)} · ${when}`));
    const answer = request.answer;
    if (answer) {
      item.append(el("p", {}, t("Quoted price: {price}, valid until {day}", { price: moneyText(answer.price), day: dayText(answer.valid_until) })));
      if (answer.note) item.append(el("p", { class: "meta" }, answer.note));
    }
    if (request.status === "declined" && request.decline_note) {
      item.append(el("p", { class: "meta" }, t("The firm's note: {note}", { note: request.decline_note })));
    }
    if (request.order_id) {
      const state = request.order_status ? orderStatusText(request.order_status) : "";
      item.append(el("p", {}, t("Order number: {order}", { order: request.order_id }), state ? ` · ${state}` : ""));
    }
    if (request.kind === "quote" && request.status === "answered") {
      item.append(button(t("Accept this quote"), () => void this.accept(request), { primary: true, small: true, attrs: { "data-focus-key": `accept:${request.id}` } }));
    }
    return item;
  }

  /** @param {RequestView} request */
  async accept(request) {
    const view = this.view;
    if (!view) return;
    try {
      await api.acceptQuote(view.id, this.viewed.secret, request.id, request.version);
      notify(t("Accepted: {firm} now has your order.", { firm: request.store_name }));
      await this.open(view.id, this.viewed.secret);
    } catch (error) {
      if (error instanceof CartStartError && error.code === "answer_changed") {
        await this.open(view.id, this.viewed.secret); // show the answer as it is now
      }
      this.error = problem(error);
      this.draw();
    }
  }

  /** @param {"quote" | "order"} kind */
  send(kind) {
    const view = this.view;
    if (!view) return;
    const key = crypto.randomUUID(); // one per dialog: a retry after a lost answer is the same sending
    /** @type {Record<string, string>} */
    const kept = JSON.parse(safeGet(CONTACT_KEY) ?? "{}") ?? {};
    const account = api.signedIn();
    openDialog({
      id: "market-send",
      title: kind === "order" ? t("Send as order") : t("Send as request for quote"),
      help: kind === "order"
        ? t("Each firm gets an order for its own lines, at its own prices, and contacts you about delivery and payment.")
        : t("Each firm gets its own lines and answers with a price and how long it holds. You see the answers here and by email."),
      fields: [
        { name: "name", label: t("Your name"), required: !account, maxLength: 120, value: kept.name ?? "" },
        { name: "email", label: t("Email"), type: "email", required: !account, maxLength: 254, value: kept.email ?? "" },
        { name: "company", label: t("Company (optional)"), maxLength: 120, value: kept.company ?? "" },
        { name: "phone", label: t("Phone (optional)"), type: "tel", maxLength: 40, value: kept.phone ?? "" },
        { name: "note", label: t("Note for the firms (optional)"), maxLength: 1000, value: "" },
      ],
      submit: kind === "order" ? t("Place the orders") : t("Send the requests"),
      onSubmit: async (values) => {
        const contact = { name: values.name.trim(), email: values.email.trim(), company: values.company.trim(), phone: values.phone.trim(), note: values.note.trim() };
        try {
          await api.sendSolution(view.id, this.viewed.secret, kind, contact, key);
        } catch (error) {
          throw new Error(problem(error, { invalid_message: t("Check your name and email address: both are needed so the firms can answer.") }));
        }
        safeSet(CONTACT_KEY, JSON.stringify({ name: contact.name, email: contact.email, company: contact.company, phone: contact.phone }));
        notify(kind === "order" ? tn("Sent: {n} firm has your order.", "Sent: {n} firms have your orders.", view.firms.length) : tn("Sent to {n} firm. Their answers appear here.", "Sent to {n} firms. Their answers appear here.", view.firms.length));
        await this.open(view.id, this.viewed.secret);
      },
    });
  }
}
