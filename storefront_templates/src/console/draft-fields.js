// A buyer's values in a followed draft (docs/personalise.md "For shops: watching and helping"):
// shown read-only as text (the buyer wrote them: never markup), and, while the buyer lets the
// shop edit, one input per field kind (rows as an editable table) that reads back a FieldValue;
// progress and times in the shop's words.

import { button, el } from "./dom.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").FieldValue} FieldValue */
/** @typedef {import("../shared/forms").Cell} Cell */

/**
 * @typedef {Object} FieldEditor
 * @property {HTMLElement} node
 * @property {() => FieldValue} read the value as the hub takes it ("" and [] clear the field);
 *   throws NotANumber for a number the browser cannot read (its value would read as "")
 * @property {(value: FieldValue) => void} set
 */

/** @param {number} at seconds */
export const clock = (at) => new Date(at * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/** @param {import("../shared/forms").FieldState | undefined} state */
export function byLine(state) {
  if (!state) return "";
  return state.by === "shop" ? `Changed by ${state.by_name} (shop) at ${clock(state.at)}` : `Written by the buyer at ${clock(state.at)}`;
}

/** The progress bar: done of required, with its words.
 * @param {import("../shared/forms").Progress} p */
export function progressNode(p) {
  const box = el("span", null, { class: "progress" });
  const bar = el("span", null, {
    class: `bar${p.complete ? " complete" : ""}`,
    role: "progressbar",
    "aria-valuemin": "0",
    "aria-valuemax": String(p.required),
    "aria-valuenow": String(p.done),
    "aria-label": "Required fields done",
  });
  const fill = el("span");
  fill.style.width = `${p.required ? Math.round((100 * p.done) / p.required) : 100}%`;
  bar.append(fill);
  box.append(bar, el("span", p.complete ? `Complete (${p.done} of ${p.required})` : `${p.done} of ${p.required} done`));
  return box;
}

/** @param {FieldValue | undefined} value */
export const isEmpty = (value) => value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);

/** @param {Cell | undefined} cell */
const cellText = (cell) => (cell === null || cell === undefined ? "" : String(cell));

/**
 * A value in one line of words (the shop's unsaved edit, said when editing stopped).
 * @param {FieldSpec["columns"]} columns
 * @param {FieldValue | null} value
 */
export function shownText(columns, value) {
  if (isEmpty(value ?? undefined)) return "(empty)";
  if (!Array.isArray(value)) return cellText(value);
  const cols = columns ?? [];
  return value.map((item) => cols.map((c) => `${c.label}: ${cellText(item[c.key])}`).join(", ")).join("; ");
}

/**
 * The value as the shop reads it: text for one value, a table for rows.
 * @param {FieldSpec} spec
 * @param {FieldValue | undefined} value
 */
export function valueNode(spec, value) {
  if (isEmpty(value)) return el("p", "Not filled in yet", { class: "draft-value empty-value" });
  if (!Array.isArray(value)) return el("p", cellText(value), { class: "draft-value" });
  const columns = spec.columns ?? [];
  const table = el("table", null, { class: "draft-rows" });
  const head = el("tr");
  for (const column of columns) head.append(el("th", column.label, { scope: "col" }));
  table.append(el("thead"), el("tbody"));
  table.tHead?.append(head);
  for (const item of value) {
    const tr = el("tr");
    for (const column of columns) tr.append(el("td", cellText(item[column.key])));
    table.tBodies[0].append(tr);
  }
  const box = el("div", null, { class: "draft-value" });
  box.append(table, el("small", `${value.length} ${value.length === 1 ? "row" : "rows"}`));
  return box;
}

/**
 * One input for a single value of `spec`'s kind (a field, or a column of a row).
 * @param {FieldSpec} spec
 * @param {string} label its accessible name
 * @returns {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement}
 */
function singleInput(spec, label) {
  if (spec.kind === "long_text") {
    const area = el("textarea", null, { rows: "4", "aria-label": label });
    if (spec.max_length) area.maxLength = spec.max_length;
    return area;
  }
  if (spec.kind === "choice") {
    const select = el("select", null, { "aria-label": label });
    select.append(el("option", "(not chosen)", { value: "" }));
    for (const option of spec.options ?? []) select.append(el("option", option, { value: option }));
    return select;
  }
  const input = el("input", null, { "aria-label": label });
  if (spec.kind === "number") {
    input.type = "number";
    input.step = spec.integer ? "1" : "any";
    if (spec.min !== null && spec.min !== undefined) input.min = String(spec.min);
    if (spec.max !== null && spec.max !== undefined) input.max = String(spec.max);
  } else if (spec.kind === "date") {
    input.type = "date";
    if (spec.min_date) input.min = spec.min_date;
    if (spec.max_date) input.max = spec.max_date;
  } else if (spec.max_length) {
    input.maxLength = spec.max_length;
  }
  return input;
}

