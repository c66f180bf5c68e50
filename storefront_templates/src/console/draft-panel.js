// A followed draft (docs/personalise.md "For shops: watching and helping"): the buyer's values
// read-only, updated live from the store stream's `draft_changed`; comments on a field or on the
// whole form (a dialog); "Ask to edit", and once the buyer allows it, an input and "Save" per
// field (last writer wins per field: a save replaces what the buyer had, and the buyer's later
// typing replaces the shop's). The panel is built once per draft and form and then filled in
// place, so live changes never take the keyboard's place or the shop's unsaved typing.

import { formDialog } from "../shared/dialog.js";
import { CartStartError } from "../shared/http.js";
import { keepingFocus } from "../shared/dom.js";
import { sentence } from "../shared/style.js";
import { byLine, clock, editorFor, NotANumber, progressNode, readOrNull, shownText, valueNode } from "./draft-fields.js";
import { button, el } from "./dom.js";
import { money } from "./format.js";
import { store } from "./store.js";

/** @typedef {import("../shared/forms").DraftView} DraftView */
/** @typedef {import("../shared/forms").FieldSpec} FieldSpec */
/** @typedef {import("./draft-fields.js").FieldEditor} FieldEditor */

const EDITING_WORDS = {
  off: "Read-only: you see what the buyer writes as they write it. Ask to edit, and the buyer is asked on the store's page.",
  asked: "Waiting for the buyer: they are asked on the store's page whether you may edit the form with them.",
  allowed: "The buyer lets you edit. Save a field and they see it at once. The last save wins: if you and the buyer change the same field, the later change stays.",
};

/**
 * @typedef {Object} FieldParts
 * @property {FieldSpec} spec the field
 * @property {HTMLElement} value where the value is shown
 * @property {HTMLElement} by who wrote it, when
 * @property {HTMLUListElement} comments
 * @property {FieldEditor | null} editor while editing
 * @property {HTMLElement} note the buyer changed it under the shop's unsaved typing, or the
 *   shop's unsaved typing when editing stopped
 * @property {HTMLElement} error
 * @property {boolean} dirty the shop typed since the editor was last filled
 * @property {string} [shown] the state (JSON) the editor was last filled from
 */

export class DraftPanel {
  /**
   * @param {HTMLElement} root
   * @param {{onClose: () => void}} events
   */
  constructor(root, events) {
    this.root = root;
    this.events = events;
    /** @type {DraftView | null} */
    this.draft = null;
    this.built = ""; // what the structure was built for: cart, product, form version, editing
    /** @type {Map<string, FieldParts>} */
    this.fields = new Map();
    this.pending = ""; // the draft being opened
    this.commentField = /** @type {string | null} */ (null);
    this.comment = formDialog({
      id: "draft-comment",
      title: "Comment",
      help: "The buyer sees your comment under the field at once, on the store's page and in their cart.",
      fields: [{ name: "text", label: "Comment", rows: 4, maxLength: 1000, required: true }],
      submit: "Send comment",
      cancel: "Cancel",
      onSubmit: async ({ text }) => {
        const draft = await this.call("/comments", { method: "POST", body: { field: this.commentField, text } });
        this.comment.close();
        if (draft) this.show(draft);
      },
    });
  }

  /** "cart/product" of the open draft, or "". */
  get key() {
    return this.draft ? `${this.draft.cart_ref}/${this.draft.product_id}` : this.pending;
  }

  /**
   * @param {string} cartRef
   * @param {string} productId
   */
  async open(cartRef, productId) {
    this.pending = `${cartRef}/${productId}`;
    this.draft = null;
    this.built = "";
    this.fields.clear(); // another draft: no typing carries over
    this.root.hidden = false;
    this.root.replaceChildren(el("p", "Opening the draft…", { class: "hint" }));
    try {
      /** @type {DraftView} */
      const draft = await store.call(`/drafts/${encodeURIComponent(cartRef)}/${encodeURIComponent(productId)}`);
      this.show(draft);
      this.root.querySelector("h3")?.focus();
    } catch (e) {
      this.failed(e);
    }
  }

  close() {
    this.draft = null;
    this.pending = "";
    this.built = "";
    this.fields.clear();
    this.root.hidden = true;
    this.root.replaceChildren();
    this.events.onClose();
  }

