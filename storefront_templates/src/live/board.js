// The sharing board. Public mode: the shop's public board (what it approved). A session: its
// private widgets and this visitor's public posts (waiting for approval, said so); posting a
// note, a link, a picture (uploaded first: POST /api/live/uploads with the session link) or a
// product (from the gallery's "Share on the board"); removing one's own. Link addresses go
// through safeUrl: a `javascript:` address is never a link. Text is textContent.

import { commandId } from "../shared/commands.js";
import { fill, picture, productCard } from "./cards.js";
import { button, byId, clock, el, safeUrl } from "./dom.js";
import { say, words } from "./texts.js";

/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./types").LiveProduct} LiveProduct */
/** @typedef {import("./session.js").SessionState} SessionState */

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"];

/**
 * @typedef {Object} BoardDeps
 * @property {URL} hub
 * @property {() => string} storeName
 * @property {() => SessionState | null} state
 * @property {() => string | null} link the session link (uploads)
 * @property {(command: import("./types").LiveCommand) => Promise<any>} command
 * @property {(message: string) => void} notify
 * @property {() => void} changed the board changed by a command's result
 * @property {(product: LiveProduct) => Node[]} productActions
 */

export class Board {
  /** @param {BoardDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.list = byId("board-list", HTMLDivElement);
    this.empty = byId("board-empty", HTMLParagraphElement);
    this.form = byId("post-form", HTMLFormElement);
    this.error = byId("post-error", HTMLParagraphElement);
    /** @type {Map<string, number>} when each widget was first seen (ties of `at` keep arrival order) */
    this.seen = new Map();
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.form.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === "kind") this.showKind();
    });
    this.form.addEventListener("input", () => (this.error.textContent = ""));
    this.showKind();
  }

  /**
   * Newest first; widgets of the same moment in the order they arrived.
   * @param {Widget[]} widgets in the order the hub gave them (`oldestFirst`, or newest first)
   * @param {boolean} oldestFirst
   */
  newestFirst(widgets, oldestFirst) {
    for (const w of oldestFirst ? widgets : [...widgets].reverse()) {
      if (!this.seen.has(w.widget_id)) this.seen.set(w.widget_id, this.seen.size);
    }
    const rank = (/** @type {Widget} */ w) => this.seen.get(w.widget_id) ?? 0;
    return [...widgets].sort((a, b) => b.at - a.at || rank(b) - rank(a));
  }

  /** @param {Widget[]} widgets the shop's public board (newest first, as the hub sends it) */
  renderPublic(widgets) {
    const sorted = this.newestFirst(widgets, false);
    fill(this.list, sorted.map((w) => this.card(w, false)), this.empty);
    this.empty.textContent = say("publicBoardEmpty");
  }

  renderSession() {
    const state = this.deps.state();
    if (!state) return;
    const sorted = this.newestFirst([...state.board.values()], true);
    fill(this.list, sorted.map((w) => this.card(w, true)), this.empty);
    this.empty.textContent = say("boardEmpty");
  }

  /**
   * @param {Widget} w
   * @param {boolean} inSession
   */
  card(w, inSession) {
    const hub = this.deps.hub;
    const from = w.author === "store" ? (inSession ? this.deps.storeName() : "") : w.mine ? say("you") : "a visitor";
    let badge;
    if (inSession && w.public) badge = w.approved ? "On the shop's public page" : "Waiting for the shop's approval";
    else if (inSession) badge = "Only you and the shop";
    const meta = el("p", { class: "meta" }, from ? `From ${from} · ` : "Posted ", el("time", {}, clock(w.at)));
    const remove = inSession && w.mine
      ? button("Remove", () => this.remove(w), { small: true, attrs: { "aria-label": `Remove this ${w.kind === "image" ? "picture" : w.kind}` } })
      : null;
    /** @type {HTMLElement} */
    let card;
    if (w.kind === "product" && w.product) {
      const actions = inSession ? this.deps.productActions(w.product) : [];
      card = productCard(w.product, hub, { actions: remove ? [...actions, remove] : actions, badge, key: w.widget_id });
      card.querySelector(".card-body")?.append(meta);
      return card;
    }
    const body = el("div", { class: "card-body" });
    card = el("article", { class: `card widget ${w.kind}`, "data-key": w.widget_id });
    if (w.kind === "image") {
      card.append(el("div", { class: "picture" }, picture(w.image_url, w.title || "picture", hub), badge ? el("span", { class: "badge" }, badge) : null));
      if (w.title) body.append(el("p", { class: "caption" }, w.title));
    } else {
      if (badge) card.append(el("p", { class: "badge inline" }, badge));
      if (w.kind === "link") {
        const href = safeUrl(w.url, hub);
        const label = w.title || w.url || "";
        body.append(
          el("h3", { class: "name" }, href ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow ugc" }, label) : label),
          el("p", { class: "host" }, href ? new URL(href).host : "Not a web address"),
        );
      } else {
        if (w.title) body.append(el("h3", { class: "name" }, w.title));
        body.append(el("p", { class: "note-text" }, w.text));
      }
    }
    body.append(meta);
    if (remove) body.append(el("div", { class: "card-actions" }, remove));
    card.append(body);
    return card;
  }

  /** @param {Widget} w */
  async remove(w) {
    try {
      await this.deps.command({ type: "remove_widget", id: commandId("rm-"), widget_id: w.widget_id });
      this.deps.state()?.board.delete(w.widget_id);
      this.deps.changed();
      this.deps.notify("Removed from the board.");
    } catch (error) {
      this.deps.notify(words(error, say("removeFailed")));
    }
  }

  /** The form's fields for the chosen kind (note, link, picture). */
  showKind() {
    const kind = this.kind();
    for (const part of this.form.querySelectorAll("[data-kind]")) {
      if (part instanceof HTMLElement) part.hidden = part.dataset.kind !== kind;
    }
  }

  kind() {
    const checked = this.form.querySelector("input[name=kind]:checked");
    return checked instanceof HTMLInputElement ? checked.value : "note";
  }

  /**
   * @param {HTMLElement} field
   * @param {string} message
   */
  refuse(field, message) {
    this.error.textContent = message;
    field.focus();
  }

  async submit() {
    const kind = this.kind();
    const isPublic = byId("post-public", HTMLInputElement).checked;
    const submitButton = this.form.querySelector("button[type=submit]");
    /** @type {Record<string, string>} */
    let widget;
    if (kind === "note") {
      const text = byId("post-text", HTMLTextAreaElement);
      if (!text.value.trim()) return this.refuse(text, "Write the note first.");
      widget = { kind: "note", text: text.value.trim() };
    } else if (kind === "link") {
      const url = byId("post-url", HTMLInputElement);
      const value = url.value.trim();
      if (!/^https?:\/\/\S+$/i.test(value) || !safeUrl(value, this.deps.hub)) return this.refuse(url, say("badLink"));
      widget = { kind: "link", url: value, title: byId("post-title", HTMLInputElement).value.trim() };
    } else {
      const file = byId("post-file", HTMLInputElement);
      const chosen = file.files?.[0];
      if (!chosen) return this.refuse(file, "Choose a picture first.");
      if (!IMAGE_TYPES.includes(chosen.type)) return this.refuse(file, say("notImage"));
      if (submitButton instanceof HTMLButtonElement) submitButton.disabled = true;
      try {
        const uploadId = await this.upload(chosen);
        widget = { kind: "image", upload_id: uploadId, title: byId("post-caption", HTMLInputElement).value.trim() };
      } catch (error) {
        return this.refuse(file, error instanceof Error ? error.message : say("uploadFailed"));
      } finally {
        if (submitButton instanceof HTMLButtonElement) submitButton.disabled = false;
      }
    }
    if (await this.post(widget, isPublic)) {
      this.form.reset();
      this.showKind();
    }
  }

  /**
   * The picture itself as the body; the hub decodes it to be sure it is one.
   * @param {File} file
   * @returns {Promise<string>}
   */
  async upload(file) {
    try {
      const response = await fetch(new URL("api/live/uploads", this.deps.hub), {
        method: "POST",
        headers: { Authorization: `Bearer ${this.deps.link()}`, "Content-Type": file.type, Accept: "application/json" },
        body: file,
      });
      if (!response.ok) {
        const data = await response.json().catch(() => null);
        const code = data?.error?.code;
        if (code === "invalid_message") throw new Error(say("notImage"));
        if (code === "too_large") throw new Error(`That picture is too large. ${String(data.error.message ?? "")}`.trim());
        throw new Error(words(null, say("uploadFailed")));
      }
      return (await response.json()).upload_id;
    } catch (error) {
      if (error instanceof TypeError) throw new Error(words(error, say("uploadFailed")));
      throw error;
    }
  }

  /**
   * @param {Record<string, string>} widget
   * @param {boolean} isPublic
   */
  async post(widget, isPublic) {
    try {
      const result = await this.deps.command({ type: "post", id: commandId("post-"), widget, public: isPublic });
      if (result.widget) this.deps.state()?.addWidget(result.widget);
      this.deps.changed();
      this.deps.notify(isPublic ? "Posted. The shop sees it now; others will once the shop approves it." : "Posted on the board.");
      return true;
    } catch (error) {
      this.error.textContent = words(error, say("postFailed"));
      return false;
    }
  }

  /** @param {LiveProduct} product "Share on the board" */
  share(product) {
    return this.post({ kind: "product", product_id: product.product_id }, false);
  }
}
