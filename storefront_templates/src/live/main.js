// The visitor's Direct Selling Page (/live/<store_id> -> /static/live.html?store=<id>): the entry
// point of static/live.js. Public mode shows the store's look, its public board and the gallery,
// and starts a session; a session (its link kept in localStorage by store, and in the address's
// fragment `#session=<link>` so it can be bookmarked or opened on another device) shows the
// counter, the place for the call, the chat, the gallery, the board and the session cart, kept
// live over /ws/live (resumed by seq) or by HTTP polling. This module owns the state and wires
// the parts; each part draws itself. Everything shown goes in as textContent.

import { sleep } from "../shared/backoff.js";
import { CartStartError, httpJson, request } from "../shared/http.js";
import { DIALOG_CSS, injectStyle } from "../shared/style.js";
import { Board } from "./board.js";
import { SessionCart, holds, stockLine, takeButton } from "./cart.js";
import { visitorCall } from "./call.js";
import { Chat } from "./chat.js";
import { LiveConnection } from "./connection.js";
import { Counter } from "./counter.js";
import { Counts } from "./counts.js";
import { anchored, button, byId, keepingFocus } from "./dom.js";
import { Gallery } from "./gallery.js";
import { forget, keep, linkOnLoad } from "./link.js";
import { applyStyle, hubNow, learnClock, notify, showScreen, showStatus } from "./page.js";
import { publicSnapshot, showRating, startForm } from "./public.js";
import { RatingForm } from "./rating.js";
import { SessionState } from "./session.js";
import { SupportPanel } from "./support.js";
import { ENDED, words } from "./texts.js";
import { sessionTools } from "./tools.js";

/** @typedef {import("./types").LiveMessage} LiveMessage */
/** @typedef {import("./types").LiveSnapshot} LiveSnapshot */
/** @typedef {import("./types").PublicSnapshot} PublicSnapshot */
/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./types").LivePoll} LivePoll */
/** @typedef {import("./session.js").Part} Part */

const HUB = new URL("../", import.meta.url); // the page and its bundle are served at <hub>/static/
const STORE = new URLSearchParams(location.search).get("store") ?? "";
const PUBLIC_POLL_MS = 15000;
const POLL_WAIT_S = 25;
const ACK_AFTER_MS = 1000;

/** @type {SessionState | null} */
let state = null;
/** @type {string | null} */
let link = null;
/** @type {LiveConnection | null} */
let conn = null;
let storeName = "";
/** @type {Map<string, Widget>} */
let publicBoard = new Map();
/** @type {ReturnType<typeof setTimeout> | undefined} */
let ackTimer;
let over = false; // the session ended (said once, however many ways the news arrives)

injectStyle("cartstart-style", DIALOG_CSS);

/**
 * A command in the session: on the WebSocket, or over HTTP while polling.
 * @param {import("./types").LiveCommand} command
 */
function command(command) {
  const current = conn;
  if (!current || !state) return Promise.reject(new CartStartError("disconnected", "not in a session"));
  return current.command(command).finally(() => current.nudge());
}

/** @param {object} frame */
const signal = (frame) => conn?.signal(frame);

const cart = new SessionCart({ hub: HUB, state: () => state, command, notify, changed: () => draw("cart"), now: hubNow });
const counter = new Counter(HUB, () => state, cart);
const { call, redraw: redrawCall } = visitorCall({ hub: HUB, link: () => link ?? "", storeName: () => storeName, command, signal, notify, live: () => Boolean(conn?.live) });
const rating = new RatingForm(byId("live-call", HTMLElement), { storeName: () => storeName, command });
const support = new SupportPanel(byId("live-call", HTMLElement), rating.thanks, { storeName: () => storeName, command, call, now: hubNow });
const chat = new Chat({ state: () => state, command, signal, changed: () => draw("chat") });
/** @param {LiveProduct} product */
const sessionActions = (product) => [
  takeButton(product, cart),
  button("Share on the board", () => board.share(product), { small: true, attrs: { "data-focus-key": `share-${product.product_id}` } }),
];
const board = new Board({
  hub: HUB,
  storeName: () => storeName,
  state: () => state,
  link: () => link,
  command,
  notify,
  changed: () => draw("board"),
  productActions: (product) => [takeButton(product, cart)],
});
const gallery = new Gallery({
  hub: HUB,
  storeId: STORE,
  actions: (product) => (state ? sessionActions(product) : []),
  stock: (product) => (state ? stockLine(product, state) : undefined),
  held: (product) => holds(product, state),
  signal,
  known: () => counts.shown(),
});

