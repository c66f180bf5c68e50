// The hub's connect window (static/connect.html), opened by a shop's page (widget/popup.js):
//
//   1. it tells the page it is ready; the page answers with the store to connect. The page's
//      origin is taken ONLY from that message event (MessageEvent.origin), never from its data,
//      and only the window that opened this one is listened to, once;
//   2. it asks the hub about that store and origin (a store that did not register the origin is
//      refused there), and asks the shopper: "Connect <store> (<origin>) to your cart?". A
//      browser not connected yet types the code from "Connect a browser…" once: the hub gives
//      it a credential, kept in this origin's localStorage (no shop page can read it);
//   3. on "Connect", the hub makes a link token scoped to that store, which goes to the page by
//      postMessage addressed to that exact origin (a page that has since navigated elsewhere
//      gets nothing), and the window closes.
//
// Opened on its own (/connect), it connects this browser and says what that means.

import { MESSAGE } from "../shared/connect.js";
import { CartStartError, httpJson } from "../shared/http.js";
import { reason, WORDS } from "./words.js";

const HUB = new URL("../", import.meta.url); // served at <hub>/static/connect.js
const CREDENTIAL = "cartstart.browser";
const WAIT_FOR_PAGE_MS = 5000;
const CONSIDER_MS = 600; // "Connect" waits this long: a double click meant for the page misses it

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($("ask-form"));
const code = /** @type {HTMLInputElement} */ ($("code"));
const submit = /** @type {HTMLButtonElement} */ ($("connect"));
const error = $("error");

/** @type {{storeId: string, origin: string} | null} */
let request = null;
let connected = false;

/** @param {"working" | "ask" | "refused" | "done"} name */
function show(name) {
  for (const screen of ["working", "ask", "refused", "done"]) $(screen).hidden = screen !== name;
}

/**
 * The question, with the store's name and the origin as text (never markup).
 * @param {string} store
 * @param {string} origin
 */
function ask(store, origin) {
  const title = $("ask-title");
  const [before, middle, after] = WORDS.ask.split(/\{store\}|\{origin\}/);
  const name = document.createElement("strong");
  name.textContent = store;
  const site = document.createElement("span");
  site.className = "origin";
  site.textContent = origin;
  title.replaceChildren(before, name, middle, site, after);
  $("explain").textContent = WORDS.explain;
}

/** @param {boolean} needed */
function needCode(needed) {
  connected = !needed;
  $("code-part").hidden = !needed;
  code.required = needed;
}

function offer() {
  show("ask");
  submit.disabled = true;
  setTimeout(() => (submit.disabled = false), CONSIDER_MS);
  (connected ? submit : code).focus();
}

function browserName() {
  const ua = navigator.userAgent;
  const name = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${name} on ${system}` : name;
}

/** Trades the typed code for this browser's credential, when it has none that works. */
async function connectBrowser() {
  if (connected) return;
  const issued = await httpJson(HUB, "api/page/connect/browser", {
    method: "POST",
    body: { code: code.value, label: browserName() },
  });
  localStorage.setItem(CREDENTIAL, issued.token);
  needCode(false);
}

// ---- asked by a shop's page ------------------------------------------------------------------

/** @param {MessageEvent} event */
async function onRequest(event) {
  if (request || event.source !== window.opener) return;
  const data = event.data;
  if (!data || data.type !== MESSAGE.request || typeof data.store_id !== "string") return;
  request = { storeId: data.store_id, origin: event.origin };
  removeEventListener("message", onRequest);
  try {
    const preview = await httpJson(HUB, `api/page/connect?${new URLSearchParams({ store_id: request.storeId, origin: request.origin })}`, {
      token: localStorage.getItem(CREDENTIAL),
    });
    if (!preview.connected) localStorage.removeItem(CREDENTIAL);
    ask(preview.store_name, preview.origin);
    needCode(!preview.connected);
    $("first-time").textContent = WORDS.firstTime;
    offer();
  } catch (e) {
    refuse(e);
  }
}

/** @param {unknown} e */
function refuse(e) {
  $("refused-title").textContent = WORDS.refusedTitle;
  $("refused-reason").textContent = reason(e);
  show("refused");
  $("close").focus();
}

/** @param {object} message */
function tellPage(message) {
  const opener = window.opener;
  if (!request || !opener || opener.closed) return false;
  opener.postMessage(message, request.origin); // that exact origin, or nobody
  return true;
}

async function agree() {
  if (!request) return;
  await connectBrowser();
  let link;
  try {
    link = await httpJson(HUB, "api/page/connect", {
      method: "POST",
      body: { store_id: request.storeId, origin: request.origin },
      token: localStorage.getItem(CREDENTIAL),
    });
  } catch (e) {
    if (e instanceof CartStartError && e.status === 401) {
      localStorage.removeItem(CREDENTIAL);
      needCode(true);
      throw new CartStartError("unauthorized", WORDS.browserGone);
    }
    throw e;
  }
  if (!tellPage({ type: MESSAGE.connected, token: link.token })) throw new Error(WORDS.pageGone);
  $("done-text").textContent = WORDS.connected;
  show("done");
  window.close();
}

// ---- opened on its own -------------------------------------------------------------------------

function standalone() {
  removeEventListener("message", onRequest);
  $("ask-title").textContent = WORDS.standaloneTitle;
  const known = localStorage.getItem(CREDENTIAL);
  if (known) {
    $("done-text").textContent = WORDS.standaloneDone;
    show("done");
    return;
  }
  $("explain").textContent = WORDS.standaloneHelp;
  $("first-time").textContent = "";
  needCode(true);
  offer();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  submit.disabled = true;
  try {
    if (request) {
      await agree();
    } else {
      await connectBrowser();
      $("done-text").textContent = WORDS.standaloneDone;
      show("done");
    }
  } catch (e) {
    if (e instanceof CartStartError && e.code === "forbidden") refuse(e);
    else error.textContent = e instanceof CartStartError ? reason(e) : e instanceof Error ? e.message : String(e);
  } finally {
    submit.disabled = false;
  }
});

function cancel() {
  tellPage({ type: MESSAGE.cancelled });
  window.close();
}
$("cancel").addEventListener("click", cancel);
$("close").addEventListener("click", cancel);
addEventListener("keydown", (event) => event.key === "Escape" && cancel());

if (window.top !== window.self) {
  // Never inside another site's frame (the hub also sends frame-ancestors 'none').
  document.body.replaceChildren();
} else if (window.opener) {
  addEventListener("message", onRequest);
  window.opener.postMessage({ type: MESSAGE.ready }, "*"); // carries nothing: any page may know
  setTimeout(() => request || standalone(), WAIT_FOR_PAGE_MS);
} else {
  standalone();
}
