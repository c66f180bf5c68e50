// The live area's words: a refusal as a sentence for the shop owner (the hub's own sentences
// are already written for people; a few codes read better in the console's words), and the
// session cart's states.

import { sentence } from "../../shared/style.js";

/** @type {Record<string, string>} */
const BY_CODE = {
  disconnected: "The connection to the hub dropped. It is coming back by itself; try again in a moment.",
  timeout: "The hub did not answer in time. Try again in a moment.",
  rate_limited: "That was a lot at once. Wait a moment and try again.",
  bad_json: "Something went wrong sending that. Reload the page and try again.",
  unknown_type: "Something went wrong sending that. Reload the page and try again.",
  internal: "Something went wrong at the hub. Try again in a moment.",
};

/**
 * A refusal or failure, in words for people.
 * @param {unknown} error
 */
export function reasonOf(error) {
  const e = /** @type {{code?: string, message?: string}} */ (error ?? {});
  if (e.code && BY_CODE[e.code]) return BY_CODE[e.code];
  const message = e.message ?? String(error);
  // A validator's raw words never reach a person.
  if (e.code === "invalid_message" && /^invalid request|should|pattern|validation/i.test(message)) {
    return "The hub could not take that as written. Check it and try again.";
  }
  return sentence(message.endsWith(".") ? message : `${message}.`);
}

/** A session cart item's state, as the shop owner reads it. */
export const TICKET_STATE = /** @type {Record<string, string>} */ ({
  held: "Held",
  purchased: "Bought",
  released: "Put back",
  expired: "Hold ran out",
  revoked: "Sold elsewhere",
});

/**
 * "Ana" or "Visitor" (a label of spaces is no label).
 * @param {string | null | undefined} label
 */
export const visitorName = (label) => (label ?? "").trim() || "Visitor";

/**
 * "9:05" (minutes and seconds), "1:02:03" past an hour.
 * @param {number} seconds
 */
export function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
