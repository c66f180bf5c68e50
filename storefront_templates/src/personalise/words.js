// Every word of the personalise dialog, in English; a shop gives its own (any language) in the
// page's <script type="application/json" id="cartstart-text">, as for the widget's words
// (docs/storefront.md, "Your own words").

import { customTexts } from "../widget/texts.js";

export const WORDS = {
  title: "Personalise {product}",
  close: "Close",
  heldUntil: "{store} · held in your cart until {time}",
  done: "Done",
  requiredLegend: "Fields marked * are required before checkout. Everything is saved as you type.",
  required: "required",
  progress: "{done} of {required} done",
  progressNone: "Nothing required",
  allDone: "All {required} done: ready to check out",
  stillToFill: "Still to fill: {labels}",
  price: "Price with your choices: {price}",
  saving: "Saving…",
  saved: "Saved",
  notSavedOffline: "Not saved: offline, retrying",
  notSavedRetrying: "Not saved: {reason}. Retrying…",
  notSaved: "Not saved: {reason}",
  notSavedField: "Not saved: check {label}",
  loading: "Loading your form…",
  loadFailed: "Your form could not be loaded: {reason}",
  gone: "This product has no form to fill in any more.",
  notHeld: "This item is no longer held in your cart. Your answers are kept for you; the shop no longer sees them.",
  notHeldLocked:
    "This item is no longer held in your cart, so this page can no longer change your answers. They are kept for you: put the item in your cart again to go on here, or open it in your CartStart cart.",
  askedTitle: "Let the shop edit your form?",
  askedHelp: "{store} offers to fill in this form with you. You see every change they make, and you can stop it at any time.",
  allow: "Allow",
  refuse: "No thanks",
  allowedTitle: "{store} can edit this form with you",
  allowedHelp: "Changes from either side show at once; the latest change to a field is kept.",
  stop: "Stop",
  changedBy: "Changed by {name} (shop)",
  commentsOnForm: "From the shop",
  comment: "{name}, {time}",
  newComment: "New comment from {name}: {text}",
  shopChanged: "{name} (shop) changed {label}",
  choose: "Choose…",
  upTo: "Up to {max} characters",
  between: "{min}–{max} characters",
  atLeastChars: "At least {min} characters",
  count: "{n} / {max}",
  numberRange: "From {min} to {max}",
  numberMin: "At least {min}",
  numberMax: "At most {max}",
  wholeNumber: "whole number",
  dateRange: "Between {min} and {max}",
  dateMin: "On or after {min}",
  dateMax: "On or before {max}",
  rowsLimits: "{min} to {max} rows",
  rowsMax: "Up to {max} rows",
  rowsCount: "{n} rows",
  rowsOne: "1 row",
  rowsEmpty: "No rows yet: add the first with “Add row”.",
  addRow: "Add row",
  removeRow: "Remove",
  removeRowLabel: "Remove row {n}",
  cellLabel: "{column}, row {n}",
  rowNumber: "Row",
  notANumber: "Type a number, like 12 or 2.5",
  perRow: "Adds {price} per row",
  perUnit: "Adds {price} for each one",
  perCharacter: "Adds {price} per character (spaces are free)",
  perOption: "{option} (+{price})",
  shopAsks: "The shop asks to edit your form with you",
  openFailed: "The form could not be opened. Check your connection and try again.",
};

/** @typedef {keyof typeof WORDS} WordKey */
/** @typedef {(key: WordKey, values?: Record<string, string | number>) => string} Say */

/**
 * The shop's word for `key` (or the default), with {name}... filled in.
 * @param {Document} doc
 * @returns {Say}
 */
export function words(doc) {
  const custom = customTexts(doc);
  return (key, values = {}) => {
    const own = custom[key];
    const template = typeof own === "string" ? own : WORDS[key];
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  };
}
