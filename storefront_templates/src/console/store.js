// The signed-in store: its key (sessionStorage: this tab only), its id, and calls to its REST
// API (docs/protocol.md section 8). A 401 means the key is no longer valid (replaced with
// `cartstart-server store rotate-key`): the console goes back to the sign-in form and says so.

import { CartStartError, httpJson, request } from "../shared/http.js";

/** @typedef {import("../shared/http.js").RequestOptions} RequestOptions */

const KEY = "cartstart.console.key";
const NOTICE = "cartstart.console.notice";
export const HUB = new URL("/", location.href);
export const KEY_GONE = "This key is no longer valid; sign in again";

let leaving = false;

export const store = {
  /** @type {string | null} */
  key: sessionStorage.getItem(KEY),
  id: "",

  /** @param {string} key */
  remember(key) {
    this.key = key;
    sessionStorage.setItem(KEY, key);
  },

  /**
   * Back to the sign-in form, saying `why` there (the page starts over: no feed, no timers).
   * An agent's sign-in is ended on the hub too (its other consoles stay signed in).
   * @param {string} [why]
   */
  signOut(why) {
    if (!why && this.key?.startsWith("csa.")) {
      request(HUB, "api/agent-sessions/current", { method: "DELETE", token: this.key, accept: "*/*" })
        .catch(() => undefined)
        .finally(() => this.signOut(" "));
      return;
    }
    if (leaving) return; // already going: the first reason stands
    leaving = true;
    sessionStorage.removeItem(KEY);
    if (why?.trim()) sessionStorage.setItem(NOTICE, why);
    location.reload();
  },

  /** What the last sign-out said (once). */
  takeNotice() {
    const notice = sessionStorage.getItem(NOTICE);
    sessionStorage.removeItem(NOTICE);
    return notice;
  },

  /**
   * A call to this store's REST API.
   * @param {string} path after /api/stores/{id}
   * @param {RequestOptions} [options]
   */
  async call(path, options = {}) {
    return expiring(httpJson(HUB, `api/stores/${encodeURIComponent(this.id)}${path}`, { ...options, token: this.key }));
  },

  /**
   * The raw answer (a CSV download).
   * @param {string} path
   * @param {string} accept
   */
  async fetch(path, accept) {
    return expiring(request(HUB, `api/stores/${encodeURIComponent(this.id)}${path}`, { token: this.key, accept }));
  },
};

/**
 * The credential was refused (on a connection, or with 401): say why on the sign-in form (an
 * agent's: the hub's reason, removed or ended or expired; a key's: it was replaced).
 * @returns {Promise<void> | void}
 */
export function refused() {
  // Once: the feed and the live channel are refused together, and the first answer reloads the
  // page (a second question aborted by the reload must not overwrite the first's words).
  if (!store.key?.startsWith("csa.")) return store.signOut(KEY_GONE); // a key: it was replaced
  refusing ??= httpJson(HUB, "api/console/me", { token: store.key }).then(
    () => store.signOut(KEY_GONE),
    (error) => store.signOut(error instanceof CartStartError ? error.message : KEY_GONE),
  );
  return refusing;
}

/** @type {Promise<void> | null} */
let refusing = null;

/**
 * @template T
 * @param {Promise<T>} call
 * @returns {Promise<T>}
 */
async function expiring(call) {
  try {
    return await call;
  } catch (error) {
    if (error instanceof CartStartError && error.status === 401) store.signOut(store.key?.startsWith("csa.") ? error.message : KEY_GONE);
    throw error;
  }
}
