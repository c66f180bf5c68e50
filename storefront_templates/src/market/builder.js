// The solution builder beside the results: its name, its lines (quantity and a note for the
// firm on each), saving it (the hub gives a private link, shown with a copy button), emailing the
// link to oneself, and opening the solution's page to send it.

import { CartStartError } from "../shared/http.js";
import * as api from "./api.js";
import { confirmDialog } from "./dialogs.js";
import { button, byId, el, keepingFocus, notify } from "./dom.js";
import { problem } from "./errors.js";
import { linkBox } from "./link.js";
import { moneyText } from "./results.js";
import { MAX_NAME, MAX_NOTE, MAX_QTY, Solution } from "./state.js";
import { t, tn } from "./words.js";

/** @typedef {import("./state.js").Line} Line */

export class Builder {
  /**
   * @param {Solution} solution
   * @param {() => void} changed the results redraw (their buttons say what is in the solution)
   */
  constructor(solution, changed) {
    this.solution = solution;
    this.changed = changed;
    this.box = byId("builder", HTMLElement);
    this.error = "";
    this.saving = false;
  }

  draw() {
    keepingFocus(this.box, () => this.box.replaceChildren(...this.parts().filter((part) => part !== null)));
  }

  /** @returns {(HTMLElement | null)[]} */
  parts() {
    const s = this.solution;
    const title = el("h2", { id: "builder-title" }, t("Your solution"));
    if (!s.lines.length && !s.saved) {
      return [title, el("p", { class: "empty" }, t("Add products from the results: they gather here, from as many firms as you need. Then save the solution to get its private link, and send it to the firms. No account needed."))];
    }
    const firms = new Set(s.lines.map((line) => line.store_id)).size;
    const name = el("input", { id: "solution-name", type: "text", maxlength: String(MAX_NAME), value: s.name, placeholder: t("For example: Office lighting"), "data-focus-key": "name" });
    name.addEventListener("input", () => {
      s.name = name.value;
      s.touch();
      this.drawSave();
    });
    const summary = el("p", { class: "hint", id: "builder-summary" }, tn("{n} line", "{n} lines", s.lines.length) + " · " + tn("{n} firm", "{n} firms", firms));
    const lines = s.lines.length
      ? el("ul", { class: "lines", "aria-label": t("Lines of the solution") }, ...s.lines.map((line, i) => this.line(line, i)))
      : el("p", { class: "empty" }, t("No lines: add products from the results."));
    const error = el("p", { class: "error", id: "builder-error", role: "alert" }, this.error);
    const actions = el("div", { class: "builder-actions", id: "builder-actions" }, ...this.actions());
    return [title, el("label", { for: "solution-name" }, t("Name of the solution")), name, summary, lines, error, actions, s.saved ? linkBox(s) : null];
  }

  /**
   * @param {Line} line
   * @param {number} i
   */
  line(line, i) {
    const s = this.solution;
    const key = `${line.store_id}/${line.product_id}`;
    const qtyId = `qty-${i}`;
    const noteId = `note-${i}`;
    const qty = el("input", { id: qtyId, type: "number", min: "1", max: String(MAX_QTY), step: "1", value: String(line.qty), inputmode: "numeric", "data-focus-key": `qty:${key}` });
    qty.addEventListener("change", () => {
      const value = Number(qty.value);
      const ok = Number.isInteger(value) && value >= 1 && value <= MAX_QTY;
      qty.setAttribute("aria-invalid", String(!ok));
      if (!ok) {
        this.say(t("A quantity is a whole number from 1 to 10,000."));
        return;
      }
      line.qty = value;
      s.touch();
      this.say("");
    });
    const note = el("input", { id: noteId, type: "text", maxlength: String(MAX_NOTE), value: line.note, placeholder: t("Size, colour, delivery…"), "data-focus-key": `note:${key}` });
    note.addEventListener("input", () => {
      line.note = note.value;
      s.touch();
      this.drawSave();
    });
    const remove = button("×", () => {
      s.lines.splice(i, 1);
      s.touch();
      this.draw();
      this.changed();
      notify(t("Removed {name} from the solution", { name: line.name }));
    }, { small: true, attrs: { "aria-label": t("Remove {name}", { name: line.name }), "data-focus-key": `remove:${key}` } });
    const price = line.shown ? moneyText(line.shown) : "";
    return el(
      "li",
      { class: "line", "data-key": key },
      el("p", { class: "name" }, line.name),
      remove,
      el("p", { class: "meta" }, [line.store_name, line.code, price].filter(Boolean).join(" · ")),
      line.available === false ? el("p", { class: "meta unavailable" }, t("No longer offered by the firm")) : null,
      el(
        "div",
        { class: "edit" },
        el("label", { for: qtyId }, t("Quantity"), qty),
        el("label", { for: noteId }, t("Note for the firm"), note),
      ),
    );
  }

