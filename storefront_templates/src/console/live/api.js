// The live area's REST calls (transport/http_live.py): the page's settings, the public board and
// its approvals, and picture uploads. All with the store's key; a refused key signs out (store.js).

import { CartStartError } from "../../shared/http.js";
import { HUB, KEY_GONE, store } from "../store.js";

/** @typedef {import("./types").LiveSettings} LiveSettings */
/** @typedef {import("./types").Widget} Widget */

/** @returns {Promise<LiveSettings>} */
export const getSettings = () => store.call("/live");

/**
 * A problem the hub found with one field of a request (`details.problems`).
 * @typedef {{loc: string, msg: string}} Problem
 */

export class SaveRefused extends Error {
  /**
   * @param {string} message
   * @param {Problem[]} problems
   */
  constructor(message, problems) {
    super(message);
    this.problems = problems;
  }
}

/**
 * Saves the settings; a refusal keeps the hub's per-field problems (SaveRefused).
 * @param {Record<string, unknown>} body
 * @returns {Promise<LiveSettings>}
 */
export async function saveSettings(body) {
  const response = await fetch(new URL(`api/stores/${encodeURIComponent(store.id)}/live`, HUB), {
    method: "PUT",
    headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: `Bearer ${store.key}` },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (response.status === 401) store.signOut(KEY_GONE);
  if (!response.ok) {
    const error = data?.error ?? {};
    throw new SaveRefused(String(error.message ?? `HTTP ${response.status}`), error.details?.problems ?? []);
  }
  return data;
}

/**
 * The public board as every visitor sees it (null when the page is off: visitors see nothing).
 * @returns {Promise<Widget[] | null>}
 */
export async function publicBoard() {
  const response = await fetch(new URL(`api/live/stores/${encodeURIComponent(store.id)}`, HUB), { headers: { Accept: "application/json" } });
  if (response.status === 404) return null;
  if (!response.ok) throw new CartStartError("internal", `the hub answered ${response.status}`, response.status);
  return (await response.json()).board;
}

/**
 * @param {string} widgetId
 * @returns {Promise<{widget: Widget}>}
 */
export const approve = (widgetId) => store.call(`/live/board/${encodeURIComponent(widgetId)}/approval`, { method: "POST" });

/** @param {string} widgetId */
export const removePublic = (widgetId) => store.call(`/live/board/${encodeURIComponent(widgetId)}`, { method: "DELETE" });

/**
 * @param {Record<string, unknown>} widget
 * @returns {Promise<{widget: Widget}>}
 */
export const postPublic = (widget) => store.call("/live/board", { method: "POST", body: { widget } });

/**
 * Uploads a picture (the file is the body); returns its upload id.
 * @param {File} file
 * @param {string | null} sessionId a session's picture, or null for the public board
 * @returns {Promise<string>}
 */
export async function upload(file, sessionId) {
  const url = new URL("api/live/uploads", HUB);
  if (sessionId) url.searchParams.set("session_id", sessionId);
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": file.type || "application/octet-stream", Authorization: `Bearer ${store.key}` },
    body: file,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? { code: "internal", message: `the hub answered ${response.status}` };
    throw new CartStartError(String(error.code), String(error.message), response.status);
  }
  return String(data.upload_id);
}
