// The form editor's price rules (shared_protocol/forms.py PriceRule): what a buyer's values add
// to the unit price, in the product's currency (typed as "0.50", sent in minor units). The
// field a rule reads is chosen from the form's fields of the right kind; a per-option rule gets
// one amount per option of its choice field. At most 5 rules.

import { button, el } from "./dom.js";
import { digits, minorUnits } from "../shared/money.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").PriceRule} PriceRule */

export const MAX_RULES = 5;

const RULE_WORDS = /** @type {Record<string, string>} */ ({
  per_row: "Per row (of a list)",
  per_unit: "Per unit (of a number)",
  per_option: "Per option chosen",
  per_character: "Per character (no spaces)",
});
/** The kinds of field each rule reads. */
const READS = /** @type {Record<string, string[]>} */ ({
  per_row: ["rows"],
  per_unit: ["number"],
  per_option: ["choice"],
  per_character: ["text", "long_text"],
});

/** @param {number} amount minor units @param {string} currency */
const shown = (amount, currency) => (amount / 10 ** digits(currency)).toFixed(digits(currency));

export class PriceRules {
  /**
   * @param {HTMLElement} list
   * @param {string} currency
   * @param {() => FieldSpec[]} fields the form's fields as the editor holds them now
   */
  constructor(list, currency, fields) {
    this.list = list;
    this.currency = currency;
    this.fields = fields;
  }

  /** @returns {HTMLElement[]} */
  get cards() {
    return /** @type {HTMLElement[]} */ ([...this.list.children]);
  }

  /** @param {Partial<PriceRule>} rule */
  add(rule) {
    const n = this.cards.length + 1;
    const card = el("fieldset", null, { class: "fe-rule" });
    const kind = el("select", null, { "data-prop": "kind" });
    for (const [k, words] of Object.entries(RULE_WORDS)) kind.append(el("option", words, { value: k }));
    kind.value = rule.kind ?? "per_row";
    const field = el("select", null, { "data-prop": "field" });
    field.dataset.wanted = rule.field ?? "";
    const amount = el("input", null, { "data-prop": "amount", inputmode: "decimal", placeholder: (0.5).toFixed(digits(this.currency)), size: "8" });
    if (rule.amount !== null && rule.amount !== undefined) amount.value = shown(rule.amount, this.currency);
    const amounts = el("div", null, { class: "fe-amounts", role: "group" });
    amounts.dataset.wanted = JSON.stringify(rule.amounts ?? {});
    const remove = button("Remove", false, { class: "cartstart-button danger" });
    remove.addEventListener("click", () => {
      const next = card.nextElementSibling ?? card.previousElementSibling;
      card.remove();
      this.renumber();
      const to = next?.querySelector("select") ?? this.list.parentElement?.querySelector(".fe-add-rule");
      if (to instanceof HTMLElement) to.focus();
    });
    const label = (/** @type {string} */ text, /** @type {HTMLElement} */ c) => {
      const l = el("label", text);
      l.append(c);
      return l;
    };
    const amountLabel = label(`Amount (${this.currency})`, amount);
    amountLabel.classList.add("fe-amount");
    const row = el("div", null, { class: "row" });
    row.append(label("Adds", kind), label("Reads the field", field), amountLabel);
    card.append(el("legend", `Price rule ${n}`), row, amounts, remove, el("p", null, { class: "error fe-error" }));
    kind.addEventListener("change", () => this.refresh());
    field.addEventListener("change", () => {
      field.dataset.wanted = field.value;
      this.refresh();
    });
    this.list.append(card);
    this.refresh();
    return card;
  }

  renumber() {
    this.cards.forEach((card, i) => {
      const legend = card.querySelector("legend");
      if (legend) legend.textContent = `Price rule ${i + 1}`;
      card.querySelector(".danger")?.setAttribute("aria-label", `Remove price rule ${i + 1}`);
    });
    const add = this.list.parentElement?.querySelector(".fe-add-rule");
    if (add instanceof HTMLButtonElement) add.disabled = this.cards.length >= MAX_RULES;
  }

  /** The field choices and per-option amounts again, after the fields changed. */
  refresh() {
    const fields = this.fields();
    for (const card of this.cards) {
      const kind = /** @type {HTMLSelectElement} */ (card.querySelector('[data-prop="kind"]')).value;
      const field = /** @type {HTMLSelectElement} */ (card.querySelector('[data-prop="field"]'));
      const fitting = fields.filter((f) => READS[kind].includes(f.kind) && f.key);
      const wanted = field.dataset.wanted ?? "";
      const focused = document.activeElement === field;
      if (!focused) {
        field.replaceChildren(...fitting.map((f) => el("option", `${f.label || f.key} (${f.key})`, { value: f.key })));
        if (!fitting.length) field.append(el("option", `No ${READS[kind].join(" or ").replace("_", " ")} field yet`, { value: "" }));
        field.value = fitting.some((f) => f.key === wanted) ? wanted : (fitting[0]?.key ?? "");
      }
      const amountLabel = card.querySelector(".fe-amount");
      if (amountLabel instanceof HTMLElement) amountLabel.hidden = kind === "per_option";
      const box = card.querySelector(".fe-amounts");
      if (!(box instanceof HTMLElement)) continue;
      box.hidden = kind !== "per_option";
      if (kind !== "per_option" || box.contains(document.activeElement)) continue;
      /** @type {Record<string, string>} typed amounts, kept by option across redraws */
      const typed = Object.fromEntries([...box.querySelectorAll("input")].map((i) => [i.dataset.option ?? "", i.value]));
      /** @type {Record<string, number>} */
      const saved = JSON.parse(box.dataset.wanted ?? "{}");
      const options = fields.find((f) => f.key === field.value)?.options ?? [];
      box.setAttribute("aria-label", `Amount per option (${this.currency})`);
      box.replaceChildren(
        ...options.map((option) => {
          const input = el("input", null, { inputmode: "decimal", size: "8", "data-option": option, placeholder: "0" });
          input.value = typed[option] ?? (saved[option] !== undefined ? shown(saved[option], this.currency) : "");
          const l = el("label", `${option} (${this.currency})`);
          l.append(input);
          return l;
        }),
      );
    }
    this.renumber();
  }

  /**
   * The rules as the hub takes them; an amount that is not one is said by its rule.
   * @returns {PriceRule[]}
   */
  read() {
    return this.cards.map((card, i) => {
      const value = (/** @type {string} */ prop) => /** @type {HTMLInputElement | HTMLSelectElement} */ (card.querySelector(`[data-prop="${prop}"]`)).value;
      const kind = value("kind");
      const amountOf = (/** @type {string} */ text) => {
        const minor = minorUnits(text || "0", this.currency);
        if (minor === null) {
          const words = `Price rule ${i + 1}: write the amount as a number, e.g. ${(0.5).toFixed(digits(this.currency))} (${this.currency})`;
          throw Object.assign(new Error(words), { rule: i + 1 });
        }
        return minor;
      };
      if (kind !== "per_option") return { kind, field: value("field"), amount: amountOf(value("amount").trim()) };
      /** @type {Record<string, number>} */
      const amounts = {};
      for (const input of card.querySelectorAll(".fe-amounts input")) {
        if (input instanceof HTMLInputElement && input.value.trim()) amounts[input.dataset.option ?? ""] = amountOf(input.value.trim());
      }
      return { kind, field: value("field"), amounts };
    });
  }
}
