// The form that pins something on a board (a session's, or the store's public one): a note, a
// link, a picture (uploaded first) or a product (found by its code or name). Checked here first,
// in words; the hub's refusal, if any, is shown in the same place.

import { el } from "../dom.js";
import { reasonOf } from "./words.js";

/** @typedef {import("./types").LiveProduct} LiveProduct */

const MAX_PICTURE = 5 * 1024 * 1024;
const PICTURE_TYPES = ["image/png", "image/jpeg", "image/webp"];

/**
 * @typedef {Object} PostHandlers
 * @property {(query: string) => Promise<LiveProduct[]>} search
 * @property {(file: File) => Promise<string>} upload returns the upload's id
 * @property {(widget: Record<string, unknown>) => Promise<void>} post
 */

/**
 * Builds the form inside `container`.
 * @param {HTMLElement} container
 * @param {string} prefix names its fields' ids
 * @param {string} submitWord
 * @param {PostHandlers} handlers
 */
export function postForm(container, prefix, submitWord, { search, upload, post }) {
  const form = el("form", null, { class: "post-form", novalidate: "" });
  const kinds = el("fieldset", null, { class: "kinds" });
  kinds.append(el("legend", "Pin"));
  /** @type {Record<string, HTMLElement>} */
  const parts = {};
  const field = (/** @type {string} */ label, /** @type {HTMLElement} */ input) => {
    const wrap = el("label", label, { class: "field-label" });
    wrap.append(input);
    return wrap;
  };
  const note = el("textarea", null, { rows: "2", maxlength: "2000", id: `${prefix}-note` });
  const url = el("input", null, { type: "url", maxlength: "2048", placeholder: "https://…", id: `${prefix}-url` });
  const title = el("input", null, { maxlength: "200", id: `${prefix}-title` });
  const file = el("input", null, { type: "file", accept: PICTURE_TYPES.join(","), id: `${prefix}-file` });
  const caption = el("input", null, { maxlength: "200", id: `${prefix}-caption` });
  const product = el("input", null, { maxlength: "200", placeholder: "Its code, for example MG-1", id: `${prefix}-product` });
  parts.note = el("div");
  parts.note.append(field("What the note says", note));
  parts.link = el("div");
  parts.link.append(field("Address", url), field("Title (optional)", title));
  parts.image = el("div");
  parts.image.append(field("Picture (PNG, JPEG or WebP, up to 5 MB)", file), field("Caption (optional)", caption));
  parts.product = el("div");
  parts.product.append(field("Product (code or name)", product));
  for (const [value, label] of [["note", "Note"], ["link", "Link"], ["image", "Picture"], ["product", "Product"]]) {
    const radio = el("input", null, { type: "radio", name: `${prefix}-kind`, value });
    if (value === "note") radio.defaultChecked = radio.checked = true;
    radio.addEventListener("change", () => show(value));
    const wrap = el("label", null, { class: "check" });
    wrap.append(radio, ` ${label}`);
    kinds.append(wrap);
  }
  const error = el("p", null, { class: "field-error", role: "alert" });
  const submit = el("button", submitWord, { type: "submit", class: "cartstart-button cartstart-primary" });
  const actions = el("div", null, { class: "row-actions" });
  actions.append(submit);
  form.append(kinds, parts.note, parts.link, parts.image, parts.product, error, actions);
  container.replaceChildren(form);

  /** @param {string} kind */
  function show(kind) {
    for (const [name, part] of Object.entries(parts)) part.hidden = name !== kind;
    error.textContent = "";
  }
  show("note");

  /** @returns {Promise<Record<string, unknown> | string>} the widget, or what is wrong */
  async function widget() {
    const kind = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="${prefix}-kind"]:checked`))?.value ?? "note";
    if (kind === "note") {
      if (!note.value.trim()) return "Write the note first.";
      return { kind, text: note.value };
    }
    if (kind === "link") {
      const address = url.value.trim();
      if (!/^https?:\/\/[^\s]+$/i.test(address)) return "Write the full address, starting with https:// (or http://).";
      return { kind, url: address, title: title.value.trim() };
    }
    if (kind === "image") {
      const picture = file.files?.[0];
      if (!picture) return "Choose a picture first.";
      if (!PICTURE_TYPES.includes(picture.type)) return "Choose a PNG, JPEG or WebP picture.";
      if (picture.size > MAX_PICTURE) return "This picture is larger than 5 MB: choose a smaller one.";
      return { kind, upload_id: await upload(picture), title: caption.value.trim() };
    }
    const wanted = product.value.trim();
    if (!wanted) return "Write the product's code or name.";
    const found = await search(wanted);
    const exact = found.filter((p) => p.code.toLowerCase() === wanted.toLowerCase() || p.product_id === wanted);
    const chosen = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : null;
    if (!chosen) {
      if (found.length === 0) return "No product matches that. Check the code.";
      return `${found.length} products match: write the code of the one you mean (${found.slice(0, 4).map((p) => p.code).join(", ")}).`;
    }
    return { kind, product_id: chosen.product_id };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      const made = await widget();
      if (typeof made === "string") {
        error.textContent = made;
        return;
      }
      await post(made);
      form.reset();
      show("note");
    } catch (e) {
      error.textContent = reasonOf(e);
    } finally {
      submit.disabled = false;
    }
  });
}
