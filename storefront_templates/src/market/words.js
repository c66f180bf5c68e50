// The marketplace's words: English is written in the code as `t("...")` and
// `tn("one", "many", n)`; other languages come from the hub's catalogue
// (GET /api/market/i18n/{lang}, gettext .po files read by shared_protocol/i18n.py), whose plural
// entries hold one form per CLDR category, picked here with Intl.PluralRules. Placeholders
// (`{name}`, `{n}`) are filled after translation, so a translation may move them.
// scripts/i18n.py extracts every t()/tn() of this folder; keep each message one string literal.

import { httpJson } from "../shared/http.js";

export const LANGUAGES = /** @type {const} */ (["en", "sr"]);
const KEY = "cartstart.market.lang";

/** @typedef {"en" | "sr"} Lang */

/** @type {Record<string, string | Record<string, string>>} */
let catalogue = {};
/** @type {Lang} */
let current = "en";
let plural = new Intl.PluralRules("en");
let numbers = new Intl.NumberFormat("en");

/** The BCP 47 tag for formatting: Serbian in Latin script. */
export const locale = () => (current === "sr" ? "sr-Latn" : "en");
export const lang = () => current;

/**
 * @param {string} text
 * @param {Record<string, string | number>} [values]
 */
function fill(text, values) {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * A message in the page's language.
 * @param {string} message the English text
 * @param {Record<string, string | number>} [values] placeholders
 */
export function t(message, values) {
  const found = catalogue[message];
  return fill(typeof found === "string" ? found : message, values);
}

/**
 * A message with a number in it (`{n}`), in the plural form the language wants for `n`.
 * @param {string} one the English for 1
 * @param {string} many the English for other counts
 * @param {number} n
 * @param {Record<string, string | number>} [values]
 */
export function tn(one, many, n, values) {
  const found = catalogue[one];
  let text = n === 1 ? one : many;
  if (found && typeof found === "object") text = found[plural.select(n)] ?? found.other ?? text;
  return fill(text, { n: numbers.format(n), ...values });
}

/** The language to start in: the one chosen here before, else the browser's first we speak. */
export function startLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  /** @type {string[]} */
  const wishes = [asked ?? "", safeGet(KEY) ?? "", ...navigator.languages];
  for (const wish of wishes) {
    const first = wish.toLowerCase().split(/[-_]/)[0];
    if (first === "en" || first === "sr") return /** @type {Lang} */ (first);
  }
  return /** @type {Lang} */ ("en");
}

/**
 * Loads a language's catalogue and makes it the page's; remembered for the next visit.
 * @param {URL} hub
 * @param {Lang} wanted
 */
export async function useLanguage(hub, wanted) {
  const words = wanted === "en" ? {} : await httpJson(hub, `api/market/i18n/${wanted}`);
  catalogue = words ?? {};
  current = wanted;
  plural = new Intl.PluralRules(locale());
  numbers = new Intl.NumberFormat(locale());
  document.documentElement.lang = locale();
  safeSet(KEY, wanted);
}

/** @param {string} key */
function safeGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage refused (private mode, a policy): nothing remembered
  }
}

/**
 * @param {string} key
 * @param {string} value
 */
function safeSet(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered; the page still works
  }
}

export { safeGet, safeSet };
