// Small DOM helpers for the console. Text goes in with textContent only: names and emails are
// data, never markup.

/**
 * The page's element with this id, of this type (a missing or different one is a bug in
 * console.html, reported at once).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`console.html: #${id} is missing or not a ${type.name}`);
  return found;
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string | number | null} [text]
 * @param {Record<string, string>} [attrs]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/**
 * A table row: strings as text, nodes as they are.
 * @param {(string | number | Node | null | undefined)[]} cells
 */
export function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell);
    else td.textContent = String(cell ?? "");
    tr.append(td);
  }
  return tr;
}

/**
 * A table's rows, or its empty state (an element saying what to do) when there are none.
 * @param {HTMLTableSectionElement} body
 * @param {HTMLElement[]} rows
 * @param {HTMLElement} empty
 */
export function fill(body, rows, empty) {
  body.replaceChildren(...rows);
  const table = body.closest("table");
  if (table) table.hidden = rows.length === 0;
  empty.hidden = rows.length > 0;
}

/**
 * A button as the console draws them: `primary` filled, others outlined.
 * @param {string} label
 * @param {boolean} [primary]
 * @param {Record<string, string>} [attrs]
 */
export function button(label, primary = false, attrs = {}) {
  const b = el("button", label, { type: "button", class: primary ? "cartstart-button cartstart-primary" : "cartstart-button", ...attrs });
  return b;
}
