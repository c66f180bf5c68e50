// The form editor's field cards (docs/personalise.md "For shops: defining a form"): one card per
// field (or per column of a list of rows) with its label, key (suggested from the label until
// typed over), kind, required, help and the limits of its kind; moved up and down and removed
// with buttons. The page holds the state: `readField` turns a card back into a FieldSpec with
// only its kind's limits (the hub refuses a limit that does not apply).

import { button, el } from "./dom.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */

export const KIND_WORDS = /** @type {Record<string, string>} */ ({
  text: "Short text",
  long_text: "Long text",
  choice: "Choice",
  number: "Number",
  date: "Date",
  rows: "List of rows",
});
const COLUMN_KINDS = ["text", "choice", "number", "date"];

/** "Guest list" -> "guest_list": a key the hub takes (a-z, 0-9, _; a letter first; 32 at most).
 * @param {string} label */
export function suggestKey(label) {
  const plain = label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  let key = plain.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (!/^[a-z]/.test(key)) key = key ? `f_${key}` : "";
  return key.slice(0, 32).replace(/_+$/, "");
}

/** @type {number} */
let made = 0;

/**
 * A labelled control in a card.
 * @param {string} text
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function labelled(text, control, hint) {
  const label = el("label", text);
  label.append(control);
  if (hint) label.append(el("small", hint, { class: "hint" }));
  return label;
}

/**
 * @param {string} prop the FieldSpec property it holds
 * @param {string} type
 * @param {Record<string, string>} [attrs]
 */
const input = (prop, type = "text", attrs = {}) => el("input", null, { type, "data-prop": prop, autocomplete: "off", ...attrs });

/**
 * A card's own control for `prop` (not one of a column card inside it).
 * @param {HTMLElement} card
 * @param {string} prop
 * @returns {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement}
 */
export function control(card, prop) {
  const found = [...card.querySelectorAll(`[data-prop="${prop}"]`)].find((c) => c.closest(".fe-card") === card);
  if (found instanceof HTMLInputElement || found instanceof HTMLSelectElement || found instanceof HTMLTextAreaElement) return found;
  throw new Error(`form editor: no ${prop} in a card`);
}

/** @param {HTMLElement} list the cards' list */
const cardsOf = (list) => /** @type {HTMLElement[]} */ ([...list.children].filter((c) => c instanceof HTMLElement && c.classList.contains("fe-card")));

/** Each card's legend and buttons say its place and label ("Field 2: Wording"). @param {HTMLElement} list */
export function renumber(list) {
  const cards = cardsOf(list);
  cards.forEach((card, i) => {
    const noun = card.dataset.column ? "Column" : "Field";
    const label = control(card, "label").value.trim() || "(no label yet)";
    const legend = card.querySelector(":scope > legend");
    if (legend) legend.textContent = `${noun} ${i + 1}: ${label}`;
    const named = (/** @type {string} */ what, /** @type {string} */ verb) => {
      const b = card.querySelector(`:scope > .fe-moves [data-move="${what}"]`);
      if (b instanceof HTMLButtonElement) {
        b.setAttribute("aria-label", `${verb} ${noun.toLowerCase()} ${i + 1} (${label})`);
        b.disabled = (what === "up" && i === 0) || (what === "down" && i === cards.length - 1);
      }
    };
    named("up", "Move up");
    named("down", "Move down");
    named("remove", "Remove");
  });
}

/** Show the limits of the card's kind only. @param {HTMLElement} card */
function showKind(card) {
  const kind = control(card, "kind").value;
  for (const group of card.querySelectorAll(":scope > .fe-limits > [data-kinds]")) {
    if (group instanceof HTMLElement) group.hidden = !(group.dataset.kinds ?? "").split(" ").includes(kind);
  }
}

/**
 * A new card for `spec` (empty for a new field), added to `list`.
 * @param {HTMLElement} list
 * @param {Partial<FieldSpec>} spec
 * @param {{column?: boolean, onChange: () => void}} options
 */
