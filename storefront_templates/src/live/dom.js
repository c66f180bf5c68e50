// Small DOM helpers for the live page. Everything a store or a visitor wrote (names, chat, notes,
// link titles) goes in with textContent only; addresses go through `safeUrl`, so a
// `javascript:` link never becomes something to click.

/**
 * The page's element with this id, of this type (a missing one is a bug in live.html).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`live.html: #${id} is missing or not a ${type.name}`);
  return found;
}

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
 * An address safe to link to or load: http(s) only (absolute, or relative to the hub, like the
 * hub's uploads). Anything else (javascript:, data:, vbscript:) is null.
 * @param {string | null | undefined} value
 * @param {URL} base
 * @returns {string | null}
 */
export function safeUrl(value, base) {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * "12.50 EUR" (integer minor units in).
 * @param {import("../shared/protocol").Money} m
 */
export function money(m) {
  const digits = ["JPY", "KRW"].includes(m.currency) ? 0 : 2;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency }).format(m.amount / 10 ** digits);
  } catch {
    return `${(m.amount / 10 ** digits).toFixed(digits)} ${m.currency}`;
  }
}

/**
 * A chat time: "14:05" today, "3 Mar, 14:05" on another day.
 * @param {number} seconds since the epoch
 */
export function clock(seconds) {
  const at = new Date(seconds * 1000);
  const time = at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (at.toDateString() === new Date().toDateString()) return time;
  return `${at.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}

/**
 * "9:58" (minutes and seconds left), "1 h 05 min" for long holds.
 * @param {number} seconds
 */
export function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
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

/**
 * Draws `scroller`'s content again without moving what is under the pointer: a card added above
 * the hovered one scrolls the list by its height, so a click lands where it was aimed. Cards are
 * found again by `data-key`.
 * @param {HTMLElement} scroller
 * @param {() => void} draw
 */
export function anchored(scroller, draw) {
  const hovered = scroller.matches(":hover")
    ? Array.from(scroller.querySelectorAll("[data-key]")).find((node) => node.matches(":hover"))
    : undefined;
  const key = hovered instanceof HTMLElement ? hovered.dataset.key : undefined;
  const before = hovered?.getBoundingClientRect().top;
  draw();
  if (key === undefined || before === undefined) return;
  const again = scroller.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (again) scroller.scrollTop += again.getBoundingClientRect().top - before;
}
