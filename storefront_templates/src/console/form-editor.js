// The owners' form editor (docs/personalise.md "For shops: defining a form"): the section
// "Personalisation forms" lists the products with whether each has a form; "Add form" / "Edit
// form" opens a dialog with the field cards (form-fields.js) and price rules (form-rules.js).
// Saving PUTs the whole definition; the hub's `bad_form` is shown in words by the field (or
// price rule) it names. Removing a form asks first; buyers keep their drafts. Shown only to a
// console whose role has `forms` (owners and the key); the hub enforces it.

import { formDialog, refocus } from "../shared/dialog.js";
import { CartStartError } from "../shared/http.js";
import { sentence } from "../shared/style.js";
import { button, byId, el, fill, row } from "./dom.js";
import { addCard, cardFor, control, readFields, renumber } from "./form-fields.js";
import { money } from "./format.js";
import { MAX_RULES, PriceRules } from "./form-rules.js";
import { store } from "./store.js";

/** @typedef {import("../shared/forms").ProductForm} ProductForm */
/** @typedef {import("../shared/forms").FormDefinition} FormDefinition */
/** @typedef {{id: string, name: string, price: import("../shared/protocol").Money}} Product */

const MAX_FIELDS = 40;
/** @type {Map<string, ProductForm | null>} product id -> its form */
const forms = new Map();
/** @type {Product | null} */
let editing = null;

/** The dialog, built once. */
const editor = (() => {
  const dialog = el("dialog", null, { class: "cartstart-dialog form-editor", "aria-labelledby": "fe-title", "aria-describedby": "fe-help" });
  const form = el("form", null, { method: "dialog", novalidate: "" });
  const title = el("h2", "Personalisation form", { id: "fe-title" });
  const help = el("p", "What the buyer fills in after carting this product, before checkout. They can stop and come back; checkout waits for the required fields.", { id: "fe-help" });
  const intro = el("textarea", null, { rows: "2", maxlength: "1000" });
  const introLabel = el("label", "Introduction above the form (optional)");
  introLabel.append(intro);
  const fields = el("div", null, { class: "fe-list", role: "group", "aria-labelledby": "fe-fields-title" });
  const addField = button("Add field", false, { class: "cartstart-button fe-add" });
  const fieldsBox = el("div");
  fieldsBox.append(el("h3", "Fields", { id: "fe-fields-title" }), fields, addField);
  const rules = el("div", null, { class: "fe-list", role: "group", "aria-labelledby": "fe-rules-title" });
  const addRule = button("Add price rule", false, { class: "cartstart-button fe-add-rule" });
  const rulesBox = el("div");
  const rulesHelp = "The unit price is the product's price plus what every rule adds, computed by the hub from the buyer's values.";
  rulesBox.append(el("h3", "Price rules", { id: "fe-rules-title" }), el("p", rulesHelp, { class: "hint small" }), rules, addRule);
  const error = el("p", null, { class: "error", role: "alert" });
  const remove = button("Remove form…", false, { class: "cartstart-button danger fe-remove" });
  const cancel = button("Cancel");
  const save = el("button", "Save form", { type: "submit", class: "cartstart-button cartstart-primary" });
  const actions = el("div", null, { class: "cartstart-actions" });
  actions.append(remove, cancel, save);
  form.append(title, help, introLabel, fieldsBox, rulesBox, error, actions);
  dialog.append(form);
  document.body.append(dialog);
  cancel.addEventListener("click", () => leave());
  // Escape asks too when something changed (the browser would close the dialog at once).
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    leave();
  });
  /** @type {Element | null} */
  let returnTo = null;
  dialog.addEventListener("close", () => refocus(returnTo));
  return { dialog, form, title, intro, fields, addField, rules, addRule, error, remove, save, rememberFocus: () => (returnTo = document.activeElement) };
})();

/** The form as the editor holds it, to tell whether anything changed since it opened. */
function snapshot() {
  const rules = [...editor.rules.querySelectorAll("input, select")].map((c) => (c instanceof HTMLInputElement || c instanceof HTMLSelectElement ? c.value : ""));
  return JSON.stringify([editor.intro.value, readFields(editor.fields), rules]);
}
let opened = "";

const confirmLeave = formDialog({
  id: "form-leave",
  title: "Discard your changes?",
  help: "The form stays as it was saved; what you changed here is lost.",
  fields: [],
  submit: "Discard changes",
  cancel: "Keep editing",
  async onSubmit() {
    confirmLeave.close();
    editor.dialog.close();
  },
});

/** Cancel or Escape: closes at once when nothing changed, else asks first. */
function leave() {
  if (snapshot() === opened) editor.dialog.close();
  else confirmLeave.open();
}

/** @type {PriceRules} */
let priceRules = new PriceRules(editor.rules, "EUR", () => []);
const changed = () => priceRules.refresh();
editor.fields.addEventListener("input", (e) => {
  if (e.target instanceof HTMLElement && !editor.rules.contains(e.target)) changed();
});
editor.fields.addEventListener("change", changed);

const limitFields = () => (editor.addField.disabled = editor.fields.children.length >= MAX_FIELDS);
editor.addField.addEventListener("click", () => {
  const card = addCard(editor.fields, { kind: "text" }, { onChange: onCards });
  onCards();
  control(card, "label").focus();
});
editor.addRule.addEventListener("click", () => {
  if (priceRules.cards.length >= MAX_RULES) return;
  priceRules.add({})?.querySelector("select")?.focus();
});

