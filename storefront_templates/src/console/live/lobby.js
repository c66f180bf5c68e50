// The lobby: the store's open sessions, newest activity first, each with the visitor's name (or
// "Visitor"), the last message and what the store has not read. Live: `session_activity` adds,
// moves and removes rows; the open session's row shows nothing unread while it is on screen (it
// is being read: its messages are marked read as they come).

import { refocus } from "../../shared/dialog.js";
import { byId, el } from "../dom.js";
import { ago } from "./render.js";
import { visitorName } from "./words.js";

/** @typedef {import("./types").SessionSummary} SessionSummary */

export class LobbyView {
  /**
   * @param {(session: SessionSummary) => void} onOpen
   * @param {(unread: number) => void} onUnread the total the store has not read
   * @param {(sessionId: string) => boolean} reading whether this session is open on screen
   */
  constructor(onOpen, onUnread, reading) {
    this.onOpen = onOpen;
    this.onUnread = onUnread;
    this.reading = reading;
    this.list = byId("lobby-list", HTMLUListElement);
    this.empty = byId("lobby-empty", HTMLElement);
    /** @type {Map<string, SessionSummary>} */
    this.sessions = new Map();
    this.openId = "";
    setInterval(() => this.draw(), 30000); // "4 min ago" moves on
  }

  /** @param {SessionSummary[]} sessions */
  reset(sessions) {
    this.sessions = new Map(sessions.map((s) => [s.session_id, s]));
    this.draw();
  }

  /** @param {SessionSummary} session */
  upsert(session) {
    this.sessions.set(session.session_id, session);
    this.draw();
  }

  /** @param {string} sessionId */
  remove(sessionId) {
    this.sessions.delete(sessionId);
    this.draw();
  }

  /**
   * A chat line in a session (the hub tells the lobby only of the visitor's).
   * @param {string} sessionId
   * @param {string} text
   * @param {number} at
   */
  said(sessionId, text, at) {
    const s = this.sessions.get(sessionId);
    if (!s || at < s.last_activity_at) return;
    const line = text.replace(/\s+/g, " ").trim();
    this.upsert({ ...s, last_message: line.length > 80 ? `${line.slice(0, 79)}…` : line, last_activity_at: at });
  }

  /**
   * The store read this session (here, or in its open view).
   * @param {string} sessionId
   */
  read(sessionId) {
    const s = this.sessions.get(sessionId);
    if (s && s.unread) this.upsert({ ...s, unread: 0 });
  }

  /** @param {string} sessionId */
  select(sessionId) {
    this.openId = sessionId;
    this.read(sessionId);
    this.draw();
  }

  /** @param {SessionSummary} s */
  unread(s) {
    return this.reading(s.session_id) ? 0 : s.unread;
  }

  draw() {
    const focused = document.activeElement;
    const sorted = [...this.sessions.values()].sort((a, b) => b.last_activity_at - a.last_activity_at);
    const rows = sorted.map((s) => {
      const unread = this.unread(s);
      const name = visitorName(s.label);
      const row = el("button", null, {
        type: "button",
        class: unread ? "lobby-row unread" : "lobby-row",
        "data-session": s.session_id,
        "data-focus-key": `session:${s.session_id}`,
      });
      if (s.session_id === this.openId) row.setAttribute("aria-current", "true");
      const when = el("time", ago(s.last_activity_at), { datetime: new Date(s.last_activity_at * 1000).toISOString() });
      // A visitor asking for a call shows here even while another session is open.
      const preview = s.calling
        ? el("span", "Asking for a video call", { class: "preview calling" })
        : el("span", s.last_message, { class: "preview" });
      row.append(el("span", name, { class: "who" }), when, preview);
      if (unread) row.append(el("span", String(unread), { class: "badge", "aria-label": `${unread} unread` }));
      else row.append(el("span"));
      // Started from the store's own page (the talk panel): which one.
      if (s.page_url) row.append(el("span", `From your site: ${s.page_url}`, { class: "site" }));
      // Taken from the Workspace: only that agent acts in it (docs/agents.md "Taking a visitor").
      if (s.agent_id) row.append(el("span", `with ${s.agent_name || "an agent"}`, { class: "site taken" }));
      row.addEventListener("click", () => this.onOpen(s));
      const li = el("li");
      li.append(row);
      return li;
    });
    this.list.replaceChildren(...rows);
    this.list.hidden = rows.length === 0;
    this.empty.hidden = rows.length > 0;
    if (focused && !focused.isConnected) refocus(focused);
    this.onUnread(sorted.reduce((n, s) => n + this.unread(s), 0));
  }
}