  /** The draft again from the hub (after the feed reconnected). */
  async reload() {
    const after = await this.call("", {}).catch(() => null); // 404: gone() said so
    if (after) this.show(after);
  }

  /**
   * A call about the open draft; a 404 means the hold ended: the draft is the buyer's again.
   * @param {string} path after the draft's own path
   * @param {import("../shared/http.js").RequestOptions} options
   * @returns {Promise<DraftView | null>}
   */
  async call(path, options) {
    if (!this.draft) return null;
    const base = `/drafts/${encodeURIComponent(this.draft.cart_ref)}/${encodeURIComponent(this.draft.product_id)}`;
    try {
      return await store.call(base + path, options);
    } catch (e) {
      if (e instanceof CartStartError && e.status === 404) this.gone();
      throw e;
    }
  }

  /** The hold ended (released, expired or bought): nothing more to see. */
  gone() {
    if (this.root.hidden) return;
    this.draft = null;
    this.built = "";
    this.fields.clear();
    const closer = button("Close");
    closer.addEventListener("click", () => this.close());
    const words = "This item is no longer held in the buyer's cart, so its draft is private again (bought, removed, or the hold ended).";
    this.root.replaceChildren(el("p", words, { class: "empty", role: "status" }), closer);
    closer.focus();
  }

  /** @param {unknown} e */
  failed(e) {
    if (e instanceof CartStartError && e.status === 404) return this.gone();
    this.root.replaceChildren(el("p", sentence(e instanceof Error ? e.message : String(e)), { class: "error", role: "alert" }));
  }

  /**
   * A newer view of the open draft (from the feed or an answer); older ones are ignored.
   * @param {DraftView} draft
   */
  show(draft) {
    if (this.draft && draft.version < this.draft.version) return;
    const before = this.draft;
    this.draft = draft;
    const shape = `${draft.cart_ref}/${draft.product_id}/${draft.form_version}/${draft.shop_editing === "allowed"}`;
    if (shape !== this.built) {
      const unsaved = this.unsaved();
      const inside = this.root.contains(document.activeElement);
      keepingFocus(this.root, () => this.build(draft));
      this.keepUnsaved(unsaved, draft);
      this.fill(draft);
      // Its input gone (editing stopped): the keyboard goes on from the editing button.
      const takeover = this.root.querySelector('[data-focus-key="takeover"]');
      if (inside && !this.root.contains(document.activeElement) && takeover instanceof HTMLElement) takeover.focus();
    } else this.fill(draft);
    if (before && before.version !== draft.version) this.announce(before, draft);
  }

  /**
   * The live status line: what changed, in words (read by screen readers).
   * @param {DraftView} before
   * @param {DraftView} after
   */
  announce(before, after) {
    const same = (/** @type {string} */ key) => JSON.stringify(after.values[key] ?? null) === JSON.stringify(before.values[key] ?? null);
    const changed = after.form.fields.filter((f) => !same(f.key)).map((f) => f.label);
    let words = "";
    if (before.shop_editing !== after.shop_editing) {
      words = { off: "Editing is off: the draft is read-only again.", asked: "Asked the buyer to let you edit.", allowed: "The buyer lets you edit the form." }[after.shop_editing];
    } else if (changed.length) {
      const who = after.last_edit_by === "shop" ? "The shop" : "The buyer";
      words = `${who} changed ${changed.join(", ")}`;
    } else if (after.comments.length !== before.comments.length) {
      words = "Comment sent.";
    }
    if (words) this.root.querySelector(".draft-status")?.replaceChildren(words);
  }

  /** The shop's typing not yet saved, per field: label and value. */
  unsaved() {
    /** @type {Map<string, {spec: FieldSpec, value: import("../shared/forms").FieldValue | null}>} */
    const kept = new Map();
    for (const [key, parts] of this.fields) {
      if (parts.dirty && parts.editor) kept.set(key, { spec: parts.spec, value: readOrNull(parts.editor) });
    }
    return kept;
  }

