// A `rows` field (a guest list): an editable table, one row per entry, one column per the
// field's columns. Every cell is a native control labelled "Name, row 3"; "Remove" on each row
// and "Add row" under the table are buttons, so the whole table works from the keyboard. After
// adding a row the focus goes to its first cell, after removing one to the row that took its
// place (or "Add row"); a redraw from the hub keeps the focused cell (`data-focus-key`).

import { el, keepingFocus } from "../shared/dom.js";
import { inputFor, readPlain } from "./inputs.js";

/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("../shared/forms").FieldValue} FieldValue */
/** @typedef {import("../shared/forms").Row} Row */
/** @typedef {import("./words.js").Say} Say */

/**
 * @typedef {Object} RowsEnv
 * @property {string} id
 * @property {Say} say
 * @property {string} described ids of the field's help, limits, marks and error
 * @property {(value: FieldValue) => void} input
 * @property {() => void} commit
 * @property {(message: string) => void} unreadable
 */

/**
 * @param {FieldSpec} spec
 * @param {RowsEnv} env
 */
export function rowsControl(spec, env) {
  const { say, id } = env;
  const columns = spec.columns ?? [];
  const max = spec.max_rows ?? 200;
  /** @type {Row[]} */
  let rows = [];
  /** The cell the hub refused, marked until the list changes. @type {import("./fields.js").Cell | null} */
  let refused = null;
  const head = el("tr", {}, el("th", { scope: "col", class: "cp-rownum" }, el("span", { class: "cartstart-hidden" }, say("rowNumber"))));
  for (const column of columns) {
    head.append(el("th", { scope: "col" }, column.label, column.required ? el("span", { class: "cp-req", "aria-hidden": "true" }, " *") : null));
  }
  head.append(el("th", { scope: "col" }, el("span", { class: "cartstart-hidden" }, say("removeRow"))));
  const body = el("tbody");
  const table = el("table", { class: "cp-rows", "aria-describedby": env.described || undefined }, el("thead", {}, head), body);
  const empty = el("p", { class: "cp-empty" }, say("rowsEmpty"));
  const count = el("span", { class: "cp-count-rows", "aria-live": "polite" });
  const add = el("button", { type: "button", class: "cartstart-button cp-add-row", "data-focus-key": `${id}-add` }, say("addRow"));
  const node = el("div", { class: "cp-rows-wrap" }, el("div", { class: "cp-rows-scroll" }, table), empty, el("div", { class: "cp-rows-actions" }, add, count));

  /** The refused cell says so, and points to the words under the table. @param {Element} input */
  const markCell = (input) => {
    const bad = refused !== null && input.getAttribute("data-cell") === `${refused.row}:${refused.column}`;
    if (bad) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `${id}-error`);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  };

  const changed = () => {
    refused = null;
    rows = rows.map((r) => ({ ...r })); // a new value: the session compares by identity
    env.input(rows);
  };
  add.addEventListener("click", () => {
    rows = [...rows, Object.fromEntries(columns.map((c) => [c.key, null]))];
    draw();
    changed();
    env.commit();
    cell(rows.length - 1, 0)?.focus();
  });

  /** @param {number} r @param {number} c @returns {HTMLElement | null} */
  const cell = (r, c) => body.querySelector(`[data-focus-key="${CSS.escape(`${id}-${r}-${c}`)}"]`);

  /** @param {number} r */
  const remove = (r) => {
    rows = rows.filter((_, i) => i !== r);
    draw();
    changed();
    env.commit();
    const next = body.querySelector(`[data-focus-key="${CSS.escape(`${id}-remove-${Math.min(r, rows.length - 1)}`)}"]`);
    (next instanceof HTMLElement ? next : add).focus();
  };

  const draw = () => {
    body.replaceChildren(...rows.map((row, r) => rowOf(row, r)));
    table.hidden = rows.length === 0;
    empty.hidden = rows.length > 0;
    add.disabled = rows.length >= max;
    const words = rows.length === 1 ? say("rowsOne") : say("rowsCount", { n: rows.length });
    if (count.textContent !== words) count.textContent = words;
  };

  /** @param {Row} row @param {number} r */
  const rowOf = (row, r) => {
    const tr = el("tr", {}, el("th", { scope: "row", class: "cp-rownum" }, String(r + 1)));
    columns.forEach((column, c) => {
      const input = inputFor(column, say);
      const value = row[column.key];
      input.value = value === null || value === undefined ? "" : String(value);
      input.dataset.focusKey = `${id}-${r}-${c}`;
      input.setAttribute("aria-label", say("cellLabel", { column: column.label, n: r + 1 }));
      if (column.required) input.setAttribute("aria-required", "true");
      input.dataset.cell = `${r + 1}:${column.key}`;
      markCell(input);
      input.addEventListener("input", () => {
        if (input instanceof HTMLInputElement && input.type === "number" && input.validity.badInput) {
          env.unreadable(say("notANumber"));
          return;
        }
        rows[r] = { ...rows[r], [column.key]: readPlain(column, input.value) };
        changed();
      });
      input.addEventListener("change", () => env.commit());
      tr.append(el("td", {}, input));
    });
    const removeButton = el("button", { type: "button", class: "cartstart-button cp-remove-row", "aria-label": say("removeRowLabel", { n: r + 1 }), "data-focus-key": `${id}-remove-${r}` }, say("removeRow"));
    removeButton.addEventListener("click", () => remove(r));
    tr.append(el("td", {}, removeButton));
    return tr;
  };

  draw();
  return {
    node,
    /** @param {FieldValue} value */
    set(value) {
      const next = Array.isArray(value) ? value.map((r) => ({ ...r })) : [];
      if (JSON.stringify(next) === JSON.stringify(rows)) return;
      rows = next;
      keepingFocus(node, draw);
    },
    focus: () => (cell(0, 0) ?? add).focus(),
    /** @param {import("./fields.js").Cell | null} where */
    mark(where) {
      refused = where;
      body.querySelectorAll("[data-cell]").forEach(markCell); // in place: typing goes on undisturbed
    },
  };
}