function onCards() {
  limitFields();
  changed();
}

function clearErrors() {
  editor.error.textContent = "";
  for (const e of editor.dialog.querySelectorAll(".fe-error")) e.textContent = "";
  for (const e of editor.dialog.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
}

/**
 * The refusal in words, by the field or rule it names (details.field / details.rule).
 * @param {string} message
 * @param {Record<string, unknown>} details
 */
function showError(message, details) {
  const words = sentence(message);
  editor.error.textContent = words;
  const rule = typeof details.rule === "number" ? priceRules.cards[details.rule - 1] : undefined;
  const card = rule ?? (typeof details.field === "string" ? cardFor(editor.fields, details.field) : null);
  if (!card) return;
  const where = card.querySelector(":scope > .fe-error");
  if (where) where.textContent = words;
  const first = card.querySelector("input, select, textarea");
  if (first instanceof HTMLElement) {
    first.setAttribute("aria-invalid", "true");
    first.focus();
  }
}

editor.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!editing) return;
  clearErrors();
  /** @type {FormDefinition} */
  let body;
  try {
    body = { intro: editor.intro.value.trim(), fields: readFields(editor.fields), price_rules: priceRules.read() };
  } catch (e) {
    const rule = /** @type {{rule?: number}} */ (e).rule;
    return showError(e instanceof Error ? e.message : String(e), { rule });
  }
  if (!body.fields.length) return showError("Add at least one field: a form has 1 to 40", {});
  editor.save.disabled = true;
  try {
    /** @type {ProductForm} */
    const saved = await store.call(`/products/${encodeURIComponent(editing.id)}/form`, { method: "PUT", body });
    forms.set(editing.id, saved);
    byId("forms-result", HTMLParagraphElement).textContent = `Saved the form of ${editing.name}: buyers see it from now on.`;
    editor.dialog.close();
    draw();
  } catch (e) {
    if (e instanceof CartStartError) showError(e.message, e.details ?? {});
    else showError(String(e), {});
  } finally {
    editor.save.disabled = false;
  }
});

const confirmRemove = formDialog({
  id: "form-remove",
  title: "Remove the form?",
  help: "Buyers can no longer personalise this product, and checkout no longer waits for it. Drafts already started stay with the buyers.",
  fields: [],
  submit: "Remove form",
  cancel: "Keep it",
  async onSubmit() {
    if (!editing) return;
    await store.call(`/products/${encodeURIComponent(editing.id)}/form`, { method: "DELETE", accept: "*/*" });
    forms.set(editing.id, null);
    byId("forms-result", HTMLParagraphElement).textContent = `Removed the form of ${editing.name}.`;
    confirmRemove.close();
    editor.dialog.close();
    draw();
  },
});
editor.remove.addEventListener("click", () => confirmRemove.open(`Remove the form of ${editing?.name ?? "this product"}?`));

/** @param {Product} product */
function open(product) {
  editing = product;
  const saved = forms.get(product.id)?.form;
  editor.rememberFocus();
  clearErrors();
  editor.title.textContent = `${saved ? "Edit the form" : "Add a form"}: ${product.name}`;
  editor.intro.value = saved?.intro ?? "";
  editor.fields.replaceChildren();
  editor.rules.replaceChildren();
  priceRules = new PriceRules(editor.rules, product.price.currency, () => readFields(editor.fields));
  for (const spec of saved?.fields ?? [{ kind: "text" }]) addCard(editor.fields, spec, { onChange: onCards });
  for (const rule of saved?.price_rules ?? []) priceRules.add(rule);
  renumber(editor.fields);
  priceRules.refresh();
  limitFields();
  editor.remove.hidden = !saved;
  editor.dialog.showModal();
  opened = snapshot();
  editor.dialog.scrollTop = 0;
  editor.intro.focus();
}

/** @type {Product[]} */
let products = [];

/** @param {ProductForm | null | undefined} f */
function summary(f) {
  if (!f) return el("span", "No form", { class: "hint" });
  const n = f.form.fields.length;
  const rules = f.form.price_rules?.length ?? 0;
  const required = f.form.fields.filter((s) => s.required).length;
  return el("span", `${n} ${n === 1 ? "field" : "fields"} (${required} required)${rules ? `, ${rules} price ${rules === 1 ? "rule" : "rules"}` : ""}`);
}

function draw() {
  const rows = products.map((p) => {
    const has = Boolean(forms.get(p.id));
    const b = button(has ? "Edit form" : "Add form", !has, { "aria-label": `${has ? "Edit the form of" : "Add a form to"} ${p.name}`, "data-focus-key": `form:${p.id}` });
    b.addEventListener("click", () => open(p));
    return row([p.name, money(p.price), summary(forms.get(p.id)), b]);
  });
  const focused = document.activeElement;
  fill(byId("product-forms", HTMLTableSectionElement), rows, byId("product-forms-empty", HTMLElement));
  if (focused && !focused.isConnected) refocus(focused);
}

/** Each product's form (404: none), a few at a time. */
export async function loadForms() {
  const error = byId("forms-error", HTMLParagraphElement);
  try {
    products = await store.call("/products");
    const queue = [...products];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const id = p.id;
        forms.set(id, await store.call(`/products/${encodeURIComponent(id)}/form`).catch((e) => {
          if (e instanceof CartStartError && e.status === 404) return null;
          throw e;
        }));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    error.textContent = "";
  } catch (e) {
    error.textContent = sentence(e instanceof Error ? e.message : String(e));
  }
  draw();
}