export function addCard(list, spec, { column = false, onChange }) {
  const id = `fe-${++made}`;
  const card = el("fieldset", null, { class: "fe-card", id });
  if (column) card.dataset.column = "1";
  const label = input("label", "text", { maxlength: "100", required: "" });
  const key = input("key", "text", { maxlength: "32", pattern: "[a-z][a-z0-9_]*", spellcheck: "false" });
  const kind = el("select", null, { "data-prop": "kind" });
  for (const k of column ? COLUMN_KINDS : Object.keys(KIND_WORDS)) kind.append(el("option", KIND_WORDS[k], { value: k }));
  const required = input("required", "checkbox");
  const help = input("help", "text", { maxlength: "300" });
  label.value = spec.label ?? "";
  key.value = spec.key ?? "";
  if (spec.key) key.dataset.typed = "1"; // a saved key stays what it was
  kind.value = spec.kind ?? "text";
  required.checked = Boolean(spec.required);
  help.value = spec.help ?? "";
  label.addEventListener("input", () => {
    if (!key.dataset.typed) key.value = suggestKey(label.value);
    renumber(list);
  });
  key.addEventListener("input", () => (key.dataset.typed = key.value ? "1" : ""));
  kind.addEventListener("change", () => showKind(card));
  const requiredLabel = el("label", null, { class: "check" });
  requiredLabel.append(required, " Required: the buyer must fill it in before checking out");
  const moves = el("div", null, { class: "steps fe-moves" });
  const up = button("Move up", false, { "data-move": "up" });
  const down = button("Move down", false, { "data-move": "down" });
  const remove = button("Remove", false, { "data-move": "remove", class: "cartstart-button danger" });
  up.addEventListener("click", () => move(list, card, -1, up, onChange));
  down.addEventListener("click", () => move(list, card, 1, down, onChange));
  remove.addEventListener("click", () => {
    const cards = cardsOf(list);
    const next = cards[cards.indexOf(card) + 1] ?? cards[cards.indexOf(card) - 1];
    card.remove();
    renumber(list);
    onChange();
    const focusTo = next ? control(next, "label") : list.parentElement?.querySelector(":scope > .fe-add");
    if (focusTo instanceof HTMLElement) focusTo.focus();
  });
  moves.append(up, down, remove);
  const error = el("p", null, { class: "error fe-error", id: `${id}-error` });
  label.setAttribute("aria-describedby", error.id);
  const keyHint = "From the label: a-z, 0-9 and _. Orders and webhooks name the field by it.";
  const names = el("div", null, { class: "row" });
  names.append(labelled("Label (what the buyer reads)", label), labelled("Key", key, keyHint));
  const what = el("div", null, { class: "row" });
  what.append(labelled("Kind", kind), labelled("Help under the field (optional)", help));
  card.append(el("legend"), names, what, requiredLabel, limits(spec, column, onChange), moves, error);
  list.append(card);
  showKind(card);
  renumber(list);
  return card;
}

/**
 * The kind-specific limits, each group shown only for its kinds.
 * @param {Partial<FieldSpec>} spec
 * @param {boolean} column
 * @param {() => void} onChange
 */
