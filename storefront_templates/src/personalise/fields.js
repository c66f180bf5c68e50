// One field of the form as the dialog shows it: its label (a * for required, said as
// "required" by aria-required), help, limits and price, the control, who in the shop changed
// it last, the hub's refusal, and the shop's comments on it. A `rows` field is a table
// (rows.js). Everything someone wrote (labels, help, options, values, comments) goes in as
// text, never markup.

import { el } from "../shared/dom.js";
import { formatMoney } from "../shared/money.js";
import { inputFor, readPlain } from "./inputs.js";
import { rowsControl } from "./rows.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").FieldValue} FieldValue */
/** @typedef {import("../shared/forms").PriceRule} PriceRule */
/** @typedef {import("../shared/forms").FieldState} FieldState */
/** @typedef {import("../shared/forms").DraftComment} DraftComment */
/** @typedef {import("./words.js").Say} Say */
/** @typedef {{row: number, column: string}} Cell a list's cell: its row (from 1) and column key */

/**
 * @typedef {Object} FieldEnv
 * @property {string} id a prefix unique in the page
 * @property {Say} say
 * @property {string} currency
 * @property {PriceRule[]} rules the form's price rules on this field
 * @property {(value: FieldValue) => void} input typed (saved after a pause)
 * @property {() => void} commit left the field (saved now)
 * @property {(message: string | null, cell?: Cell) => void} unreadable typed something that is no
 *   value (not a number); in a list: which cell (null: the list's cells can all be read again)
 */

/**
 * @typedef {Object} FieldView
 * @property {HTMLElement} root
 * @property {(value: FieldValue) => void} set what the hub has (not while typed here)
 * @property {(state: FieldState | undefined) => void} changedBy
 * @property {(message: string | null, cell?: Cell) => void} error the hub's refusal (in a list: of one cell)
 * @property {(comments: DraftComment[]) => void} comments
 * @property {() => void} focus
 */

/**
 * @param {FieldSpec} spec
 * @param {FieldEnv} env
 * @returns {FieldView}
 */
