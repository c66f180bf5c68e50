// The chat beside the counter: messages with their author (You / the store) and time, "Seen"
// under the newest message the seller has read, the seller's presence and typing line (both in
// reserved space: nothing moves when they change), and the box that sends on Enter. Messages
// are added to the log one by one (role="log" announces only what is new); every text is
// textContent.

import { commandId } from "../shared/commands.js";
import { byId, clock, el } from "./dom.js";
import { say, words } from "./texts.js";

/** @typedef {import("./session.js").SessionState} SessionState */
/** @typedef {import("./types").ChatLine} ChatLine */

const TYPING_EVERY_MS = 2000; // send `typing` at most this often while typing
const TYPING_SHOWN_MS = 4000; // the seller's typing line, after their last `typing`
const NEAR_BOTTOM_PX = 80;

/**
 * @typedef {Object} ChatDeps
 * @property {() => SessionState | null} state
 * @property {(command: import("./types").LiveCommand) => Promise<any>} command
 * @property {(frame: object) => void} signal an ephemeral frame (dropped when polling)
 * @property {() => void} changed the chat changed (a line was added by a command's result)
 */

export class Chat {
  /** @param {ChatDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.log = byId("chat-log", HTMLOListElement);
    this.scroller = byId("chat-scroll", HTMLDivElement);
    this.empty = byId("chat-empty", HTMLParagraphElement);
    this.typing = byId("typing", HTMLParagraphElement);
    this.presence = byId("presence", HTMLParagraphElement);
    this.input = byId("chat-input", HTMLTextAreaElement);
    this.error = byId("chat-error", HTMLParagraphElement);
    /** @type {Map<string, HTMLLIElement>} */
    this.lines = new Map();
    this.lastTypingSent = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.typingTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.readTimer = undefined;
    this.empty.textContent = say("chatEmpty");
    byId("chat-form", HTMLFormElement).addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    this.input.addEventListener("input", () => {
      this.error.textContent = "";
      const now = Date.now();
      if (this.input.value.trim() && now - this.lastTypingSent >= TYPING_EVERY_MS) {
        this.lastTypingSent = now;
        this.deps.signal({ type: "typing" });
      }
    });
    document.addEventListener("visibilitychange", () => this.markRead());
    window.addEventListener("focus", () => this.markRead());
  }

  /** Everything again (a snapshot). */
  reset() {
    this.lines.clear();
    this.log.replaceChildren();
    this.render();
  }

  /** Adds the lines not shown yet, in order, and moves "Seen". */
  render() {
    const state = this.deps.state();
    if (!state) return;
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    const atBottom = scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
    let added = false;
    let mine = false;
    for (const line of state.chat()) {
      const shown = this.lines.get(line.message_id);
      if (shown) {
        if (shown.dataset.pending) this.settle(shown, line);
        continue;
      }
      const li = this.line(line, state.info.store_name);
      this.insert(li, line.seq);
      this.lines.set(line.message_id, li);
      added = true;
      mine = mine || line.author === "visitor";
      if (line.author === "store") this.stopTyping();
    }
    this.empty.hidden = this.lines.size > 0;
    this.receipts(state);
    if (added && (atBottom || mine)) this.scroller.scrollTop = this.scroller.scrollHeight;
    if (added) this.markRead();
  }

  /**
   * @param {ChatLine} line
   * @param {string} storeName
   */
  line(line, storeName) {
    const who = line.author === "visitor" ? say("you") : storeName;
    const time = el("time", { datetime: new Date(line.at * 1000).toISOString() }, clock(line.at));
    const li = el(
      "li",
      { class: `message from-${line.author}`, "data-seq": String(line.seq), "data-id": line.message_id },
      el("p", { class: "meta" }, el("span", { class: "author" }, who), " · ", time, el("span", { class: "receipt" })),
      el("p", { class: "text" }, line.text),
    );
    return li;
  }

  /**
   * In seq order (a line from a command's result may come before older events).
   * @param {HTMLLIElement} li
   * @param {number} seq
   */
  insert(li, seq) {
    const after = [...this.log.children].find((other) => Number(/** @type {HTMLElement} */ (other).dataset.seq) > seq);
    this.log.insertBefore(li, after ?? null);
  }

  /**
   * A pending line (sent, not yet confirmed) becomes the hub's line.
   * @param {HTMLLIElement} li
   * @param {ChatLine} line
   */
  settle(li, line) {
    delete li.dataset.pending;
    li.dataset.seq = String(line.seq);
    const receipt = li.querySelector(".receipt");
    if (receipt) receipt.textContent = "";
    li.remove();
    this.insert(li, line.seq);
  }

  /** "Seen" under the newest of my lines the seller has read, and nowhere else.
   * @param {SessionState} state */
  receipts(state) {
    let newest = null;
    for (const li of this.lines.values()) {
      if (li.dataset.pending || !li.classList.contains("from-visitor")) continue;
      const seq = Number(li.dataset.seq);
      if (seq <= state.read.store && (!newest || seq > Number(newest.dataset.seq))) newest = li;
    }
    for (const li of this.lines.values()) {
      const receipt = li.querySelector(".receipt");
      if (!receipt || li.dataset.pending) continue;
      const text = li === newest ? ` · ${say("seen")}` : "";
      if (receipt.textContent !== text) receipt.textContent = text;
    }
  }

  async send() {
    const text = this.input.value.trim();
    const state = this.deps.state();
    if (!text || !state) return;
    const id = commandId("say-");
    // Shown at once as "Sending…", in place until the hub confirms it (same id).
    const pending = this.line({ message_id: id, seq: Number.MAX_SAFE_INTEGER, author: "visitor", text, at: Date.now() / 1000 }, "");
    pending.dataset.pending = "1";
    const receipt = pending.querySelector(".receipt");
    if (receipt) receipt.textContent = ` · ${say("sending")}`;
    this.log.append(pending);
    this.lines.set(id, pending);
    this.empty.hidden = true;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.input.value = "";
    try {
      const result = await this.deps.command({ type: "say", id, text });
      if (result.message && state.addLine(result.message)) this.deps.changed();
      else this.render();
    } catch (error) {
      pending.remove();
      this.lines.delete(id);
      this.empty.hidden = this.lines.size > 0;
      if (!this.input.value) this.input.value = text; // nothing typed is lost
      this.error.textContent = words(error, say("sendFailed"));
    }
  }

  /** The seller's presence, in words (a polite live region).
   * @param {boolean} here */
  setPresence(here) {
    const text = say(here ? "sellerHere" : "sellerAway");
    this.presence.dataset.here = here ? "yes" : "no";
    if (this.presence.textContent !== text) this.presence.textContent = text;
  }

  /** The seller is typing: the line shows for a few seconds after their last keystroke. */
  sellerTyping() {
    const state = this.deps.state();
    if (!state) return;
    this.typing.textContent = say("typing", { store: state.info.store_name });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_SHOWN_MS);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    this.typing.textContent = "";
  }

  /** Tells the seller what the visitor has read (only while the page is seen). */
  markRead() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const state = this.deps.state();
      if (!state || document.visibilityState !== "visible") return;
      const newest = state.newestFromStore();
      if (newest <= state.read.visitor) return;
      state.read.visitor = newest; // optimistic: asked once
      this.deps.command({ type: "mark_read", id: commandId("read-"), up_to: newest }).catch(() => {
        state.read.visitor = 0; // asked again with the next message
      });
    }, 400);
  }

  /** @param {boolean} enabled */
  enable(enabled) {
    this.input.disabled = !enabled;
    const sendButton = byId("chat-form", HTMLFormElement).querySelector("button");
    if (sendButton) sendButton.disabled = !enabled;
  }
}
