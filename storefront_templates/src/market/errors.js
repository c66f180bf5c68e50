// What went wrong, in the page's words: the hub's error code decides the sentence (its own
// message, written for developers, is never shown). `where` adds the words a place knows better.

import { CartStartError, isAbort } from "../shared/http.js";
import { t } from "./words.js";

/**
 * @param {unknown} error
 * @param {Record<string, string>} [where] sentences for codes this place explains better
 * @returns {string}
 */
export function problem(error, where = {}) {
  if (!(error instanceof CartStartError)) return t("The marketplace cannot be reached. Check your connection and try again.");
  if (where[error.code]) return where[error.code];
  switch (error.code) {
    case "bad_query":
      return t("Type at least one letter or digit: at most 8 words and 200 characters.");
    case "answer_changed":
      return t("The firm changed its answer meanwhile. Check the new answer below before you accept.");
    case "unknown_currency":
      return t("That currency has no exchange rate any more. Choose another one.");
    case "unknown_category":
      return t("That category is no longer in the tree. Clear the filter and try again.");
    case "not_found":
      return t("It is not there any more: the link may be wrong, or it was removed.");
    case "unauthorized":
      return t("Your sign-in has ended. Sign in again.");
    case "forbidden":
      return t("This link does not open that solution. Check that you copied all of it.");
    case "stale_solution":
    case "conflict":
      return t("The solution was changed elsewhere meanwhile. It has been reloaded: make your change again.");
    case "insufficient_stock":
      return t("A firm does not have enough in stock for one of the lines. Lower the quantity or send it as a request for quote.");
    case "idempotency_conflict":
      return t("This was already sent with other details. Reload the page to see what was sent.");
    case "rate_limited":
      return t("Too many tries. Wait a minute and try again.");
    case "too_large":
      return t("That is too much at once: a solution holds at most 200 lines.");
    case "invalid_message":
    case "bad_json":
      return t("Some details are not valid. Check the quantities (1 to 10,000), the notes and the email address.");
    case "invalid_state":
      return t("That cannot be done any more: the request has already moved on.");
    case "gone":
      return t("That has expired.");
    default:
      return t("Something went wrong on the marketplace. Try again in a moment.");
  }
}

export { isAbort };
