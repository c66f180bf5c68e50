// The native control for a field or a rows column's cell (input, textarea or select, with the
// field's limits as attributes), and what its text means as a value.

import { el } from "../shared/dom.js";
import { formatMoney } from "../shared/money.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").PriceRule} PriceRule */
/** @typedef {import("./words.js").Say} Say */

/**
 * A control for a field or a rows column's cell.
 * @param {FieldSpec} spec @param {Say} say @param {PriceRule[]} rules @param {string} currency
 * @returns {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement}
 */
export function inputFor(spec, say, rules = [], currency = "") {
  if (spec.kind === "long_text") {
    const area = el("textarea", { rows: "4" });
    area.maxLength = spec.max_length ?? 2000;
    return area;
  }
  if (spec.kind === "choice") {
    const amounts = rules.find((r) => r.kind === "per_option")?.amounts ?? {};
    const select = el("select", {}, el("option", { value: "" }, say("choose")));
    for (const option of spec.options ?? []) {
      const extra = amounts[option];
      const label = extra ? say("perOption", { option, price: formatMoney({ amount: extra, currency }) }) : option;
      select.append(el("option", { value: option }, label));
    }
    return select;
  }
  const input = el("input", { type: spec.kind === "number" ? "number" : spec.kind === "date" ? "date" : "text", autocomplete: "off" });
  if (spec.kind === "text") input.maxLength = spec.max_length ?? 200;
  if (spec.kind === "number") {
    if (spec.min != null) input.min = String(spec.min);
    if (spec.max != null) input.max = String(spec.max);
    input.step = spec.integer ? "1" : "any";
    input.inputMode = spec.integer ? "numeric" : "decimal";
  }
  if (spec.kind === "date") {
    if (spec.min_date) input.min = spec.min_date;
    if (spec.max_date) input.max = spec.max_date;
  }
  return input;
}

/**
 * What a control's text means as a value: a number for a number field, null when empty.
 * @param {FieldSpec} spec @param {string} text @returns {string | number | null}
 */
export function readPlain(spec, text) {
  if (text === "") return null;
  if (spec.kind === "number") {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return text;
}