  actions() {
    const s = this.solution;
    const save = button(s.saved ? t("Save changes") : t("Save and get the link"), () => void this.save(), { primary: true, attrs: { id: "save-solution", "data-focus-key": "save" } });
    save.disabled = this.saving || (s.saved && !s.dirty) || !s.lines.length;
    const parts = [save];
    if (s.saved) parts.push(button(t("Open to send"), () => (location.hash = new URL(s.link()).hash), { attrs: { id: "open-solution", "data-focus-key": "open" } }));
    parts.push(button(t("Start a new one"), () => this.startOver(), { small: true, attrs: { "data-focus-key": "new" } }));
    return parts;
  }

  drawSave() {
    const box = this.box.querySelector("#builder-actions");
    if (box instanceof HTMLElement) keepingFocus(box, () => box.replaceChildren(...this.actions()));
  }

  /** @param {string} message */
  say(message) {
    this.error = message;
    const box = this.box.querySelector("#builder-error");
    if (box) box.textContent = message;
  }

  /** @param {import("./results.js").Result} result */
  add(result) {
    if (!this.solution.add({ ...result, shown: result.shown })) {
      notify(t("A solution holds at most 200 lines. Save this one and start another."));
      return;
    }
    this.draw();
    this.changed();
    notify(t("Added {name} to your solution", { name: result.name }));
  }

  async save() {
    const s = this.solution;
    this.saving = true;
    this.drawSave();
    try {
      const name = s.name.trim() || t("My solution");
      /** @type {import("./api.js").SolutionView | null} */
      let saved = null;
      if (s.id) {
        // A solution the hub no longer has (its link forgotten there): saved anew below.
        saved = await api.putSolution(s.id, s.secret, { name, lines: s.linesIn(), version: s.version }).catch((error) => {
          if (error instanceof CartStartError && error.code === "not_found") return null;
          throw error;
        });
      }
      if (!saved) {
        const made = await api.createSolution(name, s.linesIn());
        s.secret = made.secret;
        saved = made.solution;
      }
      s.adopt(saved);
      this.error = "";
      notify(t("Saved. Keep the private link to come back to this solution."));
    } catch (error) {
      this.error = problem(error);
      if (s.id && error instanceof CartStartError && (error.code === "stale_solution" || error.code === "conflict")) {
        const fresh = await api.getSolution(s.id, s.secret).catch(() => null);
        if (fresh) s.adopt(fresh);
      }
    } finally {
      this.saving = false;
      this.draw();
      this.changed();
    }
  }

  startOver() {
    const s = this.solution;
    if (s.saved && !s.dirty) {
      s.reset();
      this.draw();
      this.changed();
      return;
    }
    confirmDialog({
        title: t("Start a new solution?"),
        help: s.saved ? t("Your unsaved changes to this one are lost. Its private link still opens it as it was saved.") : t("The lines you gathered are lost: this solution was never saved."),
        submit: t("Start a new one"),
        onConfirm: () => {
          s.reset();
          this.draw();
          this.changed();
        },
      });
  }
}
