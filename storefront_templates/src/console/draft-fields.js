// A buyer's values in a followed draft (docs/personalise.md "For shops: watching and helping"):
// shown read-only as text (the buyer wrote them: never markup), and, while the buyer lets the
// shop edit, one input per field kind (rows as an editable table) that reads back a FieldValue.

import { button, el } from "./dom.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").FieldValue} FieldValue */
/** @typedef {import("../shared/forms").Cell} Cell */

/**
 * @typedef {Object} FieldEditor
 * @property {HTMLElement} node
 * @property {() => FieldValue} read the value as the hub takes it ("" and [] clear the field)
 * @property {(value: FieldValue) => void} set
 */

/** @param {FieldValue | undefined} value */
export const isEmpty = (value) => value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);

/** @param {Cell | undefined} cell */
const cellText = (cell) => (cell === null || cell === undefined ? "" : String(cell));

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

/**
 * What an input holds, as the hub takes it: a number field's number, "" for nothing.
 * @param {FieldSpec} spec
 * @param {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} input
 * @returns {Cell}
 */
function readSingle(spec, input) {
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
  /** @param {Record<string, Cell>} item */
  const addRow = (item) => {
    const tr = el("tr");
    const n = body.rows.length + 1;
    for (const column of columns) {
      const input = singleInput(column, `${spec.label}, row ${n}, ${column.label}`);
      input.dataset.column = column.key;
      input.value = cellText(item[column.key]);
      const td = el("td");
      td.append(input);
      tr.append(td);
    }
    const remove = button("Remove", false, { "aria-label": `Remove row ${n} of ${spec.label}` });
    remove.addEventListener("click", () => {
      const next = tr.nextElementSibling ?? tr.previousElementSibling;
      tr.remove();
      const to = next?.querySelector("input, select, textarea") ?? add;
      if (to instanceof HTMLElement) to.focus();
    });
    const td = el("td");
    td.append(remove);
    tr.append(td);
    body.append(tr);
    return tr;
  };
  const add = button("Add row");
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
  return {
    node: input,
    read: () => readSingle(spec, input),
    set(value) {
      input.value = Array.isArray(value) ? "" : cellText(value);
    },
  };
}