/** A number input holding text the browser cannot read as a number ("1e"): never sent. */
export class NotANumber extends Error {
  /** @param {HTMLInputElement} input */
  constructor(input) {
    super(`${input.getAttribute("aria-label") ?? "This field"}: not a number. Write a number, or clear it.`);
    this.input = input;
  }
}

/**
 * The editor's value, or null when it cannot be read (a number the browser cannot read).
 * @param {FieldEditor} editor
 */
export function readOrNull(editor) {
  try {
    return editor.read();
  } catch (e) {
    if (e instanceof NotANumber) return null;
    throw e;
  }
}

/**
 * What an input holds, as the hub takes it: a number field's number, "" for nothing.
 * @param {FieldSpec} spec
 * @param {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} input
 * @returns {Cell}
 */
function readSingle(spec, input) {
  const bad = input instanceof HTMLInputElement && input.validity.badInput; // value reads as ""
  if (bad) {
    input.setAttribute("aria-invalid", "true");
    throw new NotANumber(/** @type {HTMLInputElement} */ (input));
  }
  input.removeAttribute("aria-invalid");
  if (spec.kind === "number" && input.value.trim() !== "") {
    const n = Number(input.value);
    return Number.isFinite(n) ? n : input.value; // not a number: the hub says why
  }
  return input.value;
}

/**
 * An editor for a rows field: a table of inputs, "Add row" and a "Remove" per row.
 * @param {FieldSpec} spec
 * @returns {FieldEditor}
 */
function rowsEditor(spec) {
  const columns = spec.columns ?? [];
  const table = el("table", null, { class: "draft-rows editing" });
  const head = el("tr");
  for (const column of columns) head.append(el("th", column.label + (column.required ? " *" : ""), { scope: "col" }));
  head.append(el("th", null));
  table.append(el("thead"), el("tbody"));
  table.tHead?.append(head);
  const body = table.tBodies[0];
  // Each row's labels say its number: renumbered after a row is added or removed.
  const renumber = () => {
    [...body.rows].forEach((tr, i) => {
      for (const column of columns) {
        const input = tr.querySelector(`[data-column="${CSS.escape(column.key)}"]`);
        input?.setAttribute("aria-label", `${spec.label}, row ${i + 1}, ${column.label}`);
        input?.setAttribute("data-focus-key", `edit:${spec.key}:${i}:${column.key}`);
      }
      tr.querySelector(".remove-row")?.setAttribute("aria-label", `Remove row ${i + 1} of ${spec.label}`);
    });
  };
  /** @param {Record<string, Cell>} item */
  const addRow = (item) => {
    const tr = el("tr");
    for (const column of columns) {
      const input = singleInput(column, column.label);
      input.dataset.column = column.key;
      input.value = cellText(item[column.key]);
      const td = el("td");
      td.append(input);
      tr.append(td);
    }
    const remove = button("Remove", false, { class: "cartstart-button remove-row" });
    remove.addEventListener("click", () => {
      const next = tr.nextElementSibling ?? tr.previousElementSibling;
      tr.remove();
      renumber();
      const to = next?.querySelector("input, select, textarea") ?? add;
      if (to instanceof HTMLElement) to.focus();
    });
    const td = el("td");
    td.append(remove);
    tr.append(td);
    body.append(tr);
    renumber();
    return tr;
  };
  const add = button("Add row", false, { "data-focus-key": `add:${spec.key}` });
  add.addEventListener("click", () => {
    const first = addRow({}).querySelector("input, select, textarea");
    if (first instanceof HTMLElement) first.focus();
  });
  const node = el("div", null, { class: "rows-editor" });
  node.append(table, add);
  return {
    node,
    read() {
      const rows = [...body.rows].map((tr) => {
        /** @type {Record<string, Cell>} */
        const item = {};
        for (const column of columns) {
          const input = tr.querySelector(`[data-column="${CSS.escape(column.key)}"]`);
          if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement) {
            item[column.key] = readSingle(column, input);
          }
        }
        return item;
      });
      return rows;
    },
    set(value) {
      body.replaceChildren();
      for (const item of Array.isArray(value) ? value : []) addRow(item);
    },
  };
}

/**
 * An editor for the shop's edit of one field (only while the buyer allows it).
 * @param {FieldSpec} spec
 * @returns {FieldEditor}
 */
export function editorFor(spec) {
  if (spec.kind === "rows") return rowsEditor(spec);
  const input = singleInput(spec, `${spec.label} (your edit)`);
  input.dataset.focusKey = `edit:${spec.key}`;
  return {
    node: input,
    read: () => readSingle(spec, input),
    set(value) {
      input.value = Array.isArray(value) ? "" : cellText(value);
    },
  };
}