  /**
   * After a rebuild: unsaved typing goes back into the new editors, or, with editing off, is
   * shown in words so the shop can copy it.
   * @param {Map<string, {spec: FieldSpec, value: import("../shared/forms").FieldValue | null}>} unsaved
   * @param {DraftView} draft
   */
  keepUnsaved(unsaved, draft) {
    for (const [key, { spec, value }] of unsaved) {
      if (value === null) continue; // a number the browser could not read: nothing to keep
      const parts = this.fields.get(key);
      if (parts?.editor) {
        parts.editor.set(value);
        parts.dirty = true;
        parts.shown = JSON.stringify(draft.values[key] ?? null);
      } else if (parts) {
        parts.note.textContent = `Your unsaved edit of ${spec.label} was not sent: ${shownText(spec.columns, value)}`;
      }
    }
  }

  /** @param {DraftView} draft */
  build(draft) {
    this.built = `${draft.cart_ref}/${draft.product_id}/${draft.form_version}/${draft.shop_editing === "allowed"}`;
    const editing = draft.shop_editing === "allowed";
    const title = el("h3", draft.product_name, { tabindex: "-1" });
    const closer = button("Close", false, { class: "cartstart-button draft-close" });
    closer.addEventListener("click", () => this.close());
    const head = el("div", null, { class: "draft-head" });
    head.append(title, closer);
    const meta = el("p", null, { class: "draft-meta" });
    const takeover = el("div", null, { class: "draft-takeover" });
    const status = el("p", null, { class: "draft-status", role: "status" });
    const formComments = el("ul", null, { class: "draft-comments", "aria-label": "Comments on the whole form" });
    const commentForm = button("Comment on the whole form", false, { "data-focus-key": "comment:" });
    commentForm.addEventListener("click", () => this.openComment(null, "the whole form"));
    const list = el("div", null, { class: "draft-fields" });
    this.fields.clear();
    for (const spec of draft.form.fields) list.append(this.buildField(spec, editing));
    /** @type {HTMLElement[]} */
    const parts = [head, meta, takeover, status];
    if (draft.form.intro) parts.push(el("p", draft.form.intro, { class: "hint draft-intro" }));
    parts.push(formComments, commentForm, list);
    this.root.replaceChildren(...parts);
  }

  /**
   * @param {FieldSpec} spec
   * @param {boolean} editing
   */
  buildField(spec, editing) {
    const box = el("article", null, { class: "draft-field", "data-field": spec.key, "aria-label": spec.label });
    const label = el("h4", spec.label);
    if (spec.required) label.append(el("span", " (required)", { class: "hint" }));
    box.append(label);
    if (spec.help) box.append(el("p", spec.help, { class: "hint small" }));
    const value = el("div");
    const by = el("p", null, { class: "small hint draft-by" });
    /** @type {HTMLUListElement} */
    const comments = el("ul", null, { class: "draft-comments", "aria-label": `Comments on ${spec.label}` });
    const note = el("p", null, { class: "draft-note", role: "status" });
    const error = el("p", null, { class: "error", role: "alert" });
    const comment = button("Comment", false, { "aria-label": `Comment on ${spec.label}`, "data-focus-key": `comment:${spec.key}` });
    comment.addEventListener("click", () => this.openComment(spec.key, spec.label));
    /** @type {FieldParts} */
    const parts = { spec, value, by, comments, editor: null, note, error, dirty: false };
    box.append(value, by, comments);
    const actions = el("div", null, { class: "steps" });
    if (editing) {
      const editor = editorFor(spec);
      parts.editor = editor;
      editor.node.addEventListener("input", () => (parts.dirty = true));
      editor.node.addEventListener("click", (event) => {
        // Adding or removing a row is typing too.
        if (event.target instanceof HTMLButtonElement) parts.dirty = true;
      });
      const save = button("Save", true, { "aria-label": `Save ${spec.label}`, "data-focus-key": `save:${spec.key}` });
      save.addEventListener("click", () => this.save(spec, parts, save));
      box.append(el("p", "Your edit:", { class: "small hint" }), editor.node);
      actions.append(save);
    }
    box.append(note);
    actions.append(comment);
    box.append(actions, error);
    this.fields.set(spec.key, parts);
    return box;
  }

