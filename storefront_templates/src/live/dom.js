// Small DOM helpers for the live page: the hub pages' shared ones (shared/dom.js), money and
// time as the page shows them, and keeping the pointer's place when a list is drawn again.

export { button, byId, el, keepingFocus, safeUrl } from "../shared/dom.js";

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
