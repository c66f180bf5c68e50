// The signed-in store: its key (sessionStorage: this tab only), its id, and calls to its REST
// API (docs/protocol.md section 8). A 401 means the key is no longer valid (replaced with
// `cartstart-server store rotate-key`): the console goes back to the sign-in form and says so.

import { CartStartError, httpJson, request } from "../shared/http.js";

/** @typedef {import("../shared/http.js").RequestOptions} RequestOptions */

const KEY = "cartstart.console.key";
const NOTICE = "cartstart.console.notice";
export const HUB = new URL("/", location.href);
export const KEY_GONE = "This key is no longer valid; sign in again";

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
   * @param {string} [why]
   */
  signOut(why) {
    sessionStorage.removeItem(KEY);
    if (why) sessionStorage.setItem(NOTICE, why);
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
 * @template T
 * @param {Promise<T>} call
 * @returns {Promise<T>}
 */
async function expiring(call) {
  try {
    return await call;
  } catch (error) {
    if (error instanceof CartStartError && error.status === 401) store.signOut(KEY_GONE);
    throw error;
  }
}
