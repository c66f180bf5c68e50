// The marketplace's HTTP API (docs/marketplace.md, the plan's contracts): search, the tree,
// currencies, solutions and their requests, a registered buyer's account. Every call names the
// page's language and display currency; a solution's secret travels only in a header.

import { httpJson, request } from "../shared/http.js";
import { lang } from "./words.js";

/** @typedef {{amount: number, currency: string, text?: string}} Money */
/** @typedef {Money & {approximate?: boolean}} Shown */
/** @typedef {{id: string, name: string}} PathStep */
/** @typedef {{store_id: string, store_name: string, product_id: string, name: string, code: string, tags: string[], price: Money, shown: Shown, image_url: string | null, page_url: string | null, in_stock: boolean, path: PathStep[]}} Result */
/** @typedef {{id: string, name: string, count: number}} FacetValue */
/** @typedef {{query: string, total: number, page: number, pages: number, currency: {code: string, base: string, rates_date: string | null}, results: Result[], facets: Record<string, FacetValue[]>}} SearchAnswer */
/** @typedef {{id: string, name: string, level: string, count: number, children: TreeNode[]}} TreeNode */
/** @typedef {{line_id?: string, store_id: string, product_id: string, qty: number, note: string, options?: Record<string, string>}} LineIn */
/** @typedef {LineIn & {line_id: string, store_name: string, name: string, code: string, image_url: string | null, page_url: string | null, price: Money | null, shown: Shown | null, available: boolean}} LineView */
/** @typedef {{line_id: string, product_id: string, name: string, code: string, qty: number, note: string, unit_price: Money}} RequestLine */
/** @typedef {{price: Money, valid_until: string, note: string}} Answer */
/** @typedef {{id: string, store_id: string, store_name: string, kind: "quote" | "order", status: string, lines: RequestLine[], answer: Answer | null, decline_note?: string | null, order_id: string | null, order_status?: string | null, solution_id?: string, version?: number, created_at: number}} RequestView */
/** @typedef {{id: string, name: string, version: number, lines: LineView[], firms: {store_id: string, store_name: string, subtotal: Money}[], requests: RequestView[], created_at: number, updated_at: number}} SolutionView */
/** @typedef {{name: string, email: string, company: string, phone: string, note: string}} Contact */

/** The hub: the page is served at <hub>/market/, its bundle at <hub>/static/market.js. */
export const HUB = new URL("../", import.meta.url);

let currency = "";
/** @type {string | null} */
let token = null;

/** @param {string} code the display currency ("" for the hub's base) */
export const setCurrency = (code) => (currency = code);
/** @param {string | null} value a registered buyer's bearer token */
export const setToken = (value) => (token = value);
export const signedIn = () => token !== null;

/** @param {Record<string, string | number | undefined>} params */
function query(params) {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "") out.set(name, String(value));
  return out.toString();
}

/**
 * @param {Record<string, string>} filters query and filters (q, store, industry, ..., page)
 * @param {AbortSignal} [signal]
 * @returns {Promise<SearchAnswer>}
 */
export const search = (filters, signal) => httpJson(HUB, `api/market/search?${query({ ...filters, lang: lang(), currency })}`, { signal });

/** @returns {Promise<{nodes: TreeNode[]}>} */
export const tree = () => httpJson(HUB, `api/market/tree?${query({ lang: lang() })}`);

/** @returns {Promise<{base: string, date: string | null, currencies: string[]}>} */
export const currencies = () => httpJson(HUB, "api/market/currencies");

/**
 * One product as search shows it (404 once it is gone or no longer listed).
 * @param {string} storeId
 * @param {string} productId
 * @returns {Promise<Result>}
 */
export const product = (storeId, productId) =>
  httpJson(HUB, `api/market/products/${encodeURIComponent(storeId)}/${encodeURIComponent(productId)}?${query({ lang: lang(), currency })}`);

