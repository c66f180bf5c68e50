// Money as the browser code shows it: integer minor units in (never a float on the wire), the
// currency's own number of decimals (the same table as the hub's shared_protocol/money.py
// `exponent`), formatted for the reader's language.

/** @typedef {import("./protocol").Money} Money */

// ISO 4217 minor units that are not 2.
const EXPONENT = /** @type {Record<string, number>} */ ({
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, UGX: 0, XAF: 0, XOF: 0, PYG: 0,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, IQD: 3, LYD: 3,
});

/** @param {string} currency */
export const digits = (currency) => EXPONENT[currency] ?? 2;

/**
 * "€12.50" (or "12.50 XYZ" for a currency the browser does not know).
 * @param {Money} m
 */
export function formatMoney(m) {
  const n = digits(m.currency);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency, minimumFractionDigits: n, maximumFractionDigits: n }).format(m.amount / 10 ** n);
  } catch {
    return `${(m.amount / 10 ** n).toFixed(n)} ${m.currency}`;
  }
}

// The largest price the hub takes (shared_protocol.common.MAX_PRICE, minor units).
const MAX_PRICE = 2_000_000_000;

/**
 * What a person typed as an amount ("350", "350.5", "1 250,00") in minor units of `currency`;
 * null when it is not one, or more than the hub takes.
 * @param {string} text
 * @param {string} currency
 */
export function minorUnits(text, currency) {
  const clean = text.replace(/[\s\u00a0]/g, "").replace(",", ".");
  const places = digits(currency);
  const pattern = places ? new RegExp(`^\\d{1,9}(\\.\\d{1,${places}})?$`) : /^\d{1,10}$/;
  if (!pattern.test(clean)) return null;
  const amount = Math.round(Number(clean) * 10 ** places);
  return amount <= MAX_PRICE ? amount : null;
}