// The hub is told which products are on screen, and their counts stay true.
const counts = new Counts({
  state: () => state,
  publicBoard: () => publicBoard,
  gallery: () => gallery.items,
  connection: () => conn,
  changed: () => {
    keepingFocus(byId("gallery", HTMLElement), () => gallery.render());
    if (state) {
      draw("counter");
      draw("board");
    } else {
      board.renderPublic([...publicBoard.values()]);
    }
  },
});

/**
 * Draws what changed, keeping the keyboard's place.
 * @param {Part} part
 */
function draw(part) {
  switch (part) {
    case "chat":
    case "read":
      chat.render();
      break;
    case "counter":
      keepingFocus(byId("counter", HTMLElement), () => counter.render());
      break;
    case "board":
      keepingFocus(byId("board", HTMLElement), () => anchored(byId("board-list", HTMLDivElement), () => board.renderSession()));
      break;
    case "cart":
    case "orders":
      // The cart's lines, and every card that says "In your session cart".
      keepingFocus(byId("cart", HTMLElement), () => cart.render());
      keepingFocus(byId("counter", HTMLElement), () => counter.render());
      keepingFocus(byId("gallery", HTMLElement), () => gallery.render());
      keepingFocus(byId("board", HTMLElement), () => anchored(byId("board-list", HTMLDivElement), () => board.renderSession()));
      break;
    case "attached":
      notify("This session is now in your CartStart cart too.");
      // Attached to a shopper's cart: the snapshot now says what support they may call.
      if (link) httpJson(HUB, "api/live/session", { token: link }).then(onSessionMessage, () => {});
      break;
    case "deleted":
      ended(state?.deletedBy ?? "unknown");
      break;
  }
}

// ---- a session ----------------------------------------------------------------------------

/** @param {LiveSnapshot} snap */
function loadSnapshot(snap) {
  const first = !state;
  if (state) state.load(snap);
  else state = new SessionState(snap);
  storeName = snap.session.store_name;
  applyStyle(snap.style, storeName, HUB);
  showScreen("session");
  chat.reset();
  chat.setPresence(Boolean(snap.here.store));
  gallery.setSession(true);
  gallery.setLead(snap.lead);
  counter.reset();
  draw("cart");
  call.load(snap.call, snap.seller_busy);
  rating.load(snap.call ? null : snap.last_call, snap.last_rating); // a call now: ask later
  support.load(snap.support);
  if (first) gallery.search("");
}

/** @param {LiveMessage} message */
function onSessionMessage(message) {
  switch (message.type) {
    case "live_snapshot":
      loadSnapshot(message);
      return;
    case "presence":
      if (state) state.here = { visitor: message.visitor, store: message.store };
      chat.setPresence(message.store);
      return;
    case "typing":
      if (message.side === "store") chat.sellerTyping();
      return;
    case "gallery":
      gallery.onFrame(message);
      return;
    case "error":
      notify(words(new CartStartError(message.code, message.message), "Something you did could not be done."));
      return;
    case "availability":
      counts.apply(message);
      return;
    case "rtc":
      return call.onRtc(message);
    case "media":
      return call.onMedia(message);
    case "seller_busy":
      return call.setSellerBusy(message.busy);
    case "call":
      if (state && message.seq > state.seq) {
        call.apply(message.call);
        rating.onCall(message.call);
        support.onCall(message.call);
      }
      break;
    case "credit_plan":
    case "credit_warning":
    case "support_report":
    case "credit":
    case "complaint":
      if (state && message.seq > state.seq) support.onEvent(message);
      break;
    case "rated":
      if (state && message.seq > state.seq) rating.onRated(message.rating);
      break;
  }
  if (!state || !("seq" in message)) return;
  const part = state.apply(message);
  if (part) draw(part);
  if (message.type === "presented" && part) notify(`${storeName} shows you: ${message.item.product.name}`);
  clearTimeout(ackTimer);
  ackTimer = setTimeout(() => state && conn?.signal({ type: "ack", seq: state.seq }), ACK_AFTER_MS);
}

/** One round of polling: the snapshot first, then the events after the last seq applied.
 * @param {AbortSignal} abort */
async function pollSession(abort) {
  const token = link;
  if (!state) {
    onSessionMessage(await httpJson(HUB, "api/live/session", { token, signal: abort }));
    return;
  }
  /** @type {LivePoll} */
  const answer = await httpJson(HUB, `api/live/session/events?after=${state.seq}&wait=${POLL_WAIT_S}`, { token, signal: abort });
  if (answer.snapshot) onSessionMessage(answer.snapshot);
  for (const event of answer.messages) onSessionMessage(event);
}