  /** @param {DraftView} draft */
  fill(draft) {
    const meta = this.root.querySelector(".draft-meta");
    if (meta) {
      const held = draft.expires_at ? `held until ${clock(draft.expires_at)}` : "not held";
      const last = draft.last_edit_at ? ` · last edit ${clock(draft.last_edit_at)} by ${draft.last_edit_by === "shop" ? "the shop" : "the buyer"}` : " · not started yet";
      meta.replaceChildren(progressNode(draft.progress), el("span", ` Cart ${draft.cart_ref.slice(0, 8)} · ${held}${last} · ${money(draft.unit_price)} each`));
      if (draft.progress.missing.length) meta.append(el("br"), el("small", `Still to fill: ${draft.progress.missing.join(", ")}`));
    }
    const takeover = this.root.querySelector(".draft-takeover");
    if (takeover instanceof HTMLElement && takeover.dataset.state !== draft.shop_editing) {
      takeover.dataset.state = draft.shop_editing;
      keepingFocus(takeover, () => takeover.replaceChildren(el("p", EDITING_WORDS[draft.shop_editing]), this.takeoverButton(draft)));
    }
    const formComments = this.root.querySelector('.draft-comments[aria-label="Comments on the whole form"]');
    if (formComments) formComments.replaceChildren(...this.commentItems(draft, null));
    for (const spec of draft.form.fields) {
      const parts = this.fields.get(spec.key);
      if (!parts) continue;
      const state = draft.values[spec.key];
      parts.value.replaceChildren(valueNode(spec, state?.value));
      parts.by.textContent = byLine(state);
      parts.comments.replaceChildren(...this.commentItems(draft, spec.key));
      if (!parts.editor) continue;
      const now = JSON.stringify(state ?? null);
      if (!parts.dirty) parts.editor.set(state?.value ?? null);
      else if (parts.shown !== now && state?.by === "buyer") {
        // The buyer's newer value shows above; the shop's typing is kept until saved.
        parts.note.textContent = "The buyer changed this field while you typed. Saving yours replaces theirs.";
      }
      parts.shown = now;
    }
  }

  /** @param {DraftView} draft */
  takeoverButton(draft) {
    const ask = draft.shop_editing === "off";
    const label = ask ? "Ask to edit" : draft.shop_editing === "asked" ? "Cancel the request" : "Stop editing";
    const b = button(label, ask, { "data-focus-key": "takeover" });
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const after = await this.call("/takeover", { method: ask ? "POST" : "DELETE" });
        if (after) this.show(after);
      } catch (e) {
        this.root.querySelector(".draft-status")?.replaceChildren(sentence(e instanceof Error ? e.message : String(e)));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  /**
   * @param {DraftView} draft
   * @param {string | null} field
   */
  commentItems(draft, field) {
    return draft.comments
      .filter((c) => (c.field ?? null) === field)
      .map((c) => {
        const item = el("li");
        item.append(el("span", c.text, { class: "comment" }), el("small", ` — ${c.by_name}, ${clock(c.at)}`));
        return item;
      });
  }

  /**
   * @param {string | null} field
   * @param {string} label
   */
  openComment(field, label) {
    this.commentField = field;
    this.comment.open(field ? `Comment on “${label}”` : "Comment on the whole form");
  }

  /**
   * @param {FieldSpec} spec
   * @param {FieldParts} parts
   * @param {HTMLButtonElement} save
   */
  async save(spec, parts, save) {
    if (!parts.editor) return;
    parts.error.textContent = "";
    /** @type {import("../shared/forms").FieldValue} */
    let sent;
    try {
      sent = parts.editor.read();
    } catch (e) {
      if (!(e instanceof NotANumber)) throw e;
      parts.error.textContent = e.message; // nothing sent: saving "" would clear the buyer's value
      e.input.focus();
      return;
    }
    save.disabled = true;
    try {
      const after = await this.call("", { method: "POST", body: { values: { [spec.key]: sent } } });
      // Typing while the save was on its way stays: only what was sent counts as saved.
      if (JSON.stringify(readOrNull(parts.editor)) === JSON.stringify(sent)) {
        parts.dirty = false;
        parts.note.textContent = "";
      }
      if (after) this.show(after);
      this.root.querySelector(".draft-status")?.replaceChildren(`Saved ${spec.label}: the buyer sees it now.`);
    } catch (e) {
      parts.error.textContent = sentence(e instanceof Error ? e.message : String(e));
    } finally {
      save.disabled = false;
    }
  }
}