/** @param {string | null} secret @returns {Record<string, string>} */
const secretHeader = (secret) => (secret ? { "X-Solution-Secret": secret } : {});

/**
 * @param {string} name
 * @param {LineIn[]} lines
 * @returns {Promise<{id: string, secret: string, solution: SolutionView}>}
 */
export const createSolution = (name, lines) => httpJson(HUB, "api/market/solutions", { method: "POST", body: { name, lines }, token });

/**
 * @param {string} id
 * @param {string | null} secret null: the signed-in owner's
 * @returns {Promise<SolutionView>}
 */
export const getSolution = (id, secret) =>
  httpJson(HUB, `api/market/solutions/${encodeURIComponent(id)}?${query({ lang: lang(), currency })}`, { token, headers: secretHeader(secret) });

/**
 * @param {string} id
 * @param {string | null} secret
 * @param {{name: string, lines: LineIn[], version: number}} body
 * @returns {Promise<SolutionView>}
 */
export const putSolution = (id, secret, body) =>
  httpJson(HUB, `api/market/solutions/${encodeURIComponent(id)}?${query({ lang: lang(), currency })}`, { method: "PUT", body, token, headers: secretHeader(secret) });

/**
 * @param {string} id
 * @param {string | null} secret
 * @param {string} email
 */
export const emailSolution = (id, secret, email) =>
  request(HUB, `api/market/solutions/${encodeURIComponent(id)}/email`, { method: "POST", body: { email, lang: lang() }, token, headers: secretHeader(secret) });

/**
 * @param {string} id
 * @param {string | null} secret
 * @param {"quote" | "order"} kind
 * @param {Contact} contact
 * @param {string} key the Idempotency-Key: the same for a retry of the same sending
 * @returns {Promise<{requests: RequestView[]}>}
 */
export const sendSolution = (id, secret, kind, contact, key) =>
  httpJson(HUB, `api/market/solutions/${encodeURIComponent(id)}/send`, {
    method: "POST",
    body: { kind, contact, lang: lang() },
    token,
    headers: { ...secretHeader(secret), "Idempotency-Key": key },
  });

/**
 * @param {string} id
 * @param {string | null} secret
 * @param {string} requestId
 * @param {number | undefined} version the request as the buyer saw it: a firm that changed its
 *   answer since is refused (`answer_changed`), never accepted at a price not shown
 * @returns {Promise<{request: RequestView, order: {id: string}}>}
 */
export const acceptQuote = (id, secret, requestId, version) =>
  httpJson(HUB, `api/market/solutions/${encodeURIComponent(id)}/requests/${encodeURIComponent(requestId)}/accept`, { method: "POST", body: version === undefined ? {} : { version }, token, headers: secretHeader(secret) });

/**
 * @param {string} email
 * @param {string} password
 * @returns {Promise<{token: string, account_id: string}>}
 */
export const signIn = (email, password) => httpJson(HUB, "api/sessions", { method: "POST", body: { email, password, label: "Marketplace" } });
export const signOut = () => request(HUB, "api/sessions/current", { method: "DELETE", token });

/** @returns {Promise<any>} */
export const accountSolutions = () => httpJson(HUB, `api/account/solutions?${query({ lang: lang(), currency })}`, { token });
/** @returns {Promise<any>} */
export const accountRequests = () => httpJson(HUB, `api/account/requests?${query({ lang: lang(), currency })}`, { token });
/** The account's calls with firms (newest first). @returns {Promise<any>} */
export const accountCalls = () => httpJson(HUB, "api/account/calls", { token });
/** @returns {Promise<any>} */
export const wishlist = () => httpJson(HUB, `api/account/wishlist?${query({ lang: lang(), currency })}`, { token });
/** @param {{store_id: string, product_id: string}[]} items @returns {Promise<any>} */
export const putWishlist = (items) => httpJson(HUB, "api/account/wishlist", { method: "PUT", body: { items }, token });
