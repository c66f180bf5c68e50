// The form in a styled dialog (a native <dialog> opened with showModal: focus moves in, Escape
// closes, focus goes back to "Personalise"). Head: the product; body: the shop's intro and
// comments on the whole form, the takeover prompt, every field; foot: progress, the price from
// the hub's price rules, the autosave status (role="status": screen readers hear "Saved"), Done.
// A change from elsewhere redraws only what changed, never a field with typing not yet saved.

import { el } from "../shared/dom.js";
import { formatMoney } from "../shared/money.js";
import { sentence } from "../shared/style.js";
import { drawComments, fieldView, when } from "./fields.js";

/** @typedef {import("../shared/forms").DraftView} DraftView */
/** @typedef {import("./session.js").DraftSession} DraftSession */
/** @typedef {import("./session.js").SaveStatus} SaveStatus */
/** @typedef {import("./fields.js").FieldView} FieldView */
/** @typedef {import("./words.js").Say} Say */

let made = 0;

export class DraftDialog {
  /**
   * @param {DraftSession} session
   * @param {Say} say
   */
  constructor(session, say) {
    this.session = session;
    this.say = say;
    this.id = `cartstart-personalise-${++made}`;
    /** @type {Map<string, FieldView>} */
    this.fields = new Map();
    this.formVersion = -1;
    /** The hold ended: the fields are read-only until a view says the item is held again. */
    this.locked = false;
    /** The buyer's answer to the shop's request is on its way (its buttons wait). */
    this.answering = false;
    /** @type {Element | null} */
    this.returnTo = null;
    const titleId = `${this.id}-title`;
    this.title = el("h2", { id: titleId });
    this.store = el("p", { class: "cp-store" });
    const close = el("button", { type: "button", class: "cp-close", "aria-label": say("close") }, "×");
    close.addEventListener("click", () => this.close());
    this.closeButton = close;
    this.intro = el("p", { class: "cp-intro", id: `${this.id}-intro` });
    this.formComments = el("ul", { class: "cp-comments cp-form-comments", "aria-label": say("commentsOnForm") });
    this.consent = el("div", { class: "cp-consent", role: "group", "aria-labelledby": `${this.id}-consent` });
    this.consent.hidden = true;
    this.notice = el("p", { class: "cp-notice" });
    this.legend = el("p", { class: "cp-legend" }, say("requiredLegend"));
    this.fieldList = el("div", { class: "cp-fields" });
    // The notice and the shop's request stay in sight above the scrolling fields.
    this.body = el("div", { class: "cp-body" }, this.intro, this.formComments, this.legend, this.fieldList);
    this.bar = el("progress", { class: "cp-bar", "aria-hidden": "true" });
    this.progress = el("p", { class: "cp-progress" });
    this.missing = el("p", { class: "cp-missing" });
    this.price = el("p", { class: "cp-price" });
    // tabindex -1: the focus may go here after answering the shop (its buttons then went).
    this.status = el("p", { class: "cp-status", role: "status", "aria-live": "polite", tabindex: "-1" });
    this.announcer = el("p", { class: "cartstart-hidden", "aria-live": "polite" });
    const done = el("button", { type: "button", class: "cartstart-button cartstart-primary" }, say("done"));
    done.addEventListener("click", () => this.close());
    const foot = el(
      "div",
      { class: "cp-foot" },
      el("div", { class: "cp-summary" }, this.bar, this.progress, this.missing, this.price),
      el("div", { class: "cp-end" }, this.status, done),
    );
    this.dialog = el("dialog", { class: "cartstart-personalise", "aria-labelledby": titleId, "aria-describedby": `${this.id}-intro` });
    this.dialog.append(el("div", { class: "cp-head" }, el("div", {}, this.title, this.store), close), this.notice, this.consent, this.body, foot, this.announcer);
    this.dialog.addEventListener("close", () => {
      void session.flush(); // on close: what was typed is saved now
      const back = this.returnTo;
      this.returnTo = null;
      if (!(back instanceof HTMLElement) || !back.isConnected) return;
      // "Personalise" went while the dialog was open (the hold ended): the product's own button.
      const product = back.closest("[hidden]") ? back.closest("[data-cartstart-product], cartstart-product") : null;
      const instead = product?.querySelector(".cartstart-add");
      (instead instanceof HTMLElement ? instead : back).focus();
    });
    document.body.append(this.dialog);
    session.listen({
      view: (view, before) => this.draw(view, before),
      status: (status) => this.showStatus(status),
      invalid: (key, message, cell) => this.fields.get(key)?.error(message && sentence(message), cell),
      gone: (message) => (this.notice.textContent = sentence(message) || say("gone")),
      notHeld: () => this.lock(),
      tokenRefused: () => {},
    });
  }

