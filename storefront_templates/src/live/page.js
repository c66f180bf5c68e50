// The page around the parts: the store's look (accent colour, logo, greeting, name), which
// screen shows (loading, not open, public mode, a session, a session that ended), the
// connection's state in the header, and the page's one notice (it overlays the page, so
// nothing moves when it speaks).

import { byId, safeUrl } from "./dom.js";
import { TEXT } from "./texts.js";

/** @typedef {import("./types").LiveStyle} LiveStyle */
/** @typedef {import("./connection.js").Status} Status */
/** @typedef {"loading" | "unavailable" | "public" | "session" | "ended"} Screen */

const HEX = /^#[0-9a-fA-F]{6}$/;
const NOTICE_MS = 7000;

/**
 * Dark text on a light accent, white on a dark one.
 * @param {string} hex #rrggbb
 */
export function onAccent(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? "#1d1d1f" : "#ffffff";
}

/**
 * The store's look and name, everywhere they show.
 * @param {LiveStyle} style
 * @param {string} storeName
 * @param {URL} hub
 */
export function applyStyle(style, storeName, hub) {
  const root = document.documentElement;
  if (HEX.test(style.accent)) {
    root.style.setProperty("--cartstart-accent", style.accent);
    root.style.setProperty("--cartstart-on-accent", onAccent(style.accent));
  }
  document.title = `${storeName} · Live shopping`;
  byId("store-name", HTMLHeadingElement).textContent = storeName;
  for (const span of document.querySelectorAll(".store-name")) span.textContent = storeName;
  const greeting = byId("greeting", HTMLParagraphElement);
  greeting.textContent = style.greeting;
  greeting.hidden = !style.greeting;
  const logo = byId("logo", HTMLImageElement);
  const src = safeUrl(style.logo_url, hub);
  if (src && logo.getAttribute("src") !== src) {
    logo.alt = `${storeName} logo`;
    logo.onerror = () => (logo.hidden = true);
    logo.onload = () => (logo.hidden = false);
    logo.src = src;
  } else if (!src) {
    logo.hidden = true;
  }
  byId("counter", HTMLElement).hidden = !style.counter;
  byId("talk", HTMLElement).hidden = !style.counter;
  byId("gallery", HTMLElement).hidden = !style.gallery;
  byId("board", HTMLElement).hidden = !style.board;
}

/**
 * Which parts of the page show.
 * @param {Screen} screen
 */
export function showScreen(screen) {
  const main = byId("main", HTMLElement);
  main.dataset.screen = screen;
  byId("loading", HTMLParagraphElement).hidden = screen !== "loading";
  byId("unavailable", HTMLElement).hidden = screen !== "unavailable";
  byId("ended", HTMLElement).hidden = screen !== "ended";
  byId("start", HTMLElement).hidden = screen !== "public" && screen !== "ended";
  byId("session", HTMLDivElement).hidden = screen !== "session";
  byId("lower", HTMLDivElement).hidden = screen === "loading" || screen === "unavailable";
  byId("session-tools", HTMLDivElement).hidden = screen !== "session";
  byId("post-form", HTMLFormElement).hidden = screen !== "session";
  byId("start-title", HTMLHeadingElement).textContent = screen === "ended" ? "Start a new session" : "Shop live with the seller";
  byId("board-title", HTMLHeadingElement).textContent = screen === "session" ? "Your board with the shop" : "The shop's board";
}

/**
 * The connection's state, in words, in the header.
 * @param {Status} status
 */
export function showStatus(status) {
  const line = byId("connection", HTMLParagraphElement);
  line.dataset.state = status;
  line.textContent = TEXT[status];
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let noticeTimer;

/**
 * The page's one notice.
 * @param {string} message
 */
export function notify(message) {
  const box = byId("notice", HTMLDivElement);
  box.textContent = message;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (box.textContent = ""), NOTICE_MS);
}

export { hubNow, learnClock } from "../shared/hub-clock.js";
