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
 * @property {(message: string | null, cell?: import("./fields.js").Cell) => void} unreadable a cell
 *   cannot be read (not a number); null: every cell can be read again
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
  /** Cells typed here that cannot be read ("row:column", as `data-cell`): marked until fixed. */
  let unreadable = new Set();
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
    const where = input.getAttribute("data-cell") ?? "";
    const bad = unreadable.has(where) || (refused !== null && where === `${refused.row}:${refused.column}`);
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
    // The unreadable cells of the rows below move up with them; those of the removed row go.
    const before = unreadable.size;
    unreadable = new Set(
      [...unreadable].flatMap((where) => {
        const [n, key] = [Number(where.split(":")[0]), where.slice(where.indexOf(":") + 1)];
        return n === r + 1 ? [] : [n > r + 1 ? `${n - 1}:${key}` : where];
      }),
    );
    if (before && !unreadable.size) env.unreadable(null);
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
        const where = `${r + 1}:${column.key}`;
        if (input instanceof HTMLInputElement && input.type === "number" && input.validity.badInput) {
          // Only this cell: the list keeps its last readable value here, the rest is sent.
          unreadable.add(where);
          markCell(input);
          env.unreadable(say("notANumber"), { row: r + 1, column: column.key });
          return;
        }
        if (unreadable.delete(where)) {
          markCell(input);
          if (!unreadable.size) env.unreadable(null);
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

  const asKept = (/** @type {Row[]} */ list) => keptJson(list, columns);
  draw();
  return {
    node,
    /** @param {FieldValue} value */
    set(value) {
      const next = Array.isArray(value) ? value.map((r) => ({ ...r })) : [];
      // The hub keeps cells trimmed and leaves empty ones out: the same list in that sense is not
      // drawn again (that would take a trailing space just typed, and move the cursor).
      if (asKept(next) === asKept(rows)) return;
      rows = next;
      if (unreadable.size) {
        unreadable.clear(); // each cell now shows a value that can be read
        env.unreadable(null);
      }
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

/**
 * A list as the hub keeps it (form_values.py): each row's cells in the columns' order, text
 * trimmed, an empty cell left out; as JSON, to compare.
 * @param {Row[]} rows @param {{key: string}[]} columns
 */
export function keptJson(rows, columns) {
  return JSON.stringify(
    rows.map((row) =>
      columns.flatMap(({ key }) => {
        const cell = row[key];
        const kept = typeof cell === "string" ? cell.trim() : cell;
        return kept === null || kept === undefined || kept === "" ? [] : [[key, kept]];
      }),
    ),
  );
}