/** @param {string} newLink */
function enterSession(newLink) {
  over = false;
  link = newLink;
  keep(STORE, newLink);
  conn?.stop();
  state = null;
  conn = new LiveConnection(HUB, {
    hello: () => ({ type: "hello", versions: [1], token: link, ...(state ? { resume_from: state.seq } : {}) }),
    onWelcome: () => counts.reconnected(), // a new connection follows nothing yet
    onMessage: onSessionMessage,
    onRefused: (refusal) => {
      if (refusal.code === "gone") ended(refusal.details?.deleted_by === "store" ? "store" : refusal.details?.deleted_by === "visitor" ? "visitor" : "unknown");
      else ended("invalid");
    },
    onGone: () => ended(state?.deletedBy ?? "unknown"),
    onStatus: (status) => {
      showStatus(status);
      redrawCall();
    },
    pollOnce: pollSession,
    httpCommand: (c) => httpJson(HUB, "api/live/session/commands", { method: "POST", body: c, token: link }),
  });
  conn.start();
  request(HUB, ".well-known/cartstart.json").then(learnClock, () => {}); // the hub's clock, for countdowns
}

/**
 * The session is gone (deleted by either side, or its link does not work): say so, forget the
 * link, and offer a new session (public mode).
 * @param {keyof typeof ENDED} why
 */
function ended(why) {
  if (over) return;
  over = true;
  call.reset(); // nothing of this session's call stays for the next session
  rating.load(null, null);
  support.load(null);
  conn?.stop();
  conn = null;
  state = null;
  link = null;
  forget(STORE);
  byId("ended-text", HTMLParagraphElement).textContent = ENDED[why];
  for (const d of document.querySelectorAll("dialog[open]")) if (d instanceof HTMLDialogElement) d.close();
  enterPublic("ended").then(() => byId("ended-title", HTMLHeadingElement).focus());
}

// ---- public mode --------------------------------------------------------------------------

/** @param {PublicSnapshot} snap */
function loadPublic(snap) {
  storeName = snap.store_name;
  applyStyle(snap.style, storeName, HUB);
  showRating(snap.rating);
  publicBoard = new Map(snap.board.map((w) => [w.widget_id, w]));
  board.renderPublic([...publicBoard.values()]);
}

/** @param {LiveMessage} message */
function onPublicMessage(message) {
  if (message.type === "availability") counts.apply(message);
  else if (message.type === "public_snapshot") loadPublic(message);
  else if (message.type === "board_changed") {
    if (message.widget && message.widget.public && message.widget.approved) {
      publicBoard = new Map([[message.widget.widget_id, message.widget], ...publicBoard]); // newest first
    }
    if (message.removed) publicBoard.delete(message.removed);
    board.renderPublic([...publicBoard.values()]);
  }
}

/** @param {"public" | "ended"} screen */
async function enterPublic(screen) {
  const snap = await publicSnapshot({ hub: HUB, store: STORE, learnClock, unreachable: () => showStatus("unreachable") });
  if (!snap) return unavailable();
  loadPublic(snap);
  showScreen(screen);
  gallery.setSession(false);
  gallery.search("");
  conn = new LiveConnection(HUB, {
    hello: () => ({ type: "hello", versions: [1], store_id: STORE }),
    onWelcome: () => counts.reconnected(),
    onMessage: onPublicMessage,
    onRefused: () => unavailable(),
    onGone: () => {},
    onStatus: showStatus,
    pollOnce: async (abort) => {
      await sleep(PUBLIC_POLL_MS);
      onPublicMessage(await httpJson(HUB, `api/live/stores/${encodeURIComponent(STORE)}`, { signal: abort }));
    },
    httpCommand: () => Promise.reject(new CartStartError("forbidden", "start a session first")),
  });
  conn.start();
}

function unavailable() {
  conn?.stop();
  conn = null;
  showScreen("unavailable");
  byId("unavailable-text", HTMLParagraphElement).textContent = STORE
    ? "This shop has no live page on this service, or has closed it for now. Visit the shop's own site to find them."
    : "This address does not say which shop to open. Use the link the shop gave you.";
  byId("connection", HTMLParagraphElement).textContent = "";
}

startForm(HUB, STORE, enterSession);
sessionTools({ link: () => link, command, notify, deleted: () => ended("visitor") });

// ---- start --------------------------------------------------------------------------------

function main() {
  if (!STORE) return unavailable();
  const kept = linkOnLoad(STORE);
  window.addEventListener("hashchange", () => {
    const other = new URLSearchParams(location.hash.slice(1)).get("session");
    if (other && other !== link) location.reload(); // another session's link was pasted in
  });
  if (kept) enterSession(kept);
  else enterPublic("public");
}

main();
