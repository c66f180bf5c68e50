// The hub's connect window (docs/protocol.md section 7, "Connecting a browser"): a shop's page
// opens it with window.open; the two talk by postMessage, always naming each other's exact
// origin. The page's side is widget/popup.js, the window's is connect/main.js.

/** Where the window is, relative to the hub. */
export const CONNECT_PAGE = "static/connect.html";

/** The messages, by `type`. */
export const MESSAGE = Object.freeze({
  /** window -> page: loaded, waiting for the request (carries nothing) */
  ready: "cartstart:connect-ready",
  /** page -> window: `{store_id}`: connect this store's page (its origin is the event's) */
  request: "cartstart:connect",
  /** window -> page: `{token}`: a link token for that store, sent to the page's exact origin */
  connected: "cartstart:connected",
  /** window -> page: the shopper said no, or it could not be done */
  cancelled: "cartstart:connect-cancelled",
});
