// Every sentence of the live page that is not the store's own words, and the one table that
// turns an error into words for people. The hub's refusals are sentences already (its domain
// texts); a validator's raw text ("invalid 'post' message: ...") never reaches a person: the
// caller's own words for what failed take its place.

import { CartStartError } from "../shared/http.js";
import { sentence } from "../shared/style.js";

/** What a code means, whatever was being done. */
const BY_CODE = /** @type {Record<string, string>} */ ({
  rate_limited: "You are sending a lot at once. Wait a minute, then try again.",
  gone: "This session was deleted.",
  unauthorized: "This session link does not work any more.",
  disconnected: "The connection to the shop was lost. Check your internet connection and try again.",
  timeout: "The shop did not answer in time. Try again in a moment.",
  too_large: "That file is too large.",
  internal: "Something went wrong at the shop's service. Nothing was changed; try again.",
  server_busy: "The shop's service is very busy right now. Try again in a minute.",
});

/**
 * An error in words: the code's sentence, the hub's own sentence, or `fallback` when all there
 * is would be a validator's text.
 * @param {unknown} error
 * @param {string} fallback what failed, in words ("Your message could not be sent.")
 */
export function words(error, fallback) {
  if (error instanceof CartStartError) {
    if (error.code in BY_CODE && error.code !== "too_large") return BY_CODE[error.code];
    const message = error.message ?? "";
    if (!message || /^invalid\b/i.test(message) || /^HTTP \d+/.test(message)) return fallback;
    return ensureStop(sentence(message));
  }
  if (error instanceof TypeError) return BY_CODE.disconnected; // fetch could not reach the hub
  return fallback;
}

/** @param {string} text */
const ensureStop = (text) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/** What deleting a session says, by who deleted it. */
export const ENDED = {
  visitor: "You deleted this session. Its chat, board and cart are gone, and the items it held are back on sale.",
  store: "The shop ended this session. Its chat, board and cart are gone.",
  unknown: "This session was deleted. Its chat, board and cart are gone.",
  invalid: "This session link does not work: it may be incomplete, or the session was deleted.",
};

export const TEXT = {
  connecting: "Connecting…",
  live: "Live",
  polling: "Live (updates every few seconds)",
  reconnecting: "Reconnecting…",
  unreachable: "Cannot reach the shop right now. Trying again…",
  sellerHere: "The seller is here",
  sellerAway: "The seller is away",
  sellerUnknown: "",
  typing: "{store} is typing…",
  you: "You",
  seen: "Seen",
  sending: "Sending…",
  chatEmpty: "No messages yet. Say hello: the seller sees your message as soon as they are on the page.",
  counterEmpty: "Nothing shown yet. When the seller shows you a product, it appears here, newest first.",
  cartEmpty: "Your session cart is empty. Add products from the counter or the gallery: they are held for you while you decide.",
  boardEmpty: "Nothing shared in this session yet. Post a note, a link, a picture or a product for the seller.",
  publicBoardEmpty: "The shop has not shared anything here yet. Search the gallery, or start a session to talk with the seller.",
  galleryHint: "Search the shop's catalogue: several words, or parts of words.",
  noResults: "Nothing matches “{query}”. Try fewer words, or part of a word.",
  searching: "Searching…",
  linkCopied: "Link copied. Open it on any device to come back to this session.",
  following: "Following the seller",
  alone: "Browsing on your own",
  sellerShows: "The seller is showing you: {what}",
  added: "{name} is in your session cart, held for you.",
  putBack: "{name} is back on sale.",
  addFailed: "Could not add {name}.",
  sendFailed: "Your message could not be sent.",
  postFailed: "That could not be posted.",
  removeFailed: "That could not be removed.",
  orderFailed: "The order could not be placed.",
  uploadFailed: "That picture could not be uploaded.",
  notImage: "That file is not a picture. Choose a PNG, JPEG or WebP image.",
  badLink: "That is not a web address. It must start with https:// or http://.",
  startFailed: "The session could not be started.",
  deleteFailed: "The session could not be deleted.",
  searchFailed: "The search did not work. Try again.",
};

/**
 * `say("typing", {store: "Pots"})`: a sentence with its blanks filled in.
 * @param {keyof typeof TEXT} key
 * @param {Record<string, string | number>} [values]
 */
export const say = (key, values = {}) => TEXT[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
