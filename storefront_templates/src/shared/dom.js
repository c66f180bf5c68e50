// Small DOM helpers the hub's pages share (the live page, the marketplace). Everything someone
// wrote (names, chat, notes, titles) goes in with textContent only; addresses go through
// `safeUrl`, so a `javascript:` link never becomes something to click.

/** @typedef {string | number | Node | null | undefined | false} Child */

/**
 * The page's element with this id, of this type (a missing one is a bug in the page's HTML).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`${location.pathname}: #${id} is missing or not a ${type.name}`);
  return found;
}

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
 * An address safe to link to or load: http(s) only (absolute, or relative to `base`, like the
 * hub's uploads). Anything else (javascript:, data:, vbscript:) is null.
 * @param {string | null | undefined} value
 * @param {URL | string} [base] the page's own address unless given
 * @returns {string | null}
 */
export function safeUrl(value, base = location.href) {
  if (!value) return null;
  try {
    const url = new URL(value, base);
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