export function fieldView(spec, env) {
  const { say } = env;
  const id = `${env.id}-${spec.key}`;
  const isRows = spec.kind === "rows";
  const required = spec.required ? el("span", { class: "cp-req", "aria-hidden": "true" }, " *") : null;
  const help = spec.help ? el("p", { class: "cp-help", id: `${id}-help` }, spec.help) : null;
  const limitWords = [limits(spec, say), ...env.rules.map((r) => priceWords(r, env.currency, say))].filter(Boolean).join(" · ");
  const limitLine = limitWords ? el("p", { class: "cp-limits", id: `${id}-limits` }, limitWords) : null;
  const changed = el("p", { class: "cp-changed", id: `${id}-changed` });
  const error = el("p", { class: "cp-error", id: `${id}-error` });
  const list = el("ul", { class: "cp-comments" }); // under its field: no label of its own
  list.hidden = true;
  const described = [help, limitLine, changed, error].filter(Boolean).map((n) => /** @type {HTMLElement} */ (n).id).join(" ");

  /** @type {{node: HTMLElement, set: (value: FieldValue) => void, focus: () => void, mark?: (cell: Cell | null) => void}} */
  let control;
  /** @type {HTMLElement} */
  let root;
  if (isRows) {
    control = rowsControl(spec, { id, say, described, input: env.input, commit: env.commit, unreadable: env.unreadable });
    root = el("fieldset", { class: "cp-field cp-rows-field", "data-key": spec.key }, el("legend", { class: "cp-label" }, spec.label, required));
  } else {
    control = plainControl(spec, id, described, env);
    root = el("div", { class: "cp-field", "data-key": spec.key }, el("label", { class: "cp-label", for: id }, spec.label, required));
  }
  root.append(...[help, limitLine].filter((n) => n !== null), control.node, changed, error, list);
  return {
    root,
    set: control.set,
    focus: control.focus,
    changedBy(state) {
      const words = state && state.by === "shop" ? say("changedBy", { name: state.by_name }) : "";
      if (changed.textContent !== words) changed.textContent = words;
    },
    error(message, cell) {
      error.textContent = message ?? "";
      root.classList.toggle("cp-invalid", Boolean(message) && !control.mark);
      if (control.mark) return control.mark(message ? cell ?? null : null);
      for (const input of root.querySelectorAll("input,select,textarea")) {
        if (message) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    },
    comments(comments) {
      drawComments(list, comments, say);
    },
  };
}

/**
 * The shop's comments, oldest first: who, when, and the text (as text).
 * @param {HTMLUListElement} list
 * @param {DraftComment[]} comments
 * @param {Say} say
 */
export function drawComments(list, comments, say) {
  const ids = comments.map((c) => c.id).join(",");
  if (list.dataset.ids === ids) return; // unchanged: nothing redrawn
  list.dataset.ids = ids;
  list.replaceChildren(
    ...comments.map((c) => el("li", { class: "cp-comment" }, el("span", { class: "cp-meta" }, say("comment", { name: c.by_name, time: when(c.at) })), el("span", { class: "cp-text" }, c.text))),
  );
  list.hidden = comments.length === 0;
}

/** "14:05" today, "3 Mar, 14:05" on another day. @param {number} seconds */
export function when(seconds) {
  const d = new Date(seconds * 1000);
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}

/**
 * text, long_text, choice, number or date: one native control.
 * @param {FieldSpec} spec @param {string} id @param {string} described @param {FieldEnv} env
 */
function plainControl(spec, id, described, env) {
  const { say } = env;
  const input = inputFor(spec, say, env.rules, env.currency);
  input.id = id;
  input.dataset.focusKey = id;
  if (described) input.setAttribute("aria-describedby", described);
  if (spec.required) input.setAttribute("aria-required", "true");
  const max = spec.max_length ?? (spec.kind === "long_text" ? 2000 : 200);
  const counted = spec.kind === "text" || spec.kind === "long_text";
  const count = counted ? el("p", { class: "cp-count", "aria-hidden": "true" }) : null;
  const recount = () => {
    if (count) count.textContent = say("count", { n: input.value.length, max });
  };
  input.addEventListener("input", () => {
    recount();
    if (input instanceof HTMLInputElement && input.type === "number" && input.validity.badInput) {
      env.unreadable(say("notANumber"));
      return;
    }
    env.input(readPlain(spec, input.value));
  });
  input.addEventListener(spec.kind === "choice" || spec.kind === "date" ? "change" : "blur", () => env.commit());
  if (spec.kind !== "choice" && spec.kind !== "date") input.addEventListener("change", () => env.commit());
  const node = count ? el("div", { class: "cp-control" }, input, count) : input;
  return {
    node,
    /** @param {FieldValue} value */
    set(value) {
      const text = value === null || value === undefined || Array.isArray(value) ? "" : String(value);
      // The hub keeps text trimmed: while typing here, "Ana " stays (the space is not taken away).
      const typing = document.activeElement === input && counted && input.value.trim() === text;
      if (input.value !== text && !typing) input.value = text;
      recount();
    },
    focus: () => input.focus(),
  };
}

/**
 * "Up to 200 characters", "From 1 to 10", "Between 1 Jun 2027 and 30 Jun 2027"...
 * @param {FieldSpec} spec @param {Say} say
 */
export function limits(spec, say) {
  switch (spec.kind) {
    case "text":
    case "long_text": {
      const max = spec.max_length ?? (spec.kind === "long_text" ? 2000 : 200);
      return spec.min_length ? say("between", { min: spec.min_length, max }) : say("upTo", { max });
    }
    case "number": {
      const whole = spec.integer ? ` (${say("wholeNumber")})` : "";
      if (spec.min != null && spec.max != null) return say("numberRange", { min: spec.min, max: spec.max }) + whole;
      if (spec.min != null) return say("numberMin", { min: spec.min }) + whole;
      if (spec.max != null) return say("numberMax", { max: spec.max }) + whole;
      return spec.integer ? say("wholeNumber") : "";
    }
    case "date": {
      const [min, max] = [day(spec.min_date), day(spec.max_date)];
      if (min && max) return say("dateRange", { min, max });
      if (min) return say("dateMin", { min });
      return max ? say("dateMax", { max }) : "";
    }
    case "rows": {
      const max = spec.max_rows ?? 200;
      return spec.min_rows ? say("rowsLimits", { min: spec.min_rows, max }) : say("rowsMax", { max });
    }
    default:
      return "";
  }
}

/** "2027-06-01" -> "1 Jun 2027" (in the reader's language). @param {string | null | undefined} iso */
function day(iso) {
  if (!iso) return "";
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/**
 * What a price rule adds, in words (per_option shows in the options themselves).
 * @param {PriceRule} rule @param {string} currency @param {Say} say
 */
function priceWords(rule, currency, say) {
  const price = formatMoney({ amount: rule.amount ?? 0, currency });
  if (rule.kind === "per_row") return say("perRow", { price });
  if (rule.kind === "per_unit") return say("perUnit", { price });
  if (rule.kind === "per_character") return say("perCharacter", { price });
  return "";
}
