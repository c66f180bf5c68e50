// A saved solution's private link: shown in a read-only field with a copy button, and sent by
// email to oneself. Whoever has the link can open and send the solution.

import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { button, el, notify } from "./dom.js";
import { problem } from "./errors.js";
import { safeGet, safeSet, t } from "./words.js";

/** @typedef {import("./state.js").Solution} Solution */

const EMAIL_KEY = "cartstart.market.email";

/** @param {Solution} solution */
export function linkBox(solution) {
  if (!solution.secret) {
    // Opened from the account, without the link: there is no secret here to show.
    return el("p", { class: "hint saved-link" }, t("This solution is kept in your account: it opens here while you are signed in. Its private link was shown when it was saved."));
  }
  const link = solution.link();
  const field = el("input", { id: "solution-link", type: "text", readonly: true, value: link, "aria-describedby": "solution-link-help" });
  field.addEventListener("focus", () => field.select());
  const copy = button(t("Copy"), () => void copyLink(field), { small: true, attrs: { id: "copy-link", "data-focus-key": "copy" } });
  const mail = button(t("Email it to me"), () => emailDialog(solution), { small: true, attrs: { id: "email-link", "data-focus-key": "email" } });
  return el(
    "div",
    { class: "saved-link" },
    el("label", { for: "solution-link" }, t("Private link")),
    el("p", { class: "hint", id: "solution-link-help" }, t("Anyone with this link can open and send the solution: keep it for yourself.")),
    el("div", { class: "row" }, field, copy),
    el("div", { class: "row" }, mail),
  );
}

/** @param {HTMLInputElement} field */
async function copyLink(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    notify(t("The link is copied."));
  } catch {
    field.focus();
    field.select();
    notify(t("Copying was refused by the browser: the link is selected, copy it with Ctrl+C."));
  }
}

/** @param {Solution} solution */
export function emailDialog(solution) {
  const id = solution.id;
  if (!id) return;
  openDialog({
    id: "market-email",
    title: t("Email the link to yourself"),
    help: t("You get the private link and the solution's lines. The address is used for this email only."),
    fields: [{ name: "email", label: t("Your email address"), type: "email", required: true, maxLength: 254, value: safeGet(EMAIL_KEY) ?? "" }],
    submit: t("Send the email"),
    onSubmit: async ({ email }) => {
      try {
        await api.emailSolution(id, solution.secret, email.trim());
      } catch (error) {
        throw new Error(problem(error, { invalid_message: t("That email address does not look right.") }));
      }
      safeSet(EMAIL_KEY, email.trim());
      notify(t("Sent to {email}.", { email: email.trim() }));
    },
  });
}
