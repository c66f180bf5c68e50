// The page's dialogs, on shared/dialog.js (a native <dialog>, focus kept, Escape closes): each is
// built when it opens, in the page's current language, and removed when it closes. A problem is
// thrown as an Error with the page's own words; the dialog shows it (role="alert").

import { formDialog } from "../shared/dialog.js";
import { t } from "./words.js";

/** @typedef {import("../shared/dialog.js").DialogField} DialogField */

/**
 * @param {{id: string, title: string, help: string, fields: DialogField[], submit: string, onSubmit: (values: Record<string, string>) => Promise<void>}} spec
 * @returns {() => void} closes it
 */
export function openDialog({ id, title, help, fields, submit, onSubmit }) {
  const made = formDialog({
    id,
    title,
    help,
    fields,
    submit,
    cancel: t("Cancel"),
    onSubmit: async (values) => {
      await onSubmit(values);
      made.close();
    },
  });
  made.dialog.addEventListener("close", () => setTimeout(() => made.dialog.remove()));
  made.open();
  return made.close;
}

/**
 * A question with no fields (styled, never confirm()).
 * @param {{title: string, help: string, submit: string, onConfirm: () => void}} spec
 */
export function confirmDialog({ title, help, submit, onConfirm }) {
  openDialog({ id: "market-confirm", title, help, fields: [], submit, onSubmit: async () => onConfirm() });
}