function limits(spec, column, onChange) {
  const box = el("div", null, { class: "fe-limits" });
  const num = (/** @type {string} */ prop, /** @type {number | null | undefined} */ value, /** @type {Record<string, string>} */ attrs = {}) => {
    const i = input(prop, "number", { step: "any", ...attrs });
    i.value = value === null || value === undefined ? "" : String(value);
    return i;
  };
  const text = el("div", null, { class: "row", "data-kinds": "text long_text" });
  text.append(
    labelled("Fewest characters", num("min_length", spec.min_length, { min: "0", step: "1" })),
    labelled("Most characters", num("max_length", spec.max_length, { min: "1", step: "1", placeholder: "200 / 2,000" }), "Empty: 200 for short text, 2,000 for long"),
  );
  const options = el("textarea", null, { "data-prop": "options", rows: "4" });
  options.value = (spec.options ?? []).join("\n");
  const choice = el("div", null, { "data-kinds": "choice" });
  choice.append(labelled("Options, one per line", options, "1 to 50 different options"));
  const integer = input("integer", "checkbox");
  integer.checked = Boolean(spec.integer);
  const whole = el("label", null, { class: "check" });
  whole.append(integer, " Whole numbers only");
  const number = el("div", null, { class: "row", "data-kinds": "number" });
  number.append(labelled("Smallest", num("min", spec.min)), labelled("Largest", num("max", spec.max)), whole);
  const date = el("div", null, { class: "row", "data-kinds": "date" });
  const earliest = input("min_date", "date");
  const latest = input("max_date", "date");
  earliest.value = spec.min_date ?? "";
  latest.value = spec.max_date ?? "";
  date.append(labelled("Earliest", earliest), labelled("Latest", latest));
  box.append(text, choice, number, date);
  if (column) return box;
  const rows = el("div", null, { "data-kinds": "rows" });
  const counts = el("div", null, { class: "row" });
  counts.append(
    labelled("Fewest rows", num("min_rows", spec.min_rows, { min: "0", step: "1" })),
    labelled("Most rows", num("max_rows", spec.max_rows, { min: "1", step: "1", placeholder: "200" }), "Empty: 200; at most 500"),
  );
  const columns = el("div", null, { class: "fe-list fe-columns", role: "group", "aria-label": "Columns" });
  const addColumn = button("Add column", false, { class: "cartstart-button fe-add" });
  addColumn.addEventListener("click", () => control(addCard(columns, { kind: "text" }, { column: true, onChange }), "label").focus());
  rows.append(counts, el("h4", "Columns"), columns, addColumn);
  for (const c of spec.columns ?? []) addCard(columns, c, { column: true, onChange });
  if (!spec.columns?.length) addCard(columns, { kind: "text" }, { column: true, onChange });
  box.append(rows);
  return box;
}

/**
 * Moves a card up (-1) or down (1), keeping the focus on the button pressed.
 * @param {HTMLElement} list
 * @param {HTMLElement} card
 * @param {number} by
 * @param {HTMLButtonElement} pressed
 * @param {() => void} onChange
 */
function move(list, card, by, pressed, onChange) {
  const cards = cardsOf(list);
  const to = cards.indexOf(card) + by;
  if (to < 0 || to >= cards.length) return;
  if (by < 0) list.insertBefore(card, cards[to]);
  else list.insertBefore(card, cards[to].nextSibling);
  renumber(list);
  onChange();
  (pressed.disabled ? control(card, "label") : pressed).focus();
}

/** @param {HTMLElement} list */
export const readFields = (list) => cardsOf(list).map(readField);

/**
 * @param {HTMLElement} card
 * @returns {FieldSpec}
 */
export function readField(card) {
  const value = (/** @type {string} */ prop) => control(card, prop).value.trim();
  const number = (/** @type {string} */ prop) => (value(prop) === "" ? null : Number(value(prop)));
  const checked = (/** @type {string} */ prop) => /** @type {HTMLInputElement} */ (control(card, prop)).checked;
  const kind = value("kind");
  /** @type {FieldSpec} */
  const spec = { key: value("key"), label: value("label"), kind, required: checked("required"), help: value("help") };
  if (kind === "text" || kind === "long_text") {
    spec.min_length = number("min_length");
    spec.max_length = number("max_length");
  } else if (kind === "choice") {
    spec.options = control(card, "options").value.split("\n").map((o) => o.trim()).filter(Boolean);
  } else if (kind === "number") {
    Object.assign(spec, { min: number("min"), max: number("max"), integer: checked("integer") });
  } else if (kind === "date") {
    spec.min_date = value("min_date") || null;
    spec.max_date = value("max_date") || null;
  } else if (kind === "rows") {
    spec.min_rows = number("min_rows");
    spec.max_rows = number("max_rows");
    const columns = card.querySelector(":scope > .fe-limits .fe-columns");
    spec.columns = columns instanceof HTMLElement ? readFields(columns) : [];
  }
  return spec;
}

/** The card of the field with this key, in `list`. @param {HTMLElement} list @param {string} key */
export const cardFor = (list, key) => cardsOf(list).find((card) => control(card, "key").value.trim() === key) ?? null;
