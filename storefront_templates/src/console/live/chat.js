// The chat with the visitor: the messages (a polite live region, so a screen reader reads new
// ones), Enter to send, read receipts both ways (what is shown here is marked read; "Seen" under
// the last message the visitor read) and the typing indicator both ways (a reserved line, so
// nothing moves when it comes and goes).

import { byId, el } from "../dom.js";
import { clock } from "./render.js";
import { reasonOf } from "./words.js";

/** @typedef {import("./types").ChatLine} ChatLine */
/** @typedef {import("./types").Side} Side */

const TYPING_EVERY_MS = 2000; // the protocol's "at most every 2 s while typing"
const TYPING_SHOWN_MS = 4000;

/**
 * @typedef {Object} ChatContext
 * @property {(command: Record<string, unknown>) => Promise<any>} command
 * @property {(signal: Record<string, unknown>) => void} signal
 * @property {() => boolean} visible whether the person can see the chat now
 * @property {() => void} onRead the store has read everything (the lobby's count goes)
 */

export class ChatView {
  /** @param {ChatContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.log = byId("chat-log", HTMLOListElement);
    this.empty = byId("chat-empty", HTMLElement);
    this.typingLine = byId("chat-typing", HTMLParagraphElement);
    this.text = byId("chat-text", HTMLTextAreaElement);
    this.form = byId("chat-form", HTMLFormElement);
    /** @type {Map<number, ChatLine>} by seq */
    this.lines = new Map();
    this.visitorRead = 0;
    this.readSent = 0;
    this.lastTyping = 0;
    this.visitorName = "Visitor";
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typingTimer = undefined;
    this.error = byId("session-error", HTMLParagraphElement);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    this.text.addEventListener("input", () => {
      const now = Date.now();
      if (this.text.value && now - this.lastTyping > TYPING_EVERY_MS) {
        this.lastTyping = now;
        this.ctx.signal({ type: "typing" });
      }
    });
  }

  /**
   * The whole chat again (a snapshot).
   * @param {ChatLine[]} messages
   * @param {Record<Side, number>} read
   * @param {string} visitorName
   */
  reset(messages, read, visitorName) {
    this.visitorName = visitorName;
    this.lines = new Map(messages.map((m) => [m.seq, m]));
    this.visitorRead = read.visitor;
    this.readSent = read.store;
    this.log.setAttribute("aria-busy", "true"); // not read out line by line
    this.log.replaceChildren(...messages.map((m) => this.item(m)));
    this.log.removeAttribute("aria-busy");
    this.empty.hidden = messages.length > 0;
    this.clearTyping();
    this.seen();
    this.log.scrollTop = this.log.scrollHeight;
    this.markRead();
  }

  /** @param {ChatLine} line */
  add(line) {
    if (this.lines.has(line.seq)) return;
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
    this.lines.set(line.seq, line);
    const item = this.item(line);
    const after = Array.from(this.log.children).find((li) => Number(/** @type {HTMLElement} */ (li).dataset.seq) > line.seq);
    if (after) this.log.insertBefore(item, after);
    else this.log.append(item);
    this.empty.hidden = true;
    if (line.author === "visitor") this.clearTyping();
    if (atBottom || line.author === "store") this.log.scrollTop = this.log.scrollHeight;
    this.seen();
    this.markRead();
  }

  /**
   * @param {Side} side
   * @param {number} upTo
   */
  readMarked(side, upTo) {
    if (side === "visitor") {
      this.visitorRead = Math.max(this.visitorRead, upTo);
      this.seen();
    } else {
      this.readSent = Math.max(this.readSent, upTo); // read in another tab
    }
  }

  /** The visitor is typing: said for a few seconds, in the line kept for it. */
  typing() {
    this.typingLine.textContent = `${this.visitorName} is typing…`;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.clearTyping(), TYPING_SHOWN_MS);
  }

  clearTyping() {
    clearTimeout(this.typingTimer);
    this.typingLine.textContent = "";
  }

  /** Marks what is shown as read, when the person can see it. */
  markRead() {
    if (!this.ctx.visible()) return;
    const seqs = Array.from(this.lines.values(), (m) => (m.author === "visitor" ? m.seq : 0));
    if (Math.max(0, ...seqs) <= this.readSent) return; // only the store's own lines are new
    const newest = Math.max(0, ...this.lines.keys());
    this.readSent = newest;
    this.ctx.onRead();
    this.ctx.command({ type: "mark_read", up_to: newest }).catch(() => (this.readSent = 0));
  }

  async send() {
    const text = this.text.value;
    if (!text.trim()) return;
    this.error.textContent = "";
    this.text.value = "";
    try {
      /** @type {{message?: ChatLine | null}} */
      const result = await this.ctx.command({ type: "say", text });
      if (result.message) this.add(result.message);
    } catch (e) {
      if (!this.text.value) this.text.value = text; // nothing lost
      this.error.textContent = `Your message was not sent. ${reasonOf(e)}`;
    }
  }

  /** @param {ChatLine} line */
  item(line) {
    const mine = line.author === "store";
    const li = el("li", null, { class: mine ? "mine" : "theirs", "data-seq": String(line.seq) });
    const who = mine ? "You" : this.visitorName;
    li.append(el("span", line.text, { class: "bubble" }), el("span", `${who} · ${clock(line.at)}`, { class: "meta" }));
    return li;
  }

  /** "Seen" under the newest of the store's messages the visitor has read. */
  seen() {
    let last = /** @type {HTMLElement | null} */ (null);
    for (const li of /** @type {HTMLElement[]} */ (Array.from(this.log.querySelectorAll("li.mine")))) {
      const meta = li.querySelector(".meta");
      const line = this.lines.get(Number(li.dataset.seq));
      if (meta && line) meta.textContent = `You · ${clock(line.at)}`;
      if (line && line.seq <= this.visitorRead) last = li;
    }
    const meta = last?.querySelector(".meta");
    if (meta) meta.textContent += " · Seen";
  }
}
