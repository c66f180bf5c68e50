// HTTP to the hub: JSON in and out, the bearer token, and the hub's errors as CartStartError
// (docs/protocol.md section 3: `{"error": {"code", "message", "details"}}`).

export class CartStartError extends Error {
  /**
   * @param {string} code the hub's error code, or "disconnected" / "timeout" from the transport
   * @param {string} message a sentence for people (show it with textContent)
   * @param {number} [status] the HTTP status, when the error came over HTTP
   * @param {Record<string, unknown>} [details] the hub's details (the field a bad value is in)
   */
  constructor(code, message, status, details = {}) {
    super(message);
    this.name = "CartStartError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/**
 * @typedef {Object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {string | null} [token] sent as `Authorization: Bearer`
 * @property {AbortSignal} [signal]
 * @property {string} [accept]
 * @property {Record<string, string>} [headers] more headers (a solution's secret, an idempotency key)
 * @property {boolean} [keepalive] the request outlives the page (a save as the page closes)
 */

/**
 * A request to the hub; any answer but 2xx throws a CartStartError with the hub's reason.
 * @param {URL} base the hub's address
 * @param {string} path relative to `base`
 * @param {RequestOptions} [options]
 * @returns {Promise<Response>}
 */
export async function request(base, path, { method = "GET", body, token, signal, accept = "application/json", headers: more, keepalive } = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...more, Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  /** @type {RequestInit} */
  const init = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (signal) init.signal = signal;
  if (keepalive) init.keepalive = true;
  const response = await fetch(new URL(path, base), init);
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    const error = data?.error ?? { code: "internal", message: `HTTP ${response.status}` };
    const details = error.details && typeof error.details === "object" ? error.details : {};
    throw new CartStartError(String(error.code), String(error.message), response.status, details);
  }
  return response;
}

/**
 * A request whose answer is JSON (null when the body is not JSON).
 * @param {URL} base
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function httpJson(base, path, options) {
  const response = await request(base, path, options);
  return response.json().catch(() => null);
}

/**
 * Whether a fetch failed because its AbortController aborted it.
 * @param {unknown} error
 */
export const isAbort = (error) => error instanceof DOMException && error.name === "AbortError";
