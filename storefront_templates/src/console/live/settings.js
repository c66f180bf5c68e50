// The page's settings (GET/PUT /api/stores/{id}/live): on or off, the accent colour, the logo,
// the greeting and which views visitors get. Checked here first, each problem said under its
// field in words; what the hub refuses is said the same way, never in a validator's words.

import { byId } from "../dom.js";
import { SaveRefused, saveSettings } from "./api.js";
import { reasonOf } from "./words.js";

/** @typedef {import("./types").LiveSettings} LiveSettings */

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const SHORT_COLOUR = /^#?([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/;
const MAX_GREETING = 500;

/** Each field's words when it is wrong (the hub's field names, then ours). */
const PROBLEM = /** @type {Record<string, [field: string, words: string]>} */ ({
  accent: ["accent", "Write the colour as # and six hex digits, for example #1a7f37."],
  logo_url: ["logo", "The logo's address must be a full web address starting with https:// (or http://), without spaces."],
  greeting: ["greeting", `The greeting can be at most ${MAX_GREETING} characters.`],
});

/**
 * "#1A7F37", "1a7f37" or "#17b" as the hub takes it ("#1a7f37"), or null.
 * @param {string} text
 */
export function normalColour(text) {
  const t = text.trim();
  const short = SHORT_COLOUR.exec(t);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  const full = t.startsWith("#") ? t : `#${t}`;
  return COLOUR.test(full) ? full.toLowerCase() : null;
}

/**
 * White text's contrast on this colour (WCAG's ratio).
 * @param {string} hex "#rrggbb"
 */
function contrastWithWhite(hex) {
  const channel = (/** @type {number} */ i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

export class SettingsView {
  /** @param {(settings: LiveSettings) => void} onSaved */
  constructor(onSaved) {
    this.onSaved = onSaved;
    this.form = byId("settings-form", HTMLFormElement);
    this.accent = byId("set-accent", HTMLInputElement);
    this.picker = byId("set-accent-picker", HTMLInputElement);
    this.logo = byId("set-logo", HTMLInputElement);
    this.greeting = byId("set-greeting", HTMLTextAreaElement);
    this.status = byId("settings-status", HTMLSpanElement);
    this.error = byId("settings-error", HTMLParagraphElement);
    this.accent.addEventListener("input", () => this.preview());
    this.picker.addEventListener("input", () => {
      this.accent.value = this.picker.value;
      this.preview();
    });
    this.greeting.addEventListener("input", () => {
      this.count();
      this.preview();
    });
    this.logo.addEventListener("input", () => this.preview());
    byId("preview-logo", HTMLImageElement).addEventListener("error", (e) => ((/** @type {HTMLImageElement} */ (e.target)).hidden = true));
    this.form.addEventListener("input", () => (this.status.textContent = ""));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** @param {LiveSettings} s */
  fill(s) {
    byId("preview-name", HTMLElement).textContent = s.store_name;
    byId("set-enabled", HTMLInputElement).checked = s.enabled;
    byId("set-workspace", HTMLInputElement).checked = s.workspace;
    this.accent.value = s.style.accent;
    this.logo.value = s.style.logo_url ?? "";
    this.greeting.value = s.style.greeting;
    byId("set-counter", HTMLInputElement).checked = s.style.counter;
    byId("set-gallery", HTMLInputElement).checked = s.style.gallery;
    byId("set-board", HTMLInputElement).checked = s.style.board;
    byId("set-show-rating", HTMLInputElement).checked = Boolean(s.show_rating);
    for (const field of ["accent", "logo", "greeting"]) this.problem(field, "");
    this.preview();
    this.count();
  }

  /** The preview card follows the form (before saving). */
  preview() {
    const colour = normalColour(this.accent.value);
    if (colour) {
      this.picker.value = colour;
      byId("preview-button", HTMLSpanElement).style.background = colour;
    }
    const logo = byId("preview-logo", HTMLImageElement);
    const address = this.logo.value.trim();
    logo.hidden = !/^https?:\/\/[^\s]+$/i.test(address);
    if (!logo.hidden && logo.getAttribute("src") !== address) logo.src = address;
    byId("preview-greeting", HTMLParagraphElement).textContent = this.greeting.value.trim();
  }

  count() {
    const n = this.greeting.value.length;
    byId("set-greeting-count", HTMLParagraphElement).textContent = `${n} of ${MAX_GREETING} characters. Visitors read it at the top of your page.`;
  }

  /**
   * Says what is wrong with a field (or nothing), under it.
   * @param {string} field accent, logo or greeting
   * @param {string} words
   */
  problem(field, words) {
    const input = byId(`set-${field}`, HTMLElement);
    byId(`set-${field}-error`, HTMLParagraphElement).textContent = words;
    if (words) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  /** The body to send, or null after saying what is wrong under each field. */
  body() {
    let ok = true;
    const colour = normalColour(this.accent.value);
    if (!colour) {
      const wrote = this.accent.value.trim();
      const fix = "Use # and six hex digits, like the example, or pick one with the colour button.";
      this.problem("accent", wrote ? `“${wrote}” is not a colour we can use. ${fix}` : `Choose a colour. ${fix}`);
      ok = false;
    } else {
      const light = contrastWithWhite(colour) < 3;
      this.problem("accent", "");
      byId("set-accent-error", HTMLParagraphElement).textContent = light ? "This colour is light: white words on buttons may be hard to read. A darker one works better." : "";
      this.accent.value = colour;
    }
    const logo = this.logo.value.trim();
    if (logo && !/^https?:\/\/[^\s]+$/i.test(logo)) {
      this.problem("logo", PROBLEM.logo_url[1]);
      ok = false;
    } else this.problem("logo", "");
    if (this.greeting.value.length > MAX_GREETING) {
      this.problem("greeting", PROBLEM.greeting[1]);
      ok = false;
    } else this.problem("greeting", "");
    if (!ok) return null;
    return {
      enabled: byId("set-enabled", HTMLInputElement).checked,
      accent: colour,
      logo_url: logo || null,
      greeting: this.greeting.value.trim(),
      counter: byId("set-counter", HTMLInputElement).checked,
      gallery: byId("set-gallery", HTMLInputElement).checked,
      board: byId("set-board", HTMLInputElement).checked,
      workspace: byId("set-workspace", HTMLInputElement).checked,
      show_rating: byId("set-show-rating", HTMLInputElement).checked,
    };
  }

  async save() {
    this.status.textContent = "";
    this.error.textContent = "";
    const body = this.body();
    if (!body) {
      this.error.textContent = "Some settings need a change before they can be saved: see the words under them.";
      /** @type {HTMLElement | null} */ (this.form.querySelector("[aria-invalid=true]"))?.focus();
      return;
    }
    const submit = /** @type {HTMLButtonElement} */ (this.form.querySelector("button[type=submit]"));
    submit.disabled = true;
    try {
      const saved = await saveSettings(body);
      this.fill(saved);
      this.onSaved(saved);
      this.status.textContent = saved.enabled
        ? "Saved. Visitors see the changes the next time they open your page."
        : "Saved. Your page is off: visitors cannot open it.";
    } catch (e) {
      if (e instanceof SaveRefused && e.problems.length) {
        for (const p of e.problems) {
          const known = PROBLEM[p.loc.split(".").pop() ?? ""];
          if (known) this.problem(known[0], known[1]);
        }
        this.error.textContent = "The hub did not save these settings: see the words under the fields.";
      } else {
        this.error.textContent = `Not saved. ${reasonOf(e)}`;
      }
    } finally {
      submit.disabled = false;
    }
  }
}
