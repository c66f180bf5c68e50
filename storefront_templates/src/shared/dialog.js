// The one dialog of the browser code: a native <dialog> opened with showModal() holding a form.
// Focus moves to the first field, and back to where it was when the dialog closes; Escape
// closes it; its heading labels it and its help describes it. Styled by DIALOG_CSS
// (shared/style.js), which the widget and the console add to their pages. The widget's
// "Connect this page" and the console's order steps and discount codes use it. Words arrive as
// strings and are set with textContent only.

import { sentence } from "./style.js";

/**
 * @typedef {Object} DialogField
 * @property {string} name
 * @property {string} label
 * @property {string} [type] the input's type (default "text")
 * @property {boolean} [required]
 * @property {number} [maxLength]
 * @property {string} [placeholder]
 * @property {string} [value] what the field holds each time the dialog opens (default empty)
 * @property {string} [min]
 * @property {string} [max]
 * @property {number} [rows] a text area of this many lines instead of a one-line input
 */

/**
 * @typedef {Object} DialogSpec
 * @property {string} id names the parts: class `id`, `#id-title`, `#id-help`, `.id-error`
 * @property {string} title
 * @property {string} help
 * @property {DialogField[]} fields
 * @property {string} submit the submit button's word
 * @property {string} cancel the closing button's word
 * @property {(values: Record<string, string>) => Promise<void>} onSubmit its error's message is
 *   shown in the dialog (role="alert"); it closes the dialog itself when done
 */

/**
 * @typedef {Object} FormDialog
 * @property {HTMLDialogElement} dialog
 * @property {HTMLHeadingElement} title
 * @property {(title?: string) => void} open fields as given, no error, focus on the first field
 * @property {() => void} close
 */

/**
 * Builds the dialog (closed) at the end of the page's body.
 * @param {DialogSpec} spec
 * @returns {FormDialog}
 */
export function formDialog({ id, title: heading, help: helpText, fields, submit: submitWord, cancel: cancelWord, onSubmit }) {
  const dialog = document.createElement("dialog");
  dialog.className = `cartstart-dialog ${id}`;
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  dialog.setAttribute("aria-describedby", `${id}-help`);
  const form = document.createElement("form");
  form.method = "dialog";
  const title = document.createElement("h2");
  title.id = `${id}-title`;
  title.textContent = heading;
  const help = document.createElement("p");
  help.id = `${id}-help`;
  help.textContent = helpText;
  const inputs = fields.map((field) => {
    const input = field.rows ? document.createElement("textarea") : document.createElement("input");
    input.name = field.name;
    if (input instanceof HTMLTextAreaElement) input.rows = field.rows ?? 3;
    else if (field.type) input.type = field.type;
    input.autocomplete = "off";
    input.required = Boolean(field.required);
    if (field.maxLength) input.maxLength = field.maxLength;
    if (field.placeholder) input.placeholder = field.placeholder;
    if (input instanceof HTMLInputElement && field.min) input.min = field.min;
    if (input instanceof HTMLInputElement && field.max) input.max = field.max;
    return input;
  });
  const labels = fields.map((field, i) => {
    const label = document.createElement("label");
    label.textContent = field.label;
    label.append(inputs[i]);
    return label;
  });
  const error = document.createElement("p");
  error.className = `${id}-error`;
  error.setAttribute("role", "alert");
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.className = "cartstart-button cartstart-primary";
  submit.textContent = submitWord;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "cartstart-button";
  cancel.textContent = cancelWord;
  cancel.addEventListener("click", () => dialog.close());
  const actions = document.createElement("div");
  actions.className = "cartstart-actions";
  actions.append(cancel, submit);
  form.append(title, help, ...labels, error, actions);
  dialog.append(form);
  document.body.append(dialog);
  /** @type {Element | null} */
  let returnTo = null;
  dialog.addEventListener("close", () => {
    // Focus goes back to what opened the dialog, or to the element that took its place (a
    // table redrawn meanwhile: the same `data-focus-key`).
    refocus(returnTo);
    returnTo = null;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await onSubmit(Object.fromEntries(inputs.map((input) => [input.name, input.value])));
    } catch (e) {
      error.textContent = sentence(e instanceof Error ? e.message : String(e));
    } finally {
      submit.disabled = false;
    }
  });
  return {
    dialog,
    title,
    open(newTitle) {
      if (newTitle !== undefined) title.textContent = newTitle;
      error.textContent = "";
      fields.forEach((field, i) => (inputs[i].value = field.value ?? ""));
      if (!dialog.open) {
        returnTo = document.activeElement;
        dialog.showModal();
      }
      (inputs[0] ?? submit).focus();
    },
    close: () => dialog.close(),
  };
}

/**
 * Focus `el`, or, when it left the page, the element now standing for it (`data-focus-key`).
 * @param {Element | null} el
 */
export function refocus(el) {
  if (!(el instanceof HTMLElement)) return;
  const key = el.dataset.focusKey;
  const target = el.isConnected ? el : key ? document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
  if (target instanceof HTMLElement) target.focus();
}
