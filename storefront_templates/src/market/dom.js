// Small DOM helpers for the marketplace. Everything a store or a buyer wrote (product names,
// notes, firm names) goes in with textContent only; addresses go through `safeUrl`, so a
// `javascript:` link never becomes something to click.

/** @typedef {string | number | Node | null | undefined | false} Child */

/**
 * An element with attributes and children: strings become text nodes, never markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attrs] false/undefined: left out
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * The page's element with this id, of this type (a missing one is a bug in market.html).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`market.html: #${id} is missing or not a ${type.name}`);
  return found;
}

/**
 * A button: `primary` filled, others outlined (shared/style.js's BUTTON_CSS).
 * @param {string} label
 * @param {() => void} onClick
 * @param {{primary?: boolean, small?: boolean, attrs?: Record<string, string>}} [options]
 */
export function button(label, onClick, { primary = false, small = false, attrs = {} } = {}) {
  const classes = ["cartstart-button", primary && "cartstart-primary", small && "small"].filter(Boolean).join(" ");
  const b = el("button", { type: "button", class: classes, ...attrs }, label);
  b.addEventListener("click", onClick);
  return b;
}

/**
 * An http(s) address, or null (javascript:, data: and the like never become links or images).
 * @param {string | null | undefined} value
 * @returns {string | null}
 */
export function safeUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(value, location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Draws `container` again, keeping the keyboard's place: the focused control, when it was
 * redrawn, is found again by its `data-focus-key`.
 * @param {HTMLElement} container
 * @param {() => void} draw
 */
export function keepingFocus(container, draw) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  draw();
  if (!key || container.contains(document.activeElement)) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again instanceof HTMLElement) again.focus();
}

/** Says `message` in the polite notice at the bottom of the page for a few seconds. @param {string} message */
export function notify(message) {
  const notice = byId("notice", HTMLElement);
  notice.textContent = message;
  clearTimeout(Number(notice.dataset.timer));
  notice.dataset.timer = String(setTimeout(() => (notice.textContent = ""), 6000));
}
