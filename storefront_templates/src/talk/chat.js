// The panel's chat: the conversation's lines (You / the store, with their time) in a log that
// announces only what is new, the store's typing line in reserved space, and the box that sends
// on Enter (Shift+Enter: a new line). A line is shown at once as "Sending…" and settles when the
// hub confirms it; a line that could not be sent goes back in the box. Everything is textContent.

import { commandId } from "../shared/commands.js";
import { clock, el } from "../live/dom.js";
import { words } from "../live/texts.js";

/** @typedef {import("../live/session.js").SessionState} SessionState */
/** @typedef {import("../live/types").ChatLine} ChatLine */

const TYPING_EVERY_MS = 2000;
const TYPING_SHOWN_MS = 4000;

/**
 * @typedef {Object} ChatEnv
 * @property {() => SessionState | null} state
 * @property {() => Promise<void>} ready a session to write in (started on the first message)
 * @property {(command: import("../live/types").LiveCommand) => Promise<any>} command
 * @property {(frame: object) => void} signal
 * @property {() => string} storeName
 * @property {() => boolean} seen whether the chat is on screen (the panel open, the tab shown)
 * @property {() => void} readChanged what is unread changed
 */

export class TalkChat {
  /**
   * @param {HTMLElement} place
   * @param {ChatEnv} env
   */
  constructor(place, env) {
    this.env = env;
    this.log = el("ol", { class: "cartstart-talk-log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
    this.empty = el("p", { class: "cartstart-talk-empty" });
    this.scroller = el("div", { class: "cartstart-talk-scroll" }, this.empty, this.log);
    this.typing = el("p", { class: "cartstart-talk-typing", "aria-live": "polite" });
    this.input = el("textarea", { rows: "1", "aria-label": "Your message", placeholder: "Write a message…", maxlength: "2000" });
    this.send = el("button", { type: "submit", class: "cartstart-button cartstart-primary" }, "Send");
    this.form = el("form", { class: "cartstart-talk-form" }, this.input, this.send);
    this.error = el("p", { class: "cartstart-talk-error", role: "alert" });
    place.append(this.scroller, this.typing, this.error, this.form);
    /** @type {Map<string, HTMLLIElement>} */
    this.lines = new Map();
    this.lastTypingSent = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typingTimer = undefined;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.submit();
      }
    });
    this.input.addEventListener("input", () => {
      this.error.textContent = "";
      const now = Date.now();
      if (this.input.value.trim() && this.env.state() && now - this.lastTypingSent >= TYPING_EVERY_MS) {
        this.lastTypingSent = now;
        this.env.signal({ type: "typing" });
      }
    });
    document.addEventListener("visibilitychange", () => this.markRead());
    this.render();
  }

  /** Everything again (a snapshot, or the session ended). */
  reset() {
    this.lines.clear();
    this.log.replaceChildren();
    this.render();
  }

  /** A note in the conversation that is not a message ("… brought you to this page"). @param {string} text */
  note(text) {
    this.log.append(el("li", { class: "cartstart-talk-note" }, text));
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  render() {
    const state = this.env.state();
    const name = this.env.storeName() || "the shop";
    this.empty.textContent = `Write to ${name} here: a person answers as soon as they can.`;
    let added = false;
    for (const line of state ? state.chat() : []) {
      const shown = this.lines.get(line.message_id);
      if (shown) {
        if (shown.dataset.pending) this.settle(shown, line);
        continue;
      }
      const li = this.line(line);
      const after = [...this.log.children].find((other) => Number(/** @type {HTMLElement} */ (other).dataset.seq) > line.seq);
      this.log.insertBefore(li, after ?? null);
      this.lines.set(line.message_id, li);
      if (line.author === "store") this.stopTyping();
      added = true;
    }
    this.empty.hidden = this.lines.size > 0;
    if (added) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
      this.markRead();
    }
    this.env.readChanged();
  }

  /** @param {ChatLine} line */
  line(line) {
    const who = line.author === "visitor" ? "You" : this.env.storeName();
    const meta = el("span", { class: "meta" }, who, " · ", el("time", { datetime: new Date(line.at * 1000).toISOString() }, clock(line.at)));
    const li = el("li", { class: `from-${line.author}`, "data-seq": String(line.seq), "data-id": line.message_id }, meta, el("span", { class: "text" }, line.text));
    return li;
  }

  /** A pending line becomes the hub's line (in place: it was the newest). @param {HTMLLIElement} li @param {ChatLine} line */
  settle(li, line) {
    const fresh = this.line(line);
    li.replaceWith(fresh);
    this.lines.set(line.message_id, fresh);
  }

  async submit() {
    const text = this.input.value.trim();
    if (!text) return;
    const id = commandId("say-");
    const pending = this.line({ message_id: id, seq: Number.MAX_SAFE_INTEGER, author: "visitor", text, at: Date.now() / 1000 });
    pending.dataset.pending = "1";
    pending.querySelector(".meta")?.append(" · Sending…");
    this.log.append(pending);
    this.lines.set(id, pending);
    this.empty.hidden = true;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.input.value = "";
    try {
      await this.env.ready();
      const result = await this.env.command({ type: "say", id, text });
      if (result.message) this.env.state()?.addLine(result.message);
      this.render();
    } catch (error) {
      pending.remove();
      this.lines.delete(id);
      this.empty.hidden = this.lines.size > 0;
      if (!this.input.value) this.input.value = text; // nothing typed is lost
      this.error.textContent = words(error, "Your message could not be sent. Try again.");
    }
  }

  sellerTyping() {
    this.typing.textContent = `${this.env.storeName()} is typing…`;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_SHOWN_MS);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    this.typing.textContent = "";
  }

  /** Messages from the store the visitor has not read. */
  unread() {
    const state = this.env.state();
    if (!state) return 0;
    return state.chat().filter((m) => m.author === "store" && m.seq > state.read.visitor).length;
  }

  /** Tells the store what the visitor has read, while the chat is seen. */
  markRead() {
    const state = this.env.state();
    if (!state || !this.env.seen() || document.visibilityState !== "visible") return;
    const newest = state.newestFromStore();
    if (newest <= state.read.visitor) return;
    state.read.visitor = newest; // at once here (the count goes); asked once of the hub
    this.env.readChanged();
    this.env.command({ type: "mark_read", id: commandId("read-"), up_to: newest }).catch(() => {
      state.read.visitor = 0;
    });
  }

  focus() {
    this.input.focus();
  }
}