  get isOpen() {
    return this.dialog.open;
  }

  /** @param {Element | null} opener */
  open(opener) {
    if (!this.dialog.open) {
      this.returnTo = opener ?? document.activeElement;
      this.dialog.showModal();
    }
    if (!this.session.view) {
      this.status.textContent = this.say("loading");
      this.session.load().catch((e) => (this.status.textContent = this.say("loadFailed", { reason: e instanceof Error ? e.message : String(e) })));
    } else {
      this.draw(this.session.view, this.session.view);
    }
    this.showStatus(this.session.saveStatus);
    this.focusFirst();
  }

  /** The first field; until the form is in, the close button (the form then takes it over). */
  focusFirst() {
    const first = this.fieldList.querySelector("input, select, textarea, button");
    (first instanceof HTMLElement ? first : this.closeButton).focus();
  }

  close() {
    this.dialog.close();
  }

  /** The hold ended: the answers show, read-only here (the hub no longer takes them from a page). */
  lock() {
    this.locked = true;
    this.notice.textContent = this.say("notHeldLocked");
    for (const control of this.fieldList.querySelectorAll("input, select, textarea, button")) {
      if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement || control instanceof HTMLButtonElement) control.disabled = true;
    }
    this.fieldList.classList.add("cp-locked");
    this.consent.hidden = true;
  }

  /**
   * @param {DraftView} view
   * @param {DraftView | null} before the view shown until now
   */
  draw(view, before) {
    const { say } = this;
    const firstDraw = this.formVersion === -1;
    this.title.textContent = say("title", { product: view.product_name });
    this.store.textContent = view.held && view.expires_at ? say("heldUntil", { store: view.store_name, time: when(view.expires_at) }) : view.store_name;
    this.intro.textContent = view.form.intro ?? "";
    this.intro.hidden = !view.form.intro;
    // Held again (put back in the cart after the hold ended): the fields are made again, editable.
    const unlock = view.held && this.locked;
    if (unlock) {
      this.locked = false;
      this.fieldList.classList.remove("cp-locked");
      delete this.consent.dataset.state; // drawn again below
    }
    if (!this.locked) this.notice.textContent = view.held ? "" : say("notHeld");
    if (unlock || view.form_version !== this.formVersion) this.build(view);
    if (firstDraw && this.dialog.open && document.activeElement === this.closeButton) this.focusFirst();
    for (const spec of view.form.fields) {
      const field = this.fields.get(spec.key);
      if (!field) continue;
      if (!this.session.local.has(spec.key) && !this.session.invalid.has(spec.key)) field.set(view.values[spec.key]?.value ?? null);
      field.changedBy(view.values[spec.key]);
      field.comments(view.comments.filter((c) => c.field === spec.key));
    }
    drawComments(this.formComments, view.comments.filter((c) => !c.field || !this.fields.has(c.field)), say);
    this.drawConsent(view);
    this.drawSummary(view);
    if (!firstDraw && before && before !== view) this.announce(view, before);
  }

  /** The fields, made again when the form changed. @param {DraftView} view */
  build(view) {
    const focusedKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
    this.formVersion = view.form_version;
    this.fields.clear();
    const currency = view.unit_price.currency;
    const nodes = view.form.fields.map((spec) => {
      const field = fieldView(spec, {
        id: this.id,
        say: this.say,
        currency,
        rules: (view.form.price_rules ?? []).filter((r) => r.field === spec.key),
        input: (value) => this.session.edit(spec.key, value),
        commit: () => void this.session.flush(),
        unreadable: (message, cell) => this.session.refuse(spec.key, message, cell),
      });
      // A list's unreadable cell went with the old table: the new one shows its last readable value.
      this.session.badCells.delete(spec.key);
      const refused = this.session.invalid.get(spec.key);
      if (refused) field.error(sentence(refused));
      if (this.session.local.has(spec.key)) field.set(this.session.valueOf(spec.key));
      this.fields.set(spec.key, field);
      return field.root;
    });
    this.fieldList.replaceChildren(...nodes);
    this.legend.hidden = !view.form.fields.some((f) => f.required);
    if (focusedKey) {
      const again = this.fieldList.querySelector(`[data-focus-key="${CSS.escape(focusedKey)}"]`);
      if (again instanceof HTMLElement) again.focus();
    }
    if (this.locked) this.lock(); // the form changed while the hold was over: still read-only
  }

  /** "Let the shop edit your form?" Allow / No thanks; while allowed, Stop. @param {DraftView} view */
  drawConsent(view) {
    const { say } = this;
    const state = view.shop_editing;
    if (this.consent.dataset.state === state) return;
    this.consent.dataset.state = state;
    this.consent.hidden = state === "off";
    if (state === "off") return this.consent.replaceChildren();
    const asked = state === "asked";
    const buttons = asked
      ? [el("button", { type: "button", class: "cartstart-button cartstart-primary" }, say("allow")), el("button", { type: "button", class: "cartstart-button" }, say("refuse"))]
      : [el("button", { type: "button", class: "cartstart-button" }, say("stop"))];
    for (const b of buttons) b.disabled = this.answering;
    buttons[0].addEventListener("click", () => void this.answer(asked));
    buttons[1]?.addEventListener("click", () => void this.answer(false));
    this.consent.replaceChildren(
      el("h3", { id: `${this.id}-consent` }, asked ? say("askedTitle") : say("allowedTitle", { store: view.store_name })),
      el("p", {}, asked ? say("askedHelp", { store: view.store_name }) : say("allowedHelp")),
      el("div", { class: "cartstart-actions" }, ...buttons),
    );
  }

  /** Send the answer once (its buttons wait meanwhile); the focus stays with the request: on
   * the new Stop/Allow button, or on the status when the request went. @param {boolean} allow */
  async answer(allow) {
    if (this.answering) return;
    const hadFocus = this.consent.contains(document.activeElement);
    this.answering = true;
    const buttons = () => this.consent.querySelectorAll("button");
    buttons().forEach((b) => (b.disabled = true));
    try {
      await this.session.consent(allow);
    } catch (e) {
      this.status.textContent = this.say("notSaved", { reason: e instanceof Error ? e.message : String(e) });
    } finally {
      this.answering = false;
      buttons().forEach((b) => (b.disabled = false));
    }
    if (!hadFocus || !this.dialog.open || this.dialog.contains(document.activeElement) && document.activeElement !== this.dialog) return;
    const next = this.consent.hidden ? null : this.consent.querySelector("button");
    (next ?? this.status).focus();
  }

  /** @param {DraftView} view */
  drawSummary(view) {
    const { say } = this;
    const p = view.progress;
    this.bar.max = Math.max(p.required, 1);
    this.bar.value = p.required ? p.done : 1;
    this.progress.textContent = progressWords(p, say);
    this.missing.textContent = p.missing.length ? say("stillToFill", { labels: p.missing.join(", ") }) : "";
    this.price.textContent = say("price", { price: formatMoney(view.unit_price) });
  }

  /** Tell a screen reader what the shop did: a new comment, a field it changed.
   * @param {DraftView} view @param {DraftView} before */
  announce(view, before) {
    const known = new Set(before.comments.map((c) => c.id));
    const said = view.comments.filter((c) => !known.has(c.id)).map((c) => this.say("newComment", { name: c.by_name, text: c.text }));
    for (const spec of view.form.fields) {
      const now = view.values[spec.key];
      if (now && now.by === "shop" && now.at !== before.values[spec.key]?.at) said.push(this.say("shopChanged", { name: now.by_name, label: spec.label }));
    }
    if (view.shop_editing === "asked" && before.shop_editing !== "asked") said.push(this.say("askedTitle"));
    if (said.length) this.announcer.textContent = said.join(". ");
  }

  /** @param {SaveStatus} status */
  showStatus(status) {
    const { say } = this;
    const label = status.field ? this.session.view?.form.fields.find((f) => f.key === status.field)?.label ?? status.field : "";
    const words = {
      idle: "",
      saving: say("saving"),
      saved: say("saved"),
      offline: say("notSavedOffline"),
      retrying: say("notSavedRetrying", { reason: status.reason ?? "" }),
      invalid: say("notSavedField", { label }),
      failed: say("notSaved", { reason: status.reason ?? "" }),
    }[status.state];
    if (this.status.textContent !== words) this.status.textContent = words;
    this.status.dataset.state = status.state;
  }
}

/**
 * "2 of 5 done", "All 5 done: ready to check out", "Nothing required".
 * @param {import("../shared/forms").Progress} p @param {Say} say
 */
export function progressWords(p, say) {
  if (p.required === 0) return say("progressNone");
  return p.complete ? say("allDone", { required: p.required }) : say("progress", { done: p.done, required: p.required });
}
