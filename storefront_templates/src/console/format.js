// Words and numbers as the console shows them.

import { digits as digitsOf } from "../shared/money.js";

/** @typedef {import("../shared/protocol").Money} Money */

/**
 * "12.50 EUR" (integer minor units in, never a float on the wire).
 * @param {Money | null | undefined} m
 */
export function money(m) {
  if (!m) return "";
  const digits = digitsOf(m.currency);
  return `${(m.amount / 10 ** digits).toFixed(digits)} ${m.currency}`;
}

/**
 * How long ago a time (seconds since the epoch) was: "40 s", "12 min", "3 h".
 * @param {number} seconds
 */
export function since(seconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

/** A ticket change in the live feed: "A shopper carted 1 × Mug". */
export const FEED_WORDS = /** @type {Record<string, string>} */ ({
  created: "carted",
  grown: "added more of",
  shrunk: "put back some of",
  released: "removed",
  expired: "let the hold expire on",
  revoked: "lost (sold in the shop)",
  renewed: "renewed the hold on",
  purchased: "bought",
});
