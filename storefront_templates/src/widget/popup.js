// The page's side of the hub's connect window (shared/connect.js): open it, tell it which store
// to connect once it is ready, and take the link token it sends back. Only messages from that
// window and from the hub's origin count, and the request goes to the hub's origin only.

import { CONNECT_PAGE, MESSAGE } from "../shared/connect.js";

/**
 * What came of it: a token, or none (`talked`: whether the window ever answered; a window that
 * never did could not reach this page, e.g. the page's Cross-Origin-Opener-Policy cut it off).
 * @typedef {{token: string | null, talked: boolean}} Outcome
 */

/** @type {(() => void) | null} */
let previous = null;

/**
 * Opens the window; null when the browser would not open it. Call it from a click (browsers
 * open windows only in answer to one).
 * @param {URL} hub
 * @param {string} storeId
 * @returns {Promise<Outcome> | null}
 */
export function openConnectWindow(hub, storeId) {
  const url = new URL(CONNECT_PAGE, hub);
  const win = window.open(url, "cartstart-connect", "popup,width=480,height=640");
  if (!win) return null;
  previous?.(); // a second click reuses the window: only the newest request is answered
  return new Promise((resolve) => {
    let talked = false;
    /** @param {MessageEvent} event */
    const onMessage = (event) => {
      if (event.source !== win || event.origin !== url.origin) return;
      const data = event.data;
      if (!data || typeof data !== "object") return;
      talked = true;
      if (data.type === MESSAGE.ready) {
        win.postMessage({ type: MESSAGE.request, store_id: storeId }, url.origin);
      } else if (data.type === MESSAGE.connected && typeof data.token === "string") {
        done(data.token);
      } else if (data.type === MESSAGE.cancelled) {
        done(null);
      }
    };
    // Closed: a message it sent just before closing may still be on its way, so wait a moment.
    const watch = setInterval(() => win.closed && setTimeout(() => done(null), 100), 300);
    let settled = false;
    /** @param {string | null} token */
    function done(token) {
      if (settled) return;
      settled = true;
      removeEventListener("message", onMessage);
      clearInterval(watch);
      previous = null;
      resolve({ token, talked });
    }
    previous = () => done(null);
    addEventListener("message", onMessage);
  });
}
